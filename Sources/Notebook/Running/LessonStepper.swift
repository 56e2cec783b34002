// `microseek lesson N`: a state machine that steps a learner through a lesson's cells.
import Foundation

// MARK: - Stepper

/// Steps through a lesson cell by cell over an abstract line input and output sink.
///
/// Shows the title and introduction, then each cell's prose and code. Enter runs the cell (and
/// moves on when it succeeds); `:next`, `:back`, `:run`, `:edit`, `:where`, `:help`, `:quit`
/// navigate; anything else is code run in the lesson's kernel. Charts are shown as terminal
/// previews and saved as PNG files under `imageFolder`.
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
    private let color: Bool

    /// Creates a stepper.
    ///
    /// - Parameters:
    ///   - readLine: reads one complete input after showing `prompt`; nil at end of input.
    ///   - write: receives text to show (already line-terminated).
    ///   - edit: lets the learner edit `initial` (pre-filled in the line editor); nil cancels.
    ///   - color: bold headings and red errors with ANSI escapes.
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
        self.color = color
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
        if !lesson.introduction.isEmpty { show("\n" + lesson.introduction + "\n") }
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
        show("(edited; Enter runs it)\n")
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
        guard let failure = runner.failure(ofCellAt: index) else { return true }
        show(red(failure.description) + "\n")
        if let excerpt = failure.error.excerpt { show(excerpt + (excerpt.hasSuffix("\n") ? "" : "\n")) }
        show("(:edit changes the cell, :run runs it again, :next skips it; any code you type runs too)\n")
        return false
    }

    private func showCell(_ index: Int, withProse: Bool) {
        let cell = runner.cell(at: index)
        if withProse {
            let prose = runner.lesson.prose(beforeCellAt: index)
            if !prose.isEmpty { show("\n" + prose + "\n") }
        }
        var header = "── cell \(cell.number) of \(runner.cellCount) · \(runner.lesson.path):\(cell.firstLine)"
        switch runner.results[index].state {
        case .notRun: break
        case .ok: header += " · ran ok"
        case .error: header += " · error"
        case .checkFailed: header += " · check failed"
        }
        show("\n" + bold(header + " ──") + "\n")
        let code = runner.cellCodes[index]
        show(code.isEmpty ? "(empty cell)\n" : code + "\n")
    }

    private func showEnd() {
        let closing = runner.lesson.closingProse
        if !closing.isEmpty { show("\n" + closing + "\n") }
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
    private func bold(_ text: String) -> String { color ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    private func red(_ text: String) -> String { color ? "\u{1B}[31m\(text)\u{1B}[0m" : text }

    // MARK: - Help

    static let shortHelp = "Enter runs the cell · :next · :back · :run · :edit · :where · :help · :quit"

    static let fullHelp = """
    Enter      run the current cell, then move to the next one if it succeeded
    :next      skip to the next cell without running this one
    :back      go back to the previous cell
    :run       run the current cell again (after a fix, or to see it again)
    :edit      edit the current cell's code; Enter then runs the edited code
    :where     show which cell you are at and how many have run
    :help      show this help
    :quit      leave the lesson
    Anything else is code: it runs in the lesson's interpreter and sees the lesson's variables.

    """
}
