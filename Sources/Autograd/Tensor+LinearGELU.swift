// A linear layer followed by GELU (an MLP's first layer) computed in one pass: CKernels' sgemm
// runs each finished 6 × 16 tile of the product through GELU while the tile is still in L1, so
// the pre-activations are not read back from memory by a second loop (they are 1 MB in the
// micro-GPT's MLP, past L2). The graph it records is exactly that of `linear(…).gelu()` — a
// `linear` result and a `gelu` of it with the same saved s — so backward, the derivative rules
// and the values (bit for bit, pinned in VectorKernelsTests) are theirs.
import CKernels

extension Tensor {
    /// `gelu(x · weightᵀ + bias)` with `weight` [out, in], `x` [..., in], `bias` [out]: the same
    /// values and recorded graph as `linear(x, weight:, bias:).gelu()`, in one pass where CKernels'
    /// sgemm takes the product (AVX2 + FMA, one thread); otherwise exactly those two calls.
    public static func linearGELU(_ x: Tensor, weight: Tensor, bias: Tensor?) throws -> Tensor {
        guard x.rank >= 1, weight.rank == 2, x.shape[x.rank - 1] == weight.shape[1] else {
            throw TensorError.shapeMismatch(op: "linear", lhs: x.shape, rhs: weight.shape)
        }
        let outputs = weight.shape[0], inputs = weight.shape[1]
        if let bias, bias.shape != [outputs] {
            throw TensorError.shapeMismatch(op: "linear", lhs: weight.shape, rhs: bias.shape)
        }
        let rows = inputs == 0 ? 0 : x.count / inputs
        guard rows > 0, outputs > 0, inputs > 0, VectorKernels.level == .avx2FMA,
              BLASThreading.prepare(flops: 2 * rows * outputs * inputs) == 1 else {
            return try linear(x, weight: weight, bias: bias).gelu()
        }
        let outputShape = Array(x.shape.dropLast()) + [outputs]
        let count = try TensorLimits.checkedElementCount(outputShape, op: "linear")
        // Every entry of the three arrays is written by the kernel: no zero-fill.
        var preActivation = [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        var logistic = [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        var values = [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        x.storage.withUnsafeBufferPointer { left in
            weight.storage.withUnsafeBufferPointer { right in
                (bias?.storage ?? []).withUnsafeBufferPointer { biasValues in
                    preActivation.withUnsafeMutableBufferPointer { pre in
                        logistic.withUnsafeMutableBufferPointer { s in
                            values.withUnsafeMutableBufferPointer { out in
                                guard let a = left.baseAddress, let b = right.baseAddress, let c = pre.baseAddress,
                                      let s = s.baseAddress, let out = out.baseAddress else { return }
                                // x·Wᵀ: A = x row by row, B(p, j) = W[j][p].
                                let done = ck_sgemm_gelu(CKLevelAVX2FMA, rows, outputs, inputs, a, inputs, 1, b, 1, inputs,
                                                         bias == nil ? nil : biasValues.baseAddress, c, outputs, out, s)
                                precondition(done == 1, "CKernels' sgemm refused a product it was checked to take")
                            }
                        }
                    }
                }
            }
        }
        let linearOutput = result(shape: outputShape, storage: preActivation,
                                  inputs: bias.map { [x, weight, $0] } ?? [x, weight], .linear)
        return result(shape: outputShape, storage: values, inputs: [linearOutput], .gelu(logistic: logistic))
    }
}
