// Scaled-dot-product attention as one fused op (PyTorch's F.scaled_dot_product_attention):
// softmax(scale · q·kᵀ [+ causal mask]) · v for every (batch, head) at once, forward and backward
// in one kernel each. The heads are read where they lie — inside the packed [B, T, 3·H·hd] output
// of a qkv projection, or in [N, T, hd] tensors — through strides, so no permute, select, mask
// tensor or scaling multiply is materialised, and the causal half of the scores is never computed.
// The loops run eight lanes at a time over keys (scores) or features (weighted sums), so the work
// is a few vector multiply-adds per pair of positions; rows of any length and head sizes of any
// width take the same path (a scalar remainder finishes what is not a multiple of eight).

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
        var probabilities = [Float](repeating: 0, count: probabilityCount)   // masked entries stay 0
        // Every output row is written (each query sees at least one key), so no zero-fill.
        var output = [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        withPointers(inputs) { sources in
            probabilities.withUnsafeMutableBufferPointer { weights in
                output.withUnsafeMutableBufferPointer { out in
                    guard let weights = weights.baseAddress, let out = out.baseAddress else { return }
                    attentionForward(layout, query: sources[0], key: sources[layout.packed ? 0 : 1],
                                     value: sources[layout.packed ? 0 : 2], probabilities: weights, output: out)
                }
            }
        }
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

private typealias Lanes = SIMD8<Float>

@inline(__always) private func load(_ pointer: UnsafePointer<Float>) -> Lanes {
    UnsafeRawPointer(pointer).loadUnaligned(as: Lanes.self)
}

@inline(__always) private func store(_ lanes: Lanes, _ pointer: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: lanes, as: Lanes.self)
}

/// out[j] = Σ_c row[c] · transposed[c·stride + j] for j < columns: one row times a matrix kept
/// transposed ([width, stride], stride a multiple of 8 and ≥ columns, padding readable), eight or
/// sixteen columns per pass so no horizontal sums are needed. `out` has room for `stride` values.
@inline(__always)
private func rowTimesTransposed(_ row: UnsafePointer<Float>, width: Int, _ transposed: UnsafePointer<Float>, stride: Int,
                                columns: Int, into out: UnsafeMutablePointer<Float>) {
    var column = 0
    // Sixteen columns per pass while more than eight remain (two independent sums in flight;
    // column + 16 ≤ stride then, as stride is a multiple of 8 above column + 8).
    while column + 8 < columns {
        var low = Lanes(), high = Lanes()
        for c in 0 ..< width {
            let value = row[c], base = transposed + (c &* stride &+ column)
            low += value * load(base)
            high += value * load(base + 8)
        }
        store(low, out + column)
        store(high, out + column + 8)
        column += 16
    }
    while column < columns {
        var sum = Lanes()
        for c in 0 ..< width { sum += row[c] * load(transposed + (c &* stride &+ column)) }
        store(sum, out + column)
        column += 8
    }
}

/// out[c] = Σ_j weights[j·weightStride] · rows[j·rowStride + c] for c < width, j < count:
/// a weighted sum of `count` rows (eight features at a time, the rest one by one).
@inline(__always)
private func weightedRowSum(_ weights: UnsafePointer<Float>, weightStride: Int, count: Int,
                            _ rows: UnsafePointer<Float>, rowStride: Int, width: Int,
                            into out: UnsafeMutablePointer<Float>, scale: Float = 1) {
    var feature = 0
    while feature + 16 <= width {
        var first = Lanes(), second = Lanes()
        // Wrapping index arithmetic: the sizes were checked against the storage, and an
        // overflow-checked multiply in the loop costs as much as the multiply-adds.
        for j in 0 ..< count {
            let weight = weights[j &* weightStride], row = rows + (j &* rowStride &+ feature)
            first += weight * load(row)
            second += weight * load(row + 8)
        }
        store(first * scale, out + feature)
        store(second * scale, out + feature + 8)
        feature += 16
    }
    while feature + 8 <= width {
        var sum = Lanes()
        for j in 0 ..< count { sum += weights[j &* weightStride] * load(rows + (j &* rowStride &+ feature)) }
        store(sum * scale, out + feature)
        feature += 8
    }
    while feature < width {
        var sum: Float = 0
        for j in 0 ..< count { sum += weights[j &* weightStride] * rows[j &* rowStride &+ feature] }
        out[feature] = sum * scale
        feature += 1
    }
}

