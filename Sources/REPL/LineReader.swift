/// What one attempt to read a line produced.
public enum LineInput: Equatable, Sendable {
    /// A complete line, without its trailing newline.
    case line(String)
    /// The user pressed Ctrl-C while typing: the line is discarded.
    case interrupted
    /// Ctrl-D at an empty prompt, or the end of piped input.
    case endOfInput
}

/// A source of input lines: libedit in a terminal, plain lines from a pipe, or a script in tests.
///
/// The REPL and the lesson stepper only ever talk to this protocol, so both can be driven by a
/// fake reader in tests.
public protocol LineReader: AnyObject {
    /// Whether prompts and echoes are meant for a person (a terminal) rather than a pipe.
    var isInteractive: Bool { get }
    /// Reads one line after showing `prompt`; `prefill` is placed in the editable buffer first
    /// (used by `:edit`, ignored where the reader cannot edit).
    func readLine(prompt: String, prefill: String) -> LineInput
    /// Records a finished entry in the history (no-op where there is none).
    func addHistory(_ entry: String)
}

extension LineReader {
    /// Reads one line with an empty edit buffer.
    public func readLine(prompt: String) -> LineInput { readLine(prompt: prompt, prefill: "") }
}

/// Supplies Tab-completion candidates for the word that ends at the cursor.
///
/// `line` is the whole input line up to the cursor; the result holds full replacements for the
/// last word (for `model.ro` that is `model.route`, so the reader can replace the word as typed).
public typealias CompletionProvider = (_ line: String) -> [String]

// MARK: - Reading from a pipe

/// Reads plain lines from standard input, with no prompts: `echo 'print(1)' | microseek`.
public final class PipeLineReader: LineReader {
    public let isInteractive = false

    public init() {}

    public func readLine(prompt: String, prefill: String) -> LineInput {
        guard let line = Swift.readLine(strippingNewline: true) else { return .endOfInput }
        return .line(line)
    }

    public func addHistory(_ entry: String) {}
}

// MARK: - Reading from a list (tests, `-e`, lesson scripts)

/// Serves a fixed list of inputs, recording the prompts it was asked with.
///
/// Used by tests to drive the REPL and by callers that already hold the text.
public final class ScriptedLineReader: LineReader {
    public let isInteractive: Bool
    private var remaining: [LineInput]
    /// The prompts shown, in order, one per read.
    public private(set) var prompts: [String] = []
    /// The prefills offered, in order (empty when none).
    public private(set) var prefills: [String] = []
    /// Entries added to history.
    public private(set) var history: [String] = []

    public init(_ inputs: [LineInput], interactive: Bool = true) {
        self.remaining = inputs
        self.isInteractive = interactive
    }

    /// Convenience: each string becomes one `.line`.
    public convenience init(lines: [String], interactive: Bool = true) {
        self.init(lines.map { .line($0) }, interactive: interactive)
    }

    public func readLine(prompt: String, prefill: String) -> LineInput {
        prompts.append(prompt)
        prefills.append(prefill)
        guard !remaining.isEmpty else { return .endOfInput }
        return remaining.removeFirst()
    }

    public func addHistory(_ entry: String) { history.append(entry) }
}
