// One executed lesson with every kind of output, shared by the export tests.
import Foundation
@testable import Notebook

enum ExportFixture {
    static let lessonText = """
    # Exporting a lesson

    A lesson with every kind of output: text, values, charts and errors.

    Prose with `inline code`, a list and another language's fence:

    - one
    - two

    ```python
    print("stays prose")
    ```

    ```seek
    x = 1
    print x
    print a<b & "quoted" µ
    show [1, 2, 3]
    ```

    Escaping in prose: <em>kept as HTML</em> & friends.

    ```seek
    # draw the loss
    plot loss curve
    ```

    ```seek
    print before the error
    fail file not found: data.csv
    ```

    ```seek
    assert x == 2
    ```

    ```seek
    y = x + 1
    ```

    An exercise:

    ```seek exercise
    # make z three
    z = 0
    assert z == 3
    ```

    <details><summary>Solution</summary>

    ```seek solution
    z = 3
    print z
    assert z == 3
    ```

    </details>

    The end.
    """

    /// Cells 1–4 run one by one (cell 3 errors, cell 4's check fails); cell 5 is not run; the
    /// exercise, cell 6, runs its solution as `--check` and `--export` do.
    static func executed() throws -> ExecutedLesson {
        let lesson = try LessonParser.parse(lessonText, path: "Lessons/07-export.md")
        let runner = LessonRunner(lesson: lesson, kernel: FakeKernel())
        for index in 0..<4 { runner.run(cellAt: index) }
        runner.run(cellAt: 5, solution: true)
        return runner.executedLesson
    }
}
