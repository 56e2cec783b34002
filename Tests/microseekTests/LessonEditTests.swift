import Foundation
import Testing
@testable import microseek
import REPL

@Suite("Lesson :edit")
struct LessonEditTests {
    @Test func withoutAnEditorTheCellIsEditedByLineNumber() {
        // Jump straight to line 2, then add a line after it; Enter keeps the result.
        let reader = ScriptedLineReader(lines: ["2", "print(x + 1)", "+2", "print(x * 2)", "", ""])
        let edited = LessonAccess.editCell("x = 3\nprint(x)", reader: reader, environment: [:])
        #expect(edited == "x = 3\nprint(x + 1)\nprint(x * 2)")
        #expect(reader.prefills[1] == "print(x)")
        #expect(reader.prompts.prefix(2) == ["edit> ", "2> "])
    }

    @Test func anEditorEditsTheWholeCellInATerminal() throws {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("fake-editor-\(getpid()).sh")
        try "#!/bin/sh\nsed -i 's/3/4/' \"$1\"\necho 'print(x * 2)' >> \"$1\"\n".write(to: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: script) }
        let reader = ScriptedLineReader(lines: [], interactive: true)
        let edited = LessonAccess.editCell("x = 3\nprint(x)", reader: reader,
                                           environment: ["VISUAL": "sh \(script.path)", "EDITOR": "false"])
        #expect(edited == "x = 4\nprint(x)\nprint(x * 2)")
        #expect(reader.prompts.isEmpty, "the line editor is not used when an editor is named")
    }

    @Test func aFailingEditorCancelsTheEdit() {
        let reader = ScriptedLineReader(lines: [], interactive: true)
        #expect(LessonAccess.editCell("x = 3", reader: reader, environment: ["EDITOR": "false"]) == nil)
    }

    @Test func continuationLinesAreJoinedWhileABlockIsOpen() {
        let reader = ScriptedLineReader(lines: ["for i in range(2) {", "  print(i)", "}"])
        #expect(LessonAccess.readEntry(reader, prompt: "cell 1/2> ") == "for i in range(2) {\n  print(i)\n}")
        #expect(reader.prompts == ["cell 1/2> ", REPLSession.continuationPrompt, REPLSession.continuationPrompt])
    }
}
