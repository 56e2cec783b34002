// Lesson prose for a terminal: headings, **bold**, `code`, lists and links styled with ANSI
// escapes, or the same layout as plain text when the output is a pipe.

// MARK: - Style

/// How the stepper styles what it shows: ANSI escapes in a terminal, plain text in a pipe.
public struct TerminalStyle: Sendable, Equatable {
    /// True for ANSI escapes.
    public var color: Bool

    /// Creates a style.
    public init(color: Bool) { self.color = color }

    /// Plain text.
    public static let plain = TerminalStyle(color: false)
    /// ANSI escapes.
    public static let ansi = TerminalStyle(color: true)

    /// ANSI when the output is a terminal and `NO_COLOR` is not set to a non-empty value
    /// (no-color.org), else plain.
    public static func detect(outputIsTerminal: Bool, environment: [String: String]) -> TerminalStyle {
        TerminalStyle(color: outputIsTerminal && (environment["NO_COLOR"] ?? "").isEmpty)
    }

    // Each style switches itself off with its own code (not a full reset), so styles nest:
    // `code` inside **bold** stays bold after the code ends.
    func bold(_ text: String) -> String { wrap(text, "1", "22") }
    func dim(_ text: String) -> String { wrap(text, "2", "22") }
    func italic(_ text: String) -> String { wrap(text, "3", "23") }
    func underline(_ text: String) -> String { wrap(text, "4", "24") }
    func cyan(_ text: String) -> String { wrap(text, "36", "39") }
    func red(_ text: String) -> String { wrap(text, "31", "39") }
    func green(_ text: String) -> String { wrap(text, "32", "39") }

    private func wrap(_ text: String, _ on: String, _ off: String) -> String {
        color && !text.isEmpty ? "\u{1B}[\(on)m\(text)\u{1B}[\(off)m" : text
    }
}

// MARK: - Rendering

/// Renders lesson Markdown (the subset lessons use) for a terminal.
///
/// Block level: ATX headings (bold; levels 1–2 also underlined), `-`/`*`/`+` items as "•",
/// numbered items, `>` quotes with a bar, rules, fences of other languages indented by four
/// spaces, and lines that are only HTML tags (`<details>`, `</details>`) dropped. Inline:
/// `code` (cyan; backticks kept in plain text, where they still mark code), **bold**, *italic*,
/// [links](url) as "text (url)", backslash escapes. Lines keep their breaks: lessons are
/// hard-wrapped as they should read.
public enum TerminalMarkdown {
    /// The rendered text, lines joined by "\n" (no trailing newline added).
    public static func render(_ markdown: String, style: TerminalStyle) -> String {
        var output: [String] = []
        var openFence: Fence?
        for rawLine in LessonParser.splitKeepingTerminators(markdown) {
            let line = LessonParser.stripTerminator(rawLine)
            if let fence = openFence {
                if fence.isClosed(by: line) { openFence = nil } else { output.append("    " + style.dim(fence.removingIndent(from: line))) }
                continue
            }
            if let fence = Fence(opening: line) {
                openFence = fence
                continue
            }
            if let rendered = block(line, style: style) { output.append(rendered) }
        }
        return output.joined(separator: "\n")
    }

    /// One line outside fences; nil when the line shows nothing (an HTML tag line).
    static func block(_ line: String, style: TerminalStyle) -> String? {
        let indent = String(line.prefix(while: { $0 == " " }))
        let body = line.dropFirst(indent.count)
        if isTagOnly(body) { return nil }
        if let (level, text) = heading(body) {
            let rendered = inline(text, style: style)
            return level <= 2 ? style.underline(style.bold(rendered)) : style.bold(rendered)
        }
        if body.count >= 3, let first = body.first, "-*_".contains(first),
           body.allSatisfy({ $0 == first || $0 == " " }) {
            return style.dim(String(repeating: "─", count: 40))
        }
        if let marker = body.first, "-*+".contains(marker), body.dropFirst().first == " " {
            return indent + "• " + inline(String(body.dropFirst(2)), style: style)
        }
        let digits = body.prefix(while: { $0.isASCII && $0.isNumber })
        if !digits.isEmpty, digits.count <= 9, let after = body.dropFirst(digits.count).first, after == "." || after == ")",
           body.dropFirst(digits.count + 1).first == " " {
            return indent + digits + ". " + inline(String(body.dropFirst(digits.count + 2)), style: style)
        }
        if body.hasPrefix(">") {
            let quoted = body.dropFirst().drop(while: { $0 == " " })
            return indent + style.dim("│ ") + inline(String(quoted), style: style)
        }
        return indent + inline(String(body), style: style)
    }

    /// (level, text) for an ATX heading line, closing #s removed.
    static func heading(_ line: Substring) -> (Int, String)? {
        let level = line.prefix(while: { $0 == "#" }).count
        guard (1 ... 6).contains(level) else { return nil }
        let rest = line.dropFirst(level)
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        var text = rest.trimmingWhitespace()
        if let lastNonHash = text.lastIndex(where: { $0 != "#" }), text[lastNonHash] == " ", text.hasSuffix("#") {
            text = String(text[..<lastNonHash]).trimmingWhitespace()
        }
        return (level, text)
    }

