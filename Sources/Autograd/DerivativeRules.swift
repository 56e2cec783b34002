// Every derivative rule in one place, one case per operation (tinygrad's gradient table).
// A rule receives the recorded operation, its inputs, its output and ∂loss/∂output, and
// returns ∂loss/∂input for each input (nil where no gradient is needed). Rules compute on raw
// values and record nothing, so backward never grows the graph.
// Tests iterate `OperationKind.allCases` and gradient-check each of these cases.
import CKernels
import Foundation

enum DerivativeRules {
    /// ∂loss/∂input for each input of `operation`, given ∂loss/∂output (nil where not needed).
    static func inputGradients(of operation: Operation, inputs: [Tensor], output: Tensor,
                               outputGradient gradient: Tensor) -> [Tensor?] {
        let x = inputs[0]
        func make(_ values: [Float], like tensor: Tensor) -> Tensor { Tensor(shape: tensor.shape, storage: values) }

        switch operation {
        // MARK: Elementwise binary (broadcast gradients are summed back to each operand's shape)
        case .add:
            return [reduceGradient(gradient, to: x.shape), reduceGradient(gradient, to: inputs[1].shape)]
        case .subtract:
            let negated = Tensor(shape: gradient.shape, storage: mapValues(gradient) { -$0 })
            return [reduceGradient(gradient, to: x.shape), reduceGradient(negated, to: inputs[1].shape)]
        case .multiply:
            let y = inputs[1]
            return [x.requiresGrad ? reduceGradient(Tensor(shape: gradient.shape,
                                                           storage: broadcastBinary(gradient, y, outputShape: gradient.shape, MultiplyValues())), to: x.shape) : nil,
                    y.requiresGrad ? reduceGradient(Tensor(shape: gradient.shape,
                                                           storage: broadcastBinary(gradient, x, outputShape: gradient.shape, MultiplyValues())), to: y.shape) : nil]
        case .divide:
            // d(x/y)/dx = 1/y;  d(x/y)/dy = −(x/y)/y = −output/y.
            let y = inputs[1]
            let overY = broadcastBinary(gradient, y, outputShape: gradient.shape, DivideValues())
            let dy = zipValues(overY, output.storage) { -$0 * $1 }
            return [reduceGradient(Tensor(shape: gradient.shape, storage: overY), to: x.shape),
                    reduceGradient(Tensor(shape: gradient.shape, storage: dy), to: y.shape)]

        // MARK: Scalar and unary
        // g ⊙ f'(saved). The cheap rules use zipValues with a closure; the activations that
        // dominate training steps (relu, silu; gelu has its own) use multiplyByDerivative, whose
        // loops call the derivative directly and so are inlined and vectorised (measured 4× faster).
        case .addScalar:
            return [gradient]
        case let .multiplyScalar(factor):
            return [make(mapValues(gradient) { $0 * factor }, like: x)]
        case .negate:
            return [make(mapValues(gradient) { -$0 }, like: x)]
        case .exp:
            return [make(zipValues(gradient.storage, output.storage) { $0 * $1 }, like: x)]
        case .log:
            return [make(zipValues(gradient.storage, x.storage) { $0 / $1 }, like: x)]
        case .squareRoot:
            return [make(zipValues(gradient.storage, output.storage) { $0 * 0.5 / $1 }, like: x)]
        case .absolute:
            return [make(zipValues(gradient.storage, x.storage) { g, value in value > 0 ? g : (value < 0 ? -g : 0) }, like: x)]
        case .tanh:
            // (1 − y)(1 + y) rather than 1 − y²: no rounding of y² near saturation.
            return [make(zipValues(gradient.storage, output.storage) { g, y in g * ((1 - y) * (1 + y)) }, like: x)]
        case .sigmoid:
            return [make(zipValues(gradient.storage, output.storage) { g, y in g * y * (1 - y) }, like: x)]
        case .relu:
            return [make(multiplyByDerivative(gradient.storage, x.storage, .relu), like: x)]
        case .gelu:
            // See geluBackwardValues in Tensor+Elementwise.swift.
            return [make(geluBackwardValues(gradient.storage, x.storage), like: x)]
        case .silu:
            // See siluDerivative in Tensor+Elementwise.swift.
            return [make(multiplyByDerivative(gradient.storage, x.storage, .silu), like: x)]
        case let .power(exponent):
            // x⁰ is constant: its gradient is 0 everywhere, also at x = 0 (PyTorch; not 0·0⁻¹ = NaN).
            if exponent == 0 { return [make([Float](repeating: 0, count: x.count), like: x)] }
            return [make(zipValues(gradient.storage, x.storage) { g, value in g * exponent * Foundation.pow(value, exponent - 1) }, like: x)]
        case let .clamp(lower, upper):
            // PyTorch with number bounds: the gradient passes strictly inside (lower, upper), so a
            // value exactly at a bound gets 0; an absent (infinite) bound passes everything, and NaN gets 0.
            return [make(zipValues(gradient.storage, x.storage) { g, value in
                (lower == -.infinity || value > lower) && (upper == .infinity || value < upper) && !value.isNaN ? g : 0
            }, like: x)]
        case let .conditional(condition):
            let toTrue = zipValues(gradient.storage, condition) { g, mask in mask != 0 ? g : 0 }
            let toFalse = zipValues(gradient.storage, condition) { g, mask in mask != 0 ? 0 : g }
            return [reduceGradient(Tensor(shape: gradient.shape, storage: toTrue), to: x.shape),
                    reduceGradient(Tensor(shape: gradient.shape, storage: toFalse), to: inputs[1].shape)]

        // MARK: Reductions (spread the gradient back along the reduced axis)
        case let .sum(layout):
            return [make(spread(gradient.storage, layout) { g, _ in g }, like: x)]
        case let .mean(layout):
            let scale = 1 / Float(layout.length)
            return [make(spread(gradient.storage, layout) { g, _ in g * scale }, like: x)]
        case let .extremum(layout, positions, splitTies):
            var values = [Float](repeating: 0, count: x.count)
            if splitTies {
                // Over all values: every tied element (every NaN, when the result is NaN) gets an equal share.
                let share = gradient.storage[0] / Float(Swift.max(positions.count, 1))
                for position in positions { values[position] = share }
                return [make(values, like: x)]
            }
            for (outputIndex, position) in positions.enumerated() {
                let outerIndex = outputIndex / layout.inner, innerIndex = outputIndex % layout.inner
                values[(outerIndex * layout.length + position) * layout.inner + innerIndex] = gradient.storage[outputIndex]
            }
            return [make(values, like: x)]
        case let .pairwiseExtremum(isMaximum):
            // PyTorch: ties (a == b) split g in halves; otherwise g goes to the winner. A NaN on
            // either side compares false everywhere, so both operands get the whole g.
            let y = inputs[1]
            let a = expandValues(x, to: gradient.shape), b = expandValues(y, to: gradient.shape)
            var toA = [Float](repeating: 0, count: gradient.count), toB = toA
            for index in 0 ..< gradient.count {
                let g = gradient.storage[index], left = a[index], right = b[index]
                let share = left == right ? g / 2 : g
                let aLoses = isMaximum ? left < right : left > right
                let bLoses = isMaximum ? left > right : left < right
                toA[index] = aLoses ? 0 : share
                toB[index] = bLoses ? 0 : share
            }
            return [x.requiresGrad ? reduceGradient(Tensor(shape: gradient.shape, storage: toA), to: x.shape) : nil,
                    y.requiresGrad ? reduceGradient(Tensor(shape: gradient.shape, storage: toB), to: y.shape) : nil]
        case let .cumulativeSum(layout):
            // The adjoint of a running sum is the running sum from the end.
            var values = gradient.storage
            for outerIndex in 0 ..< layout.outer {
                for innerIndex in 0 ..< layout.inner {
                    let base = outerIndex * layout.length * layout.inner + innerIndex
                    var total: Float = 0
                    for step in stride(from: layout.length - 1, through: 0, by: -1) {
                        total += values[base + step * layout.inner]
                        values[base + step * layout.inner] = total
                    }
                }
            }
            return [make(values, like: x)]
        case let .logSumExp(layout):
            // ∂/∂x_i log Σ exp = softmax_i = exp(x_i − output).
            let spreadGradient = spread(gradient.storage, layout) { g, _ in g }
            let spreadOutput = spread(output.storage, layout) { value, _ in value }
            var values = zipValues(x.storage, spreadOutput) { Foundation.exp($0 - $1) }
            values = zipValues(values, spreadGradient, *)
            return [make(values, like: x)]

        // MARK: Shape
        case .reshape:
            return [make(gradient.storage, like: x)]
        case let .permute(order):
            var inverse = [Int](repeating: 0, count: order.count)
            for (position, axis) in order.enumerated() { inverse[axis] = position }
            return [make(permutedValues(gradient.storage, shape: gradient.shape, order: inverse), like: x)]
        case let .slice(layout, start, step):
            var values = [Float](repeating: 0, count: x.count)
            let length = layout.outer == 0 || layout.inner == 0 ? 0 : gradient.count / (layout.outer * layout.inner)
            for outerIndex in 0 ..< layout.outer {
                for position in 0 ..< length {
                    let target = (outerIndex * layout.length + start + position * step) * layout.inner
                    let source = (outerIndex * length + position) * layout.inner
                    for innerIndex in 0 ..< layout.inner { values[target + innerIndex] = gradient.storage[source + innerIndex] }
                }
            }
            return [make(values, like: x)]
        case let .concat(outer, inner, lengths):
            let total = lengths.reduce(0, +)
            var offset = 0
            return zip(inputs, lengths).map { input, length in
                defer { offset += length }
                let layout = ReductionLayout(outer: outer, length: total, inner: inner)
                return make(indexSelectValues(gradient.storage, layout, indices: Array(offset ..< offset + length)), like: input)
            }

        // MARK: Indexing (select and add are each other's adjoint, as are gather and scatter-add)
        case let .indexSelect(layout, indices):
            var values = [Float](repeating: 0, count: x.count)
            indexAddValues(&values, layout, indices: indices, source: gradient.storage)
            return [make(values, like: x)]
        case let .indexAdd(layout, indices):
            return [gradient, make(indexSelectValues(gradient.storage, layout, indices: indices), like: inputs[1])]
        case let .gather(layout, indices, selected):
            var values = [Float](repeating: 0, count: x.count)
            scatterAddValues(&values, layout, indices: indices, selected: selected, source: gradient.storage)
            return [make(values, like: x)]
        case let .scatterAdd(layout, indices, selected):
            return [gradient, make(gatherValues(gradient.storage, layout, indices: indices, selected: selected), like: inputs[1])]

        // MARK: Linear algebra
        case let .matmul(transposeA, transposeB):
            return matmulGradients(inputs[0], inputs[1], transposeA: transposeA, transposeB: transposeB, gradient: gradient)
        case let .geluFeedForward(preActivation, firstBias, secondBias, residual):
            return feedForwardGradients(inputs, preActivation: preActivation, firstBias: firstBias, secondBias: secondBias,
                                        residual: residual, gradient: gradient)
        case let .linear(residual):
            // A residual (the last input) gets the output's gradient as it is, as `+` would.
            return residual ? linearGradients(Array(inputs.dropLast()), gradient: gradient) + [gradient]
                : linearGradients(inputs, gradient: gradient)
        case let .attention(layout, probabilities):
            return attentionGradients(layout, probabilities: probabilities, inputs: inputs, gradient: gradient)

        // MARK: Probabilities and losses
        case let .softmax(layout, probabilities):
            // dx = s ⊙ (g − Σ s⊙g) along the axis, in Double with the unrounded s: with s ≈ 1 the
            // centring cancels, and a rounded s made the two sides of a 2-class gradient differ.
            var values = [Float](repeating: 0, count: x.count)
            for outerIndex in 0 ..< layout.outer {
                for innerIndex in 0 ..< layout.inner {
                    let base = outerIndex * layout.length * layout.inner + innerIndex
                    var dot = 0.0
                    for step in 0 ..< layout.length {
                        let index = base + step * layout.inner
                        dot += probabilities[index] * Double(gradient.storage[index])
                    }
                    for step in 0 ..< layout.length {
                        let index = base + step * layout.inner
                        values[index] = Float(probabilities[index] * (Double(gradient.storage[index]) - dot))
                    }
                }
            }
            return [make(values, like: x)]
        case let .logSoftmax(layout, probabilities):
            // dx = g − softmax ⊙ Σ g along the axis (softmax saved from the forward pass, not exp(output)).
            let sums = spread(reduceLanes(gradient.storage, layout), layout) { value, _ in value }
            return [make(zipValues(gradient.storage, zipValues(probabilities, sums, *), -), like: x)]
        case let .crossEntropy(rows, softmaxMinusTarget):
            // d mean(−log p_target)/d logits = (softmax − one-hot) / N.
            let scale = gradient.storage[0] / Float(rows)
            return [make(softmaxMinusTarget.map { $0 * scale }, like: x)]
        case let .klDivergence(temperature, studentValues, teacherValues):
            // Student: (q − p)/(N T); teacher: p ⊙ ((log p − log q) − KL_row)/(N T), in Double
            // from the probabilities saved by the forward pass.
            let rows = x.shape[0], classes = x.shape[1]
            let scale = Double(gradient.storage[0]) / (Double(rows) * Double(temperature))
            let teacherLog = teacherValues.logProbabilities, studentLog = studentValues.logProbabilities
            var student = [Float](repeating: 0, count: x.count), teacher = [Float](repeating: 0, count: x.count)
            for row in 0 ..< rows {
                var rowDivergence = 0.0
                for column in 0 ..< classes {
                    let index = row * classes + column
                    rowDivergence += teacherValues.exactProbabilities[index] * (Double(teacherLog[index]) - Double(studentLog[index]))
                }
                for column in 0 ..< classes {
                    let index = row * classes + column
                    let p = teacherValues.exactProbabilities[index], q = studentValues.exactProbabilities[index]
                    student[index] = Float((q - p) * scale)
                    teacher[index] = Float(p * ((Double(teacherLog[index]) - Double(studentLog[index])) - rowDivergence) * scale)
                }
            }
            return [make(student, like: x), make(teacher, like: inputs[1])]

        // MARK: Normalisation
        case let .layerNorm(normalized, inverseDeviation):
            return normalizationGradients(inputs, gradient: gradient, normalized: normalized,
                                          inverse: inverseDeviation.map(Double.init), centered: true)
        case let .rmsNorm(inverseRootMeanSquare):
            return normalizationGradients(inputs, gradient: gradient, normalized: nil,
                                          inverse: inverseRootMeanSquare, centered: false)
        }
    }

