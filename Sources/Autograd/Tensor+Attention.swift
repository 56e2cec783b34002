// Scaled-dot-product attention as one fused op (PyTorch's F.scaled_dot_product_attention):
// softmax(scale · q·kᵀ [+ causal mask]) · v for every (batch, head) at once, forward and backward
// in one kernel each. The heads are read where they lie — inside the packed [B, T, 3·H·hd] output
// of a qkv projection, or in [N, T, hd] tensors — through strides, so no permute, select, mask
// tensor or scaling multiply is materialised, and the causal half of the scores is never computed.
// The loops run eight lanes at a time over keys (scores) or features (weighted sums), so the work
// is a few vector multiply-adds per pair of positions; rows of any length and head sizes of any
// width take the same path (a scalar remainder finishes what is not a multiple of eight).
import CKernels

/// Where one operand's head rows lie in its storage: element (n = b·H + h, position t, feature c)
/// is at `offset + b·batchStride + h·headStride + t·rowStride + c`.
struct AttentionOperand: Equatable {
    let offset: Int
    let batchStride: Int
    let headStride: Int
    let rowStride: Int

    /// The first feature of position 0 of head `head` in batch entry `batch`.
    @inline(__always)
    func start(batch: Int, head: Int) -> Int { offset + batch * batchStride + head * headStride }
}

/// The sizes of one attention call and where its operands lie.
struct AttentionLayout: Equatable {
    let batch: Int, heads: Int
    /// Query positions T and key positions S (S ≥ T when causal: the queries are the last T of the S).
    let queries: Int, keys: Int
    let headDimensions: Int
    let scale: Float
    let causal: Bool
    /// True when q, k and v are the three thirds of one packed input (one input, one gradient).
    let packed: Bool
    let query: AttentionOperand, key: AttentionOperand, value: AttentionOperand, output: AttentionOperand

    /// Keys query `row` may see: all S, or 0 … S − T + row when causal.
    @inline(__always)
    func visibleKeys(_ row: Int) -> Int { causal ? Swift.min(keys, keys - queries + row + 1) : keys }

    /// The first query row that sees key `column` (0 unless causal).
    @inline(__always)
    func firstQuery(seeing column: Int) -> Int { causal ? Swift.max(0, column - (keys - queries)) : 0 }
}

extension Tensor {
    /// Multi-head attention over the packed projections of a [B, T, 3·d] qkv layer (queries,
    /// keys, values side by side, each `heads` heads of d / heads features, nanoGPT's `c_attn`
    /// output) → [B, T, d] with the heads joined. `causal`: position t sees positions ≤ t.
    /// `scale` defaults to 1/√(d / heads).
    public static func attention(packed: Tensor, heads: Int, causal: Bool = true, scale: Float? = nil) throws -> Tensor {
        guard packed.rank == 3, heads >= 1, packed.shape[2] % (3 * heads) == 0, packed.shape[2] > 0 else {
            throw TensorError.invalidShape(op: "attention", shape: packed.shape,
                                           reason: "is not [batch, time, 3·heads·head size] for \(heads) heads")
        }
        let (batch, time, width) = (packed.shape[0], packed.shape[1], packed.shape[2] / 3)
        let headDimensions = width / heads
        func operand(_ third: Int) -> AttentionOperand {
            AttentionOperand(offset: third * width, batchStride: time * 3 * width, headStride: headDimensions, rowStride: 3 * width)
        }
        let layout = AttentionLayout(
            batch: batch, heads: heads, queries: time, keys: time, headDimensions: headDimensions,
            scale: scale ?? 1 / Float(headDimensions).squareRoot(), causal: causal, packed: true,
            query: operand(0), key: operand(1), value: operand(2),
            output: AttentionOperand(offset: 0, batchStride: time * width, headStride: headDimensions, rowStride: width))
        return try attention(layout, inputs: [packed], outputShape: [batch, time, width])
    }

