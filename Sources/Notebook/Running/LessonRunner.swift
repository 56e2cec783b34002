// Runs a lesson's cells one by one in one kernel and remembers what each produced.

// MARK: - Cell state

/// Where a cell stands: the four states the stepper and exports show.
public enum CellState: String, Sendable, Equatable {
    /// Not executed yet (or skipped because an earlier cell failed).
    case notRun
    /// Ran to the end.
    case ok
    /// Stopped with a syntax or runtime error.
    case error
    /// An `assert` in it was false.
    case checkFailed
}

/// The latest run of one cell.
public struct CellResult: Sendable, Equatable {
    /// The cell's state after its latest run.
    public var state: CellState
    /// What the latest run produced (empty when not run).
    public var outcome: CellOutcome
    /// The Jupyter-style execution counter of the latest run (nil when not run).
    public var executionCount: Int?
    /// True when the latest run was an exercise's reference solution (`--check`, `--export`).
    public var ranSolution = false

    /// The result of a cell that has not run.
    public static let notRun = CellResult(state: .notRun, outcome: CellOutcome(), executionCount: nil)
}

/// One execution, in the order they happened: a cell or code typed between cells (`:history`).
public struct RunRecord: Sendable, Equatable {
    /// The execution counter it was given.
    public var executionCount: Int
    /// The cell's index (0-based), or nil for typed code.
    public var cellIndex: Int?
    /// The code that ran.
    public var code: String
    /// What it produced.
    public var outcome: CellOutcome
    /// True when it was an exercise's reference solution.
    public var ranSolution = false
}

// MARK: - Check failure

/// The first failing cell of a headless run, described with the lesson line.
public struct LessonCheckFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The lesson path, e.g. "Lessons/02-experts.md".
    public var path: String
    /// The failing cell's number (1-based).
    public var cellNumber: Int
    /// The lesson line of the error (the cell's first line when the kernel gave none).
    public var line: Int
    /// The error as the kernel reported it.
    public var error: CellError

    /// "Lessons/02-experts.md:57: cell 6: assertion failed: …".
    public var description: String {
        "\(path):\(line): cell \(cellNumber): \(error.labelledMessage)"
    }
}

// MARK: - Runner

/// Runs the cells of one lesson in one kernel, keeping each cell's code, state and outputs.
public final class LessonRunner {
    /// The lesson as parsed.
    public let lesson: Lesson
    /// The kernel every cell (and every line the learner types) runs in.
    public let kernel: LessonKernel
    /// The code each cell runs now: the lesson's code, or the learner's edit of it.
    public private(set) var cellCodes: [String]
    /// The latest result of each cell, indexed like `lesson.cells`.
    public private(set) var results: [CellResult]
    /// The last execution counter handed out (cells and typed code share it, as in Jupyter).
    public private(set) var executionCounter = 0
    /// Every execution so far, oldest first.
    public private(set) var log: [RunRecord] = []

    private let cells: [LessonCell]

    /// Creates a runner with every cell not run.
    public init(lesson: Lesson, kernel: LessonKernel) {
        self.lesson = lesson
        self.kernel = kernel
        self.cells = lesson.cells
        self.cellCodes = cells.map(\.code)
        self.results = Array(repeating: .notRun, count: cells.count)
    }

    /// The number of cells.
    public var cellCount: Int { cells.count }

    /// The cell at `index` (0-based) as parsed.
    public func cell(at index: Int) -> LessonCell {
        precondition(cells.indices.contains(index), "cell index \(index) out of 0..<\(cells.count)")
        return cells[index]
    }

    /// Replaces the code the cell at `index` runs (the learner's `:edit`); its state becomes not run.
    public func replaceCode(ofCellAt index: Int, with code: String) {
        precondition(cells.indices.contains(index), "cell index \(index) out of 0..<\(cells.count)")
        cellCodes[index] = code
        results[index] = .notRun
    }

    /// Brings back the cell's code as the lesson wrote it (`:restore`); its state becomes not run.
    public func restoreCode(ofCellAt index: Int) {
        replaceCode(ofCellAt: index, with: cell(at: index).code)
    }

