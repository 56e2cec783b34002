// The one thing the notebook needs from a language: run code, report what it printed and drew.
import Foundation

// MARK: - Kernel

/// Runs lesson code in one persistent interpreter; the composition root wraps Script + Builtins.
///
/// Every call shares the same global state, so a cell sees the variables of the cells before it
/// and of anything the learner typed between cells.
public protocol LessonKernel: AnyObject {
    /// Runs `code` and returns everything it produced, in order.
    ///
    /// `firstLine` is the lesson line the code starts on (1 for code the learner typed), so the
    /// kernel can report lesson lines in `CellError.line`.
    func execute(_ code: String, firstLine: Int) -> CellOutcome
}

// MARK: - Outcome

/// What one execution produced: outputs in the order they happened, then the error that stopped it.
public struct CellOutcome: Sendable, Equatable {
    /// Printed text, echoed values and charts, in order.
    public var outputs: [CellOutput]
    /// The error that stopped the code, or nil when it ran to the end.
    public var error: CellError?

    /// Creates an outcome.
    public init(outputs: [CellOutput] = [], error: CellError? = nil) {
        self.outputs = outputs
        self.error = error
    }
}

/// One thing a cell produced.
public enum CellOutput: Sendable, Equatable {
    /// Text written by `print` (including its line breaks).
    case text(String)
    /// The echoed value of the cell's final expression, as the REPL would show it (no trailing newline).
    case value(String)
    /// A chart.
    case image(CellImage)
}

/// A chart a cell drew: the PNG bytes, a short title, and an optional terminal preview.
public struct CellImage: Sendable, Equatable {
    /// The encoded PNG file.
    public var png: Data
    /// A short description, e.g. the figure's title ("loss"); used as alt text and in `<Figure …>`.
    public var title: String
    /// A terminal rendering (Unicode blocks, ANSI colours) shown by the stepper, or nil.
    public var terminalPreview: String?

    /// Creates an image output.
    public init(png: Data, title: String, terminalPreview: String? = nil) {
        self.png = png
        self.title = title
        self.terminalPreview = terminalPreview
    }
}

// MARK: - Errors

/// Why code stopped: the three kinds a lesson distinguishes.
public enum CellErrorKind: String, Sendable, Equatable, CaseIterable {
    /// The code did not parse.
    case syntax
    /// The code parsed but failed while running (unknown name, shape mismatch, missing file, …).
    case runtime
    /// An `assert(...)` was false: the cell's check failed.
    case assertion

    /// The phrase that starts a message of this kind, e.g. "assertion failed".
    public var label: String {
        switch self {
        case .syntax: return "syntax error"
        case .runtime: return "error"
        case .assertion: return "assertion failed"
        }
    }

    /// The exception name used in Jupyter `error` outputs.
    public var exceptionName: String {
        switch self {
        case .syntax: return "SyntaxError"
        case .runtime: return "RuntimeError"
        case .assertion: return "AssertionError"
        }
    }
}

/// An error from running code, located in lesson lines.
public struct CellError: Sendable, Equatable {
    /// Syntax, runtime or failed assertion.
    public var kind: CellErrorKind
    /// The message without location or kind prefix, e.g. "expected 3, got 4".
    public var message: String
    /// The lesson line of the error (code line + `firstLine` - 1), or nil when unknown.
    public var line: Int?
    /// The 1-based column, or nil.
    public var column: Int?
    /// Optional extra lines for people: the source line with a caret underline, a suggestion.
    public var excerpt: String?

    /// Creates an error.
    public init(kind: CellErrorKind, message: String, line: Int? = nil, column: Int? = nil, excerpt: String? = nil) {
        self.kind = kind
        self.message = message
        self.line = line
        self.column = column
        self.excerpt = excerpt
    }

    /// "assertion failed: x == 3": the kind label and the message (not doubled if the message has it).
    public var labelledMessage: String {
        if message.lowercased().hasPrefix(kind.label + ":") { return message }
        return "\(kind.label): \(message)"
    }
}
