// Softmax, log-softmax, cross-entropy and KL divergence. All subtract the row maximum before
// exponentiating (stable for large logits); the losses are fused with log-softmax so their
// gradients are the closed forms (softmax − target) instead of a chain of small ops.
import Foundation

// MARK: - Kernels

/// Log-softmax and softmax over the middle of `layout`, as PyTorch computes them: shift by the
/// lane's maximum, sum the exponentials of the shifted values, and take `shifted − log(sum)` and
/// `exp(shifted) / sum`. The shift, exponentials, sum and logarithm run in Double (each Float
/// value is exact in Double), so every element is within about one float32 ulp of its own size,
/// not of the largest logit's (`log_softmax([1000, 990])[0]` is −4.5398899e-05, not −6.1e-05).
/// A lane holding NaN gives NaN; a lane whose maximum is ±inf follows PyTorch (NaN or −inf/0).
struct SoftmaxValues {
    var logProbabilities: [Float]
    var probabilities: [Float]
    /// The probabilities before rounding to Float, for gradients whose terms cancel
    /// (1 − p near 1, q − p): rounding p first costs whole-percent errors there.
    var exactProbabilities: [Double]
}

func softmaxValues(_ input: [Float], _ layout: ReductionLayout, temperature: Float = 1,
                   wantLog: Bool = true, wantProbabilities: Bool = true) -> SoftmaxValues {
    var logOutput = [Float](repeating: 0, count: wantLog ? input.count : 0)
    var probabilityOutput = [Float](repeating: 0, count: wantProbabilities ? input.count : 0)
    var exactOutput = [Double](repeating: 0, count: input.count)
    var lane = [Double](repeating: 0, count: layout.length)
    var exponentials = [Double](repeating: 0, count: layout.length)
    input.withUnsafeBufferPointer { source in
        for outerIndex in 0 ..< layout.outer {
            for innerIndex in 0 ..< layout.inner {
                let base = outerIndex * layout.length * layout.inner + innerIndex
                let stride = layout.inner
                // PyTorch divides by the temperature in float32 before the softmax.
                var largest = -Double.infinity
                var sawNaN = false
                for step in 0 ..< layout.length {
                    let raw = source[base + step * stride]
                    let value = Double(temperature == 1 ? raw : raw / temperature)
                    lane[step] = value
                    if value.isNaN { sawNaN = true }
                    largest = Swift.max(largest, value)
                }
                // An all −inf lane (or +inf) has no finite shift: subtracting gives NaN, as in PyTorch.
                let shift = largest.isFinite ? largest : (largest == -.infinity ? 0 : largest)
                var total = 0.0
                for step in 0 ..< layout.length {
                    lane[step] -= shift
                    exponentials[step] = Foundation.exp(lane[step])
                    total += exponentials[step]
                }
                let logTotal = Foundation.log(total)
                for step in 0 ..< layout.length {
                    let index = base + step * stride
                    let logProbability = sawNaN ? .nan : lane[step] - logTotal
                    let probability = sawNaN ? .nan : exponentials[step] / total
                    exactOutput[index] = probability
                    if wantLog { logOutput[index] = Float(logProbability) }
                    if wantProbabilities { probabilityOutput[index] = Float(probability) }
                }
            }
        }
    }
    return SoftmaxValues(logProbabilities: logOutput, probabilities: probabilityOutput, exactProbabilities: exactOutput)
}

extension Tensor {
    // MARK: - Softmax

    /// exp(x) / Σ exp(x) along `axis` (stable).
    public func softmax(axis: Int = -1) throws -> Tensor {
        // A 0-d tensor is one lane of length 1, as in PyTorch (softmax(tensor(2.0)) is 1).
        let axis = rank == 0 && (axis == 0 || axis == -1) ? 0 : try normalizedAxis(axis, op: "softmax")
        let layout = layout(around: axis)
        let values = softmaxValues(storage, layout, wantLog: false)
        return Tensor.result(shape: shape, storage: values.probabilities, inputs: [self],
                             .softmax(layout, probabilities: values.exactProbabilities))
    }

    /// x − log Σ exp(x) along `axis` (stable).
    public func logSoftmax(axis: Int = -1) throws -> Tensor {
        let axis = rank == 0 && (axis == 0 || axis == -1) ? 0 : try normalizedAxis(axis, op: "logSoftmax")
        let layout = layout(around: axis)
        let values = softmaxValues(storage, layout)
        return Tensor.result(shape: shape, storage: values.logProbabilities, inputs: [self],
                             .logSoftmax(layout, probabilities: values.probabilities))
    }

    // MARK: - Losses

    /// Mean over the batch of −log softmax(logits)[target]: `logits` [N, C], `targets` N class indices.
    /// An empty batch gives NaN (0/0), as PyTorch's mean reduction does.
    public static func crossEntropy(logits: Tensor, targets: [Int]) throws -> Tensor {
        guard logits.rank == 2 else {
            throw TensorError.invalidShape(op: "crossEntropy", shape: logits.shape, reason: "is not [batch, classes]")
        }
        let rows = logits.shape[0], classes = logits.shape[1]
        guard targets.count == rows else {
            throw TensorError.shapeMismatch(op: "crossEntropy", lhs: logits.shape, rhs: [targets.count])
        }
        for target in targets where target < 0 || target >= classes {
            throw TensorError.indexOutOfRange(op: "crossEntropy", index: target, bound: classes)
        }
        let values = softmaxValues(logits.storage, ReductionLayout(outer: rows, length: classes, inner: 1),
                                   wantProbabilities: false)
        var total: Double = 0
        // The gradient's base, softmax − one-hot, from the Double probabilities: p_target − 1
        // cancels when p_target ≈ 1.
        var base = [Float](repeating: 0, count: logits.count)
        for index in base.indices { base[index] = Float(values.exactProbabilities[index]) }
        for (row, target) in targets.enumerated() {
            let index = row * classes + target
            total -= Double(values.logProbabilities[index])
            base[index] = Float(values.exactProbabilities[index] - 1)
        }
        return result(shape: [], storage: [Float(total / Double(rows))], inputs: [logits],
                      .crossEntropy(rows: rows, softmaxMinusTarget: base))
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
        let student = softmaxValues(studentLogits.storage, layout, temperature: temperature)
        let teacher = softmaxValues(teacherLogits.storage, layout, temperature: temperature)
        // Σ p (log p − log q) in Double (PyTorch's kl_div with log_target=True: exp(t)·(t − input)).
        var total: Double = 0
        for index in 0 ..< student.logProbabilities.count {
            let p = Double(teacher.probabilities[index])
            total += p * (Double(teacher.logProbabilities[index]) - Double(student.logProbabilities[index]))
        }
        return result(shape: [], storage: [Float(total / Double(rows))], inputs: [studentLogits, teacherLogits],
                      .klDivergence(temperature: temperature, student: student, teacher: teacher))
    }
}