    // MARK: - Helpers

    /// Repeats each outer × inner value along the middle of `layout` (the adjoint of a reduction).
    @inline(__always)
    static func spread(_ values: [Float], _ layout: ReductionLayout, _ transform: (Float, Int) -> Float) -> [Float] {
        var output = [Float](repeating: 0, count: layout.outer * layout.length * layout.inner)
        for outerIndex in 0 ..< layout.outer {
            for step in 0 ..< layout.length {
                let base = (outerIndex * layout.length + step) * layout.inner
                for innerIndex in 0 ..< layout.inner {
                    output[base + innerIndex] = transform(values[outerIndex * layout.inner + innerIndex], step)
                }
            }
        }
        return output
    }

    /// Sums along the middle of `layout`.
    static func reduceLanes(_ values: [Float], _ layout: ReductionLayout) -> [Float] {
        var output = [Float](repeating: 0, count: layout.outer * layout.inner)
        output.withUnsafeMutableBufferPointer { target in
            values.withUnsafeBufferPointer { source in
                guard let sums = target.baseAddress, let input = source.baseAddress else { return }
                for outerIndex in 0 ..< layout.outer {
                    let row = sums + outerIndex * layout.inner
                    for step in 0 ..< layout.length {
                        let lane = input + (outerIndex * layout.length + step) * layout.inner
                        for innerIndex in 0 ..< layout.inner { row[innerIndex] += lane[innerIndex] }
                    }
                }
            }
        }
        return output
    }

