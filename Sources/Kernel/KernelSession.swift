// What the kernel needs of a language session, so this module knows nothing of Seek's builtins:
// the executable adapts the same interpreter setup the REPL uses.

/// The result of running one cell.
public struct ExecutionOutcome {
    /// The cell's charts as PNG bytes, with a text stand-in each.
    public var images: [(png: [UInt8], text: String)]
    /// The echoed value of the final expression, if any.
    public var value: String?
    /// Why the cell stopped, if it failed.
    public var error: (name: String, message: String, traceback: [String])?

    public init(images: [(png: [UInt8], text: String)] = [], value: String? = nil,
                error: (name: String, message: String, traceback: [String])? = nil) {
        self.images = images
        self.value = value
        self.error = error
    }
}

/// Whether a cell can run as typed (Jupyter's is_complete).
public enum Completeness: String {
    case complete, incomplete, invalid
}

/// A language session the kernel drives. Called from the kernel's shell thread, except
/// `interrupt`, which the control thread calls while a cell runs.
public protocol KernelSession: AnyObject {
    /// Runs `code`; `stream` receives printed text as it is printed.
    func execute(_ code: String, stream: @escaping (String) -> Void) -> ExecutionOutcome
    /// Completions of the word ending at `cursor` (a character offset): full replacements of the
    /// text from `start` to `cursor`.
    func complete(_ code: String, cursor: Int) -> (matches: [String], start: Int)
    /// Help text for the name at `cursor`, or nil.
    func inspect(_ code: String, cursor: Int) -> String?
    /// Whether `code` is ready to run.
    func completeness(of code: String) -> Completeness
    /// Asks a running cell to stop (thread-safe).
    func interrupt()
}
