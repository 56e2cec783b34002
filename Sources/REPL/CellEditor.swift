// `:edit` for a whole block of code (a lesson cell): the user's own editor when one is named,
// otherwise a numbered multi-line edit in the line editor.
import Foundation

/// Edits a multi-line piece of code as a whole.
///
/// With `$VISUAL` or `$EDITOR` set, the code goes to a temporary `.seek` file, the editor runs on
/// it in the terminal, and the file is read back. Without one, `editInLineEditor` lists the code
/// with line numbers and lets the user jump to any line (`4` edits line 4, pre-filled), add lines
/// (`+4`), delete one (`-4`), and finish with Enter: no walking through the lines before.
public enum CellEditor {
    /// What an editor run gave.
    public enum Outcome: Equatable, Sendable {
        /// The edited text (one trailing newline, which editors add, removed).
        case edited(String)
        /// Nothing changed, and why (for the user).
        case cancelled(String)
    }

    /// `$VISUAL`, else `$EDITOR`, when set and not empty.
    public static func editorCommand(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        for name in ["VISUAL", "EDITOR"] {
            if let command = environment[name]?.trimmingCharacters(in: .whitespaces), !command.isEmpty { return command }
        }
        return nil
    }

    // MARK: - An external editor

    /// Runs `command FILE` through `/bin/sh` (so `code -w` or `vim -u NONE` work) on a temporary
    /// file holding `text`, and reads the file back. A failing editor cancels the edit.
    public static func editInEditor(_ text: String, command: String) -> Outcome {
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("microseek-cell-\(getpid())-\(UUID().uuidString.prefix(8)).seek")
        defer { try? FileManager.default.removeItem(at: file) }
        do {
            try Data((text.isEmpty ? "" : text + "\n").utf8).write(to: file)
        } catch {
            return .cancelled("cannot write \(file.path) for the editor: \(error.localizedDescription)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // The file is passed as $1, never spliced into the command, so no path needs quoting.
        process.arguments = ["-c", "\(command) \"$1\"", "microseek-edit", file.path]
        do {
            try process.run()
        } catch {
            return .cancelled("cannot start the editor '\(command)': \(error.localizedDescription)")
        }
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            return .cancelled("the editor '\(command)' failed (status \(process.terminationStatus)); the cell is unchanged")
        }
        guard let data = FileManager.default.contents(atPath: file.path),
              let edited = String(data: data, encoding: .utf8) else {
            return .cancelled("cannot read back \(file.path) as UTF-8 text; the cell is unchanged")
        }
        return .edited(edited.hasSuffix("\n") ? String(edited.dropLast()) : edited)
    }

    // MARK: - The line editor

    /// The commands of the numbered edit, shown when it starts.
    static let lineEditHelp = "a line number edits that line · +N adds lines after line N (+0 before the first) "
        + "· -N deletes line N · Enter alone keeps the result · :cancel drops the changes"

    /// Edits `text` line by number over `reader`; nil when the user cancels (`:cancel`, Ctrl-D).
    /// `write` shows the numbered listing and messages.
    public static func editInLineEditor(_ text: String, reader: LineReader, write: (String) -> Void) -> String? {
        var lines = text.isEmpty ? [] : text.components(separatedBy: "\n")
        write(lineEditHelp + "\n")
        while true {
            write(listing(lines))
            let input: String
            switch reader.readLine(prompt: "edit> ", prefill: "") {
            case .line(let line): input = line.trimmingCharacters(in: .whitespaces)
            case .interrupted: continue
            case .endOfInput: return nil
            }
            if input.isEmpty { return lines.joined(separator: "\n") }
            if input == ":cancel" || input == ":q" { return nil }
            switch command(input, lineCount: lines.count) {
            case .edit(let number):
                if case .line(let edited) = reader.readLine(prompt: "\(number)> ", prefill: lines[number - 1]) {
                    lines[number - 1] = edited
                }
            case .add(let after):
                var position = after
                while case .line(let added) = reader.readLine(prompt: "\(position + 1)+ ", prefill: ""), !added.isEmpty {
                    lines.insert(added, at: position)
                    position += 1
                }
            case .delete(let number):
                lines.remove(at: number - 1)
            case .invalid(let message):
                write(message + "\n")
            }
        }
    }

    /// One command of the numbered edit.
    enum LineCommand: Equatable {
        case edit(Int)
        case add(after: Int)
        case delete(Int)
        case invalid(String)
    }

    /// Parses `4`, `+4`, `-4` against a cell of `lineCount` lines.
    static func command(_ input: String, lineCount: Int) -> LineCommand {
        let sign = input.first.flatMap { "+-".contains($0) ? $0 : nil }
        guard let number = Int(sign == nil ? input : String(input.dropFirst())) else {
            return .invalid("'\(input)' is not an edit command: " + lineEditHelp)
        }
        switch sign {
        case "+":
            guard (0 ... lineCount).contains(number) else { return .invalid("+N needs N from 0 to \(lineCount)") }
            return .add(after: number)
        case "-":
            guard (1 ... max(1, lineCount)).contains(number), lineCount > 0 else {
                return .invalid(lineCount == 0 ? "the cell has no lines to delete" : "-N needs N from 1 to \(lineCount)")
            }
            return .delete(number)
        default:
            guard lineCount > 0 else { return .invalid("the cell is empty: +0 adds lines") }
            guard (1 ... lineCount).contains(number) else { return .invalid("line numbers go from 1 to \(lineCount)") }
            return .edit(number)
        }
    }

    /// The lines numbered, right-aligned: "  1│ x = 3".
    static func listing(_ lines: [String]) -> String {
        guard !lines.isEmpty else { return "   │ (empty)\n" }
        let width = String(lines.count).count
        return lines.enumerated().map { offset, line in
            let number = String(offset + 1)
            return String(repeating: " ", count: 2 + width - number.count) + number + "│ " + line + "\n"
        }.joined()
    }
}
