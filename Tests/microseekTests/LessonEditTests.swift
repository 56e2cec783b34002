import Testing
@testable import microseek
import REPL

@Suite("Lesson :edit")
struct LessonEditTests {
    @Test func editsEachLineKeepingLineBreaksThenAddsLines() {
        let reader = ScriptedLineReader(lines: ["x = 4", "print(x)", "print(x * 2)", ""])
        let edited = LessonAccess.editLineByLine("x = 3\nprint(x)", reader: reader)
        #expect(edited == "x = 4\nprint(x)\nprint(x * 2)")
        #expect(reader.prefills.prefix(2) == ["x = 3", "print(x)"])
        #expect(reader.prompts.first == "edit 1/2> ")
    }

    @Test func ctrlCCancelsTheEdit() {
        let reader = ScriptedLineReader([.line("x = 4"), .interrupted])
        #expect(LessonAccess.editLineByLine("x = 3\nprint(x)", reader: reader) == nil)
    }

    @Test func continuationLinesAreJoinedWhileABlockIsOpen() {
        let reader = ScriptedLineReader(lines: ["for i in range(2) {", "  print(i)", "}"])
        #expect(LessonAccess.readEntry(reader, prompt: "cell 1/2> ") == "for i in range(2) {\n  print(i)\n}")
        #expect(reader.prompts == ["cell 1/2> ", REPLSession.continuationPrompt, REPLSession.continuationPrompt])
    }
}
