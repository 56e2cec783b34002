// Interpreter API tests: running, echo values, output capture, globals, natives, reset.
import Testing
@testable import Script

/// An interpreter with the standard library whose `print` output is collected.
final class Harness {
    let interpreter = Interpreter()
    var output = ""

    init() {
        StandardLibrary.install(into: interpreter)
        interpreter.output = { [unowned self] text in self.output += text }
    }

    /// Runs source and returns the echo value's repr (or nil).
    @discardableResult
    func run(_ source: String) throws -> String? {
        try interpreter.run(source, file: "test.seek")?.repr
    }

    /// Runs source that must fail; returns the error.
    func failure(_ source: String) -> ScriptError? {
        do {
            _ = try interpreter.run(source, file: "test.seek")
            return nil
        } catch {
            return error
        }
    }

    /// What a program printed in a fresh interpreter, or that and its first error with where it
    /// was reported: what the fast-path tests compare between two spellings of one program.
    static func outcome(_ source: String, in harness: Harness = Harness()) -> String {
        do {
            _ = try harness.interpreter.run(source, file: "test.seek")
            return harness.output
        } catch {
            guard let first = error.diagnostics.first else { return harness.output + "error" }
            return harness.output + "error \(first.span.line):\(first.span.column): \(first.message)"
        }
    }
}

@Test func finalExpressionIsEchoedAndPrintGoesToTheSink() throws {
    let harness = Harness()
    #expect(try harness.run("x = 2\nx * 3") == "6")
    #expect(try harness.run("print(\"hi\", 1.5)") == nil)
    #expect(harness.output == "hi 1.5\n")
    #expect(try harness.run("\"quoted\"") == "\"quoted\"")
    #expect(try harness.run("nil") == nil)
}

@Test func globalsPersistAcrossRunsAndResetForgetsThem() throws {
    let harness = Harness()
    try harness.run("answer = 42")
    #expect(try harness.run("answer") == "42")
    #expect(harness.interpreter.globalNames.contains("answer"))
    #expect(harness.interpreter.userGlobalNames == ["answer"])
    harness.interpreter.reset()
    #expect(harness.interpreter.global("answer") == nil)
    #expect(harness.interpreter.global("print") != nil)
    #expect(harness.failure("answer")?.message.contains("undefined variable 'answer'") == true)
}

@Test func nativeFunctionReceivesPositionalAndNamedArguments() throws {
    let harness = Harness()
    harness.interpreter.define("scale", help: "scale(x, by=2): x times by.\n  scale(3, by=4)") { arguments in
        try arguments.rejectUnknownNames(["by"])
        let x = try arguments.number(at: 0, named: "x")
        let factor = try arguments.number(at: 1, named: "by", default: 2)
        return .number(x * factor)
    }
    #expect(try harness.run("scale(3)") == "6")
    #expect(try harness.run("scale(3, by=4)") == "12")
    let typo = harness.failure("scale(3, bye=4)")
    #expect(typo?.message == "scale() has no parameter 'bye'; did you mean 'by'?")
    let wrongType = harness.failure("scale(\"a\")")
    #expect(wrongType?.message == "scale() expects 'x' to be a number, got string \"a\"")
    #expect(wrongType?.diagnostics.first?.span.column == 1)
}

@Test func lineOffsetShiftsReportedLines() {
    let harness = Harness()
    let error = harness.failure("x = 1\ny = missing")
    #expect(error?.diagnostics.first?.span.line == 2)
    do {
        _ = try harness.interpreter.run("x = 1\ny = missing", file: "lesson.md", lineOffset: 40)
        Issue.record("expected an error")
    } catch {
        #expect(error.diagnostics.first?.span.line == 42)
        #expect(error.description.hasPrefix("lesson.md:42:5: error: undefined variable 'missing'"))
        #expect(error.description.contains(" 42 | y = missing"))
    }
}

@Test func seekFunctionsCanBeCalledFromSwiftBetweenRuns() throws {
    let harness = Harness()
    try harness.run("fn area(w, h) { w * h }")
    let area = try #require(harness.interpreter.global("area"))
    let value = try harness.interpreter.call(area, [.number(3)], named: [("h", .number(4))])
    #expect(value.repr == "12")
    #expect(throws: RuntimeError.self) { try harness.interpreter.call(area, [.number(1)]) }
}

@Test func syntaxDumpReportsSyntaxErrors() {
    #expect(throws: ScriptError.self) { try Interpreter.dumpSyntax("x = (") }
    #expect((try? Interpreter.dumpSyntax("x = 1 + 2")) == "assign x = (+ 1 2)")
}

@Test func helpWithoutArgumentsListsGlobalsWithSummaries() throws {
    let harness = Harness()
    try harness.run("help()")
    #expect(harness.output.hasPrefix("Globals (help(\"name\") for details):\n"))
    let lenLine = harness.output.split(separator: "\n").first { $0.hasPrefix("  len ") }
    #expect(lenLine?.hasSuffix("len(x): the number of elements of a list, dict, string, range or object.") == true)
}

@Test func globalStorageGrowsPastItsInitialSize() throws {
    let harness = Harness()
    // 5000 distinct globals outgrow the initial 4096-entry buffer; earlier ones keep their values.
    let source = (0..<5_000).map { "g\($0) = \($0)" }.joined(separator: "\n")
    try harness.run("first = 1\nfn readFirst() { first }")
    try harness.run(source)
    #expect(try harness.run("g4999 + g0 + readFirst()") == "5000")
    harness.interpreter.define("late", .number(7))
    #expect(try harness.run("late") == "7")
}