/// The weighted sums of the same `count` rows with two weight vectors at once (each row is loaded
/// once for both, and the two outputs' multiply-adds are independent, so twice as many are in
/// flight): first[c] = Σ_j a[j·s]·rows[j][c], second[c] = Σ_j b[j·s]·rows[j][c].
@inline(__always)
private func weightedRowSumPair(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, weightStride: Int, count: Int,
                                _ rows: UnsafePointer<Float>, rowStride: Int, width: Int,
                                into first: UnsafeMutablePointer<Float>, _ second: UnsafeMutablePointer<Float>,
                                scale: Float = 1) {
    var feature = 0
    while feature + 16 <= width {
        var a0 = Lanes(), a1 = Lanes(), b0 = Lanes(), b1 = Lanes()
        for j in 0 ..< count {
            let wa = a[j &* weightStride], wb = b[j &* weightStride], row = rows + (j &* rowStride &+ feature)
            let low = load(row), high = load(row + 8)
            a0 += wa * low; a1 += wa * high
            b0 += wb * low; b1 += wb * high
        }
        store(a0 * scale, first + feature); store(a1 * scale, first + feature + 8)
        store(b0 * scale, second + feature); store(b1 * scale, second + feature + 8)
        feature += 16
    }
    while feature + 8 <= width {
        var sumA = Lanes(), sumB = Lanes()
        for j in 0 ..< count {
            let lanes = load(rows + (j &* rowStride &+ feature))
            sumA += a[j &* weightStride] * lanes
            sumB += b[j &* weightStride] * lanes
        }
        store(sumA * scale, first + feature); store(sumB * scale, second + feature)
        feature += 8
    }
    while feature < width {
        var sumA: Float = 0, sumB: Float = 0
        for j in 0 ..< count {
            let value = rows[j &* rowStride &+ feature]
            sumA += a[j &* weightStride] * value
            sumB += b[j &* weightStride] * value
        }
        first[feature] = sumA * scale; second[feature] = sumB * scale
        feature += 1
    }
}

/// Σ a[j]·b[j] for j < count, eight lanes at a time.
@inline(__always)
private func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
    var sums = Lanes()
    var index = 0
    while index + 8 <= count { sums += load(a + index) * load(b + index); index += 8 }
    var total = sums.sum()
    while index < count { total += a[index] * b[index]; index += 1 }
    return total
}

/// weights[j] = softmax(scale · scores)[j] for j < count: shifted by the maximum, `fastExp`, and
/// the sum taken eight lanes at a time (a scalar running sum does not vectorise). A NaN score
/// makes the whole row NaN (through the sum), as in PyTorch.
@inline(__always)
private func softmaxRow(_ scores: UnsafeMutablePointer<Float>, count: Int, scale: Float, into weights: UnsafeMutablePointer<Float>) {
    var largestLanes = Lanes(repeating: -.infinity)
    var index = 0
    while index + 8 <= count {
        let scaled = load(scores + index) * scale
        store(scaled, scores + index)
        largestLanes.replace(with: scaled, where: largestLanes .< scaled)   // (the generic pointwiseMax was not inlined)
        index += 8
    }
    var largest = largestLanes.max()
    while index < count { scores[index] *= scale; largest = Swift.max(largest, scores[index]); index += 1 }
    // An infinite maximum is not shifted away (inf − inf would turn a finite row into NaN).
    let shift = largest.isFinite ? largest : 0
    for j in 0 ..< count { weights[j] = fastExp(scores[j] - shift) }
    var sums = Lanes()
    index = 0
    while index + 8 <= count { sums += load(weights + index); index += 8 }
    var total = sums.sum()
    while index < count { total += weights[index]; index += 1 }
    let inverse = 1 / total
    for j in 0 ..< count { weights[j] *= inverse }
}