    /// softmax(scale · query · keyᵀ) · value for `query` [N, T, hd], `key` and `value` [N, S, hd]
    /// → [N, T, hd] (N = batch·heads). `causal`: the queries are the last T of the S positions and
    /// each sees the keys up to its own (S ≥ T). `scale` defaults to 1/√hd.
    public static func scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, causal: Bool = true,
                                                 scale: Float? = nil) throws -> Tensor {
        guard query.rank == 3, key.rank == 3, key.shape == value.shape, query.shape[0] == key.shape[0],
              query.shape[2] == key.shape[2] else {
            throw TensorError.invalidArgument(op: "attention", reason:
                "query \(query.shape), key \(key.shape) and value \(value.shape) are not [N, T, hd], [N, S, hd], [N, S, hd]")
        }
        let (count, time, keys, headDimensions) = (query.shape[0], query.shape[1], key.shape[1], query.shape[2])
        func operand(_ length: Int) -> AttentionOperand {
            AttentionOperand(offset: 0, batchStride: length * headDimensions, headStride: 0, rowStride: headDimensions)
        }
        let layout = AttentionLayout(
            batch: count, heads: 1, queries: time, keys: keys, headDimensions: headDimensions,
            scale: scale ?? 1 / Float(Swift.max(headDimensions, 1)).squareRoot(), causal: causal, packed: false,
            query: operand(time), key: operand(keys), value: operand(keys), output: operand(time))
        return try attention(layout, inputs: [query, key, value], outputShape: [count, time, headDimensions])
    }

    private static func attention(_ layout: AttentionLayout, inputs: [Tensor], outputShape: [Int]) throws -> Tensor {
        guard layout.keys >= 1 || layout.queries == 0 else {
            throw TensorError.invalidArgument(op: "attention", reason: "needs at least one key position")
        }
        guard !layout.causal || layout.keys >= layout.queries else {
            throw TensorError.invalidArgument(op: "attention", reason:
                "causal attention needs at least as many keys (\(layout.keys)) as queries (\(layout.queries))")
        }
        let count = try TensorLimits.checkedElementCount(outputShape, op: "attention")
        let probabilityCount = try TensorLimits.checkedElementCount(
            [layout.batch * layout.heads, layout.queries, layout.keys], op: "attention")
        // Written in full by the kernel (masked entries as 0), so no zero-fill.
        var probabilities = [Float](unsafeUninitializedCapacity: probabilityCount) { _, initialized in
            initialized = probabilityCount
        }
        // Every output row is written (each query sees at least one key), so no zero-fill.
        var output = [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        var computed = false
        withPointers(inputs) { sources in
            computed = true
            probabilities.withUnsafeMutableBufferPointer { weights in
                output.withUnsafeMutableBufferPointer { out in
                    guard let weights = weights.baseAddress else { return }   // no probabilities: nothing to compute
                    // Heads of size 0 have an empty output but still their (uniform) probabilities.
                    var placeholder: Float = 0
                    withUnsafeMutablePointer(to: &placeholder) { empty in
                        attentionForward(layout, query: sources[0], key: sources[layout.packed ? 0 : 1],
                                         value: sources[layout.packed ? 0 : 2], probabilities: weights,
                                         output: out.baseAddress ?? empty)
                    }
                }
            }
        }
        // An empty operand (heads of size 0): no kernel ran; nothing flows back through zeros.
        if !computed { probabilities = [Float](repeating: 0, count: probabilityCount) }
        return result(shape: outputShape, storage: output, inputs: inputs,
                      .attention(layout, probabilities: probabilities))
    }
}

/// Runs `body` with the base addresses of the inputs' storage (none is empty when it is called).
private func withPointers(_ tensors: [Tensor], _ body: ([UnsafePointer<Float>]) -> Void) {
    func nest(_ index: Int, _ collected: [UnsafePointer<Float>]) {
        if index == tensors.count { body(collected); return }
        tensors[index].storage.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            nest(index + 1, collected + [base])
        }
    }
    nest(0, [])
}

// MARK: - Kernels

// The loops themselves are in C (Sources/CKernels/Attention.h), built for the baseline and for
// AVX2 + FMA and chosen at run time. Per (batch, head) the products run on the sgemm's register
// tile, and the score blocks are kept transposed (keys down, queries across), so the softmax and
// its backward work on eight queries at once with no per-row reductions. The probabilities kept
// for the backward are that transposed block, [keys, queries] per (batch, head), only ever read
// by the backward kernel. Backward: dPᵀ = v·dOᵀ, dS = P ⊙ (dP − Σ P·dP), dq = scale·dS·k,
// dk = scale·dSᵀ·q, dv = Pᵀ·dO.

extension AttentionOperand {
    var c: CKAttentionOperand {
        CKAttentionOperand(offset: offset, batch_stride: batchStride, head_stride: headStride, row_stride: rowStride)
    }
}

