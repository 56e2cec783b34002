// The size limit checked on every tensor allocation, so an absurd request (a typo in a REPL
// shape, `zeros([100000, 100000])`) becomes an error instead of the process being killed.
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
        return count
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