/// Copies `count` rows of `width` features (row stride `rowStride`) into [width, stride] columns.
@inline(__always)
private func transpose(_ rows: UnsafePointer<Float>, rowStride: Int, count: Int, width: Int,
                       into out: UnsafeMutablePointer<Float>, stride: Int) {
    for j in 0 ..< count {
        let row = rows + j &* rowStride
        for c in 0 ..< width { out[c &* stride &+ j] = row[c] }
    }
}

/// Forward: for each (batch, head) and query row, the scores against the visible keys, their
/// softmax (shifted by the row maximum; masked keys keep probability 0) and the weighted sum of
/// the value rows. The probabilities are kept for the backward pass.
func attentionForward(_ layout: AttentionLayout, query: UnsafePointer<Float>, key: UnsafePointer<Float>,
                      value: UnsafePointer<Float>, probabilities: UnsafeMutablePointer<Float>,
                      output: UnsafeMutablePointer<Float>) {
    let (queries, keys, width) = (layout.queries, layout.keys, layout.headDimensions)
    let stride = (keys + 7) / 8 * 8
    let transposedKeys = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(width, 1) * stride)
    transposedKeys.initialize(repeating: 0, count: Swift.max(width, 1) * stride)
    let scores = UnsafeMutablePointer<Float>.allocate(capacity: stride)
    defer { transposedKeys.deallocate(); scores.deallocate() }
    for batch in 0 ..< layout.batch {
        for head in 0 ..< layout.heads {
            let q = query + layout.query.start(batch: batch, head: head)
            let k = key + layout.key.start(batch: batch, head: head)
            let v = value + layout.value.start(batch: batch, head: head)
            let out = output + layout.output.start(batch: batch, head: head)
            let weights = probabilities + (batch * layout.heads + head) * queries * keys
            transpose(k, rowStride: layout.key.rowStride, count: keys, width: width, into: transposedKeys, stride: stride)
            for row in 0 ..< queries {
                let visible = layout.visibleKeys(row)
                rowTimesTransposed(q + row * layout.query.rowStride, width: width, transposedKeys, stride: stride,
                                   columns: visible, into: scores)
                softmaxRow(scores, count: visible, scale: layout.scale, into: weights + row * keys)
            }
            // Two query rows per pass over the value rows; the first row's weights past its
            // visible keys are the masked zeros, so both can run to the second row's count.
            var row = 0
            while row + 1 < queries {
                weightedRowSumPair(weights + row * keys, weights + (row + 1) * keys, weightStride: 1,
                                   count: layout.visibleKeys(row + 1), v, rowStride: layout.value.rowStride, width: width,
                                   into: out + row * layout.output.rowStride, out + (row + 1) * layout.output.rowStride)
                row += 2
            }
            if row < queries {
                weightedRowSum(weights + row * keys, weightStride: 1, count: layout.visibleKeys(row), v,
                               rowStride: layout.value.rowStride, width: width, into: out + row * layout.output.rowStride)
            }
        }
    }
}

