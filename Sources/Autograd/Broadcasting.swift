// NumPy broadcasting: the shape rule, strided iteration over a broadcast result, and the
// reduction that sends a broadcast gradient back to an operand's shape.

// MARK: - Shape rule

/// The broadcast shape of two shapes (align right; each pair equal or one of them 1).
func broadcastShape(_ lhs: [Int], _ rhs: [Int], op: String) throws -> [Int] {
    if lhs == rhs { return lhs }
    let rank = max(lhs.count, rhs.count)
    var result = [Int](repeating: 1, count: rank)
    for position in 0 ..< rank {
        let left = position < rank - lhs.count ? 1 : lhs[position - (rank - lhs.count)]
        let right = position < rank - rhs.count ? 1 : rhs[position - (rank - rhs.count)]
        if left == right || right == 1 {
            result[position] = left
        } else if left == 1 {
            result[position] = right
        } else {
            throw TensorError.shapeMismatch(op: op, lhs: lhs, rhs: rhs)
        }
    }
    return result
}

/// Row-major strides of `shape` viewed inside `outputShape`; broadcast dimensions get stride 0.
func broadcastStrides(of shape: [Int], in outputShape: [Int]) -> [Int] {
    let offset = outputShape.count - shape.count
    var strides = [Int](repeating: 0, count: outputShape.count)
    var running = 1
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[axis + offset] = shape[axis] == 1 ? 0 : running
        running *= shape[axis]
    }
    return strides
}

/// Row-major strides of a contiguous tensor.
func contiguousStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var running = 1
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[axis] = running
        running *= shape[axis]
    }
    return strides
}

// MARK: - Iteration

/// Calls `row` once per innermost row of `outputShape` with the output offset and the two
/// operand offsets; the row then walks `length` elements with the innermost strides.
/// An odometer over the outer dimensions keeps the per-element work to one add per operand.
@inline(__always)
func forEachBroadcastRow(
    outputShape: [Int], stridesA: [Int], stridesB: [Int],
    _ row: (_ outputOffset: Int, _ offsetA: Int, _ offsetB: Int,
            _ length: Int, _ innerStrideA: Int, _ innerStrideB: Int) -> Void
) {
    let rank = outputShape.count
    let total = outputShape.reduce(1, *)
    guard total > 0 else { return }
    guard rank > 0 else { row(0, 0, 0, 1, 0, 0); return }
    let length = outputShape[rank - 1]
    let innerA = stridesA[rank - 1], innerB = stridesB[rank - 1]
    var counter = [Int](repeating: 0, count: rank)
    var offsetA = 0, offsetB = 0
    var outputOffset = 0
    while outputOffset < total {
        row(outputOffset, offsetA, offsetB, length, innerA, innerB)
        outputOffset += length
        var axis = rank - 2
        while axis >= 0 {
            counter[axis] += 1
            offsetA += stridesA[axis]
            offsetB += stridesB[axis]
            if counter[axis] < outputShape[axis] { break }
            offsetA -= stridesA[axis] * outputShape[axis]
            offsetB -= stridesB[axis] * outputShape[axis]
            counter[axis] = 0
            axis -= 1
        }
    }
}

/// An elementwise operation on two values, as a type: `broadcastBinary` is specialised for each
/// one and its loops call it directly (inlined, vectorised). Passed as a closure, the operation
/// stayed an indirect call per element inside `Array(unsafeUninitializedCapacity:)` (measured: 6%
/// of an MoE micro-GPT step in `*` and its gradient, the closure calls included).
protocol ElementwiseCombine {
    func callAsFunction(_ a: Float, _ b: Float) -> Float
}

struct AddValues: ElementwiseCombine {
    @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a + b }
}
struct SubtractValues: ElementwiseCombine {
    @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a - b }
}
struct MultiplyValues: ElementwiseCombine {
    @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a * b }
}
struct DivideValues: ElementwiseCombine {
    @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a / b }
}
/// Any closure, for the rarer operations (comparisons, extrema).
private struct ClosureCombine: ElementwiseCombine {
    let body: (Float, Float) -> Float
    @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { body(a, b) }
}

