// Lexer: source text -> tokens. Never throws; collects errors and keeps going.

/// Splits source text into tokens.
public struct Lexer {
    private let file: SourceFile
    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var line = 1
    private var lineStart = 0
    private var tokens: [Token] = []
    private var errors: [LexError] = []
    /// Open `(`/`[`/`{` count, so `)` can tell whether it closes an interpolation.
    private var bracketDepth = 0
    /// For each open `\(`: the bracket depth at which it opened and the quote that ends its string.
    private var interpolations: [(depth: Int, quote: Unicode.Scalar, span: SourceSpan)] = []

    /// Creates a lexer over a source.
    public init(_ file: SourceFile) {
        self.file = file
        self.scalars = Array(file.text.unicodeScalars)
    }

    /// Lexes everything; the last token is always `.end`.
    public static func tokenize(_ file: SourceFile) -> (tokens: [Token], errors: [LexError]) {
        var lexer = Lexer(file)
        lexer.run()
        return (lexer.tokens, lexer.errors)
    }

    /// True when the input ended inside a string or interpolation (the REPL should ask for more).
    static func endsInsideString(_ errors: [LexError]) -> Bool {
        errors.contains {
            if case .unterminatedString = $0 { return true }
            if case .unterminatedInterpolation = $0 { return true }
            return false
        }
    }

    // MARK: - Scanning

    private mutating func run() {
        while true {
            skipSpacesAndComments()
            guard let scalar = peek() else { break }
            let start = position
            if scalar == "\n" {
                if case .newline? = tokens.last?.kind {} else { add(.newline, from: start) }
                advance()
                continue
            }
            if isDigit(scalar) {
                number(from: start)
            } else if isIdentifierStart(scalar) {
                while let next = peek(), isIdentifierStart(next) || isDigit(next) { advance() }
                let text = String(String.UnicodeScalarView(scalars[start..<position]))
                add(Keyword(rawValue: text).map(TokenKind.keyword) ?? .identifier(text), from: start)
            } else if scalar == "\"" || scalar == "'" {
                advance()
                string(quote: scalar, from: start)
            } else {
                symbol(from: start)
            }
        }
        if let open = interpolations.first {
            errors.append(.unterminatedInterpolation(open.span))
        }
        // "Unexpected end of input" points at the end of the last line, not at an empty line after it.
        if let last = tokens.last, last.kind == .newline {
            tokens.append(Token(kind: .end, span: last.span, lexeme: ""))
        } else {
            add(.end, from: position)
        }
    }

    private mutating func skipSpacesAndComments() {
        while let scalar = peek() {
            if scalar == " " || scalar == "\t" || scalar == "\r" {
                advance()
            } else if scalar == "#" {
                while let next = peek(), next != "\n" { advance() }
            } else {
                return
            }
        }
    }

    // number -> digits ( "." digits )? ( ("e" | "E") ("+" | "-")? digits )?     (digits may contain "_")
    private mutating func number(from start: Int) {
        func digits() { while let next = peek(), isDigit(next) || next == "_" { advance() } }
        digits()
        if peek() == ".", let after = peek(1), isDigit(after) {
            advance()
            digits()
        }
        if peek() == "e" || peek() == "E" {
            let mark = position
            advance()
            if peek() == "+" || peek() == "-" { advance() }
            if let next = peek(), isDigit(next) {
                digits()
            } else {
                position = mark
                let text = String(String.UnicodeScalarView(scalars[start...mark]))
                advance()
                errors.append(.malformedNumber(text, span(from: start, length: position - start)))
                return
            }
        }
        let text = String(String.UnicodeScalarView(scalars[start..<position]))
        if let value = Double(text.replacingOccurrences(of: "_", with: "")) {
            add(.number(value), from: start)
        } else {
            errors.append(.malformedNumber(text, span(from: start, length: position - start)))
        }
    }