/// Backward, for each (batch, head): dP = dO·vᵀ, dS = P ⊙ (dP − Σⱼ P dP) (the softmax adjoint
/// row by row), dq = scale · dS·k, dk = scale · dSᵀ·q, dv = Pᵀ·dO, written into the gradients'
/// operand slots (which never overlap).
func attentionBackward(_ layout: AttentionLayout, probabilities: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>,
                       query: UnsafePointer<Float>, key: UnsafePointer<Float>, value: UnsafePointer<Float>,
                       queryGradient: UnsafeMutablePointer<Float>?, keyGradient: UnsafeMutablePointer<Float>?,
                       valueGradient: UnsafeMutablePointer<Float>?) {
    let (queries, keys, width) = (layout.queries, layout.keys, layout.headDimensions)
    let stride = (keys + 7) / 8 * 8
    let transposedValues = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(width, 1) * stride)
    transposedValues.initialize(repeating: 0, count: Swift.max(width, 1) * stride)
    let scoreGradients = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(queries * keys, 1))
    scoreGradients.initialize(repeating: 0, count: Swift.max(queries * keys, 1))
    let row = UnsafeMutablePointer<Float>.allocate(capacity: stride)
    defer { transposedValues.deallocate(); scoreGradients.deallocate(); row.deallocate() }
    for batch in 0 ..< layout.batch {
        for head in 0 ..< layout.heads {
            let q = query + layout.query.start(batch: batch, head: head)
            let k = key + layout.key.start(batch: batch, head: head)
            let v = value + layout.value.start(batch: batch, head: head)
            let dOut = outputGradient + layout.output.start(batch: batch, head: head)
            let weights = probabilities + (batch * layout.heads + head) * queries * keys
            transpose(v, rowStride: layout.value.rowStride, count: keys, width: width, into: transposedValues, stride: stride)
            for i in 0 ..< queries {
                let visible = layout.visibleKeys(i)
                rowTimesTransposed(dOut + i * layout.output.rowStride, width: width, transposedValues, stride: stride,
                                   columns: visible, into: row)
                let weightRow = weights + i * keys, gradientRow = scoreGradients + i * keys
                let centre = dot(weightRow, row, count: visible)
                for j in 0 ..< visible { gradientRow[j] = weightRow[j] * (row[j] - centre) }
            }
            // dq two rows at a time, dk and dv two keys at a time (as in the forward pass: the
            // entries past a row's visible keys, or before a key's first query, are zeros).
            if let queryGradient {
                let dq = queryGradient + layout.query.start(batch: batch, head: head)
                var i = 0
                while i + 1 < queries {
                    weightedRowSumPair(scoreGradients + i * keys, scoreGradients + (i + 1) * keys, weightStride: 1,
                                       count: layout.visibleKeys(i + 1), k, rowStride: layout.key.rowStride, width: width,
                                       into: dq + i * layout.query.rowStride, dq + (i + 1) * layout.query.rowStride,
                                       scale: layout.scale)
                    i += 2
                }
                if i < queries {
                    weightedRowSum(scoreGradients + i * keys, weightStride: 1, count: layout.visibleKeys(i), k,
                                   rowStride: layout.key.rowStride, width: width, into: dq + i * layout.query.rowStride,
                                   scale: layout.scale)
                }
            }
            let dk = keyGradient.map { $0 + layout.key.start(batch: batch, head: head) }
            let dv = valueGradient.map { $0 + layout.value.start(batch: batch, head: head) }
            var j = 0
            while j < keys {
                let pair = j + 1 < keys
                let first = layout.firstQuery(seeing: j), count = queries - first
                if let dk {
                    let weightsA = scoreGradients + first * keys + j, rowsA = q + first * layout.query.rowStride
                    if pair {
                        weightedRowSumPair(weightsA, weightsA + 1, weightStride: keys, count: count, rowsA,
                                           rowStride: layout.query.rowStride, width: width,
                                           into: dk + j * layout.key.rowStride, dk + (j + 1) * layout.key.rowStride,
                                           scale: layout.scale)
                    } else {
                        weightedRowSum(weightsA, weightStride: keys, count: count, rowsA, rowStride: layout.query.rowStride,
                                       width: width, into: dk + j * layout.key.rowStride, scale: layout.scale)
                    }
                }
                if let dv {
                    let weightsA = weights + first * keys + j, rowsA = dOut + first * layout.output.rowStride
                    if pair {
                        weightedRowSumPair(weightsA, weightsA + 1, weightStride: keys, count: count, rowsA,
                                           rowStride: layout.output.rowStride, width: width,
                                           into: dv + j * layout.value.rowStride, dv + (j + 1) * layout.value.rowStride)
                    } else {
                        weightedRowSum(weightsA, weightStride: keys, count: count, rowsA, rowStride: layout.output.rowStride,
                                       width: width, into: dv + j * layout.value.rowStride)
                    }
                }
                j += pair ? 2 : 1
            }
        }
    }
}

// MARK: - Derivative rule

extension DerivativeRules {
    /// ∂/∂packed (one [B, T, 3d] gradient with the three parts in their slots) or ∂/∂query,
    /// ∂/∂key, ∂/∂value, from the probabilities the forward pass kept.
    static func attentionGradients(_ layout: AttentionLayout, probabilities: [Float], inputs: [Tensor],
                                   gradient: Tensor) -> [Tensor?] {
        var gradients: [[Float]?] = inputs.map { $0.requiresGrad ? [Float](repeating: 0, count: $0.count) : nil }
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
                                  let q = q.baseAddress, let k = k.baseAddress, let v = v.baseAddress else { return }
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
