import Foundation
import Testing
@testable import REPL
import Script

/// A session over scripted input, capturing what it writes.
final class Harness {
    var output = ""
    var errors = ""
    let interpreter: Interpreter
    let reader: ScriptedLineReader
    let session: REPLSession

    init(_ lines: [String]) {
        interpreter = Interpreter()
        StandardLibrary.install(into: interpreter)
        reader = ScriptedLineReader(lines: lines, interactive: false)
        var output = ""
        var errors = ""
        session = REPLSession(interpreter: interpreter, reader: reader,
                              write: { output += $0 }, writeError: { errors += $0 })
        interpreter.output = { output += $0 }
        session.run()
        self.output = output
        self.errors = errors
    }
}

@Suite("REPL session")
struct REPLSessionTests {
    @Test func echoesExpressionValuesButNotStatements() {
        let run = Harness(["x = 2", "x * 21", "\"text\"", "print(\"hi\")"])
        #expect(run.output == "42\n\"text\"\nhi\n")
        #expect(run.errors.isEmpty)
    }

    @Test func continuesWhileABracketOrBlockIsOpen() {
        let run = Harness(["xs = [1,", "  2, 3]", "fn twice(v) {", "  return v * 2", "}", "twice(len(xs))"])
        #expect(run.output == "6\n")
        #expect(run.reader.prompts == [REPLSession.prompt, REPLSession.continuationPrompt,
                                       REPLSession.prompt, REPLSession.continuationPrompt,
                                       REPLSession.continuationPrompt, REPLSession.prompt,
                                       REPLSession.prompt])
        // Multi-line entries go to history whole.
        #expect(run.reader.history.contains("xs = [1,\n  2, 3]"))
    }

    @Test func anErrorKeepsTheSessionAndItsVariables() {
        let run = Harness(["total = 10", "total + missing", "total = total + 1", "total"])
        #expect(run.errors.contains("undefined variable 'missing'"))
        #expect(run.errors.contains("<repl:2>:1:9"))
        #expect(run.output == "11\n")
    }

    @Test func syntaxErrorsAreReportedAndTheNextEntryRuns() {
        let run = Harness(["1 +* 2", "3"])
        #expect(run.errors.contains("error"))
        #expect(run.output == "3\n")
    }

    @Test func interruptedInputIsDropped() {
        let interpreter = Interpreter()
        StandardLibrary.install(into: interpreter)
        let reader = ScriptedLineReader([.line("xs = [1,"), .interrupted, .line("5")], interactive: false)
        var output = ""
        let session = REPLSession(interpreter: interpreter, reader: reader,
                                  write: { output += $0 }, writeError: { _ in })
        session.run()
        #expect(output.hasSuffix("5\n"))
        #expect(interpreter.global("xs") == nil)
    }

    @Test func commands() {
        let run = Harness([":help", "a = 1", ":vars", ":reset", ":vars", ":tokens 1 + 2", ":ast x = 1",
                           ":nope", ":quit", "print(\"not reached\")"])
        #expect(run.output.contains(":tokens CODE"))
        #expect(run.output.contains("a = 1\n"))
        #expect(run.output.contains("session reset\n(no variables yet)\n"))
        #expect(run.output.contains("1:3    symbol +"))
        #expect(!run.output.contains("not reached"))
        #expect(run.errors.contains("unknown command ':nope'"))
    }

    @Test func resetClearsVariablesThenRunsTheLibrariesHook() {
        let interpreter = Interpreter()
        StandardLibrary.install(into: interpreter)
        let reader = ScriptedLineReader(lines: ["a = 1", ":reset"], interactive: false)
        var output = ""
        var hookSawNoVariables = false
        let session = REPLSession(interpreter: interpreter, reader: reader, write: { output += $0 }, writeError: { _ in })
        session.onReset = { hookSawNoVariables = interpreter.global("a") == nil }
        session.run()
        #expect(hookSawNoVariables)
        #expect(output == "session reset\n")
    }

    @Test func loadRunsAFileInTheSessionAndNamesAMissingOne() throws {
        let path = "/tmp/microseek-repl-load-\(getpid()).seek"
        try "loaded = 7".write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        let run = Harness([":load \(path)", "loaded", ":load /no/such/file.seek"])
        #expect(run.output == "7\n")
        #expect(run.errors.contains("cannot read '/no/such/file.seek'"))
    }

    @Test func addedCommandsRunWithTheirArgument() {
        let interpreter = Interpreter()
        let reader = ScriptedLineReader(lines: [":lesson 3"])
        var received = ""
        let session = REPLSession(interpreter: interpreter, reader: reader, write: { _ in }, writeError: { _ in })
        session.addCommand("lesson", .init(usage: ":lesson N", summary: "step") { received = $0 })
        session.run()
        #expect(received == "3")
        #expect(session.commandNames.contains(":lesson"))
    }
}
