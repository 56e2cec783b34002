import Foundation
import Notebook
import Script

/// The notebook's kernel: runs lesson cells in one Seek interpreter with every library, and
/// reports what each printed, echoed, drew, or why it stopped.
final class SeekKernel: LessonKernel {
    let interpreter: Interpreter
    private let figures: FigureCollector
    private var lessonPath: String

    /// `outputDirectory` is the lesson's `out_dir`: where files a cell writes itself (an
    /// `animate` GIF, a `path=` chart) go, e.g. beside the exported PNGs.
    init(seed: UInt64, lessonPath: String, outputDirectory: String = "out") {
        let collector = FigureCollector()
        self.figures = collector
        self.lessonPath = lessonPath
        self.interpreter = Libraries.makeInterpreter(seed: seed, figures: collector, outputDirectory: outputDirectory)
    }

    func execute(_ code: String, firstLine: Int) -> CellOutcome {
        var outcome = CellOutcome()
        figures.begin()
        let previousOutput = interpreter.output
        interpreter.output = { text in
            // Consecutive prints form one text output, as Jupyter's stream does.
            if case .text(let earlier)? = outcome.outputs.last {
                outcome.outputs[outcome.outputs.count - 1] = .text(earlier + text)
            } else {
                outcome.outputs.append(.text(text))
            }
        }
        defer { interpreter.output = previousOutput }
        let file = firstLine > 1 ? lessonPath : "<typed>"
        do {
            if let value = try interpreter.run(code, file: file, lineOffset: max(0, firstLine - 1)) {
                if !figures.isFigure(value) { outcome.outputs.append(.value(value.repr)) }
            }
        } catch {
            outcome.error = Self.cellError(from: error)
        }
        outcome.outputs.append(contentsOf: figures.end().map(CellOutput.image))
        for failure in figures.failures { outcome.outputs.append(.text("warning: \(failure)\n")) }
        return outcome
    }

    /// Maps a script error onto the notebook's three kinds, keeping the lesson line.
    static func cellError(from error: ScriptError) -> CellError {
        let first = error.diagnostics.first
        let message = error.message
        let kind: CellErrorKind
        if error.isSyntaxError {
            kind = .syntax
        } else if error.isAssertionFailure {
            kind = .assertion
        } else {
            kind = .runtime
        }
        // The excerpt is the rendered diagnostic minus its first line (location and message).
        let rendered = error.description.split(separator: "\n", omittingEmptySubsequences: false)
        let excerpt = rendered.count > 1 ? rendered.dropFirst().joined(separator: "\n") : nil
        return CellError(kind: kind, message: message, line: first?.span.line,
                         column: first?.span.column, excerpt: excerpt)
    }
}
