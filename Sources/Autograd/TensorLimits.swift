// The size limit checked on every tensor allocation, so an absurd request (a typo in a REPL
// shape, `zeros([100000, 100000])`) becomes an error, in a learner's terms, instead of the
// process being killed: the configured limit, and for a raised limit the machine's memory.
import Foundation

/// Process-wide limits on tensor sizes.
public enum TensorLimits {
    /// The default limit: 2^28 Float32 elements (1 GiB).
    public static let defaultMaximumElementCount = 1 << 28

    private static let state = LockedValue(defaultMaximumElementCount)

    /// The largest element count a single tensor may have; configurable at run time.
    public static var maximumElementCount: Int {
        get { state.value }
        set { state.value = newValue }
    }

    /// Returns the element count of `shape`, or throws if a dimension is negative or the count
    /// exceeds the limit (overflow included).
    static func checkedElementCount(_ shape: [Int], op: String) throws -> Int {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else {
                throw TensorError.invalidShape(op: op, shape: shape, reason: "has a negative dimension")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            if overflow {
                throw TensorError.sizeLimitExceeded(shape: shape, elementCount: Int.max, limit: maximumElementCount)
            }
            count = product
        }
        let limit = maximumElementCount
        if count > limit {
            throw TensorError.sizeLimitExceeded(shape: shape, elementCount: count, limit: limit)
        }
        // A raised limit must still fit in memory: a request past the machine's RAM would be
        // killed (or crash on a failed allocation) instead of reporting an error.
        if count > 1 << 24, count > memoryElementCount {
            throw TensorError.sizeLimitExceeded(shape: shape, elementCount: count, limit: memoryElementCount)
        }
        return count
    }

    /// How many Float32 values fit in this machine's physical memory.
    public static var memoryElementCount: Int {
        Int(clamping: ProcessInfo.processInfo.physicalMemory / UInt64(MemoryLayout<Float>.stride))
    }

    /// The message for a tensor too large to make, in a learner's terms (no Swift names): what
    /// the shape needs and what is allowed, both as values and as memory.
    public static func tooLargeMessage(shape: [Int], elementCount: Int, limit: Int) -> String {
        let needed = elementCount == Int.max ? "more values than can be counted"
            : "\(elementCount) values (\(memorySize(elementCount)))"
        let reason = limit < maximumElementCount ? "this machine's memory holds about" : "a tensor may hold at most"
        return "a tensor of shape \(shape) would need \(needed); \(reason) \(limit) values (\(memorySize(limit))). "
            + "Use smaller dimensions"
    }

    /// "40 GB", "1 GB", "512 MB": the memory `count` Float32 values take.
    public static func memorySize(_ count: Int) -> String {
        let bytes = Double(count) * Double(MemoryLayout<Float>.stride)
        for (unit, size) in [("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)] where bytes >= size {
            let value = bytes / size
            return (value >= 10 ? String(Int(value.rounded())) : String(format: "%.1f", value)) + " " + unit
        }
        return "\(Int(bytes)) bytes"
    }
}

/// A value guarded by a lock: global settings that any thread may read or change.
final class LockedValue<Value: Sendable>: @unchecked Sendable {
    // @unchecked: every access to `storedValue` goes through `lock`.
    private let lock = NSLock()
    private var storedValue: Value

    init(_ value: Value) { storedValue = value }

    var value: Value {
        get { lock.lock(); defer { lock.unlock() }; return storedValue }
        set { lock.lock(); storedValue = newValue; lock.unlock() }
    }

    /// Reads and updates the value under one lock acquisition.
    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock(); defer { lock.unlock() }
        return try body(&storedValue)
    }
}
