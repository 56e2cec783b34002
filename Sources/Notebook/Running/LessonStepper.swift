// `microseek lesson N`: a state machine that steps a learner through a lesson's cells.
import Foundation

// MARK: - Stepper

/// Steps through a lesson cell by cell over an abstract line input and output sink.
///
/// Shows the title and introduction, then each cell's prose (rendered for the terminal) and its
/// code in a frame. Enter runs the cell (and moves on when it succeeds); `:next`, `:back`,
/// `:run`, `:edit`, `:restore`, `:solution`, `:history`, `:where`, `:help`, `:quit` navigate;
/// anything else is code run in the lesson's kernel. Charts are shown as terminal previews and
/// saved as PNG files under `imageFolder`.
public final class LessonStepper {
    /// Where the learner is: at a cell (0-based index) or past the last one.
    public enum Position: Equatable, Sendable {
        case cell(Int)
        case finished
    }

    /// The runner holding the kernel and each cell's state.
    public let runner: LessonRunner
    /// The folder charts are saved in, as shown to the learner (e.g. "microseek-out/01-tour").
    public let imageFolder: String
    /// The current position.
    public private(set) var position: Position

    private let readLine: (_ prompt: String) -> String?
    private let write: (_ text: String) -> Void
    private let edit: (_ initial: String) -> String?
    private let style: TerminalStyle

    /// Creates a stepper.
    ///
    /// - Parameters:
    ///   - readLine: reads one complete input after showing `prompt`; nil at end of input.
    ///   - write: receives text to show (already line-terminated).
    ///   - edit: lets the learner edit the whole cell `initial` (an editor, or the line editor);
    ///     nil cancels.
    ///   - color: style prose, frames and errors with ANSI escapes (see `TerminalStyle.detect`).
    public init(runner: LessonRunner, imageFolder: String,
                readLine: @escaping (_ prompt: String) -> String?,
                write: @escaping (_ text: String) -> Void,
                edit: @escaping (_ initial: String) -> String?,
                color: Bool = false) {
        self.runner = runner
        self.imageFolder = imageFolder
        self.readLine = readLine
        self.write = write
        self.edit = edit
        self.style = TerminalStyle(color: color)
        self.position = runner.cellCount == 0 ? .finished : .cell(0)
    }

    /// The output folder for a lesson's charts relative to the current directory.
    public static func defaultImageFolder(for lesson: Lesson) -> String {
        "microseek-out/\(lesson.name)"
    }

    /// The prompt for the current position, e.g. "cell 2/5> ".
    public var prompt: String {
        switch position {
        case .cell(let index): return "cell \(index + 1)/\(runner.cellCount)> "
        case .finished: return "lesson> "
        }
    }

    // MARK: - Driving

    /// Shows the lesson, then reads and handles input until `:quit` or end of input.
    public func run() {
        start()
        while let input = readLine(prompt) {
            if !handle(input) { return }
        }
    }

    /// Shows the title, the introduction and the first cell.
    public func start() {
        let lesson = runner.lesson
        show(bold(lesson.title) + "\n" + String(repeating: "=", count: lesson.title.count) + "\n")
        if !lesson.introduction.isEmpty { show("\n" + prose(lesson.introduction) + "\n") }
        show("\n" + Self.shortHelp + "\n")
        switch position {
        case .cell(let index): showCell(index, withProse: false)
        case .finished: show("\nThis lesson has no cells.\n")
        }
    }

    /// Handles one input line; returns false when the learner quits.
    @discardableResult
    public func handle(_ input: String) -> Bool {
        let trimmed = input.trimmingWhitespace()
        guard trimmed.hasPrefix(":") else {
            if trimmed.isEmpty { runCurrentAndAdvance() } else { runTyped(input) }
            return true
        }
        switch trimmed {
        case ":quit", ":q": return false
        case ":next", ":n": moveNext()
        case ":back", ":b": moveBack()
        case ":run", ":r": rerunCurrent()
        case ":edit", ":e": editCurrent()
        case ":restore": restoreCurrent()
        case ":solution", ":s": showSolution()
        case ":history": show(historyText + "\n")
        case ":where", ":w": show(whereText + "\n")
        case ":help", ":h", ":?": show(Self.fullHelp)
        default: show("unknown command \(trimmed); :help lists the commands\n")
        }
        return true
    }

    /// "cell 4 of 12 (Lessons/01-tour.md:57) · 3 ok, 0 failed, 9 not run".
    public var whereText: String {
        let states = runner.results.map(\.state)
        let ok = states.filter { $0 == .ok }.count
        let failed = states.filter { $0 == .error || $0 == .checkFailed }.count
        let tally = "\(ok) ok, \(failed) failed, \(states.count - ok - failed) not run"
        switch position {
        case .cell(let index):
            let cell = runner.cell(at: index)
            return "cell \(cell.number) of \(runner.cellCount) (\(runner.lesson.path):\(cell.firstLine)) · \(tally)"
        case .finished:
            return "end of the lesson (\(runner.cellCount) cells) · \(tally)"
        }
    }

