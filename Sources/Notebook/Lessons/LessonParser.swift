// Splits lesson Markdown into prose and ```seek cells, following CommonMark's fence rules.

// MARK: - Parser

/// Parses lesson Markdown: the first `# ` heading is the title, ```seek fences are cells.
///
/// Fences follow CommonMark: up to three spaces of indent, three or more backticks or tildes, and
/// a closer of the same character at least as long, with nothing after it. So a ````seek fence may
/// hold ``` lines, and fences of other languages stay prose. An unclosed fence is an error naming
/// its line, because silently swallowing the rest of a lesson hides the mistake.
public enum LessonParser {
    /// The info-string word that marks a cell.
    public static let cellLanguage = "seek"
    /// The second info-string word of an exercise cell: ```` ```seek exercise ````.
    public static let exerciseRole = "exercise"
    /// The second info-string word of the fence holding an exercise's reference solution.
    public static let solutionRole = "solution"

    /// Parses `text`; `path` is used in error messages and kept as `Lesson.path`.
    public static func parse(_ text: String, path: String) throws -> Lesson {
        let lines = splitKeepingTerminators(text)
        var blocks: [LessonBlock] = []
        var prose = ""
        var proseFirstLine = 1
        var cellCount = 0
        var index = 0

        func flushProse(nextLine: Int) {
            if !prose.isEmpty { blocks.append(.prose(ProseBlock(text: prose, firstLine: proseFirstLine))) }
            prose = ""
            proseFirstLine = nextLine
        }

        while index < lines.count {
            let line = lines[index]
            let lineNumber = index + 1
            guard let opening = Fence(opening: line) else {
                if prose.isEmpty { proseFirstLine = lineNumber }
                prose += line
                index += 1
                continue
            }
            // Find the closer.
            var closerIndex: Int?
            var scan = index + 1
            while scan < lines.count {
                if opening.isClosed(by: lines[scan]) { closerIndex = scan; break }
                scan += 1
            }
            guard let closer = closerIndex else {
                throw LessonError.unclosedFence(path: path, line: lineNumber, fence: opening.marker)
            }
            if opening.language == cellLanguage {
                if opening.role == solutionRole {
                    throw LessonError.solutionWithoutExercise(path: path, line: lineNumber)
                }
                flushProse(nextLine: closer + 2)
                cellCount += 1
                var cell = LessonCell(number: cellCount, code: opening.content(of: lines[(index + 1)..<closer]),
                                      firstLine: lineNumber + 1)
                if opening.role == exerciseRole {
                    let found = try solution(after: closer, in: lines, path: path, exerciseLine: lineNumber)
                    cell.solution = found.solution
                    index = found.end + 1
                } else {
                    index = closer + 1
                }
                blocks.append(.cell(cell))
                proseFirstLine = index + 1
                continue
            } else {
                if prose.isEmpty { proseFirstLine = lineNumber }
                prose += lines[index...closer].joined()
            }
            index = closer + 1
        }
        flushProse(nextLine: lines.count + 1)

        guard let title = findTitle(in: blocks) else { throw LessonError.missingTitle(path: path) }
        return Lesson(path: path, title: title, summary: findSummary(in: blocks), blocks: blocks)
    }

    // MARK: - Exercises

    /// The ```seek solution fence after the exercise that closed on `exerciseCloser`, and the
    /// last line it takes. Only blank lines and an opening `<details>`/`<summary>` line may come
    /// between (so a lesson can fold its solutions away on GitHub); the `</details>` that closes
    /// such a fold is taken too, so neither shows as prose.
    static func solution(after exerciseCloser: Int, in lines: [String], path: String,
                         exerciseLine: Int) throws -> (solution: LessonCell.Solution, end: Int) {
        var scan = exerciseCloser + 1
        var folded = false
        while scan < lines.count {
            let trimmed = stripTerminator(lines[scan]).trimmingWhitespace()
            if trimmed.hasPrefix("<details") || trimmed.hasPrefix("<summary") {
                folded = true
            } else if !trimmed.isEmpty {
                break
            }
            scan += 1
        }
        guard scan < lines.count, let fence = Fence(opening: lines[scan]),
              fence.language == cellLanguage, fence.role == solutionRole else {
            throw LessonError.exerciseWithoutSolution(path: path, line: exerciseLine)
        }
        guard let closer = lines[(scan + 1)...].firstIndex(where: fence.isClosed(by:)) else {
            throw LessonError.unclosedFence(path: path, line: scan + 1, fence: fence.marker)
        }
        let solution = LessonCell.Solution(code: fence.content(of: lines[(scan + 1)..<closer]), firstLine: scan + 2)
        guard folded else { return (solution, closer) }
        var end = closer + 1
        while end < lines.count, stripTerminator(lines[end]).trimmingWhitespace().isEmpty { end += 1 }
        if end < lines.count, stripTerminator(lines[end]).trimmingWhitespace() == "</details>" { return (solution, end) }
        return (solution, closer)
    }

    // MARK: - Title and summary

