import Foundation
import Script

/// The interactive loop: read an entry (continuing while a bracket or block is open), run it in
/// one interpreter, echo its value, and survive every error.
///
/// Lines starting with `:` are commands (`:help` lists them). The executable can add its own
/// (`:lesson N`) through `addCommand`. Everything the session says goes through `write` and
/// `writeError`, so tests capture it.
public final class REPLSession {
    /// A `:command`: its one-line help and what it does with the text after the name.
    public struct Command {
        public let usage: String
        public let summary: String
        public let action: (_ argument: String) -> Void

        public init(usage: String, summary: String, action: @escaping (_ argument: String) -> Void) {
            self.usage = usage
            self.summary = summary
            self.action = action
        }
    }

    public let interpreter: Interpreter
    public let reader: LineReader
    private let write: (String) -> Void
    private let writeError: (String) -> Void
    /// Runs after `:reset` clears the interpreter: libraries restart their own state here
    /// (the builtins' default generator, so a reset session prints what a fresh one would).
    public var onReset: (() -> Void)?
    private var commands: [String: Command] = [:]
    private var commandOrder: [String] = []
    private var finished = false
    /// Entries run so far; names them in error messages (`<repl:3>`).
    private var entryCount = 0

    /// The prompt for a new entry and for its continuation lines.
    public static let prompt = "seek> "
    public static let continuationPrompt = "  ... "

    public init(interpreter: Interpreter, reader: LineReader,
                write: @escaping (String) -> Void, writeError: @escaping (String) -> Void) {
        self.interpreter = interpreter
        self.reader = reader
        self.write = write
        self.writeError = writeError
        installStandardCommands()
    }

    /// Adds or replaces a `:name` command.
    public func addCommand(_ name: String, _ command: Command) {
        if commands[name] == nil { commandOrder.append(name) }
        commands[name] = command
    }

    /// The command names, with their colon, for completion.
    public var commandNames: [String] { commandOrder.map { ":" + $0 } }

    // MARK: - The loop

    /// Runs until `:quit` or the end of input.
    public func run() {
        finished = false
        while !finished {
            guard let entry = readEntry() else { break }
            handle(entry)
        }
    }

    /// Reads one entry from the session's reader (see `readEntry(from:prompt:)`).
    func readEntry() -> String? {
        let entry = Self.readEntry(from: reader, prompt: Self.prompt)
        if entry == nil, reader.isInteractive { write("\n") }
        return entry
    }

    /// Reads one entry: a `:command` line, or code lines until no bracket or block is left open
    /// (continuation lines get `continuationPrompt`). Ctrl-C drops the entry and reads a new one;
    /// nil at the end of input. A pipe that ends mid-entry returns what there is, so its error
    /// is reported. Shared by the REPL and the lesson stepper.
    public static func readEntry(from reader: LineReader, prompt: String) -> String? {
        var lines: [String] = []
        var currentPrompt = prompt
        while true {
            switch reader.readLine(prompt: currentPrompt) {
            case .endOfInput:
                return lines.isEmpty ? nil : lines.joined(separator: "\n")
            case .interrupted:
                lines = []
                currentPrompt = prompt
                continue
            case .line(let line):
                lines.append(line)
            }
            let text = lines.joined(separator: "\n")
            if lines.count == 1, text.trimmingCharacters(in: .whitespaces).hasPrefix(":") { return text }
            if !Interpreter.isIncomplete(text) { return text }
            currentPrompt = continuationPrompt
        }
    }

    /// Runs one entry (code or `:command`), reporting its value or error.
    public func handle(_ entry: String) {
        let trimmed = entry.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return }
        reader.addHistory(entry)
        if trimmed.hasPrefix(":") {
            runCommand(trimmed)
        } else {
            evaluate(entry)
        }
    }

    /// Runs code in the session's interpreter and echoes a value; errors keep the session.
    public func evaluate(_ code: String, file: String? = nil) {
        entryCount += 1
        do {
            if let value = try interpreter.run(code, file: file ?? "<repl:\(entryCount)>") {
                write(value.repr + "\n")
            }
        } catch {
            // After Ctrl-C the terminal shows "^C" with no line break; start the message on its own line.
            if reader.isInteractive, error.diagnostics.first is RuntimeError,
               error.message == "interrupted" {
                write("\n")
            }
            writeError(error.description + "\n")
        }
    }

    // MARK: - Commands

    private func runCommand(_ text: String) {
        let body = text.dropFirst()
        let name = String(body.prefix { !$0.isWhitespace })
        let argument = body.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
        guard let command = commands[name] else {
            let suggestion = nearestName(to: name, in: commandOrder).map { " (did you mean :\($0)?)" } ?? ""
            writeError("unknown command ':\(name)'\(suggestion); :help lists the commands\n")
            return
        }
        command.action(argument)
    }

    private func installStandardCommands() {
        addCommand("help", Command(usage: ":help", summary: "this list of commands (help() lists the builtins)") { _ in
            self.write(self.commandHelp())
        })
        addCommand("vars", Command(usage: ":vars", summary: "the variables you defined, with their values") { _ in
            let names = self.interpreter.userGlobalNames
            if names.isEmpty { self.write("(no variables yet)\n"); return }
            for name in names {
                guard let value = self.interpreter.global(name) else { continue }
                self.write("\(name) = \(Self.oneLine(value.repr))\n")
            }
        })
        addCommand("reset", Command(usage: ":reset", summary: "forget every variable you defined") { _ in
            self.interpreter.reset()
            self.onReset?()
            self.write("session reset\n")
        })
        addCommand("tokens", Command(usage: ":tokens CODE", summary: "show the tokens the lexer makes of CODE") { code in
            self.write(Interpreter.dumpTokens(code) + "\n")
        })
        addCommand("ast", Command(usage: ":ast CODE", summary: "show the syntax tree the parser makes of CODE") { code in
            do {
                self.write(try Interpreter.dumpSyntax(code) + "\n")
            } catch {
                self.writeError("\(error)\n")
            }
        })
        addCommand("load", Command(usage: ":load FILE", summary: "run a .seek file in this session") { path in
            self.load(path)
        })
        addCommand("quit", Command(usage: ":quit", summary: "leave (Ctrl-D too)") { _ in
            self.finished = true
        })
    }

    private func load(_ path: String) {
        guard !path.isEmpty else {
            writeError(":load needs a file: :load examples/train.seek\n")
            return
        }
        let expanded = (path as NSString).expandingTildeInPath
        guard let source = try? String(contentsOfFile: expanded, encoding: .utf8) else {
            writeError("cannot read '\(path)': no such file or not UTF-8 text\n")
            return
        }
        evaluate(source, file: path)
    }

    /// The text of `:help`.
    func commandHelp() -> String {
        let width = commandOrder.compactMap { commands[$0]?.usage.count }.max() ?? 0
        let lines = commandOrder.compactMap { name -> String? in
            guard let command = commands[name] else { return nil }
            return "  " + command.usage.padding(toLength: width, withPad: " ", startingAt: 0)
                + "  " + command.summary
        }
        return "Commands:\n" + lines.joined(separator: "\n")
            + "\nType code to run it; an open bracket or brace continues on the next line."
            + "\nTab completes names and members; Ctrl-C stops a running loop; help(x) explains x.\n"
    }

    /// A value's echo cut to one line for `:vars`.
    static func oneLine(_ text: String, limit: Int = 70) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        return flat.count <= limit ? flat : String(flat.prefix(limit - 1)) + "…"
    }
}
