import Testing
@testable import REPL

/// The whole-cell edit without an editor: commands by line number over a scripted reader.
@Suite struct CellEditorTests {
    func edit(_ text: String, _ inputs: [LineInput]) -> (String?, String, ScriptedLineReader) {
        let reader = ScriptedLineReader(inputs)
        var shown = ""
        let result = CellEditor.editInLineEditor(text, reader: reader) { shown += $0 }
        return (result, shown, reader)
    }

    @Test func anyLineIsReachedByItsNumber() {
        let (result, shown, reader) = edit("a = 1\nb = 2\nc = 3\nd = 4", [.line("4"), .line("d = 40"), .line("")])
        #expect(result == "a = 1\nb = 2\nc = 3\nd = 40")
        #expect(reader.prefills == ["", "d = 4", ""])
        #expect(shown.contains("  1│ a = 1\n  2│ b = 2\n  3│ c = 3\n  4│ d = 4\n"))
    }

    @Test func linesAreAddedBeforeTheFirstAndDeleted() {
        let (result, _, _) = edit("b = 2\nc = 3", [.line("+0"), .line("a = 1"), .line(""), .line("-3"), .line("")])
        #expect(result == "a = 1\nb = 2")
        let (empty, _, _) = edit("", [.line("+0"), .line("x = 1"), .line("y = 2"), .line(""), .line("")])
        #expect(empty == "x = 1\ny = 2")
    }

    @Test func badCommandsAreExplainedAndCancelDropsEverything() {
        let (result, shown, _) = edit("a = 1", [.line("7"), .line("x"), .line("-0"), .line("1"), .line("a = 9"), .line(":cancel")])
        #expect(result == nil)
        #expect(shown.contains("line numbers go from 1 to 1\n"))
        #expect(shown.contains("'x' is not an edit command"))
        #expect(shown.contains("-N needs N from 1 to 1\n"))
        let (ended, _, _) = edit("a = 1", [.line("1"), .line("a = 2"), .endOfInput])
        #expect(ended == nil)
        // Ctrl-C at the edit prompt asks again instead of losing the edit.
        let (interrupted, _, _) = edit("a = 1", [.interrupted, .line("")])
        #expect(interrupted == "a = 1")
    }

    @Test func theEditorComesFromVisualThenEditor() {
        #expect(CellEditor.editorCommand(environment: ["VISUAL": "code -w", "EDITOR": "vi"]) == "code -w")
        #expect(CellEditor.editorCommand(environment: ["VISUAL": " ", "EDITOR": "vi"]) == "vi")
        #expect(CellEditor.editorCommand(environment: [:]) == nil)
    }

    @Test func anEditorRunsOnTheCellAndAFailingOneCancels() {
        #expect(CellEditor.editInEditor("x = 1", command: "sed -i 's/1/2/'") == .edited("x = 2"))
        guard case .cancelled(let reason) = CellEditor.editInEditor("x = 1", command: "exit 3;") else {
            Issue.record("a failing editor must cancel")
            return
        }
        #expect(reason.contains("status 3"))
    }
}
