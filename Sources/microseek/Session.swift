import ArgumentParser
import Builtins
import Foundation
import REPL
import Script

/// One interpreter with every library installed, and the ways to drive it.
final class Session {
    let interpreter: Interpreter
    let builtins: BuiltinContext
    let seed: UInt64

    init(seed: UInt64) {
        self.seed = seed
        (interpreter, builtins) = Libraries.makeSession(seed: seed)
    }

    /// Runs a whole script; errors go to stderr and become exit codes 65 / 70.
    func runScript(_ source: String, file: String, echoLastValue: Bool) throws {
        InterruptSignal.install(onInterrupt: { [flag = interpreter.interruptFlag] in flag.request() })
        do {
            let value = try interpreter.run(source, file: file)
            if echoLastValue, let value { print(value.repr) }
        } catch {
            printError(error.description)
            throw ExitCode(error.isSyntaxError ? ExitCodes.syntaxError : ExitCodes.runtimeError)
        }
    }

    /// The REPL in a terminal: libedit, history in the home folder, Tab completion.
    func runInteractive() {
        let history = FileManager.default.homeDirectoryForCurrentUser
            .appendingPathComponent(".microseek_history").path
        var sessionRef: REPLSession?
        let reader = EditLineReader(historyPath: history, completion: { [interpreter] line in
            Completion.candidates(for: line, interpreter: interpreter,
                                  commands: sessionRef?.commandNames ?? [])
        })
        let session = REPLSession(interpreter: interpreter, reader: reader,
                                  write: { text in FileHandle.standardOutput.write(Data(text.utf8)) },
                                  writeError: { text in FileHandle.standardError.write(Data(text.utf8)) })
        sessionRef = session
        session.onReset = { [builtins] in builtins.resetGenerator() }
        LessonSteppingCommand.install(in: session, seed: seed)
        InterruptSignal.install(onInterrupt: { [flag = interpreter.interruptFlag] in flag.request() })
        print("microseek \(Microseek.version): help() lists the builtins, :help the commands, :quit leaves.")
        session.run()
    }
}
