// What every export format shares: grouped outputs, image file names, safe fences.

// MARK: - Output groups

/// A cell's outputs as the Markdown and HTML exports show them.
enum ExportedOutput: Equatable {
    /// Printed text and echoed values that appeared together, as one block.
    case text(String)
    /// A chart with its file name (e.g. "cell-04-1.png").
    case image(CellImage, fileName: String)
    /// The error that stopped the cell, fully described (path, line, cell, message, excerpt).
    case error(String)
}

/// One cell of an executed lesson with everything the exports need.
struct ExportedCell {
    let cell: LessonCell
    let code: String
    let result: CellResult
    let outputs: [ExportedOutput]
}

extension ExecutedLesson {
    /// The blocks in order, cells paired with their code, result and grouped outputs.
    var exportBlocks: [ExportBlock] {
        var cellIndex = 0
        return lesson.blocks.map { block in
            switch block {
            case .prose(let prose):
                return .prose(prose.text)
            case .cell(let cell):
                defer { cellIndex += 1 }
                let result = results[cellIndex]
                return .cell(ExportedCell(cell: cell, code: cellCodes[cellIndex], result: result,
                                          outputs: Self.group(result, cell: cell, path: lesson.fileName)))
            }
        }
    }

    /// Merges adjacent text and values, names images, and appends the error.
    static func group(_ result: CellResult, cell: LessonCell, path: String) -> [ExportedOutput] {
        var grouped: [ExportedOutput] = []
        var pendingText = ""
        var imageNumber = 0
        func flushText() {
            if !pendingText.isEmpty { grouped.append(.text(pendingText)) }
            pendingText = ""
        }
        for output in result.outcome.outputs {
            switch output {
            case .text(let text):
                pendingText += text
            case .value(let value):
                if !pendingText.isEmpty && !pendingText.hasSuffix("\n") { pendingText += "\n" }
                pendingText += value + "\n"
            case .image(let image):
                flushText()
                imageNumber += 1
                grouped.append(.image(image, fileName: imageFileName(cellNumber: cell.number, imageNumber: imageNumber)))
            }
        }
        flushText()
        if let error = result.outcome.error {
            grouped.append(.error(errorText(error, cell: cell, path: path)))
        }
        return grouped
    }

    /// "Lessons/01-tour.md:15: cell 3: assertion failed: …" plus the excerpt lines.
    static func errorText(_ error: CellError, cell: LessonCell, path: String) -> String {
        let failure = LessonCheckFailure(path: path, cellNumber: cell.number, line: error.line ?? cell.firstLine, error: error)
        guard let excerpt = error.excerpt, !excerpt.isEmpty else { return failure.description }
        return failure.description + "\n" + (excerpt.hasSuffix("\n") ? String(excerpt.dropLast()) : excerpt)
    }

    /// "cell-04-1.png": the same names the stepper uses.
    static func imageFileName(cellNumber: Int, imageNumber: Int) -> String {
        let number = String(cellNumber)
        return "cell-" + String(repeating: "0", count: max(0, 2 - number.count)) + number + "-\(imageNumber).png"
    }
}

/// Prose or a cell, in lesson order.
enum ExportBlock {
    case prose(String)
    case cell(ExportedCell)
}

// MARK: - Fences

enum MarkdownFence {
    /// A backtick fence longer than any backtick run in `content` (at least three).
    static func fence(for content: String) -> String {
        var longest = 0
        var run = 0
        for character in content {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        return String(repeating: "`", count: max(3, longest + 1))
    }

    /// `content` inside a fence with `info`, ending in a newline.
    static func block(_ content: String, info: String) -> String {
        let body = content.hasSuffix("\n") ? String(content.dropLast()) : content
        let fence = fence(for: body)
        return "\(fence)\(info)\n\(body.isEmpty ? "" : body + "\n")\(fence)\n"
    }
}
