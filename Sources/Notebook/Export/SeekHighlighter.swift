// A small Seek syntax highlighter for the HTML export: keywords, literals, strings, numbers, comments.

/// Turns Seek code into HTML with `<span class="…">` around tokens; everything else is escaped text.
///
/// Classes: `kw` keywords, `lit` true/false/nil, `str` strings (interpolations included), `num`
/// numbers, `com` comments, `call` a name followed by "(". It is a scanner, not the Seek lexer:
/// it never fails, so code with a syntax error still shows.
public enum SeekHighlighter {
    /// Seek's keywords (DESIGN.md, "The Seek language").
    public static let keywords: Set<String> = [
        "fn", "return", "if", "else", "for", "in", "while", "break", "continue", "and", "or", "not",
    ]
    /// Literal words.
    public static let literals: Set<String> = ["true", "false", "nil"]

    /// The highlighted HTML for `code` (no surrounding `<pre>`).
    public static func html(_ code: String) -> String {
        let characters = Array(code)
        var output = ""
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "#" {
                let end = characters[index...].firstIndex(of: "\n") ?? characters.count
                output += span("com", String(characters[index..<end]))
                index = end
            } else if character == "\"" {
                let end = stringEnd(characters, from: index)
                output += span("str", String(characters[index..<end]))
                index = end
            } else if character.isASCII && character.isNumber {
                let end = numberEnd(characters, from: index)
                output += span("num", String(characters[index..<end]))
                index = end
            } else if character.isLetter || character == "_" {
                var end = index
                while end < characters.count && (characters[end].isLetter || characters[end].isNumber || characters[end] == "_") {
                    end += 1
                }
                let word = String(characters[index..<end])
                if keywords.contains(word) {
                    output += span("kw", word)
                } else if literals.contains(word) {
                    output += span("lit", word)
                } else if end < characters.count && characters[end] == "(" {
                    output += span("call", word)
                } else {
                    output += escape(word)
                }
                index = end
            } else {
                output += escape(String(character))
                index += 1
            }
        }
        return output
    }

    /// Escapes text for HTML element content and attribute values.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    // MARK: - Scanning

    private static func span(_ cssClass: String, _ text: String) -> String {
        "<span class=\"\(cssClass)\">\(escape(text))</span>"
    }

    /// The index after a string's closing quote, skipping escapes and `\( … )` interpolations
    /// (which may hold quotes of their own); the end of the code when it is unterminated.
    private static func stringEnd(_ characters: [Character], from start: Int) -> Int {
        var index = start + 1
        while index < characters.count {
            switch characters[index] {
            case "\"":
                return index + 1
            case "\\" where index + 1 < characters.count && characters[index + 1] == "(":
                index += 2
                var depth = 1
                while index < characters.count && depth > 0 {
                    switch characters[index] {
                    case "(": depth += 1
                    case ")": depth -= 1
                    case "\"": index = stringEnd(characters, from: index) - 1
                    default: break
                    }
                    index += 1
                }
            case "\\":
                index += 2
            default:
                index += 1
            }
        }
        return characters.count
    }

    /// The index after a number: digits, an optional fraction, an optional exponent.
    private static func numberEnd(_ characters: [Character], from start: Int) -> Int {
        func isDigit(_ position: Int) -> Bool {
            position < characters.count && characters[position].isASCII && characters[position].isNumber
        }
        var index = start
        while isDigit(index) { index += 1 }
        if index < characters.count && characters[index] == "." && isDigit(index + 1) {
            index += 1
            while isDigit(index) { index += 1 }
        }
        if index < characters.count && (characters[index] == "e" || characters[index] == "E") {
            var exponent = index + 1
            if exponent < characters.count && (characters[exponent] == "+" || characters[exponent] == "-") { exponent += 1 }
            if isDigit(exponent) {
                index = exponent
                while isDigit(index) { index += 1 }
            }
        }
        return index
    }
}