    /// The heading text if `line` is a level-1 ATX heading (`# Title`, optional closing #s).
    static func titleText(ofLine line: String) -> String? {
        let trimmed = stripTerminator(line)
        let indent = trimmed.prefix(while: { $0 == " " }).count
        guard indent <= 3 else { return nil }
        let rest = trimmed.dropFirst(indent)
        guard rest.hasPrefix("#") else { return nil }
        let afterHash = rest.dropFirst()
        guard afterHash.isEmpty || afterHash.first == " " || afterHash.first == "\t" else { return nil }
        var text = afterHash.trimmingWhitespace()
        // A closing sequence of #s preceded by a space is not part of the heading.
        if let lastNonHash = text.lastIndex(where: { $0 != "#" }), text[lastNonHash] == " " {
            text = String(text[..<lastNonHash]).trimmingWhitespace()
        } else if text.allSatisfy({ $0 == "#" }) {
            text = ""
        }
        return text
    }

    /// The first level-1 heading outside fences.
    static func findTitle(in blocks: [LessonBlock]) -> String? {
        for case .prose(let prose) in blocks {
            for line in proseLinesOutsideFences(prose.text) {
                if let title = titleText(ofLine: line) { return title }
            }
        }
        return nil
    }

    /// The first paragraph after the title, before any cell: headings are skipped, lines joined.
    static func findSummary(in blocks: [LessonBlock]) -> String {
        guard case .prose(let intro)? = blocks.first else { return "" }
        var seenTitle = false
        var paragraph: [String] = []
        for line in splitKeepingTerminators(intro.text).map(stripTerminator) {
            if !seenTitle {
                seenTitle = titleText(ofLine: line) != nil
                continue
            }
            let trimmed = line.trimmingWhitespace()
            let isBreak = trimmed.isEmpty || trimmed.hasPrefix("#") || Fence(opening: line) != nil
            if isBreak {
                if !paragraph.isEmpty { break }
                if Fence(opening: line) != nil { break }
                continue
            }
            paragraph.append(trimmed)
        }
        return paragraph.joined(separator: " ")
    }

    /// Prose lines that are not inside a fence of another language.
    static func proseLinesOutsideFences(_ text: String) -> [String] {
        var result: [String] = []
        var open: Fence?
        for line in splitKeepingTerminators(text) {
            if let fence = open {
                if fence.isClosed(by: line) { open = nil }
            } else if let fence = Fence(opening: line) {
                open = fence
            } else {
                result.append(line)
            }
        }
        return result
    }

    // MARK: - Lines

    /// Splits on "\n", keeping it at the end of each line; a final line without "\n" is kept.
    static func splitKeepingTerminators(_ text: String) -> [String] {
        var lines: [String] = []
        var current = ""
        for character in text {
            current.append(character)
            // "\r\n" is one Character in Swift.
            if character == "\n" || character == "\r\n" {
                lines.append(current)
                current = ""
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// The line without its "\n" or "\r\n".
    static func stripTerminator(_ line: String) -> String {
        var line = line
        while let last = line.last, last == "\n" || last == "\r\n" || last == "\r" { line.removeLast() }
        return line
    }
}

// MARK: - Fences

/// An opening code fence: its indent, character, length and language word.
struct Fence {
    let indent: Int
    let character: Character
    let length: Int
    let language: String
    /// The info string's second word (`exercise`, `solution`), or nil.
    let role: String?

    /// The fence characters as written, e.g. "````".
    var marker: String { String(repeating: character, count: length) }

    /// Recognises an opening fence line, or returns nil.
    init?(opening rawLine: String) {
        let line = LessonParser.stripTerminator(rawLine)
        let indent = line.prefix(while: { $0 == " " }).count
        guard indent <= 3 else { return nil }
        let rest = line.dropFirst(indent)
        guard let character = rest.first, character == "`" || character == "~" else { return nil }
        let length = rest.prefix(while: { $0 == character }).count
        guard length >= 3 else { return nil }
        let info = rest.dropFirst(length).trimmingWhitespace()
        // CommonMark: a backtick fence's info string may not contain backticks (that is inline code).
        if character == "`" && info.contains("`") { return nil }
        self.indent = indent
        self.character = character
        self.length = length
        let words = info.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        self.language = words.first ?? ""
        self.role = words.dropFirst().first
    }

    /// The content lines between this fence and its closer as cell code: indent removed, lines
    /// joined by "\n", no trailing newline.
    func content(of lines: ArraySlice<String>) -> String {
        lines.map { removingIndent(from: LessonParser.stripTerminator($0)) }.joined(separator: "\n")
    }

    /// True when `rawLine` closes this fence: same character, at least as long, nothing after.
    func isClosed(by rawLine: String) -> Bool {
        let line = LessonParser.stripTerminator(rawLine)
        let indent = line.prefix(while: { $0 == " " }).count
        guard indent <= 3 else { return false }
        let rest = line.dropFirst(indent)
        let run = rest.prefix(while: { $0 == character }).count
        return run >= length && rest.dropFirst(run).allSatisfy { $0 == " " || $0 == "\t" }
    }

    /// Removes up to the fence's indent of leading spaces from a content line (CommonMark).
    func removingIndent(from line: String) -> String {
        let spaces = min(indent, line.prefix(while: { $0 == " " }).count)
        return String(line.dropFirst(spaces))
    }
}

// MARK: - String helpers

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and line breaks.
    func trimmingWhitespace() -> String {
        let characters = Array(self)
        guard let start = characters.firstIndex(where: { !$0.isWhitespace }),
              let end = characters.lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(characters[start...end])
    }
}
