// The feed-forward block of a transformer (fc1 → GELU → fc2, plus the block's residual) as one
// op. At the AVX2 + FMA level CKernels runs it over blocks of rows, so a block's hidden
// activation goes from the first product through GELU into the second while in cache, and the
// backward's dY·W2, dH and GELU(h) never leave it; the weights are packed once per call. The
// output, dx and the bias and residual gradients are the values linear → gelu → linear(residual:)
// would give (the same tiles in the same order, the same GELU body); the weight gradients sum
// their rows block by block, so their last bits differ. Below that level, or for products large
// enough for several BLAS threads, every value comes from those ops' own kernels.
import CKernels

extension Tensor {
    /// `residual + gelu(x · w1ᵀ + b1) · w2ᵀ + b2` (the tanh GELU) as one op: x [..., in], w1
    /// [hidden, in], b1 [hidden], w2 [out, hidden], b2 [out], residual shaped as the output
    /// [..., out]; biases and residual may be nil. The output of `linear`, `gelu` and
    /// `linear(…, residual:)` one after another (bit for bit), one graph node, and no
    /// [rows, hidden] array kept between forward and backward besides x·w1ᵀ + b1.
    public static func geluFeedForward(_ x: Tensor, w1: Tensor, b1: Tensor?, w2: Tensor, b2: Tensor?,
                                       residual: Tensor? = nil) throws -> Tensor {
        guard x.rank >= 1, w1.rank == 2, x.shape[x.rank - 1] == w1.shape[1] else {
            throw TensorError.shapeMismatch(op: "geluFeedForward (first layer)", lhs: x.shape, rhs: w1.shape)
        }
        let inputs = w1.shape[1], hidden = w1.shape[0]
        guard w2.rank == 2, w2.shape[1] == hidden else {
            throw TensorError.shapeMismatch(op: "geluFeedForward (second layer)", lhs: w1.shape, rhs: w2.shape)
        }
        let outputs = w2.shape[0]
        if let b1, b1.shape != [hidden] { throw TensorError.shapeMismatch(op: "geluFeedForward (first bias)", lhs: w1.shape, rhs: b1.shape) }
        if let b2, b2.shape != [outputs] { throw TensorError.shapeMismatch(op: "geluFeedForward (second bias)", lhs: w2.shape, rhs: b2.shape) }
        let outputShape = Array(x.shape.dropLast()) + [outputs]
        if let residual, residual.shape != outputShape {
            throw TensorError.shapeMismatch(op: "geluFeedForward (residual)", lhs: outputShape, rhs: residual.shape)
        }
        let rows = x.shape.dropLast().reduce(1, *)
        let hiddenCount = try TensorLimits.checkedElementCount(Array(x.shape.dropLast()) + [hidden], op: "geluFeedForward")
        let count = try TensorLimits.checkedElementCount(outputShape, op: "geluFeedForward")
        var preActivation: [Float]
        var values: [Float]
        if feedForwardInKernels(rows: rows, inputs: inputs, hidden: hidden, outputs: outputs) {
            preActivation = [Float](unsafeUninitializedCapacity: hiddenCount) { _, initialized in initialized = hiddenCount }
            values = [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
            let done = preActivation.withUnsafeMutableBufferPointer { h in
                values.withUnsafeMutableBufferPointer { y in
                    x.storage.withUnsafeBufferPointer { xValues in
                        w1.storage.withUnsafeBufferPointer { first in
                            w2.storage.withUnsafeBufferPointer { second in
                                (b1?.storage ?? []).withUnsafeBufferPointer { firstBias in
                                    (b2?.storage ?? []).withUnsafeBufferPointer { secondBias in
                                        (residual?.storage ?? []).withUnsafeBufferPointer { extra in
                                            ck_mlp_forward(CKLevelAVX2FMA, rows, inputs, hidden, outputs, xValues.baseAddress,
                                                           first.baseAddress, b1 == nil ? nil : firstBias.baseAddress,
                                                           second.baseAddress, b2 == nil ? nil : secondBias.baseAddress,
                                                           residual == nil ? nil : extra.baseAddress, h.baseAddress, y.baseAddress)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            precondition(done == 1, "CKernels' feed-forward refused sizes it was checked to take")
        } else {
            // The unfused ops' kernels, in their order (on detached copies: nothing recorded).
            preActivation = try linear(x.detach(), weight: w1.detach(), bias: b1?.detach()).storage
            let activation = Tensor(shape: Array(x.shape.dropLast()) + [hidden], storage: geluForwardValues(preActivation))
            values = try linear(activation, weight: w2.detach(), bias: b2?.detach(), residual: residual?.detach()).storage
        }
        let operands = [x, w1] + (b1.map { [$0] } ?? []) + [w2] + (b2.map { [$0] } ?? []) + (residual.map { [$0] } ?? [])
        return result(shape: outputShape, storage: values, inputs: operands,
                      .geluFeedForward(preActivation: preActivation, firstBias: b1 != nil, secondBias: b2 != nil,
                                       residual: residual != nil))
    }

    /// The op's sizes run in CKernels: the AVX2 + FMA level, no empty size, and each product small
    /// enough to run on one thread, where `linear` would also have used CKernels' sgemm.
    static func feedForwardInKernels(rows: Int, inputs: Int, hidden: Int, outputs: Int) -> Bool {
        guard VectorKernels.level == .avx2FMA, rows > 0, inputs > 0, hidden > 0, outputs > 0 else { return false }
        let largest = 2 * rows * hidden * Swift.max(inputs, outputs)
        return BLASThreading.prepare(flops: largest) == 1
    }
}

extension DerivativeRules {
    /// Gradients of `residual + gelu(x·w1ᵀ + b1)·w2ᵀ + b2` (inputs x, w1[, b1], w2[, b2][, residual])
    /// from dY: dA = dY·w2, dH = dA ⊙ gelu'(h), dx = dH·w1, dw1 = dHᵀ·x, db1 = Σ dH, dw2 = dYᵀ·gelu(h),
    /// db2 = Σ dY, d residual = dY. In CKernels block by block (the weight gradients summed per
    /// block of rows, so their last bits differ from one product over all rows); otherwise as the
    /// unfused ops' rules compute them.
    static func feedForwardGradients(_ inputs: [Tensor], preActivation: [Float], firstBias: Bool, secondBias: Bool,
                                     residual: Bool, gradient: Tensor) -> [Tensor?] {
        let x = inputs[0], w1 = inputs[1]
        let b1: Tensor? = firstBias ? inputs[2] : nil
        let w2 = inputs[firstBias ? 3 : 2]
        let b2: Tensor? = secondBias ? inputs[firstBias ? 4 : 3] : nil
        let inputCount = w1.shape[1], hidden = w1.shape[0], outputs = w2.shape[0]
        let rows = x.shape.dropLast().reduce(1, *)
        var dx = x.requiresGrad ? uninitialized(x.count) : nil
        var dw1 = w1.requiresGrad ? uninitialized(w1.count) : nil
        var db1 = b1?.requiresGrad == true ? uninitialized(hidden) : nil
        var dw2 = w2.requiresGrad ? uninitialized(w2.count) : nil
        if Tensor.feedForwardInKernels(rows: rows, inputs: inputCount, hidden: hidden, outputs: outputs) {
            let done = withMutable(&dx) { dxValues in withMutable(&dw1) { dw1Values in withMutable(&db1) { db1Values in
                withMutable(&dw2) { dw2Values in
                    x.storage.withUnsafeBufferPointer { xValues in preActivation.withUnsafeBufferPointer { h in
                        w1.storage.withUnsafeBufferPointer { first in w2.storage.withUnsafeBufferPointer { second in
                            gradient.storage.withUnsafeBufferPointer { dy in
                                ck_mlp_backward(CKLevelAVX2FMA, rows, inputCount, hidden, outputs, xValues.baseAddress, h.baseAddress,
                                                first.baseAddress, second.baseAddress, dy.baseAddress,
                                                dxValues, dw1Values, db1Values, dw2Values)
                            }
                        } }
                    } }
                }
            } } }
            precondition(done == 1, "CKernels' feed-forward backward refused sizes it was checked to take")
        } else {
            // The unfused rules, in the unfused ops' kernels: fc2's input gradient, gelu's rule,
            // fc1's gradients, fc2's weight gradient.
            let activationGradient = product(m: rows, n: hidden, k: outputs, gradient.storage, transposed: false, w2.storage)
            let hiddenGradient = geluBackwardValues(activationGradient, preActivation)
            if x.requiresGrad { dx = product(m: rows, n: inputCount, k: hidden, hiddenGradient, transposed: false, w1.storage) }
            if w1.requiresGrad { dw1 = product(m: hidden, n: inputCount, k: rows, hiddenGradient, transposed: true, x.storage) }
            if db1 != nil { db1 = columnSums(hiddenGradient, rows: rows, width: hidden) }
            if w2.requiresGrad {
                dw2 = product(m: outputs, n: hidden, k: rows, gradient.storage, transposed: true, geluForwardValues(preActivation))
            }
        }
        var result: [Tensor?] = [dx.map { Tensor(shape: x.shape, storage: $0) }, dw1.map { Tensor(shape: w1.shape, storage: $0) }]
        if firstBias { result.append(db1.map { Tensor(shape: [hidden], storage: $0) }) }
        result.append(dw2.map { Tensor(shape: w2.shape, storage: $0) })
        if let b2 {
            result.append(b2.requiresGrad ? Tensor(shape: [outputs], storage: columnSums(gradient.storage, rows: rows, width: outputs)) : nil)
        }
        if residual { result.append(gradient) }
        return result
    }

    /// An array of `count` values the caller writes in full.
    private static func uninitialized(_ count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// `body` with the array's address, or nil when there is no array (the array is moved out
    /// while it runs, so writing through the pointer copies nothing).
    private static func withMutable<Result>(_ array: inout [Float]?, _ body: (UnsafeMutablePointer<Float>?) -> Result) -> Result {
        guard var values = array else { return body(nil) }
        array = nil
        defer { array = values }
        return values.withUnsafeMutableBufferPointer { body($0.baseAddress) }
    }

    /// op(a) (m×k, aᵀ stored k×m when `transposed`) · b (k×n) through `gemm`, as `linear`'s rule
    /// computes its gradients; zeros when an operand is empty.
    private static func product(m: Int, n: Int, k: Int, _ a: [Float], transposed: Bool, _ b: [Float]) -> [Float] {
        [Float](unsafeUninitializedCapacity: m * n) { output, initialized in
            initialized = m * n
            guard let out = output.baseAddress else { return }
            a.withUnsafeBufferPointer { left in
                b.withUnsafeBufferPointer { right in
                    guard let x = left.baseAddress, let y = right.baseAddress else { out.initialize(repeating: 0, count: m * n); return }
                    gemm(batch: 1, m: m, n: n, k: k, x: x, xTransposed: transposed, xBatchStride: 0,
                         y: y, yTransposed: false, yBatchStride: 0, output: out, outputBatchStride: 0, accumulate: false)
                }
            }
        }
    }

    /// Column sums of a [rows, width] array (a bias gradient), as `linear`'s rule forms them.
    private static func columnSums(_ values: [Float], rows: Int, width: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: width) { output, initialized in
            values.withUnsafeBufferPointer { source in
                if let source = source.baseAddress, let out = output.baseAddress {
                    ck_column_sums(VectorKernels.c, source, rows, width, out)
                } else {
                    output.initialize(repeating: 0)
                }
            }
            initialized = width
        }
    }
}
