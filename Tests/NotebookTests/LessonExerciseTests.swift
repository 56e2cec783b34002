// Exercise cells: parsed with their solutions, checked by the solution, stepped with :solution,
// :edit, :restore, and listed by :history.
import Foundation
import Testing
@testable import Notebook

@Suite struct LessonExerciseTests {
    static let lessonText = """
    # Practice
    Set things.

    ```seek
    x = 1
    ```

    **Exercise.** Make `x` two.

    ```seek exercise
    # your turn: make x two
    x = 1
    assert x == 2
    ```

    <details><summary>Solution</summary>

    ```seek solution
    x = 2
    assert x == 2
    ```

    </details>

    Done.
    """

    static func lesson() throws -> Lesson { try LessonParser.parse(lessonText, path: "Lessons/03-practice.md") }

    @Test func anExerciseKeepsItsStartingCodeAndItsSolution() throws {
        let lesson = try Self.lesson()
        #expect(lesson.cells.count == 2)
        let exercise = lesson.cells[1]
        #expect(exercise.isExercise && !lesson.cells[0].isExercise)
        #expect(exercise.code == "# your turn: make x two\nx = 1\nassert x == 2")
        #expect(exercise.firstLine == 11)
        #expect(exercise.solution == LessonCell.Solution(code: "x = 2\nassert x == 2", firstLine: 19))
        // The fold around the solution is taken with it: no stray <details> in the prose.
        #expect(lesson.closingProse == "Done.")
        #expect(lesson.prose(beforeCellAt: 1) == "**Exercise.** Make `x` two.")
        for case .prose(let prose) in lesson.blocks { #expect(!prose.text.contains("details")) }
    }

    @Test func aSolutionMayFollowDirectlyWithoutAFold() throws {
        let lesson = try LessonParser.parse("# T\n\n```seek exercise\nx = 1\n```\n```seek solution\nx = 2\n```\nafter\n", path: "t.md")
        #expect(lesson.cells.map(\.code) == ["x = 1"])
        #expect(lesson.cells[0].solution?.code == "x = 2")
        #expect(lesson.closingProse == "after")
    }

    @Test func misplacedSolutionsAreErrorsNamingTheLine() {
        #expect(throws: LessonError.exerciseWithoutSolution(path: "t.md", line: 3)) {
            try LessonParser.parse("# T\n\n```seek exercise\nx = 1\n```\n\nProse first.\n\n```seek solution\nx = 2\n```\n", path: "t.md")
        }
        #expect(throws: LessonError.solutionWithoutExercise(path: "t.md", line: 3)) {
            try LessonParser.parse("# T\n\n```seek solution\nx = 2\n```\n", path: "t.md")
        }
        #expect(throws: LessonError.unclosedFence(path: "t.md", line: 6, fence: "```")) {
            try LessonParser.parse("# T\n\n```seek exercise\nx = 1\n```\n```seek solution\nx = 2\n", path: "t.md")
        }
        #expect(LessonError.exerciseWithoutSolution(path: "t.md", line: 3).description.hasPrefix("t.md:3: this exercise cell needs"))
    }

    @Test func checkingRunsTheReferenceSolution() throws {
        let kernel = FakeKernel()
        let runner = LessonRunner(lesson: try Self.lesson(), kernel: kernel)
        #expect(runner.runAll() == nil)
        #expect(runner.results.map(\.ranSolution) == [false, true])
        #expect(kernel.executed.last?.code == "x = 2\nassert x == 2")
        #expect(kernel.executed.last?.firstLine == 19)
        // The learner's code is still the starting code.
        #expect(runner.cellCodes[1] == "# your turn: make x two\nx = 1\nassert x == 2")
    }

    @Test func theStartingCodeFailsItsCheckUntilTheLearnerSolvesIt() throws {
        let session = ScriptedSession(inputs: ["", "print x", "", ":solution", ":edit", ":restore", ":edit", "", ":history"],
                                      edits: ["x = 5", "x = 2\nassert x == 2"])
        let runner = LessonRunner(lesson: try Self.lesson(), kernel: FakeKernel())
        let stepper = session.makeStepper(runner: runner, imageFolder: "")
        stepper.run()
        let shown = session.shown
        #expect(shown.contains("Exercise. Make `x` two.\n\n┌─ exercise · cell 2 of 2 · Lessons/03-practice.md:11\n"))
        #expect(shown.contains("(an exercise: :edit to complete it, Enter checks it, :solution shows the reference solution)"))
        #expect(shown.contains("Lessons/03-practice.md:13: cell 2: assertion failed: x == 2 (got 1)\n"
            + "(:edit to work on the exercise, :run to check it again, :solution shows the reference solution)\n"))
        #expect(shown.contains("┌─ solution to the exercise in cell 2 · Lessons/03-practice.md:19\n│ x = 2\n│ assert x == 2\n└─\n"))
        // :restore brings back the starting code, so the second edit starts from it again.
        #expect(shown.contains("(restored as the lesson wrote it)\n"))
        #expect(session.editInitials == [runner.cell(at: 1).code, runner.cell(at: 1).code])
        #expect(shown.contains("✓ exercise solved (cell 2)\n"))
        #expect(shown.contains("\nDone.\n"))
        #expect(shown.hasSuffix("""
            [1] cell 1 · ok
            [2] typed print x · ok · 1
            [3] cell 2 · check failed · assertion failed: x == 2 (got 1)
            [4] cell 2 · ok

            """))
    }

    @Test func solutionAndRestoreExplainThemselvesOnOrdinaryCells() throws {
        let session = ScriptedSession(inputs: [":history", ":solution", ":restore"])
        let stepper = session.makeStepper(runner: LessonRunner(lesson: try Self.lesson(), kernel: FakeKernel()), imageFolder: "")
        stepper.run()
        #expect(session.shown.contains("nothing has run yet\n"))
        #expect(session.shown.contains("cell 1 is not an exercise"))
        #expect(session.shown.contains("cell 1 is as the lesson wrote it\n"))
    }

    @Test func historyShowsFirstLinesChartsAndHowMuchMoreFollowed() {
        let outcome = CellOutcome(outputs: [.text("one\ntwo\n"), .value("3"),
                                             .image(CellImage(png: Data(), title: "loss"))])
        #expect(LessonStepper.firstLine(of: outcome) == "one (+3 more lines)")
        #expect(LessonStepper.firstLine(of: CellOutcome(outputs: [.image(CellImage(png: Data(), title: "loss"))])) == "chart: loss")
        #expect(LessonStepper.firstLine(of: CellOutcome()) == nil)
        let long = String(repeating: "x", count: 100)
        #expect(LessonStepper.firstLine(of: CellOutcome(outputs: [.value(long)]))?.count == 60)
    }
}
