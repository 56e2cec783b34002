// Approximate equality for floating-point test assertions: every comparison states its tolerance.
import Autograd

/// Whether `actual` is within `absolute + relative · |expected|` of `expected`.
public func isClose(_ actual: Double, _ expected: Double, absolute: Double = 1e-6, relative: Double = 1e-5) -> Bool {
    if actual.isNaN || expected.isNaN { return actual.isNaN && expected.isNaN }
    return Swift.abs(actual - expected) <= absolute + relative * Swift.abs(expected)
}

/// Whether `actual` is within `absolute + relative · |expected|` of `expected` (Float32 values).
public func isClose(_ actual: Float, _ expected: Float, absolute: Float = 1e-6, relative: Float = 1e-5) -> Bool {
    isClose(Double(actual), Double(expected), absolute: Double(absolute), relative: Double(relative))
}

/// Whether two value lists have equal length and every pair is close; see `largestDifference` for messages.
public func allClose(_ actual: [Float], _ expected: [Float], absolute: Float = 1e-6, relative: Float = 1e-5) -> Bool {
    actual.count == expected.count
        && zip(actual, expected).allSatisfy { isClose($0, $1, absolute: absolute, relative: relative) }
}

/// Whether a tensor has `shape` and values close to `expected`.
public func allClose(_ tensor: Tensor, shape: [Int], _ expected: [Float], absolute: Float = 1e-6, relative: Float = 1e-5) -> Bool {
    tensor.shape == shape && allClose(tensor.storage, expected, absolute: absolute, relative: relative)
}

/// The largest absolute difference between two equally long lists (for failure messages).
public func largestDifference(_ actual: [Float], _ expected: [Float]) -> Float {
    guard actual.count == expected.count else { return .infinity }
    return zip(actual, expected).map { Swift.abs($0 - $1) }.max() ?? 0
}
