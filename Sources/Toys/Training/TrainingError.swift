// Errors that stop a training run, with what a learner needs to find the cause: the step, the
// quantity or the parameter (by its module path), and the last finite loss.
import Foundation

/// Why a training step failed.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// A metric of the loss (the loss or one of its parts) is NaN or infinite.
    case nonFiniteLoss(step: Int, metric: String, value: Double, lastFiniteLoss: Double?)
    /// A parameter's gradient has a NaN or infinite entry.
    case nonFiniteGradient(step: Int, parameter: String, value: Double, lastFiniteLoss: Double?)

    public var description: String {
        switch self {
        case .nonFiniteLoss(let step, let metric, let value, let last):
            return "step \(step): \(metric) is \(value)\(TrainingError.lastLoss(last)); the run stopped before updating, and the history so far is kept"
        case .nonFiniteGradient(let step, let parameter, let value, let last):
            return "step \(step): the gradient of \(parameter) has \(value)\(TrainingError.lastLoss(last)); the run stopped before updating, and the history so far is kept"
        }
    }

    private static func lastLoss(_ loss: Double?) -> String {
        loss.map { " (last finite loss \(StepRecord.format($0)))" } ?? " (no finite loss yet)"
    }
}

/// Fast checks for NaN and infinity in large arrays.
enum Finiteness {
    /// Whether every value is finite: x·0 is 0 for finite x and NaN for NaN or ±inf, so one sum
    /// over 16 lanes answers for the whole array (auto-vectorised; a few percent of a backward pass).
    static func allFinite(_ values: UnsafeBufferPointer<Float>) -> Bool {
        var lanes = SIMD16<Float>()
        var index = 0
        let count = values.count
        guard let base = values.baseAddress else { return true }
        while index + 16 <= count {
            lanes += UnsafeRawPointer(base + index).loadUnaligned(as: SIMD16<Float>.self) * 0
            index += 16
        }
        var rest: Float = 0
        while index < count { rest += base[index] * 0; index += 1 }
        return (lanes.sum() + rest) == 0
    }

    /// The first non-finite value, for the error message.
    static func firstNonFinite(_ values: [Float]) -> Float? { values.first { !$0.isFinite } }
}
