// Lesson prose in the terminal: styled with ANSI escapes, plain in a pipe, NO_COLOR respected.
import Testing
@testable import Notebook

@Suite struct TerminalMarkdownTests {
    static let prose = """
    ## A gradient by hand, then by `backward()`

    Gradients **accumulate**: see [the docs](https://example.org/grad) and *why*.
    - one `x * y`
    2. two
    > a quote
    Keep \\*stars\\* and 2 * 3 * 4 as written.

    ```python
    print("other language")
    ```
    <details><summary>Solution</summary>
    </details>
    """

    @Test func plainTextKeepsTheLayoutWithoutMarkup() {
        let rendered = TerminalMarkdown.render(Self.prose, style: .plain)
        #expect(rendered == """
            A gradient by hand, then by `backward()`

            Gradients accumulate: see the docs (https://example.org/grad) and why.
            • one `x * y`
            2. two
            │ a quote
            Keep *stars* and 2 * 3 * 4 as written.

                print("other language")
            """)
        #expect(!rendered.contains("\u{1B}"))
    }

    @Test func aTerminalGetsANSIStyles() {
        let rendered = TerminalMarkdown.render(Self.prose, style: .ansi)
        let lines = rendered.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Heading: underlined and bold; the code inside it cyan, its backticks gone.
        #expect(lines[0] == "\u{1B}[4m\u{1B}[1mA gradient by hand, then by \u{1B}[36mbackward()\u{1B}[39m\u{1B}[22m\u{1B}[24m")
        #expect(lines[2] == "Gradients \u{1B}[1maccumulate\u{1B}[22m: see \u{1B}[4mthe docs\u{1B}[24m"
            + "\u{1B}[2m (https://example.org/grad)\u{1B}[22m and \u{1B}[3mwhy\u{1B}[23m.")
        #expect(lines[3] == "• one \u{1B}[36mx * y\u{1B}[39m")
        #expect(lines[8] == "    \u{1B}[2mprint(\"other language\")\u{1B}[22m")
    }

    @Test func colourOnlyInATerminalAndNeverWithNoColor() {
        #expect(TerminalStyle.detect(outputIsTerminal: true, environment: [:]) == .ansi)
        #expect(TerminalStyle.detect(outputIsTerminal: false, environment: [:]) == .plain)
        #expect(TerminalStyle.detect(outputIsTerminal: true, environment: ["NO_COLOR": "1"]) == .plain)
        // no-color.org: an empty NO_COLOR does not count.
        #expect(TerminalStyle.detect(outputIsTerminal: true, environment: ["NO_COLOR": ""]) == .ansi)
    }

    @Test func theStepperRendersProseAndFramesCells() throws {
        let lesson = try LessonParser.parse("# T\n\nRead **this**.\n\n```seek\nx = 1\n```\n", path: "Lessons/04-t.md")
        let session = ScriptedSession(inputs: [])
        let stepper = LessonStepper(runner: LessonRunner(lesson: lesson, kernel: FakeKernel()), imageFolder: "",
                                    readLine: { _ in nil }, write: { session.shown += $0 }, edit: { _ in nil }, color: true)
        stepper.run()
        #expect(session.shown.contains("Read \u{1B}[1mthis\u{1B}[22m."))
        #expect(session.shown.contains("\u{1B}[1m┌─ cell 1 of 1 · Lessons/04-t.md:6\u{1B}[22m\n\u{1B}[2m│ \u{1B}[22mx = 1\n\u{1B}[2m└─\u{1B}[22m\n"))
    }
}
