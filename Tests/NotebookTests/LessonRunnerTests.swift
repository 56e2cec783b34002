// The runner with a fake kernel: states, reruns, edits, and the headless failure message.
import Testing
@testable import Notebook

@Suite struct LessonRunnerTests {
    static let lessonText = """
    # Runner
    Summary line.

    ```seek
    x = 1
    print x
    ```
    ```seek
    assert x == 2
    ```
    ```seek
    y = 5
    ```
    ```seek
    ```
    """

    func makeRunner() throws -> (LessonRunner, FakeKernel) {
        let lesson = try LessonParser.parse(Self.lessonText, path: "Lessons/02-runner.md")
        let kernel = FakeKernel()
        return (LessonRunner(lesson: lesson, kernel: kernel), kernel)
    }

    @Test func cellsStartNotRunAndRunOneByOneInOneKernel() throws {
        let (runner, kernel) = try makeRunner()
        #expect(runner.results.map(\.state) == [.notRun, .notRun, .notRun, .notRun])
        let first = runner.run(cellAt: 0)
        #expect(first.state == .ok)
        #expect(first.outcome.outputs == [.text("1\n")])
        #expect(first.executionCount == 1)
        #expect(kernel.executed.map(\.firstLine) == [5])
        #expect(kernel.variables["x"] == 1)
    }

    @Test func failedAssertIsCheckFailedAndHeadlessNamesTheLine() throws {
        let (runner, _) = try makeRunner()
        let failure = try #require(runner.runAll())
        #expect(failure.cellNumber == 2)
        #expect(failure.line == 9)
        #expect(failure.description == "Lessons/02-runner.md:9: cell 2: assertion failed: x == 2 (got 1)")
        #expect(runner.results.map(\.state) == [.ok, .checkFailed, .notRun, .notRun])
    }

    @Test func errorStateThenRerunAfterFixingTheKernelState() throws {
        let (runner, kernel) = try makeRunner()
        runner.run(cellAt: 0)
        #expect(runner.run(cellAt: 1).state == .checkFailed)
        // The learner types a fix between cells; rerunning the cell now passes.
        #expect(runner.runTyped("x = 2").error == nil)
        let rerun = runner.run(cellAt: 1)
        #expect(rerun.state == .ok)
        #expect(rerun.executionCount == 4)
        #expect(runner.failure(ofCellAt: 1) == nil)
        #expect(kernel.executed.map(\.firstLine) == [5, 9, 1, 9])
    }

    @Test func runtimeAndSyntaxErrorsAreErrorsNotCheckFailures() throws {
        let (runner, _) = try makeRunner()
        runner.replaceCode(ofCellAt: 2, with: "y = 5\nfail file not found: data.csv")
        let runtime = runner.run(cellAt: 2)
        #expect(runtime.state == .error)
        #expect(runner.failure(ofCellAt: 2)?.description
                == "Lessons/02-runner.md:13: cell 3: error: file not found: data.csv")
        runner.replaceCode(ofCellAt: 2, with: "syntax!")
        #expect(runner.results[2].state == .notRun)
        #expect(runner.run(cellAt: 2).state == .error)
        #expect(runner.failure(ofCellAt: 2)?.description
                == "Lessons/02-runner.md:12: cell 3: syntax error: expected an expression")
        #expect(runner.cellCodes[2] == "syntax!")
    }

    @Test func emptyCellIsOkWithoutCallingTheKernel() throws {
        let (runner, kernel) = try makeRunner()
        #expect(runner.run(cellAt: 3).state == .ok)
        #expect(kernel.executed.isEmpty)
    }

    @Test func allCellsOkGivesNoFailure() throws {
        let (runner, _) = try makeRunner()
        runner.replaceCode(ofCellAt: 1, with: "assert x == 1")
        #expect(runner.runAll() == nil)
        #expect(runner.results.map(\.state) == [.ok, .ok, .ok, .ok])
        #expect(runner.results.map(\.executionCount) == [1, 2, 3, 4])
    }

    @Test func kindLabelIsNotDoubled() {
        let error = CellError(kind: .assertion, message: "assertion failed: a < b")
        #expect(error.labelledMessage == "assertion failed: a < b")
        #expect(CellError(kind: .runtime, message: "boom").labelledMessage == "error: boom")
    }

    @Test func missingKernelLineFallsBackToTheCellsFirstLine() throws {
        final class LinelessKernel: LessonKernel {
            func execute(_ code: String, firstLine: Int) -> CellOutcome {
                CellOutcome(error: CellError(kind: .runtime, message: "no line"))
            }
        }
        let lesson = try LessonParser.parse(Self.lessonText, path: "L.md")
        let runner = LessonRunner(lesson: lesson, kernel: LinelessKernel())
        #expect(runner.runAll()?.description == "L.md:5: cell 1: error: no line")
    }
}
