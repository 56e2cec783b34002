// How `t.run(…)` shows a run: in a terminal, a live bar on the last line with the loss, its parts
// and the time left, and the `every=` lines printed above it; piped, only the lines. The bar is
// redrawn in place and cleared to the end of the line, so no stale characters remain.

import Foundation
import Toys

/// Draws a run's progress through an output function.
struct ProgressDisplay {
    /// Where text goes (the interpreter's output).
    let output: (String) -> Void
    /// Whether a live bar is drawn (stdout is a terminal).
    let live: Bool
    /// A line every `every` steps (0: only the last step's).
    let every: Int
    private let start = Date()
    private var barShown = false

    init(output: @escaping (String) -> Void, live: Bool, every: Int) {
        self.output = output
        self.live = live
        self.every = every
    }

    /// After step `done` of `total`.
    mutating func update(_ record: StepRecord, done: Int, total: Int) {
        let wantsLine = done == total || (every > 0 && done % every == 0)
        guard live else {
            if wantsLine { output(record.description + "\n") }
            return
        }
        // Return to the bar's line, clear it, print the step line there, then the bar below it.
        if wantsLine { output("\r\u{1B}[2K" + record.description + "\n") }
        output("\r" + ProgressDisplay.bar(record, done: done, total: total, elapsed: Date().timeIntervalSince(start))
               + "\u{1B}[K")
        barShown = true
    }

    /// Ends the bar's line.
    func finish() { if live && barShown { output("\n") } }

    /// "[██████··················] 120/300 loss 1.0470 = task 0.0470 + aux 1.0000  ETA 3s"
    static func bar(_ record: StepRecord, done: Int, total: Int, elapsed: TimeInterval) -> String {
        let width = 24
        let filled = total > 0 ? width * done / total : width
        let remaining = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        var text = "[" + String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled) + "] "
        text += "\(done)/\(total) loss " + StepRecord.format(record.loss)
        if record.lossParts.count > 1 {
            text += " = " + record.lossParts.map { "\($0) " + StepRecord.format(record.scalar($0) ?? .nan) }
                .joined(separator: " + ")
        }
        return text + "  ETA " + ProgressDisplay.duration(remaining)
    }

    /// "3s", "2m05s".
    static func duration(_ seconds: TimeInterval) -> String {
        let whole = Int(seconds.rounded())
        return whole < 60 ? "\(whole)s" : String(format: "%dm%02ds", whole / 60, whole % 60)
    }
}