    /// `:history`: every cell and typed entry run so far, oldest first, each with its state and
    /// the first line of what it showed, e.g. `[2] cell 2 · ok · [1, 4, 9] {"lr": 0.01}`.
    public var historyText: String {
        guard !runner.log.isEmpty else { return "nothing has run yet" }
        return runner.log.map { record in
            var label: String
            if let index = record.cellIndex {
                label = "cell \(runner.cell(at: index).number)"
                if record.ranSolution { label += " (solution)" }
            } else {
                label = "typed " + Self.clipped(record.code.split(separator: "\n").first.map(String.init) ?? "", to: 32)
            }
            let state: String
            switch LessonRunner.state(of: record.outcome) {
            case .ok, .notRun: state = "ok"
            case .error: state = "error"
            case .checkFailed: state = "check failed"
            }
            var line = "[\(record.executionCount)] \(label) · \(state)"
            if let summary = Self.firstLine(of: record.outcome) { line += " · " + summary }
            return line
        }.joined(separator: "\n")
    }

    /// The first line an outcome showed (its text, value, chart title or error), with how many
    /// more lines followed; nil when it showed nothing.
    static func firstLine(of outcome: CellOutcome) -> String? {
        var lines: [String] = []
        for output in outcome.outputs {
            switch output {
            case .text(let text), .value(let text):
                lines += text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                if text.hasSuffix("\n") { lines.removeLast() }
            case .image(let image):
                lines.append(image.title.isEmpty ? "chart" : "chart: \(image.title)")
            }
        }
        if let error = outcome.error { lines.append(error.labelledMessage) }
        guard let first = lines.first else { return nil }
        let more = lines.count - 1
        return clipped(first, to: 60) + (more > 0 ? " (+\(more) more line\(more == 1 ? "" : "s"))" : "")
    }

    /// `text` cut to `limit` characters with "…".
    static func clipped(_ text: String, to limit: Int) -> String {
        text.count > limit ? String(text.prefix(limit - 1)) + "…" : text
    }

    // MARK: - Commands

    private func runCurrentAndAdvance() {
        guard case .cell(let index) = position else {
            show("The lesson is over: :back revisits the last cell, :quit leaves.\n")
            return
        }
        if runAndShow(index) { moveNext() }
    }

    private func rerunCurrent() {
        guard case .cell(let index) = position else {
            show("no current cell: :back returns to the last one\n")
            return
        }
        runAndShow(index)
    }

    private func moveNext() {
        switch position {
        case .cell(let index) where index + 1 < runner.cellCount:
            position = .cell(index + 1)
            showCell(index + 1, withProse: true)
        case .cell:
            position = .finished
            showEnd()
        case .finished:
            show("already at the end of the lesson\n")
        }
    }

    private func moveBack() {
        switch position {
        case .cell(0):
            show("already at the first cell\n")
        case .cell(let index):
            position = .cell(index - 1)
            showCell(index - 1, withProse: false)
        case .finished:
            guard runner.cellCount > 0 else { show("this lesson has no cells\n"); return }
            position = .cell(runner.cellCount - 1)
            showCell(runner.cellCount - 1, withProse: false)
        }
    }

    private func editCurrent() {
        guard case .cell(let index) = position else {
            show("no current cell to edit: :back returns to the last one\n")
            return
        }
        guard let edited = edit(runner.cellCodes[index]) else {
            show("edit cancelled\n")
            return
        }
        runner.replaceCode(ofCellAt: index, with: edited)
        showCell(index, withProse: false)
        show("(edited; Enter runs it, :restore brings back the lesson's code)\n")
    }

    private func restoreCurrent() {
        guard case .cell(let index) = position else {
            show("no current cell to restore: :back returns to the last one\n")
            return
        }
        guard runner.isEdited(cellAt: index) else {
            show("cell \(runner.cell(at: index).number) is as the lesson wrote it\n")
            return
        }
        runner.restoreCode(ofCellAt: index)
        showCell(index, withProse: false)
        show("(restored as the lesson wrote it)\n")
    }

    private func showSolution() {
        guard case .cell(let index) = position else {
            show("no current cell: :back returns to the last one\n")
            return
        }
        let cell = runner.cell(at: index)
        guard let solution = cell.solution else {
            show("cell \(cell.number) is not an exercise: its code is the whole story\n")
            return
        }
        show("\n" + frame(title: "solution to the exercise in cell \(cell.number) · \(runner.lesson.path):\(solution.firstLine)",
                          code: solution.code))
        show("(the lesson's reference solution; :edit to change your code, Enter runs your code)\n")
    }

    private func runTyped(_ code: String) {
        let outcome = runner.runTyped(code)
        showOutputs(outcome.outputs, imagePrefix: "typed-\(runner.executionCounter)")
        if let error = outcome.error {
            var text = error.labelledMessage
            if let line = error.line { text = "line \(line): " + text }
            show(red(text) + "\n")
            if let excerpt = error.excerpt { show(excerpt + (excerpt.hasSuffix("\n") ? "" : "\n")) }
        }
    }

    // MARK: - Showing

