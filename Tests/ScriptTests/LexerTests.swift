// Lexer unit tests: token kinds, spans, interpolation, newline handling, error recovery.
import Testing
@testable import Script

private func lex(_ text: String) -> (kinds: [TokenKind], tokens: [Token], errors: [LexError]) {
    let (tokens, errors) = Lexer.tokenize(SourceFile(name: "t", text: text))
    return (tokens.map(\.kind), tokens, errors)
}

@Test func lexesOperatorsLongestFirst() {
    let kinds = lex("a **= b").kinds
    // `**=` is not an operator: it lexes as `**` then `=`.
    #expect(kinds == [.identifier("a"), .symbol(.starStar), .symbol(.equal), .identifier("b"), .end])
    #expect(lex("x<=y==z!=w").kinds == [.identifier("x"), .symbol(.lessEqual), .identifier("y"), .symbol(.equalEqual),
                                         .identifier("z"), .symbol(.bangEqual), .identifier("w"), .end])
    #expect(lex("s += 1").kinds == [.identifier("s"), .symbol(.plusEqual), .number(1), .end])
}

@Test func lexesNumbersKeywordsAndComments() {
    #expect(lex("1_000 2.5 1e-3 fn notx not").kinds == [
        .number(1000), .number(2.5), .number(0.001), .keyword(.fn), .identifier("notx"), .keyword(.not), .end,
    ])
    #expect(lex("x # comment\n").kinds == [.identifier("x"), .newline, .end])
    // `1.` followed by a name is a number then a member access (so `1.e` is not a float).
    #expect(lex("xs.len").kinds == [.identifier("xs"), .symbol(.dot), .identifier("len"), .end])
}

@Test func collapsesBlankLinesIntoOneNewline() {
    #expect(lex("a\n\n\n  \nb").kinds == [.identifier("a"), .newline, .identifier("b"), .end])
}

@Test func spansCountLinesAndColumns() {
    let tokens = lex("x = 1\n  yy").tokens
    #expect(tokens[0].span.line == 1 && tokens[0].span.column == 1)
    #expect(tokens[2].span.column == 5)
    let name = tokens[4]
    #expect(name.kind == .identifier("yy"))
    #expect(name.span.line == 2 && name.span.column == 3 && name.span.length == 2)
}

@Test func lineOffsetIsAddedToSpans() {
    let (tokens, _) = Lexer.tokenize(SourceFile(name: "cell", text: "a\nb", lineOffset: 10))
    #expect(tokens[0].span.line == 11)
    #expect(tokens[2].span.line == 12)
}

@Test func interpolationSplitsTheStringAroundExpressions() {
    #expect(lex(#""a\(x + 1)b\(y)c""#).kinds == [
        .interpolation("a"), .identifier("x"), .symbol(.plus), .number(1),
        .interpolationMiddle("b"), .identifier("y"), .interpolationEnd("c"), .end,
    ])
    // Parentheses inside the interpolation do not close it early.
    #expect(lex(#""\(f(1))!""#).kinds == [
        .interpolation(""), .identifier("f"), .symbol(.leftParen), .number(1), .symbol(.rightParen),
        .interpolationEnd("!"), .end,
    ])
}

@Test func escapesAreDecoded() {
    #expect(lex(#""\n\t\\\"\u{1F600}""#).kinds == [.string("\n\t\\\"\u{1F600}"), .end])
}

@Test func errorsAreCollectedAndLexingContinues() {
    let (kinds, _, errors) = lex("a $ b ` c")
    #expect(kinds == [.identifier("a"), .identifier("b"), .identifier("c"), .end])
    #expect(errors.count == 2)
    #expect(errors.first?.message == "unexpected character '$'")
    #expect(errors.first?.span.column == 3)
}

@Test func unterminatedStringIsReportedAtItsQuote() {
    let (_, _, errors) = lex("x = 1\ny = \"abc")
    #expect(errors.count == 1)
    guard case .unterminatedString(let span)? = errors.first else {
        Issue.record("expected unterminatedString, got \(errors)")
        return
    }
    #expect(span.line == 2 && span.column == 5)
    #expect(Lexer.endsInsideString(errors))
}

@Test func tokenDumpListsPositionsAndKinds() {
    let dump = Interpreter.dumpTokens("x = \"hi\"")
    #expect(dump == """
        1:1    identifier x
        1:3    symbol =
        1:5    string "hi"
        1:9    end
        """)
}