    /// ∂/∂a and ∂/∂b of op(a)·op(b), each itself one gemm with transpose flags (no copies).
    static func matmulGradients(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool, gradient: Tensor) -> [Tensor?] {
        // The plan was valid in the forward pass, so it is valid now.
        guard let plan = try? MatmulPlan(a.shape, b.shape, transposeA: transposeA, transposeB: transposeB) else {
            preconditionFailure("matmul backward: shapes \(a.shape) and \(b.shape) changed since the forward pass")
        }
        let gradientStride = plan.batch == 1 ? 0 : plan.m * plan.n
        var gradientA: Tensor?, gradientB: Tensor?
        gradient.storage.withUnsafeBufferPointer { gradientBuffer in
            a.storage.withUnsafeBufferPointer { aBuffer in
                b.storage.withUnsafeBufferPointer { bBuffer in
                    guard let g = gradientBuffer.baseAddress, let aValues = aBuffer.baseAddress,
                          let bValues = bBuffer.baseAddress else { return }
                    if a.requiresGrad {
                        // gemm writes every entry (β = 0; zeros when the inner size is 0): no zero-fill.
                        let values = [Float](unsafeUninitializedCapacity: a.count) { output, initialized in
                            initialized = a.count
                            guard let out = output.baseAddress else { return }
                            if !transposeA {   // dA (m×k) = g · op(B)ᵀ
                                gemm(batch: plan.batch, m: plan.m, n: plan.k, k: plan.n,
                                     x: g, xTransposed: false, xBatchStride: gradientStride,
                                     y: bValues, yTransposed: !transposeB, yBatchStride: plan.bBatchStride,
                                     output: out, outputBatchStride: plan.aBatchStride, accumulate: false)
                            } else {           // dA (k×m) = op(B) · gᵀ
                                gemm(batch: plan.batch, m: plan.k, n: plan.m, k: plan.n,
                                     x: bValues, xTransposed: transposeB, xBatchStride: plan.bBatchStride,
                                     y: g, yTransposed: true, yBatchStride: gradientStride,
                                     output: out, outputBatchStride: plan.aBatchStride, accumulate: false)
                            }
                        }
                        gradientA = Tensor(shape: a.shape, storage: values)
                    }
                    if b.requiresGrad {
                        let values = [Float](unsafeUninitializedCapacity: b.count) { output, initialized in
                            initialized = b.count
                            guard let out = output.baseAddress else { return }
                            if !transposeB {   // dB (k×n) = op(A)ᵀ · g
                                gemm(batch: plan.batch, m: plan.k, n: plan.n, k: plan.m,
                                     x: aValues, xTransposed: !transposeA, xBatchStride: plan.aBatchStride,
                                     y: g, yTransposed: false, yBatchStride: gradientStride,
                                     output: out, outputBatchStride: plan.bBatchStride, accumulate: false)
                            } else {           // dB (n×k) = gᵀ · op(A)
                                gemm(batch: plan.batch, m: plan.n, n: plan.k, k: plan.m,
                                     x: g, xTransposed: true, xBatchStride: gradientStride,
                                     y: aValues, yTransposed: transposeA, yBatchStride: plan.aBatchStride,
                                     output: out, outputBatchStride: plan.bBatchStride, accumulate: false)
                            }
                        }
                        gradientB = Tensor(shape: b.shape, storage: values)
                    }
                }
            }
        }
        return [gradientA ?? (a.requiresGrad ? Tensor(shape: a.shape, storage: [Float](repeating: 0, count: a.count)) : nil),
                gradientB ?? (b.requiresGrad ? Tensor(shape: b.shape, storage: [Float](repeating: 0, count: b.count)) : nil)]
    }

