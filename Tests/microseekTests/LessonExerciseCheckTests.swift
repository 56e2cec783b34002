import Foundation
import Notebook
import Testing
@testable import microseek

/// Exercises in the shipped lessons are real: the starting code fails its check, the reference
/// solution passes it (run in-process through the real Seek kernel).
@Suite("Shipped exercises")
struct LessonExerciseCheckTests {
    @Test func everyExerciseStartsUnsolvedAndItsSolutionPasses() throws {
        let library = LessonLibrary(folder: Invocation.packageRoot.appendingPathComponent("Lessons"))
        var exercises = 0
        for entry in try library.entries() {
            let lesson = try library.load(entry.file)
            let runner = LessonRunner(lesson: lesson, kernel: SeekKernel(seed: 0, lessonPath: lesson.path))
            // A lesson without exercises is run whole by `lesson N --check` (LessonCommandTests);
            // running it again here cost the suite a minute of CPU (lessons 05 and 06).
            guard (0 ..< runner.cellCount).contains(where: { runner.cell(at: $0).isExercise }) else { continue }
            for index in 0 ..< runner.cellCount {
                if runner.cell(at: index).isExercise {
                    exercises += 1
                    let starter = runner.run(cellAt: index)
                    #expect(starter.state == .checkFailed, "\(lesson.path) cell \(index + 1): the starting code must fail its check")
                }
                let result = runner.run(cellAt: index, solution: true)
                #expect(result.state == .ok, "\(lesson.path) cell \(index + 1): \(String(describing: result.outcome.error))")
            }
        }
        #expect(exercises >= 2, "lesson 01 has two exercises")
    }
}
