@preconcurrency import CEditLine
import Foundation
import Synchronization

/// Reads lines in a terminal through libedit: editing keys, history, Tab completion.
///
/// libedit is a C library with process-wide state (one line buffer, one completion hook), so
/// there is one reader per process; its completion provider lives in a global that C callbacks
/// can reach. Ctrl-C is turned into `.interrupted` by `InterruptSignal`: while a line is being
/// read, `readCharacter` sees the interrupted `read` and ends the line.
public final class EditLineReader: LineReader {
    public let isInteractive = true
    private let historyPath: String?

    /// - Parameters:
    ///   - historyPath: file that keeps history across sessions (nil: history for this run only).
    ///   - completion: candidates for Tab; see `CompletionProvider`.
    public init(historyPath: String?, completion: @escaping CompletionProvider) {
        self.historyPath = historyPath
        EditLineState.provider = completion
        rl_readline_name = UnsafePointer(strdup("microseek"))
        // '.' is deliberately not a word break: `model.ro<Tab>` completes the member as one word.
        rl_completer_word_break_characters = strdup(" \t\n\"'`@$><=;|&{([,+-*/%:!")
        rl_attempted_completion_function = completeAtCursor
        rl_getc_function = readCharacter
        using_history()
        stifle_history(2000)
        if let historyPath { _ = read_history(historyPath) }
    }

    public func readLine(prompt: String, prefill: String) -> LineInput {
        InterruptSignal.clearPending()
        // libedit resets its buffer after the pre-input hooks run, so the prefill is fed as if
        // typed (one line: a newline inside would end the read early).
        let typed = prefill.replacingOccurrences(of: "\n", with: " ")
        EditLineState.typeAhead.withLock { $0 = Array(typed.utf8) }
        let raw = readline(prompt)
        EditLineState.typeAhead.withLock { $0 = [] }
        if InterruptSignal.takePending() {
            if let raw { free(raw) }
            // libedit leaves the cursor on the abandoned line; move to a fresh one.
            FileHandle.standardOutput.write(Data("^C\n".utf8))
            return .interrupted
        }
        guard let raw else { return .endOfInput }
        defer { free(raw) }
        return .line(String(cString: raw))
    }

    public func addHistory(_ entry: String) {
        let trimmed = entry.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return }
        add_history(entry)
        if let historyPath { _ = write_history(historyPath) }
    }
}

// MARK: - State that libedit's C callbacks reach

/// The globals behind libedit's callbacks (C function pointers cannot capture context).
enum EditLineState {
    /// Set by the reader's initialiser and read by the completion hook. Safe without a lock:
    /// libedit calls the hook synchronously inside `readline`, on the thread that called it,
    /// which is the thread that owns the reader.
    nonisolated(unsafe) static var provider: CompletionProvider = { _ in [] }
    /// Bytes handed to libedit before the keyboard's (the `:edit` prefill).
    static let typeAhead = Mutex<[UInt8]>([])
}

/// libedit's per-character read: ends the line when Ctrl-C interrupts the `read`.
private let readCharacter: @convention(c) (UnsafeMutablePointer<FILE>?) -> Int32 = { stream in
    let queued: UInt8? = EditLineState.typeAhead.withLock { $0.isEmpty ? nil : $0.removeFirst() }
    if let queued { return Int32(queued) }
    let descriptor = stream.map { fileno($0) } ?? STDIN_FILENO
    var byte: UInt8 = 0
    while true {
        let count = read(descriptor, &byte, 1)
        if count == 1 { return Int32(byte) }
        if count < 0 && errno == EINTR {
            if InterruptSignal.isPending { return EOF }
            continue
        }
        return EOF
    }
}

/// libedit's completion hook: asks the provider, returns a malloc'd, NULL-terminated list whose
/// first entry is the longest common prefix (readline's convention).
private let completeAtCursor: @convention(c) (UnsafePointer<CChar>?, Int32, Int32)
    -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = { _, _, end in
    rl_attempted_completion_over = 1
    // No space after a completed word: `t.soft<Tab>` should leave `t.softmax` ready for `(`.
    rl_completion_append_character = 0
    guard let buffer = rl_line_buffer else { return nil }
    let line = String(cString: buffer)
    let uptoCursor = String(line.utf8.prefix(Int(end))) ?? line
    let provider = EditLineState.provider
    let candidates = provider(uptoCursor)
    guard !candidates.isEmpty else { return nil }
    let entries = candidates.count == 1 ? candidates : [longestCommonPrefix(candidates)] + candidates
    let list = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: entries.count + 1)
    for (index, entry) in entries.enumerated() { list[index] = strdup(entry) }
    list[entries.count] = nil
    // libedit frees the list with free(); allocate(capacity:) is malloc-backed on Linux.
    return list
}

/// The longest prefix shared by all strings (by characters).
func longestCommonPrefix(_ strings: [String]) -> String {
    guard var prefix = strings.first else { return "" }
    for string in strings.dropFirst() {
        while !string.hasPrefix(prefix) { prefix.removeLast() }
    }
    return prefix
}