extension AttentionLayout {
    var c: CKAttentionLayout {
        CKAttentionLayout(batch: batch, heads: heads, queries: queries, keys: keys, width: headDimensions, scale: scale,
                          causal: causal ? 1 : 0, query: query.c, key: key.c, value: value.c, output: output.c)
    }
}

/// Forward: for each (batch, head) and query row, the softmax of the scores against the visible
/// keys and the weighted sum of the value rows; `probabilities` (uninitialised on entry) is
/// written in full, transposed per (batch, head), masked keys 0.
func attentionForward(_ layout: AttentionLayout, query: UnsafePointer<Float>, key: UnsafePointer<Float>,
                      value: UnsafePointer<Float>, probabilities: UnsafeMutablePointer<Float>,
                      output: UnsafeMutablePointer<Float>) {
    var cLayout = layout.c
    ck_attention_forward(VectorKernels.c, &cLayout, query, key, value, probabilities, output)
}

/// Backward, for each (batch, head), written into the gradients' operand slots (which never overlap).
func attentionBackward(_ layout: AttentionLayout, probabilities: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
                       query: UnsafePointer<Float>, key: UnsafePointer<Float>, value: UnsafePointer<Float>,
                       queryGradient: UnsafeMutablePointer<Float>?, keyGradient: UnsafeMutablePointer<Float>?,
                       valueGradient: UnsafeMutablePointer<Float>?) {
    var cLayout = layout.c
    ck_attention_backward(VectorKernels.c, &cLayout, probabilities, outputGradient, query, key, value, queryGradient, keyGradient, valueGradient)
}

// MARK: - Derivative rule

extension DerivativeRules {
    /// ∂/∂packed (one [B, T, 3d] gradient with the three parts in their slots) or ∂/∂query,
    /// ∂/∂key, ∂/∂value, from the probabilities the forward pass kept.
    static func attentionGradients(_ layout: AttentionLayout, probabilities: [Float], inputs: [Tensor],
                                   gradient: Tensor) -> [Tensor?] {
        // Not zero-filled: the kernel writes every row of each gradient it is given (dq for every
        // query, dk and dv for every key; the packed gradient's three thirds are those slots).
        var gradients: [[Float]?] = inputs.map { input in
            input.requiresGrad ? [Float](unsafeUninitializedCapacity: input.count) { _, initialized in initialized = input.count } : nil
        }
        let query = inputs[0], key = inputs[layout.packed ? 0 : 1], value = inputs[layout.packed ? 0 : 2]
        func withGradient(_ index: Int, _ body: (UnsafeMutablePointer<Float>?) -> Void) {
            // Taken out while written so the array is not copied (it is put back afterwards).
            guard var values = gradients[index] else { body(nil); return }
            gradients[index] = nil
            values.withUnsafeMutableBufferPointer { body($0.baseAddress) }
            gradients[index] = values
        }
        probabilities.withUnsafeBufferPointer { weights in
            gradient.storage.withUnsafeBufferPointer { outputGradient in
                query.storage.withUnsafeBufferPointer { q in
                    key.storage.withUnsafeBufferPointer { k in
                        value.storage.withUnsafeBufferPointer { v in
                            guard let weights = weights.baseAddress, let outputGradient = outputGradient.baseAddress,
                                  let q = q.baseAddress, let k = k.baseAddress, let v = v.baseAddress else {
                                // An empty operand (no queries, say): nothing flows, the gradients are zeros.
                                for index in gradients.indices where gradients[index] != nil {
                                    gradients[index] = [Float](repeating: 0, count: inputs[index].count)
                                }
                                return
                            }
                            if layout.packed {
                                withGradient(0) { packed in
                                    attentionBackward(layout, probabilities: weights, outputGradient: outputGradient,
                                                      query: q, key: k, value: v,
                                                      queryGradient: packed, keyGradient: packed, valueGradient: packed)
                                }
                                return
                            }
                            withGradient(0) { dq in
                                withGradient(1) { dk in
                                    withGradient(2) { dv in
                                        attentionBackward(layout, probabilities: weights, outputGradient: outputGradient,
                                                          query: q, key: k, value: v,
                                                          queryGradient: dq, keyGradient: dk, valueGradient: dv)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return zip(inputs, gradients).map { input, values in values.map { Tensor(shape: input.shape, storage: $0) } }
    }
}