    /// True for a line made only of HTML tags, such as `<details><summary>Solution</summary>`…
    /// minus the summary's words, which are kept out too: the fold means nothing in a terminal.
    static func isTagOnly(_ line: Substring) -> Bool {
        let trimmed = line.trimmingWhitespace()
        guard trimmed.hasPrefix("<"), trimmed.hasSuffix(">") else { return false }
        let tags = ["details", "summary", "/details", "/summary", "div", "/div", "br", "br/", "p", "/p"]
        var rest = Substring(trimmed)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { return false }
            let name = rest[rest.index(after: open)..<close].split(separator: " ").first.map(String.init) ?? ""
            guard tags.contains(name.lowercased()) else { return false }
            rest = rest[rest.index(after: close)...]
            // Text between tags is allowed only inside <summary>…</summary>.
            if name.lowercased() == "summary", let end = rest.range(of: "</summary>") {
                rest = rest[end.lowerBound...]
            } else if !rest.prefix(while: { $0 != "<" }).allSatisfy(\.isWhitespace) {
                return false
            }
        }
        return true
    }

    // MARK: - Inline

    /// Inline Markdown in one line of text.
    static func inline(_ text: String, style: TerminalStyle) -> String {
        let characters = Array(text)
        var output = ""
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "\\", index + 1 < characters.count, characters[index + 1].isASCII,
               characters[index + 1].isPunctuation || characters[index + 1].isSymbol {
                output.append(characters[index + 1])
                index += 2
            } else if character == "`", let (content, run, end) = codeSpan(characters, at: index) {
                let fence = String(repeating: "`", count: run)
                output += style.color ? style.cyan(content) : fence + content + fence
                index = end
            } else if let (content, end) = delimited(characters, at: index, by: "**") ?? delimited(characters, at: index, by: "__") {
                output += style.bold(inline(content, style: style))
                index = end
            } else if character == "*", let (content, end) = delimited(characters, at: index, by: "*") {
                output += style.italic(inline(content, style: style))
                index = end
            } else if character == "!" || character == "[", let (label, url, end) = link(characters, at: index) {
                output += character == "!"
                    ? style.dim("[image: \(label)]")
                    : style.underline(inline(label, style: style)) + style.dim(" (\(url))")
                index = end
            } else {
                output.append(character)
                index += 1
            }
        }
        return output
    }

    /// A code span starting at `index`: its content (one surrounding space stripped, as
    /// CommonMark does when both ends have one), the backtick run's length, and the index after it.
    static func codeSpan(_ characters: [Character], at index: Int) -> (String, Int, Int)? {
        var run = 0
        while index + run < characters.count, characters[index + run] == "`" { run += 1 }
        var scan = index + run
        while scan < characters.count {
            guard characters[scan] == "`" else { scan += 1; continue }
            var closing = 0
            while scan + closing < characters.count, characters[scan + closing] == "`" { closing += 1 }
            if closing == run {
                var content = String(characters[(index + run)..<scan])
                if content.count >= 2, content.hasPrefix(" "), content.hasSuffix(" "),
                   !content.allSatisfy({ $0 == " " }) {
                    content = String(content.dropFirst().dropLast())
                }
                return (content, run, scan + closing)
            }
            scan += closing
        }
        return nil
    }

    /// Text between `delimiter` at `index` and its next occurrence, when the text neither starts
    /// nor ends with a space (so `2 * 3 * 4` stays arithmetic).
    static func delimited(_ characters: [Character], at index: Int, by delimiter: String) -> (String, Int)? {
        let marker = Array(delimiter)
        func matches(_ position: Int) -> Bool {
            position + marker.count <= characters.count && Array(characters[position..<(position + marker.count)]) == marker
        }
        guard matches(index) else { return nil }
        let start = index + marker.count
        guard start < characters.count, characters[start] != " " else { return nil }
        var scan = start + 1
        while scan < characters.count {
            if characters[scan] == "`", let (_, _, end) = codeSpan(characters, at: scan) { scan = end; continue }
            if matches(scan), characters[scan - 1] != " " {
                // A single `*` must not be the first half of a `**`.
                if marker.count == 1, scan + 1 < characters.count, characters[scan + 1] == marker[0] { scan += 2; continue }
                return (String(characters[start..<scan]), scan + marker.count)
            }
            scan += 1
        }
        return nil
    }

    /// `[label](url)` or `![alt](url)` at `index`: the label, the url, and the index after it.
    static func link(_ characters: [Character], at index: Int) -> (String, String, Int)? {
        let open = characters[index] == "!" ? index + 1 : index
        guard open < characters.count, characters[open] == "[",
              let close = characters[open...].firstIndex(of: "]"),
              close + 1 < characters.count, characters[close + 1] == "(",
              let end = characters[(close + 1)...].firstIndex(of: ")") else { return nil }
        return (String(characters[(open + 1)..<close]), String(characters[(close + 2)..<end]), end + 1)
    }
}
