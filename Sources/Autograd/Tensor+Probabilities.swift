// Softmax, log-softmax, cross-entropy and KL divergence. All subtract the row maximum before
// exponentiating (stable for large logits); the losses are fused with log-softmax so their
// gradients are the closed forms (softmax − target) instead of a chain of small ops.
import Foundation

// MARK: - Kernels

/// Log-softmax over the middle of `layout`, written into `output`.
func logSoftmaxValues(_ input: [Float], _ layout: ReductionLayout, temperature: Float = 1) -> [Float] {
    let scale = 1 / temperature
    var output = [Float](repeating: 0, count: input.count)
    input.withUnsafeBufferPointer { source in
        output.withUnsafeMutableBufferPointer { target in
            for outerIndex in 0 ..< layout.outer {
                for innerIndex in 0 ..< layout.inner {
                    let base = outerIndex * layout.length * layout.inner + innerIndex
                    let stride = layout.inner
                    var largest = -Float.infinity
                    for step in 0 ..< layout.length { largest = max(largest, source[base + step * stride] * scale) }
                    var total: Float = 0
                    for step in 0 ..< layout.length { total += Foundation.exp(source[base + step * stride] * scale - largest) }
                    let logTotal = largest + Foundation.log(total)
                    for step in 0 ..< layout.length {
                        target[base + step * stride] = source[base + step * stride] * scale - logTotal
                    }
                }
            }
        }
    }
    return output
}

extension Tensor {
    // MARK: - Softmax

    /// exp(x) / Σ exp(x) along `axis` (stable).
    public func softmax(axis: Int = -1) throws -> Tensor {
        let axis = try normalizedAxis(axis, op: "softmax")
        let layout = layout(around: axis)
        let values = logSoftmaxValues(storage, layout)
        return Tensor.result(shape: shape, storage: values.map { Foundation.exp($0) }, inputs: [self], .softmax(layout))
    }

    /// x − log Σ exp(x) along `axis` (stable).
    public func logSoftmax(axis: Int = -1) throws -> Tensor {
        let axis = try normalizedAxis(axis, op: "logSoftmax")
        let layout = layout(around: axis)
        return Tensor.result(shape: shape, storage: logSoftmaxValues(storage, layout), inputs: [self], .logSoftmax(layout))
    }

    // MARK: - Losses

    /// Mean over the batch of −log softmax(logits)[target]: `logits` [N, C], `targets` N class indices.
    public static func crossEntropy(logits: Tensor, targets: [Int]) throws -> Tensor {
        guard logits.rank == 2 else {
            throw TensorError.invalidShape(op: "crossEntropy", shape: logits.shape, reason: "is not [batch, classes]")
        }
        let rows = logits.shape[0], classes = logits.shape[1]
        guard targets.count == rows, rows > 0 else {
            throw TensorError.shapeMismatch(op: "crossEntropy", lhs: logits.shape, rhs: [targets.count])
        }
        for target in targets where target < 0 || target >= classes {
            throw TensorError.indexOutOfRange(op: "crossEntropy", index: target, bound: classes)
        }
        var probabilities = logSoftmaxValues(logits.storage, ReductionLayout(outer: rows, length: classes, inner: 1))
        var total: Double = 0
        probabilities.withUnsafeMutableBufferPointer { values in
            for (row, target) in targets.enumerated() { total -= Double(values[row * classes + target]) }
            for index in 0 ..< values.count { values[index] = Foundation.exp(values[index]) }
        }
        return result(shape: [], storage: [Float(total / Double(rows))], inputs: [logits],
                      .crossEntropy(targets: targets, probabilities: probabilities))
    }

    /// KL(teacher ‖ student) between the distributions softmax(logits / temperature), summed over
    /// classes and averaged over the batch (PyTorch `kl_div(..., reduction="batchmean")`).
    /// Both are [N, C]; multiply by temperature² yourself for Hinton's distillation loss.
    public static func klDivergence(studentLogits: Tensor, teacherLogits: Tensor, temperature: Float = 1) throws -> Tensor {
        guard studentLogits.rank == 2, studentLogits.shape == teacherLogits.shape else {
            throw TensorError.shapeMismatch(op: "klDivergence", lhs: studentLogits.shape, rhs: teacherLogits.shape)
        }
        guard temperature > 0 else {
            throw TensorError.invalidArgument(op: "klDivergence", reason: "temperature \(temperature) must be positive")
        }
        let rows = studentLogits.shape[0], classes = studentLogits.shape[1]
        guard rows > 0 else {
            throw TensorError.invalidShape(op: "klDivergence", shape: studentLogits.shape, reason: "has an empty batch")
        }
        let layout = ReductionLayout(outer: rows, length: classes, inner: 1)
        let studentLog = logSoftmaxValues(studentLogits.storage, layout, temperature: temperature)
        let teacherLog = logSoftmaxValues(teacherLogits.storage, layout, temperature: temperature)
        var total: Double = 0
        for index in 0 ..< studentLog.count {
            total += Double(Foundation.exp(teacherLog[index])) * Double(teacherLog[index] - studentLog[index])
        }
        return result(shape: [], storage: [Float(total / Double(rows))], inputs: [studentLogits, teacherLogits],
                      .klDivergence(temperature: temperature, studentLogProbabilities: studentLog,
                                    teacherLogProbabilities: teacherLog))
    }
}
