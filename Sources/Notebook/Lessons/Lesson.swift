// A parsed lesson: the Markdown split into prose and ```seek cells, with lesson line numbers.

// MARK: - Lesson

/// A lesson parsed from Markdown: its title, one-line summary, and prose and cells in order.
public struct Lesson: Sendable, Equatable {
    /// The path shown in messages, e.g. `Lessons/02-experts.md`.
    public var path: String
    /// The text of the first `# ` heading.
    public var title: String
    /// The first prose paragraph after the title, joined into one line ("" when there is none).
    public var summary: String
    /// Prose and cells in the order they appear in the file.
    public var blocks: [LessonBlock]

    /// Creates a lesson from already-split blocks (the parser is the usual way to get one).
    public init(path: String, title: String, summary: String, blocks: [LessonBlock]) {
        self.path = path
        self.title = title
        self.summary = summary
        self.blocks = blocks
    }

    /// The file name without folder and extension, e.g. "02-experts": names output folders and exports.
    public var name: String {
        let fileName = path.split(separator: "/").last.map(String.init) ?? path
        return fileName.hasSuffix(".md") ? String(fileName.dropLast(3)) : fileName
    }

    /// The path relative to the lessons folder, e.g. `02-experts.md`: what exports show, so an
    /// exported page names no folder of the machine it was made on.
    public var fileName: String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// The cells in order; `cells[i].number == i + 1`.
    public var cells: [LessonCell] {
        blocks.compactMap { block in
            if case .cell(let cell) = block { return cell }
            return nil
        }
    }

    /// The prose shown before the first cell, without the title heading, trimmed of blank lines.
    public var introduction: String {
        var prose: [String] = []
        for block in blocks {
            guard case .prose(let text) = block else { break }
            prose.append(text.text)
        }
        return Self.trimmingBlankLines(Self.removingTitleHeading(prose.joined()))
    }

    /// The prose between cell `index - 1` and cell `index` (0-based), trimmed of blank lines.
    ///
    /// For the first cell this is the introduction.
    public func prose(beforeCellAt index: Int) -> String {
        precondition(index >= 0 && index < cells.count, "cell index \(index) out of 0..<\(cells.count)")
        if index == 0 { return introduction }
        var cellsSeen = 0
        var prose: [String] = []
        for block in blocks {
            switch block {
            case .cell:
                cellsSeen += 1
                if cellsSeen > index { return Self.trimmingBlankLines(prose.joined()) }
            case .prose(let text):
                if cellsSeen == index { prose.append(text.text) }
            }
        }
        return Self.trimmingBlankLines(prose.joined())
    }

    /// The prose after the last cell, trimmed of blank lines ("" when the lesson ends with a cell).
    public var closingProse: String {
        var prose: [String] = []
        for block in blocks.reversed() {
            guard case .prose(let text) = block else { break }
            prose.insert(text.text, at: 0)
        }
        if cells.isEmpty { return "" }
        return Self.trimmingBlankLines(prose.joined())
    }

    // MARK: - Text helpers

    /// Drops the first line that starts with `# ` (the title heading).
    static func removingTitleHeading(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let titleIndex = lines.firstIndex(where: { LessonParser.titleText(ofLine: $0) != nil }) {
            lines.remove(at: titleIndex)
        }
        return lines.joined(separator: "\n")
    }

    /// Removes leading and trailing blank lines (keeping indentation of the first kept line).
    static func trimmingBlankLines(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while let first = lines.first, first.allSatisfy(\.isWhitespace) { lines.removeFirst() }
        while let last = lines.last, last.allSatisfy(\.isWhitespace) { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}

// MARK: - Blocks

/// One piece of a lesson: prose (Markdown, including fences of other languages) or a cell.
public enum LessonBlock: Sendable, Equatable {
    /// Markdown text, exactly as in the file (including its line breaks).
    case prose(ProseBlock)
    /// A ```seek fence.
    case cell(LessonCell)
}

/// A run of Markdown lines between cells.
public struct ProseBlock: Sendable, Equatable {
    /// The lines exactly as in the file, each ending in "\n" except possibly the file's last.
    public var text: String
    /// The lesson line (1-based) of the first line.
    public var firstLine: Int

    /// Creates a prose block.
    public init(text: String, firstLine: Int) {
        self.text = text
        self.firstLine = firstLine
    }
}

/// A ```seek cell: its code and where it sits in the lesson.
///
/// An exercise cell (```` ```seek exercise ````) holds the starting code the learner completes,
/// and the reference solution from the ```` ```seek solution ```` fence that follows it.
public struct LessonCell: Sendable, Equatable {
    /// 1-based position among the lesson's cells, as shown to people ("cell 4 of 12").
    public var number: Int
    /// The code between the fences, lines joined by "\n", no trailing newline ("" for an empty cell).
    /// For an exercise, the starting code shown to the learner.
    public var code: String
    /// The lesson line (1-based) where the code starts: the line after the opening fence.
    public var firstLine: Int
    /// An exercise's reference solution (nil for an ordinary cell).
    public var solution: Solution?

    /// The reference solution of an exercise cell and where it sits in the lesson.
    public struct Solution: Sendable, Equatable {
        /// The solution's code, as `code` is written.
        public var code: String
        /// The lesson line where the solution's code starts.
        public var firstLine: Int

        /// Creates a solution.
        public init(code: String, firstLine: Int) {
            self.code = code
            self.firstLine = firstLine
        }
    }

    /// Creates a cell (an exercise when `solution` is given).
    public init(number: Int, code: String, firstLine: Int, solution: Solution? = nil) {
        self.number = number
        self.code = code
        self.firstLine = firstLine
        self.solution = solution
    }

    /// True for an exercise cell.
    public var isExercise: Bool { solution != nil }
}