    /// True when the cell's code differs from the lesson's.
    public func isEdited(cellAt index: Int) -> Bool {
        cellCodes[index] != cell(at: index).code
    }

    /// Runs (or reruns) the cell at `index` and records its result.
    ///
    /// With `solution`, an exercise cell runs its reference solution instead of its code (an
    /// ordinary cell runs its code either way). An empty cell is not sent to the kernel; it is
    /// simply ok.
    @discardableResult
    public func run(cellAt index: Int, solution: Bool = false) -> CellResult {
        precondition(cells.indices.contains(index), "cell index \(index) out of 0..<\(cells.count)")
        executionCounter += 1
        let reference = solution ? cells[index].solution : nil
        let code = reference?.code ?? cellCodes[index]
        let isBlank = code.allSatisfy(\.isWhitespace)
        let outcome = isBlank ? CellOutcome()
            : kernel.execute(code, firstLine: reference?.firstLine ?? cells[index].firstLine)
        let result = CellResult(state: Self.state(of: outcome), outcome: outcome, executionCount: executionCounter,
                                ranSolution: reference != nil)
        results[index] = result
        log.append(RunRecord(executionCount: executionCounter, cellIndex: index, code: code, outcome: outcome,
                             ranSolution: reference != nil))
        return result
    }

    /// Runs code the learner typed between cells, in the same kernel (counted like a cell).
    public func runTyped(_ code: String) -> CellOutcome {
        executionCounter += 1
        let outcome = kernel.execute(code, firstLine: 1)
        log.append(RunRecord(executionCount: executionCounter, cellIndex: nil, code: code, outcome: outcome))
        return outcome
    }

    /// Runs every cell in order, exercises by their reference solutions, stopping at the first
    /// error or failed assert (`--check`, `--export`).
    ///
    /// Returns nil when every cell ran ok; otherwise the failure, naming the cell and lesson line.
    /// Cells after the failure stay not run.
    @discardableResult
    public func runAll() -> LessonCheckFailure? {
        for index in cells.indices {
            let result = run(cellAt: index, solution: true)
            if let failure = failure(ofCellAt: index, result: result) { return failure }
        }
        return nil
    }

    /// The failure of a cell's latest run, or nil when it is ok or not run.
    public func failure(ofCellAt index: Int) -> LessonCheckFailure? {
        failure(ofCellAt: index, result: results[index])
    }

    /// A snapshot of the lesson with each cell's current code and latest result, for export.
    public var executedLesson: ExecutedLesson {
        ExecutedLesson(lesson: lesson, cellCodes: cellCodes, results: results)
    }

    // MARK: - Helpers

    private func failure(ofCellAt index: Int, result: CellResult) -> LessonCheckFailure? {
        guard let error = result.outcome.error else { return nil }
        return LessonCheckFailure(path: lesson.path, cellNumber: cells[index].number,
                                  line: error.line ?? (result.ranSolution ? cells[index].solution?.firstLine : nil)
                                      ?? cells[index].firstLine, error: error)
    }

    /// ok, error, or check failed, from the outcome's error kind.
    static func state(of outcome: CellOutcome) -> CellState {
        switch outcome.error?.kind {
        case nil: return .ok
        case .assertion: return .checkFailed
        case .syntax, .runtime: return .error
        }
    }
}

// MARK: - Executed lesson

/// A lesson with the code each cell ran and its latest result: what the exporters write.
public struct ExecutedLesson: Sendable, Equatable {
    /// The lesson as parsed.
    public var lesson: Lesson
    /// The code of each cell (edited or not), indexed like `lesson.cells`.
    public var cellCodes: [String]
    /// The latest result of each cell, indexed like `lesson.cells`.
    public var results: [CellResult]

    /// Creates a snapshot; the arrays must have one entry per cell.
    public init(lesson: Lesson, cellCodes: [String], results: [CellResult]) {
        let count = lesson.cells.count
        precondition(cellCodes.count == count && results.count == count,
                     "executed lesson needs \(count) codes and results, got \(cellCodes.count) and \(results.count)")
        self.lesson = lesson
        self.cellCodes = cellCodes
        self.results = results
    }
}