/// Applies `combine` elementwise over the broadcast of `lhs` and `rhs` (shape `outputShape`).
func broadcastBinary(_ lhs: Tensor, _ rhs: Tensor, outputShape: [Int],
                     _ combine: (Float, Float) -> Float) -> [Float] {
    withoutActuallyEscaping(combine) { body in
        broadcastBinary(lhs, rhs, outputShape: outputShape, ClosureCombine(body: body))
    }
}

/// Applies `combine` elementwise over the broadcast of `lhs` and `rhs` (shape `outputShape`).
func broadcastBinary<Combine: ElementwiseCombine>(_ lhs: Tensor, _ rhs: Tensor, outputShape: [Int],
                                                  _ combine: Combine) -> [Float] {
    let count = outputShape.reduce(1, *)
    return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        // A copy of the buffer, not the `inout` one: through that, every store reloaded the
        // buffer's address and no loop below was vectorised.
        let output = buffer
        lhs.storage.withUnsafeBufferPointer { left in
            rhs.storage.withUnsafeBufferPointer { right in
                if left.count == count && right.count == count {
                    for index in 0 ..< count { output[index] = combine(left[index], right[index]) }
                    return
                }
                // A scalar or a repeated block on either side: whole rows (see combineWithRepeated).
                if left.count == count && combineWithRepeated(full: left, repeated: right, repeatedShape: rhs.shape,
                                                              outputShape: outputShape, into: output, combine) { return }
                if right.count == count && combineWithRepeated(full: right, repeated: left, repeatedShape: lhs.shape,
                                                               outputShape: outputShape, into: output, Swapped(base: combine)) { return }
                let stridesA = broadcastStrides(of: lhs.shape, in: outputShape)
                let stridesB = broadcastStrides(of: rhs.shape, in: outputShape)
                forEachBroadcastRow(outputShape: outputShape, stridesA: stridesA, stridesB: stridesB) {
                    base, offsetA, offsetB, length, strideA, strideB in
                    for step in 0 ..< length {
                        output[base + step] = combine(left[offsetA + step * strideA], right[offsetB + step * strideB])
                    }
                }
            }
        }
        initialized = count
    }
}

/// `base` with its operands swapped: one loop then serves a repeated operand on either side.
private struct Swapped<Base: ElementwiseCombine>: ElementwiseCombine {
    let base: Base
    @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { base(b, a) }
}

/// `output[o] = combine(full[o], r)` for an operand (of `repeatedShape`) that is a scalar, one
/// block repeated along the leading axes (x + positions, [B, T, d] + [T, d]) or one value per
/// row of the trailing axes (an MoE layer's `rows * weights`, [A, d] · [A, 1]), with `r` the
/// element it repeats there: whole rows, no odometer and no call per element (same values as the
/// strided loop). False, writing nothing, for any other operand. Row pointers with wrapping
/// offsets (in range: they stay below the output's count): an overflow check per element kept
/// these loops scalar.
@inline(__always)
private func combineWithRepeated<Combine: ElementwiseCombine>(
    full: UnsafeBufferPointer<Float>, repeated: UnsafeBufferPointer<Float>, repeatedShape: [Int], outputShape: [Int],
    into output: UnsafeMutableBufferPointer<Float>, _ combine: Combine
) -> Bool {
    let count = full.count
    guard let out = output.baseAddress, let source = full.baseAddress, let values = repeated.baseAddress else {
        return count == 0   // nothing to write
    }
    if repeated.count == 1 || repeatsEachOverTrailingBlock(repeatedShape, in: outputShape) {
        let block = count / repeated.count
        for row in 0 ..< repeated.count {
            let value = values[row], rowOutput = out + row &* block, rowSource = source + row &* block
            for index in 0 ..< block { rowOutput[index] = combine(rowSource[index], value) }
        }
        return true
    }
    if repeatsAsTrailingBlock(repeatedShape, in: outputShape) {
        let block = repeated.count
        for start in stride(from: 0, to: count, by: block) {
            let rowOutput = out + start, rowSource = source + start
            for index in 0 ..< block { rowOutput[index] = combine(rowSource[index], values[index]) }
        }
        return true
    }
    return false
}

