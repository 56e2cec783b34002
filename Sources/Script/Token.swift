// Tokens: what the lexer produces and the parser consumes.

/// Reserved words.
public enum Keyword: String, Sendable, CaseIterable {
    case fn, `return`, `if`, `else`, `while`, `for`, `in`, `break`, `continue`
    case `true`, `false`, `nil`, and, or, not
}

/// Punctuation and operators, longest first where one is a prefix of another.
public enum Symbol: String, Sendable, CaseIterable {
    case starStar = "**", equalEqual = "==", bangEqual = "!=", lessEqual = "<=", greaterEqual = ">="
    case plusEqual = "+=", minusEqual = "-=", starEqual = "*=", slashEqual = "/="
    case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]"
    case leftBrace = "{", rightBrace = "}", comma = ",", dot = ".", colon = ":", semicolon = ";"
    case plus = "+", minus = "-", star = "*", slash = "/", percent = "%", at = "@"
    case equal = "=", less = "<", greater = ">"
}

/// The kind of a token, with its literal value.
public enum TokenKind: Equatable, Sendable {
    case number(Double)
    /// A whole string literal, or the last piece of an interpolated one.
    case string(String)
    /// A string piece followed by `\(`: the interpolated expression's tokens come next.
    case interpolation(String)
    /// After `)` closes an interpolation: a piece followed by another `\(`.
    case interpolationMiddle(String)
    /// After `)` closes an interpolation: the last piece, up to the closing quote.
    case interpolationEnd(String)
    case identifier(String)
    case keyword(Keyword)
    case symbol(Symbol)
    /// The end of a line (a statement terminator unless inside brackets).
    case newline
    case end
}

/// A token and where it is.
public struct Token: Sendable {
    public let kind: TokenKind
    public let span: SourceSpan
    /// The exact source text.
    public let lexeme: String

    /// How the token is named in "found …" messages.
    public var displayName: String {
        switch kind {
        case .newline: return "end of line"
        case .end: return "end of input"
        case .string, .interpolation: return "string"
        case .interpolationMiddle, .interpolationEnd: return "')' closing the interpolation"
        case .number: return "number \(lexeme)"
        case .identifier(let name): return "name '\(name)'"
        case .keyword(let keyword): return "'\(keyword.rawValue)'"
        case .symbol(let symbol): return "'\(symbol.rawValue)'"
        }
    }
}