    /// op(g) (m×k) · y (k×n) as a new tensor of `shape`. gemm writes every entry (β = 0), so the
    /// array is not zero-filled first; an empty operand (no base address) leaves zeros.
    private static func product(shape: [Int], m: Int, n: Int, k: Int, _ g: UnsafePointer<Float>?, transposed: Bool,
                                times y: UnsafePointer<Float>?) -> Tensor {
        let count = m * n
        let values = [Float](unsafeUninitializedCapacity: count) { output, initialized in
            initialized = count
            guard let out = output.baseAddress else { return }
            guard let g, let y else { out.initialize(repeating: 0, count: count); return }
            gemm(batch: 1, m: m, n: n, k: k, x: g, xTransposed: transposed, xBatchStride: 0,
                 y: y, yTransposed: false, yBatchStride: 0, output: out, outputBatchStride: 0, accumulate: false)
        }
        return Tensor(shape: shape, storage: values)
    }

    /// ∂/∂x = g·W, ∂/∂W = gᵀ·x, ∂/∂bias = column sums of g, for y = x·Wᵀ + bias (inputs x, W[, bias]).
    static func linearGradients(_ inputs: [Tensor], gradient: Tensor) -> [Tensor?] {
        let x = inputs[0], weight = inputs[1]
        let outputs = weight.shape[0], width = weight.shape[1]
        let rows = outputs == 0 ? 0 : gradient.count / outputs
        var result: [Tensor?] = [nil, nil] + (inputs.count > 2 ? [nil] : [])
        gradient.storage.withUnsafeBufferPointer { gradientBuffer in
            x.storage.withUnsafeBufferPointer { xBuffer in
                weight.storage.withUnsafeBufferPointer { weightBuffer in
                    let g = gradientBuffer.baseAddress, xValues = xBuffer.baseAddress, weightValues = weightBuffer.baseAddress
                    if x.requiresGrad {
                        result[0] = product(shape: x.shape, m: rows, n: width, k: outputs, g, transposed: false, times: weightValues)
                    }
                    if weight.requiresGrad {
                        result[1] = product(shape: weight.shape, m: outputs, n: width, k: rows, g, transposed: true, times: xValues)
                    }
                }
            }
        }
        if inputs.count > 2, inputs[2].requiresGrad {
            // Column sums of g in CKernels (row order per column, as reduceLanes: the same values).
            let sums = [Float](unsafeUninitializedCapacity: outputs) { output, initialized in
                gradient.storage.withUnsafeBufferPointer { source in
                    if let values = source.baseAddress, let out = output.baseAddress {
                        ck_column_sums(VectorKernels.c, values, rows, outputs, out)
                    } else {
                        output.initialize(repeating: 0)
                    }
                }
                initialized = outputs
            }
            result[2] = Tensor(shape: [outputs], storage: sums)
        }
        return result
    }
}
