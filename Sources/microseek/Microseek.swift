import ArgumentParser
import Autograd
import Foundation

/// `microseek`: the REPL, scripts, one-liners and lessons. The composition root: it builds the
/// interpreter with its libraries and hands it to the REPL or the notebook runner.
@main
struct Microseek: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "microseek",
        abstract: "A notebook-style REPL for the ideas behind DeepSeek-V3/R1: experts, distillation, rewards.",
        discussion: """
        Exit codes: 0 ok, 64 usage, 65 syntax error, 66 unreadable input file, 70 runtime error \
        (or a failed lesson check).
        """,
        // The second line names the BLAS kernel in use (BLASKernel.swift in Autograd).
        version: "\(version)\n\(BLASKernel.summary())",
        subcommands: [Interactive.self, Run.self, Lessons.self, LessonCommand.self, KernelCommand.self],
        defaultSubcommand: Interactive.self
    )

    /// Moves OpenBLAS off a fallback kernel (before anything is read or computed), then parses
    /// the command line.
    static func main() {
        BLASKernel.chooseAtStartup()
        BLASThreading.parkIdleWorkers()
        if let command = QuickCommand(CommandLine.arguments.dropFirst()) {
            do { try command.run() } catch { Microseek.exit(withError: error) }
            return
        }
        main(nil)
    }
}

/// Options every command that runs code shares.
struct SeedOption: ParsableArguments {
    @Option(name: .long, help: "Seed of the generator that creators without seed= draw from.")
    var seed: UInt64 = 0
}

// MARK: - microseek [-e CODE]

extension Microseek {
    /// The REPL (stdin a terminal), a script piped on stdin, or `-e CODE`.
    struct Interactive: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "repl",
            abstract: "Open the REPL (the default); with stdin not a terminal, run the script it holds."
        )

        @Option(name: .customShort("e"), help: ArgumentHelp("Run CODE, echo its last value, and exit.", valueName: "code"))
        var code: String?

        @OptionGroup var seedOption: SeedOption

        func run() throws {
            if let code {
                try QuickCommand.evaluate(code, seed: seedOption.seed)
                return
            }
            let session = Session(seed: seedOption.seed)
            if isatty(STDIN_FILENO) != 0 {
                session.runInteractive()
            } else {
                let source = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                try session.runScript(source, file: "<stdin>", echoLastValue: false)
            }
        }
    }
}

// MARK: - microseek run FILE

extension Microseek {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run a .seek script.")

        @ArgumentParser.Argument(help: "The script to run.")
        var file: String

        @OptionGroup var seedOption: SeedOption

        func run() throws {
            try QuickCommand.runFile(file, seed: seedOption.seed)
        }
    }
}

// MARK: - Helpers

/// The exit codes of DESIGN.md (sysexits.h numbers).
enum ExitCodes {
    static let usage: Int32 = 64
    static let syntaxError: Int32 = 65
    static let unreadableInput: Int32 = 66
    static let runtimeError: Int32 = 70
}

/// Reads a UTF-8 text file; nil when it is missing, unreadable or not text.
func readTextFile(_ path: String) -> String? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    return String(data: data, encoding: .utf8)
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}