    /// Runs a cell and shows its outputs; returns true when it succeeded.
    @discardableResult
    private func runAndShow(_ index: Int) -> Bool {
        let result = runner.run(cellAt: index)
        let number = runner.cell(at: index).number
        showOutputs(result.outcome.outputs, imagePrefix: String(format: "cell-%02d", number))
        guard let failure = runner.failure(ofCellAt: index) else {
            if runner.cell(at: index).isExercise { show(style.green("✓ exercise solved (cell \(number))") + "\n") }
            return true
        }
        show(red(failure.description) + "\n")
        if let excerpt = failure.error.excerpt { show(excerpt + (excerpt.hasSuffix("\n") ? "" : "\n")) }
        if runner.cell(at: index).isExercise {
            show("(:edit to work on the exercise, :run to check it again, :solution shows the reference solution)\n")
        } else {
            show("(:edit changes the cell, :run runs it again, :next skips it; any code you type runs too)\n")
        }
        return false
    }

    private func showCell(_ index: Int, withProse: Bool) {
        let cell = runner.cell(at: index)
        if withProse {
            let text = runner.lesson.prose(beforeCellAt: index)
            if !text.isEmpty { show("\n" + prose(text) + "\n") }
        }
        var title = cell.isExercise ? "exercise · cell \(cell.number) of \(runner.cellCount)"
                                    : "cell \(cell.number) of \(runner.cellCount)"
        title += " · \(runner.lesson.path):\(cell.firstLine)"
        switch runner.results[index].state {
        case .notRun: break
        case .ok: title += " · ran ok"
        case .error: title += " · error"
        case .checkFailed: title += " · check failed"
        }
        if runner.isEdited(cellAt: index) { title += " · edited" }
        show("\n" + frame(title: title, code: runner.cellCodes[index]))
        if cell.isExercise && !runner.isEdited(cellAt: index) {
            show("(an exercise: :edit to complete it, Enter checks it, :solution shows the reference solution)\n")
        }
    }

    /// Code set apart from prose and output: a titled top rule, a gutter bar, a bottom rule.
    private func frame(title: String, code: String) -> String {
        let bar = style.dim("│ ")
        let body = code.isEmpty ? [bar + "(empty cell)"]
            : code.split(separator: "\n", omittingEmptySubsequences: false).map { bar + $0 }
        return style.bold("┌─ " + title) + "\n" + body.joined(separator: "\n") + "\n" + style.dim("└─") + "\n"
    }

    private func showEnd() {
        let closing = runner.lesson.closingProse
        if !closing.isEmpty { show("\n" + prose(closing) + "\n") }
        let ok = runner.results.filter { $0.state == .ok }.count
        show("\n" + bold("── end of the lesson: \(ok) of \(runner.cellCount) cells ran ok ──") + "\n")
        show(":back revisits a cell, :quit leaves\n")
    }

    private func showOutputs(_ outputs: [CellOutput], imagePrefix: String) {
        var imageNumber = 0
        for output in outputs {
            switch output {
            case .text(let text):
                show(text.hasSuffix("\n") || text.isEmpty ? text : text + "\n")
            case .value(let value):
                show(value + "\n")
            case .image(let image):
                imageNumber += 1
                if let preview = image.terminalPreview {
                    show(preview.hasSuffix("\n") ? preview : preview + "\n")
                }
                show(saveImage(image, named: "\(imagePrefix)-\(imageNumber).png") + "\n")
            }
        }
    }

    /// Writes the PNG and returns the line that reports where it went (or why it did not).
    private func saveImage(_ image: CellImage, named name: String) -> String {
        let path = imageFolder.isEmpty ? name : imageFolder + "/" + name
        do {
            try FileManager.default.createDirectory(atPath: imageFolder.isEmpty ? "." : imageFolder,
                                                    withIntermediateDirectories: true)
            try image.png.write(to: URL(fileURLWithPath: path))
            return "chart saved: \(path)"
        } catch {
            return red("could not save chart to \(path): \(error.localizedDescription)")
        }
    }

    private func show(_ text: String) { write(text) }
    private func prose(_ markdown: String) -> String { TerminalMarkdown.render(markdown, style: style) }
    private func bold(_ text: String) -> String { style.bold(text) }
    private func red(_ text: String) -> String { style.red(text) }

    // MARK: - Help

    static let shortHelp = "Enter runs the cell · :next · :back · :run · :edit · :restore · :solution · :history · :where · :help · :quit"

    static let fullHelp = """
    Enter      run the current cell, then move to the next one if it succeeded
    :next      skip to the next cell without running this one
    :back      go back to the previous cell
    :run       run the current cell again (after a fix, or to see it again)
    :edit      edit the whole cell ($VISUAL or $EDITOR if set, else line by number);
               Enter then runs the edited code
    :restore   bring back the cell's code as the lesson wrote it
    :solution  show an exercise's reference solution
    :history   list what has run so far, with the first line each showed
    :where     show which cell you are at and how many have run
    :help      show this help
    :quit      leave the lesson
    Anything else is code: it runs in the lesson's interpreter and sees the lesson's variables.

    """
}
