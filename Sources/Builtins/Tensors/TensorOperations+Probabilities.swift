// softmax and log_softmax as functions and methods (PyTorch's numerics: see Autograd's
// Tensor+Probabilities.swift). multinomial needs the session's generator, so it is defined in
// TensorBuiltins with the other random creators.

import Autograd
import Script

extension TensorOperations {
    static let probabilities: [TensorOperation] = [
        softmaxLike("softmax", "exp(t) / Σ exp(t) along an axis (default the last), computed as PyTorch does (shifted by the maximum); a 0-d tensor gives 1.",
                    example: "softmax(tensor([1, 2, 3]))") { try $0.softmax(axis: $1) },
        softmaxLike("log_softmax", "t − log Σ exp(t) along an axis: the shifted values minus the log of the sum of their exponentials, so each entry is exact to its own size (log_softmax(tensor([1000, 990]))[0] is -4.54e-05).",
                    example: "log_softmax(tensor([1, 2, 3]))") { try $0.logSoftmax(axis: $1) },
    ]

    private static func softmaxLike(_ name: String, _ summary: String, example: String,
                                    _ apply: @escaping @Sendable (Tensor, Int) throws -> Tensor) -> TensorOperation {
        TensorOperation(name: name, parameters: "axis=-1", summary: summary, example: example,
                        methodExample: "tensor([[1, 2], [3, 5]]).\(name)(axis=0)") { arguments in
            try arguments.rejectUnknownNames(["t", "axis"])
            try arguments.expectCount(1...2)
            let input = try input(arguments)
            let axis = try arguments.integer(at: 1, named: "axis", default: -1)
            let rank = Swift.max(input.rank, 1)
            guard axis >= -rank, axis < rank else {
                throw NativeError("\(name): axis \(axis) is out of range for t of shape \(input.shape)")
            }
            return Conversions.value(try apply(input, axis))
        }
    }
}

// MARK: - Sampling

/// torch.multinomial over rows of non-negative weights (need not sum to 1), from a seeded generator.
enum Multinomial {
    /// `count` class indices per row of `weights` ([C] → [count], [N, C] → [N, count]).
    static func sample(_ weights: Tensor, count: Int, replacement: Bool,
                       generator: inout SeededGenerator) throws -> Tensor {
        guard weights.rank == 1 || weights.rank == 2 else {
            throw NativeError("multinomial: probs must be [classes] or [rows, classes], got shape \(weights.shape)")
        }
        let classes = weights.shape[weights.rank - 1]
        let rows = weights.rank == 1 ? 1 : weights.shape[0]
        guard classes >= 1 else { throw NativeError("multinomial: probs has no classes (shape \(weights.shape))") }
        guard count >= 0 else { throw NativeError("multinomial: n must be 0 or more, got \(count)") }
        guard replacement || count <= classes else {
            throw NativeError("multinomial: cannot draw \(count) samples from \(classes) classes without replacement")
        }
        var chosen: [Float] = []
        chosen.reserveCapacity(rows * count)
        for row in 0 ..< rows {
            var rowWeights = (0 ..< classes).map { Double(weights.storage[row * classes + $0]) }
            for (column, weight) in rowWeights.enumerated() where !(weight >= 0 && weight.isFinite) {
                throw NativeError("multinomial: probs[\(row), \(column)] = \(Value.number(weight).description); "
                    + "weights must be finite and 0 or more")
            }
            for _ in 0 ..< count {
                let total = rowWeights.reduce(0, +)
                guard total > 0 else {
                    throw NativeError("multinomial: row \(row) of probs has no positive weight"
                        + (replacement ? "" : " left to draw without replacement"))
                }
                // Inverse CDF: the first class whose running sum exceeds u · total.
                let target = generator.nextUnitDouble() * total
                var running = 0.0, pick = classes - 1
                for (column, weight) in rowWeights.enumerated() where weight > 0 {
                    running += weight
                    if target < running { pick = column; break }
                }
                while rowWeights[pick] == 0, pick > 0 { pick -= 1 }   // rounding at the top end
                chosen.append(Float(pick))
                if !replacement { rowWeights[pick] = 0 }
            }
        }
        let shape = weights.rank == 1 ? [count] : [rows, count]
        return try Tensor(shape: shape, values: chosen)
    }
}
