// The stepper driven by scripted input: navigation, errors between cells, edits, saved charts.
import Foundation
import Testing
@testable import Notebook

/// Feeds scripted lines to a stepper and records everything it shows.
final class ScriptedSession {
    var inputs: [String]
    var prompts: [String] = []
    var shown = ""
    var edits: [String?]
    var editInitials: [String] = []

    init(inputs: [String], edits: [String?] = []) {
        self.inputs = inputs
        self.edits = edits
    }

    func makeStepper(runner: LessonRunner, imageFolder: String) -> LessonStepper {
        LessonStepper(runner: runner, imageFolder: imageFolder,
                      readLine: { [unowned self] prompt in
                          self.prompts.append(prompt)
                          return self.inputs.isEmpty ? nil : self.inputs.removeFirst()
                      },
                      write: { [unowned self] text in self.shown += text },
                      edit: { [unowned self] initial in
                          self.editInitials.append(initial)
                          return self.edits.isEmpty ? nil : self.edits.removeFirst()
                      })
    }
}

@Suite struct LessonStepperTests {
    static let lessonText = """
    # Stepping
    Learn to step.

    ```seek
    x = 1
    print x
    ```

    Now a chart.

    ```seek
    plot loss
    ```
    ```seek
    assert x == 2
    ```
    Done!
    """

    func makeRunner() throws -> LessonRunner {
        LessonRunner(lesson: try LessonParser.parse(Self.lessonText, path: "Lessons/01-step.md"), kernel: FakeKernel())
    }

    func temporaryFolder() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("stepper-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    @Test func startShowsTitleIntroAndFirstCell() throws {
        let session = ScriptedSession(inputs: [])
        let stepper = session.makeStepper(runner: try makeRunner(), imageFolder: try temporaryFolder())
        stepper.run()
        #expect(session.shown.hasPrefix("Stepping\n========\n\nLearn to step.\n"))
        #expect(session.shown.contains("┌─ cell 1 of 3 · Lessons/01-step.md:5\n│ x = 1\n│ print x\n└─\n"))
        #expect(!session.shown.contains("Now a chart."))
        #expect(session.prompts == ["cell 1/3> "])
    }

    @Test func enterRunsAdvancesAndSavesCharts() throws {
        let folder = try temporaryFolder() + "/out/01-step"
        let session = ScriptedSession(inputs: ["", "", ":where", ":quit", "never read"])
        let stepper = session.makeStepper(runner: try makeRunner(), imageFolder: folder)
        stepper.run()
        // Cell 1 prints 1, then cell 2's prose and code appear; cell 2 draws and saves a chart.
        #expect(session.shown.contains("│ print x\n└─\n1\n\nNow a chart.\n\n┌─ cell 2 of 3"))
        #expect(session.shown.contains("[chart loss]\nchart saved: \(folder)/cell-02-1.png\n"))
        let saved = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/cell-02-1.png"))
        #expect(saved == FakeKernel.samplePNG)
        #expect(saved.count == 541)
        #expect(session.shown.contains("cell 3 of 3 (Lessons/01-step.md:15) · 2 ok, 0 failed, 1 not run\n"))
        #expect(session.prompts == ["cell 1/3> ", "cell 2/3> ", "cell 3/3> ", "cell 3/3> "])
        #expect(session.inputs == ["never read"])
    }

    @Test func failedCheckStaysThenTypedFixAndRerunMoveOn() throws {
        let session = ScriptedSession(inputs: [":next", ":next", "", "nonsense here", "x = 2", ":run", ":next", "", ":back", ":where"])
        let runner = try makeRunner()
        let stepper = session.makeStepper(runner: runner, imageFolder: try temporaryFolder())
        stepper.run()
        // Cell 3 fails before x is fixed: the stepper names the lesson line and stays on cell 3.
        #expect(session.shown.contains("Lessons/01-step.md:15: cell 3: assertion failed: x == 2 (got nil)\n"))
        // A typed error is shown but the session goes on; the typed fix makes the rerun pass.
        #expect(session.shown.contains("line 1: error: unknown statement 'nonsense here'\n"))
        #expect(runner.results[2].state == .ok)
        #expect(session.shown.contains("── end of the lesson: 1 of 3 cells ran ok ──"))
        #expect(session.shown.contains("Done!"))
        #expect(session.shown.contains("The lesson is over"))
        #expect(session.shown.contains("┌─ cell 3 of 3 · Lessons/01-step.md:15 · ran ok\n"))
        #expect(stepper.position == .cell(2))
    }

    @Test func editReplacesTheCodeAndEnterRunsIt() throws {
        let session = ScriptedSession(inputs: [":edit", "", ":edit"], edits: ["x = 7\nprint x"])
        let runner = try makeRunner()
        let stepper = session.makeStepper(runner: runner, imageFolder: try temporaryFolder())
        stepper.run()
        #expect(session.editInitials == ["x = 1\nprint x", "plot loss"])
        #expect(session.shown.contains("│ x = 7\n│ print x\n└─\n(edited; Enter runs it, :restore brings back the lesson's code)\n7\n"))
        #expect(session.shown.hasSuffix("edit cancelled\n"))
        #expect(runner.cellCodes[0] == "x = 7\nprint x")
        #expect(stepper.position == .cell(1))
    }

    @Test func navigationLimitsHelpAndUnknownCommands() throws {
        let session = ScriptedSession(inputs: [":back", ":help", ":frobnicate", ":next", ":next", ":next", ":next", ":run", ":edit", ":back"])
        let stepper = session.makeStepper(runner: try makeRunner(), imageFolder: try temporaryFolder())
        stepper.run()
        #expect(session.shown.contains("already at the first cell\n"))
        #expect(session.shown.contains(":edit      edit the whole cell"))
        #expect(session.shown.contains("unknown command :frobnicate; :help lists the commands\n"))
        #expect(session.shown.contains("already at the end of the lesson\n"))
        #expect(session.shown.contains("no current cell: :back returns to the last one\n"))
        #expect(session.shown.contains("no current cell to edit"))
        #expect(stepper.position == .cell(2))
        #expect(session.prompts.contains("lesson> "))
    }

    @Test func lessonWithoutCellsSaysSo() throws {
        let lesson = try LessonParser.parse("# Only prose\n\nRead me.\n", path: "Lessons/09-prose.md")
        let session = ScriptedSession(inputs: ["", ":where"])
        let stepper = session.makeStepper(runner: LessonRunner(lesson: lesson, kernel: FakeKernel()), imageFolder: "")
        stepper.run()
        #expect(session.shown.contains("Read me.\n"))
        #expect(session.shown.contains("This lesson has no cells.\n"))
        #expect(session.shown.contains("end of the lesson (0 cells) · 0 ok, 0 failed, 0 not run\n"))
    }

    @Test func unwritableChartFolderIsReportedNotFatal() throws {
        let blocker = try temporaryFolder() + "/file"
        try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
        let session = ScriptedSession(inputs: [":next", ""])
        let stepper = session.makeStepper(runner: try makeRunner(), imageFolder: blocker + "/charts")
        stepper.run()
        #expect(session.shown.contains("could not save chart to \(blocker)/charts/cell-02-1.png"))
    }

    @Test func defaultImageFolderUsesTheLessonName() throws {
        #expect(LessonStepper.defaultImageFolder(for: try makeRunner().lesson) == "microseek-out/01-step")
    }
}
