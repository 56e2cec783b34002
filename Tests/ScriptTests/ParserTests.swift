// Parser unit tests: precedence (through the S-expression dumper), statements, newlines,
// recovery, nesting limits, and incomplete-input detection for the REPL.
import Testing
@testable import Script

private func parse(_ text: String) -> (statements: [Statement], errors: [ParseError]) {
    let (tokens, lexErrors) = Lexer.tokenize(SourceFile(name: "t", text: text))
    precondition(lexErrors.isEmpty, "test input must lex: \(lexErrors)")
    return Parser.parse(tokens)
}

/// The single expression statement of `text`, dumped.
private func tree(_ text: String) -> String {
    let (statements, errors) = parse(text)
    guard errors.isEmpty, statements.count == 1, case .expression(let expression) = statements[0] else {
        return "not one expression: \(errors.map(\.message))"
    }
    return SyntaxDumper.expression(expression)
}

@Test(arguments: [
    ("1 + 2 * 3", "(+ 1 (* 2 3))"),
    ("1 - 2 - 3", "(- (- 1 2) 3)"),
    ("2 ** 3 ** 2", "(** 2 (** 3 2))"),
    ("-2 ** 2", "(- (** 2 2))"),
    ("a @ b + c", "(+ (@ a b) c)"),
    ("a % b * c", "(* (% a b) c)"),
    ("not a == b", "(not (== a b))"),
    ("a or b and c", "(or a (and b c))"),
    ("a < b and c >= d", "(and (< a b) (>= c d))"),
    ("-x.y", "(- (. x y))"),
    ("f(1, k=2)(3)", "(call (call f 1 k=2) 3)"),
    ("t[:, 0]", "(index t (slice _ _) 0)"),
    ("xs[1:-1]", "(index xs (slice 1 (- 1)))"),
    ("xs[:2]", "(index xs (slice _ 2))"),
    ("m.route(x).probs[0]", "(index (. (call (. m route) x) probs) 0)"),
    ("[1, [2], {\"k\": 3}]", "(list 1 (list 2) (dict (\"k\" 3)))"),
    ("\"a\\(b)c\"", "(interpolate \"a\" b \"c\")"),
    ("fn(x) { x }(2)", "(call (fn (x) 1 statement(s)) 2)"),
])
func precedence(_ source: String, _ expected: String) {
    #expect(tree(source) == expected)
}

@Test func newlinesInsideBracketsDoNotEndStatements() {
    let (statements, errors) = parse("f(1,\n  2)\nxs = [\n1,\n2,\n]\nd = {\n\"a\": 1\n}")
    #expect(errors.isEmpty)
    #expect(statements.count == 3)
}

@Test func blocksInsideBracketsUseNewlinesAgain() {
    let source = "ys = map(fn(x) {\n  y = x * 2\n  y + 1\n}, xs)"
    let (statements, errors) = parse(source)
    #expect(errors.isEmpty)
    guard case .assignment(_, _, .call(_, let arguments, _), _)? = statements.first,
          case .function(let function) = arguments[0].value else {
        Issue.record("expected an assignment of a call with a lambda")
        return
    }
    #expect(function.body.count == 2)
}

@Test func elseMayStartTheNextLine() throws {
    let (statements, errors) = parse("if a {\n x = 1\n}\nelse if b { x = 2 }\nelse { x = 3 }")
    #expect(errors.isEmpty)
    #expect(statements.count == 1)
    let dump = try Interpreter.dumpSyntax("if a {\n x = 1\n}\nelse if b { x = 2 }\nelse { x = 3 }")
    #expect(dump == """
        if a
          assign x = 1
        else
          if b
            assign x = 2
          else
            assign x = 3
        """)
}

@Test func statementsDumpAsAnOutline() throws {
    let dump = try Interpreter.dumpSyntax("fn f(a, b) { return a }\nfor i, x in xs { break }\nx += 1")
    #expect(dump == """
        fn f(a, b)
          return a
        for i, x in xs
          break
        assign x += 1
        """)
}

@Test func recoversAndReportsEverySyntaxErrorInOnePass() {
    let (statements, errors) = parse("a = )\nb = 2\nc = (\nd = 4\ne = * 5\nprint(b)")
    #expect(errors.count == 3)
    #expect(errors.map(\.span.line) == [1, 4, 5])
    // The good statements around the errors still parse.
    #expect(statements.count == 2)
}

@Test func nestingIsLimitedInsteadOfOverflowingTheStack() {
    let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
    let errors = LargeStackParse.parse(deep).errors
    #expect(errors.contains { if case .nestingTooDeep = $0 { return true } else { return false } })
    let chain = "x = 1" + String(repeating: " + 1", count: 5_000)
    #expect(LargeStackParse.parse(chain).errors.count == 1)
    let ifs = String(repeating: "if a { ", count: 500) + String(repeating: "}", count: 500)
    #expect(LargeStackParse.parse(ifs).errors.count == 1)
    let negations = "x = " + String(repeating: "-", count: 5_000) + "1"
    #expect(LargeStackParse.parse(negations).errors.count == 1)
}

/// Parses on the interpreter's large-stack thread, as every public entry point does.
enum LargeStackParse {
    static func parse(_ text: String) -> (statements: [Statement], errors: [ParseError]) {
        let tokens = Lexer.tokenize(SourceFile(name: "t", text: text)).tokens
        return LargeStack.run { Parser.parse(tokens) }
    }
}

@Test(arguments: [
    ("if x {", true), ("fn f(a,", true), ("xs = [1,\n2", true), ("s = \"abc", true),
    ("print(\"\\(x\"", true), ("d = {", true), ("x = 1 +", true),
    ("x = 1", false), ("if x { y }", false), ("x = )", false), ("}", false),
])
func incompleteInputIsDetected(_ source: String, _ incomplete: Bool) {
    #expect(Interpreter.isIncomplete(source) == incomplete)
}

@Test func assignmentTargetsAreChecked() {
    let errors = parse("1 = x\nf() += 1\n[a] = 3").errors
    #expect(errors.count == 3)
    #expect(errors.allSatisfy { if case .invalidAssignmentTarget = $0 { return true } else { return false } })
}
