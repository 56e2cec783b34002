import Foundation
import Synchronization

/// Turns Ctrl-C (SIGINT) into a flag and a callback instead of ending the process.
///
/// While a line is being read, the flag makes the reader end the line (`.interrupted`); while a
/// script runs, the callback asks the interpreter to stop at its next check. The handler is
/// installed without `SA_RESTART` so a blocked `read` returns `EINTR` and notices.
public enum InterruptSignal {
    private static let pending = Atomic<Bool>(false)
    private static let action = Mutex<(@Sendable () -> Void)?>(nil)

    /// Installs the SIGINT handler; `onInterrupt` runs on every Ctrl-C (it must be quick and
    /// thread-safe: setting an atomic flag is the intended use).
    public static func install(onInterrupt: @escaping @Sendable () -> Void) {
        action.withLock { $0 = onInterrupt }
        var handler = sigaction()
        handler.__sigaction_handler.sa_handler = { _ in
            InterruptSignal.pending.store(true, ordering: .sequentiallyConsistent)
            // The callback only stores an atomic flag in the interpreter; taking the lock here
            // cannot deadlock because nothing holds it while a signal can arrive except install.
            if let callback = InterruptSignal.action.withLock({ $0 }) { callback() }
        }
        sigemptyset(&handler.sa_mask)
        handler.sa_flags = 0
        sigaction(SIGINT, &handler, nil)
    }

    /// Whether a Ctrl-C arrived and has not been taken yet.
    static var isPending: Bool { pending.load(ordering: .sequentiallyConsistent) }

    /// Takes the pending Ctrl-C, if any.
    static func takePending() -> Bool { pending.exchange(false, ordering: .sequentiallyConsistent) }

    /// Forgets an old Ctrl-C (one that already stopped a script) before reading a new line.
    static func clearPending() { pending.store(false, ordering: .sequentiallyConsistent) }
}
