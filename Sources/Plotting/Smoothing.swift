import Foundation

// Smoothing for noisy per-step curves: TensorBoard's debiased exponential moving average and a
// trailing moving average.

// MARK: - Smoothing

public enum Smoothing {
    /// TensorBoard's smoothing: `last = last·w + (1 − w)·x`, divided by `1 − w^n` after n finite
    /// values so the start is not pulled towards zero. Non-finite values pass through unchanged
    /// and do not update the average; a constant series is returned as is (as TensorBoard does).
    /// `weight` must be in 0..<1; `option` names it in the error (`smooth`, `ema`).
    public static func ema(_ values: [Double], weight: Double, option: String = "ema") throws -> [Double] {
        guard weight.isFinite, weight >= 0, weight < 1 else {
            throw PlotError("\(option): the smoothing weight must be in [0, 1), got \(PlotError.number(weight))")
        }
        guard let first = values.first, !values.allSatisfy({ $0 == first }) else { return values }
        var last = 0.0, count = 0.0
        return values.map { value in
            guard value.isFinite else { return value }
            last = last * weight + (1 - weight) * value
            count += 1
            return last / (1 - Foundation.pow(weight, count))
        }
    }

    /// The mean of each value and the `window − 1` before it (fewer at the start, so the result
    /// has the input's length, as pandas' `rolling(window, min_periods=1).mean()`). Non-finite
    /// values are left out of the windows they fall in.
    public static func movingAverage(_ values: [Double], window: Int, option: String = "moving_average") throws -> [Double] {
        guard window >= 1 else { throw PlotError("\(option): the window must be a whole number >= 1, got \(window)") }
        var sum = 0.0, count = 0
        var result: [Double] = []
        result.reserveCapacity(values.count)
        for index in values.indices {
            if values[index].isFinite { sum += values[index]; count += 1 }
            if index >= window, values[index - window].isFinite { sum -= values[index - window]; count -= 1 }
            result.append(count > 0 ? sum / Double(count) : .nan)
        }
        return result
    }
}
