// An executed lesson as Markdown: the lesson with each cell's output under it, charts as PNG files.
import Foundation

/// Writes an executed lesson as Markdown with outputs in `text` fences and charts linked as PNGs.
///
/// The result is still a lesson: its ```seek cells parse back to the same code, and the output
/// fences are prose.
public enum MarkdownExport {
    /// The Markdown text and the images it links to (file name → PNG bytes).
    public struct Rendering: Sendable, Equatable {
        /// The Markdown document, ending in a newline.
        public var markdown: String
        /// The PNG files to write into `imageFolder`, in order.
        public var images: [(fileName: String, png: Data)]

        public static func == (left: Rendering, right: Rendering) -> Bool {
            left.markdown == right.markdown && left.images.map(\.fileName) == right.images.map(\.fileName)
                && left.images.map(\.png) == right.images.map(\.png)
        }
    }

    /// Renders the lesson; images are linked as `imageFolder/cell-04-1.png`.
    public static func render(_ executed: ExecutedLesson, imageFolder: String) -> Rendering {
        var chunks: [String] = []
        var images: [(fileName: String, png: Data)] = []
        for block in executed.exportBlocks {
            switch block {
            case .prose(let text):
                let trimmed = Lesson.trimmingBlankLines(text)
                if !trimmed.isEmpty { chunks.append(trimmed + "\n") }
            case .cell(let cell):
                if let solution = cell.cell.solution {
                    // The lesson's own marking, so the export is still a lesson: the starting
                    // code, then the solution folded away (GitHub and Jupyter render <details>).
                    chunks.append(MarkdownFence.block(cell.code, info: "\(LessonParser.cellLanguage) \(LessonParser.exerciseRole)"))
                    chunks.append("<details><summary>Solution</summary>\n\n"
                        + MarkdownFence.block(solution.code, info: "\(LessonParser.cellLanguage) \(LessonParser.solutionRole)")
                        + "\n</details>\n")
                    if cell.result.ranSolution { chunks.append("*Output of the solution:*\n") }
                } else {
                    chunks.append(MarkdownFence.block(cell.code, info: LessonParser.cellLanguage))
                }
                if cell.result.state == .notRun { chunks.append("*(not run)*\n") }
                for output in cell.outputs {
                    switch output {
                    case .text(let text):
                        chunks.append(MarkdownFence.block(text, info: "text"))
                    case .image(let image, let fileName):
                        images.append((fileName, image.png))
                        chunks.append("![\(escapeAltText(image.title))](\(imageFolder)/\(fileName))\n")
                    case .error(let text):
                        chunks.append("**\(errorHeading(cell.result.state))**\n\n" + MarkdownFence.block(text, info: "text"))
                    }
                }
            }
        }
        return Rendering(markdown: chunks.joined(separator: "\n"), images: images)
    }

    static func errorHeading(_ state: CellState) -> String {
        state == .checkFailed ? "Check failed:" : "Error:"
    }

    /// Alt text without the brackets that would end it early.
    static func escapeAltText(_ text: String) -> String {
        text.replacingOccurrences(of: "[", with: "\\[").replacingOccurrences(of: "]", with: "\\]")
    }
}
