// Resolver unit tests: where each name lives (global, slot, cell, capture) and static errors.
import Testing
@testable import Script

private func resolve(_ text: String, globals: GlobalTable = GlobalTable())
    -> (statements: [ResolvedStatement], errors: [ResolveError]) {
    let tokens = Lexer.tokenize(SourceFile(name: "t", text: text)).tokens
    let (statements, parseErrors) = Parser.parse(tokens)
    precondition(parseErrors.isEmpty, "test input must parse: \(parseErrors.map(\.message))")
    return Resolver.resolve(statements, globals: globals)
}

/// The function assigned by the first statement (`fn name …` or `name = fn …`).
private func firstFunction(_ statements: [ResolvedStatement]) -> ResolvedFunction? {
    guard case .assignVariable(_, _, _, .function(let function), _)? = statements.first else { return nil }
    return function
}

@Test func topLevelNamesAreGlobalsInOneTable() {
    let globals = GlobalTable()
    _ = resolve("a = 1\nb = a", globals: globals)
    #expect(globals.names == ["a", "b"])
    // A later run sees the same indices.
    let (statements, _) = resolve("c = b", globals: globals)
    guard case .assignVariable(.global(let target), _, _, .variable(.global(let source), _, _), _)? = statements.first else {
        Issue.record("expected a global assignment")
        return
    }
    #expect(target == 2 && source == 1)
}

@Test func parametersTakeTheFirstSlotsAndLocalsFollow() throws {
    let (statements, errors) = resolve("fn f(a, b) { c = a + b\n d = c\n return d }")
    #expect(errors.isEmpty)
    let function = try #require(firstFunction(statements))
    #expect(function.locals.map(\.name) == ["a", "b", "c", "d"])
    #expect(function.locals.map(\.slot) == [0, 1, 2, 3])
    #expect(function.locals.allSatisfy { !$0.isCaptured })
}

@Test func assignmentInsideAFunctionCreatesALocalEvenIfAGlobalExists() throws {
    let (statements, _) = resolve("x = 1\nfn f() { x = 2 }")
    guard case .assignVariable(_, _, _, .function(let function), _) = statements[1] else {
        Issue.record("expected a function")
        return
    }
    #expect(function.locals.map(\.name) == ["x"])
}

@Test func readingAnEnclosingLocalCapturesItIntoACell() throws {
    let (statements, errors) = resolve("""
        fn outer(p) {
            n = 0
            fn inner() { n += p; return n }
            return inner
        }
        """)
    #expect(errors.isEmpty)
    let outer = try #require(firstFunction(statements))
    let captured = outer.locals.filter(\.isCaptured).map(\.name)
    #expect(Set(captured) == ["n", "p"])
    // The parameter keeps its stack slot (arguments land there) and also gets a cell.
    let parameter = try #require(outer.locals.first { $0.name == "p" })
    #expect(parameter.slot == 0 && parameter.cellIndex >= 0)
    guard case .assignVariable(_, _, _, .function(let inner), _) = outer.body[1] else {
        Issue.record("expected inner function")
        return
    }
    #expect(inner.captures.count == 2)
    #expect(inner.locals.isEmpty, "n += p rebinds the enclosing n rather than making a local")
}

@Test func capturesThreadThroughIntermediateFunctions() throws {
    let (statements, _) = resolve("fn a() { v = 1\n fn b() { fn c() { v } \n return c }\n return b }")
    let outer = try #require(firstFunction(statements))
    guard case .assignVariable(_, _, _, .function(let middle), _) = outer.body[1],
          case .assignVariable(_, _, _, .function(let inner), _) = middle.body[0] else {
        Issue.record("expected nested functions")
        return
    }
    guard case .upvalue(0)? = inner.captures.first, case .local(let variable)? = middle.captures.first else {
        Issue.record("c should capture b's capture 0, which captures a's local")
        return
    }
    #expect(variable.name == "v")
}

@Test func staticErrorsAreAllReported() {
    let (_, errors) = resolve("return 1\nbreak\nfn f(a, a) { continue }\nfor i in xs { fn g() { break } }")
    #expect(errors.map(\.message) == [
        "'return' outside a function", "'break' outside a loop", "parameter 'a' appears twice",
        "'continue' outside a loop", "'break' outside a loop",
    ])
}

@Test func trailingExpressionsBecomeReturns() throws {
    let (statements, _) = resolve("fn f(x) { if x { 1 } else { 2 } }")
    let function = try #require(firstFunction(statements))
    guard case .ifStatement(_, let thenBranch, let elseBranch, _) = function.body[0],
          case .returnStatement(.some) = thenBranch[0], case .returnStatement(.some) = elseBranch[0] else {
        Issue.record("both branches should return their value")
        return
    }
}