/// The values of `tensor` repeated to `outputShape` (which it must broadcast to).
func expandValues(_ tensor: Tensor, to outputShape: [Int]) -> [Float] {
    if tensor.shape == outputShape { return tensor.storage }
    let zero = Tensor(0)
    return broadcastBinary(tensor, zero, outputShape: outputShape) { value, _ in value }
}

/// Whether a broadcast operand of `shape` is one block repeated along the leading axes of
/// `outputShape` (its shape without leading 1s is the output's trailing shape), so element o of
/// the output reads operand element o mod count. Not for empty shapes.
func repeatsAsTrailingBlock(_ shape: [Int], in outputShape: [Int]) -> Bool {
    let trimmed = shape.drop { $0 == 1 }
    return !trimmed.isEmpty && !trimmed.contains(0) && trimmed.count <= outputShape.count
        && outputShape.suffix(trimmed.count).elementsEqual(trimmed)
}

/// Whether a broadcast operand of `shape` holds one value per index of the output's leading
/// axes, each repeated over the trailing ones: its shape, left-padded with 1s, is the output's
/// leading shape followed by 1s (a (n, 1) column against (n, d); (b, t, 1) against (b, t, d)).
/// Output element o then reads operand element o / (output count / operand count). Not for
/// empty shapes or a scalar.
func repeatsEachOverTrailingBlock(_ shape: [Int], in outputShape: [Int]) -> Bool {
    guard shape.count <= outputShape.count, !shape.contains(0) else { return false }
    let padded = [Int](repeating: 1, count: outputShape.count - shape.count) + shape
    guard let last = padded.lastIndex(where: { $0 != 1 }) else { return false }
    return padded[...last].elementsEqual(outputShape[...last])
}

/// Sums a gradient of the broadcast shape back down to `shape` (the adjoint of broadcasting).
func reduceGradient(_ gradient: Tensor, to shape: [Int]) -> Tensor {
    if gradient.shape == shape { return gradient }
    let count = shape.reduce(1, *)
    var result = [Float](repeating: 0, count: count)
    if count > 0, repeatsAsTrailingBlock(shape, in: gradient.shape) {
        // Block after block into the sums: the same additions in the same order as the rows below.
        result.withUnsafeMutableBufferPointer { output in
            gradient.storage.withUnsafeBufferPointer { source in
                for start in stride(from: 0, to: source.count, by: count) {
                    for index in 0 ..< count { output[index] += source[start + index] }
                }
            }
        }
        return Tensor(shape: shape, storage: result)
    }
    let stridesTarget = broadcastStrides(of: shape, in: gradient.shape)
    let stridesSource = contiguousStrides(gradient.shape)
    result.withUnsafeMutableBufferPointer { output in
        gradient.storage.withUnsafeBufferPointer { source in
            forEachBroadcastRow(outputShape: gradient.shape, stridesA: stridesTarget, stridesB: stridesSource) {
                _, offsetTarget, offsetSource, length, strideTarget, _ in
                if strideTarget == 0 {
                    var sum: Float = 0
                    for step in 0 ..< length { sum += source[offsetSource + step] }
                    output[offsetTarget] += sum
                } else {
                    for step in 0 ..< length { output[offsetTarget + step] += source[offsetSource + step] }
                }
            }
        }
    }
    return Tensor(shape: shape, storage: result)
}