    // string -> quote ( character | escape | "\(" expression ")" )* quote
    private mutating func string(quote: Unicode.Scalar, from start: Int, resuming: Bool = false) {
        var text = String.UnicodeScalarView()
        let startLine = line
        let startColumn = start - lineStart + 1
        while let scalar = peek() {
            if scalar == quote {
                advance()
                let piece = String(text)
                add(resuming ? .interpolationEnd(piece) : .string(piece), from: start, line: startLine, column: startColumn)
                return
            }
            if scalar == "\\" {
                let escapeStart = position
                advance()
                guard let escaped = peek() else { break }
                advance()
                switch escaped {
                case "n": text.append("\n")
                case "t": text.append("\t")
                case "r": text.append("\r")
                case "0": text.append("\0")
                case "\\", "\"", "'": text.append(escaped)
                case "(":
                    let piece = String(text)
                    add(resuming ? .interpolationMiddle(piece) : .interpolation(piece), from: start,
                        line: startLine, column: startColumn)
                    interpolations.append((bracketDepth, quote, span(from: escapeStart, length: 2)))
                    return
                case "u":
                    if let unicode = unicodeEscape() {
                        text.append(unicode)
                    } else {
                        errors.append(.invalidEscape("u", span(from: escapeStart, length: position - escapeStart)))
                    }
                default:
                    errors.append(.invalidEscape(String(escaped), span(from: escapeStart, length: 2)))
                }
                continue
            }
            advance()
            text.append(scalar)
        }
        // A string left open inside `\(` usually means the `)` is missing: report that instead.
        if let open = interpolations.last {
            interpolations.removeAll()
            errors.append(.unterminatedInterpolation(open.span))
        } else {
            errors.append(.unterminatedString(SourceSpan(file: file, line: startLine + file.lineOffset,
                                                         column: startColumn, length: 1)))
        }
    }

    /// Reads `{hex}` after `\u`.
    private mutating func unicodeEscape() -> Unicode.Scalar? {
        guard peek() == "{" else { return nil }
        advance()
        var hex = ""
        while let next = peek(), next != "}", next != "\n", hex.count < 8 {
            hex.unicodeScalars.append(next)
            advance()
        }
        guard peek() == "}" else { return nil }
        advance()
        return UInt32(hex, radix: 16).flatMap(Unicode.Scalar.init)
    }

    private mutating func symbol(from start: Int) {
        for symbol in Symbol.allCases where matches(symbol.rawValue) {
            position += symbol.rawValue.unicodeScalars.count
            switch symbol {
            case .leftParen, .leftBracket, .leftBrace: bracketDepth += 1
            case .rightParen:
                if let open = interpolations.last, open.depth == bracketDepth {
                    // This `)` closes `\(`: resume the string it interrupted.
                    interpolations.removeLast()
                    string(quote: open.quote, from: start, resuming: true)
                    return
                }
                bracketDepth = max(0, bracketDepth - 1)
            case .rightBracket, .rightBrace: bracketDepth = max(0, bracketDepth - 1)
            default: break
            }
            add(.symbol(symbol), from: start)
            return
        }
        advance()
        errors.append(.unexpectedCharacter(String(scalars[start]), span(from: start, length: 1)))
    }

    // MARK: - Helpers

    private func matches(_ text: String) -> Bool {
        var index = position
        for scalar in text.unicodeScalars {
            guard index < scalars.count, scalars[index] == scalar else { return false }
            index += 1
        }
        return true
    }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        position + ahead < scalars.count ? scalars[position + ahead] : nil
    }

    private mutating func advance() {
        if scalars[position] == "\n" {
            line += 1
            lineStart = position + 1
        }
        position += 1
    }

    private func span(from start: Int, length: Int) -> SourceSpan {
        SourceSpan(file: file, line: line + file.lineOffset, column: start - lineStart + 1, length: max(1, length))
    }

    private mutating func add(_ kind: TokenKind, from start: Int, line tokenLine: Int? = nil, column: Int? = nil) {
        let lexeme = String(String.UnicodeScalarView(scalars[start..<max(start, position)]))
        let tokenLine = tokenLine ?? line
        let column = column ?? (start - lineStart + 1)
        // Tokens spanning lines (multi-line strings) are underlined to the end of their first line.
        let length = tokenLine == line ? position - start : max(1, (lexeme.unicodeScalars.firstIndex(of: "\n")
            .map { lexeme.unicodeScalars.distance(from: lexeme.unicodeScalars.startIndex, to: $0) }) ?? 1)
        tokens.append(Token(kind: kind, span: SourceSpan(file: file, line: tokenLine + file.lineOffset,
                                                         column: column, length: max(1, length)),
                            lexeme: lexeme))
    }

    private func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar >= "0" && scalar <= "9" }

    private func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || scalar == "_"
            || (scalar.value > 127 && scalar.properties.isAlphabetic)
    }
}
