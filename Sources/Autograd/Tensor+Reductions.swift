// Reductions over one axis or over everything, with keepdims: sum, mean, max, min, argmax,
// logsumexp. Every reduction views its input as outer × length × inner and reduces the middle.
import Foundation

extension Tensor {
    // MARK: - Axis helpers

    /// `axis` made non-negative, or an error naming the axis and the rank.
    func normalizedAxis(_ axis: Int, op: String) throws -> Int {
        let normalized = axis < 0 ? axis + rank : axis
        guard normalized >= 0, normalized < rank else {
            throw TensorError.invalidAxis(op: op, axis: axis, rank: rank)
        }
        return normalized
    }

    /// The outer × length × inner view around `axis` (nil: everything is the middle).
    func layout(around axis: Int?) -> ReductionLayout {
        guard let axis, rank > 0 else { return ReductionLayout(outer: 1, length: count, inner: 1) }
        let outer = shape[..<axis].reduce(1, *)
        let inner = shape[(axis + 1)...].reduce(1, *)
        return ReductionLayout(outer: outer, length: shape[axis], inner: inner)
    }

    /// The shape left after reducing `axis` (nil: all axes).
    func reducedShape(axis: Int?, keepDims: Bool) -> [Int] {
        guard let axis else { return keepDims ? [Int](repeating: 1, count: rank) : [] }
        var result = shape
        if keepDims { result[axis] = 1 } else { result.remove(at: axis) }
        return result
    }

    /// Runs `reduce` over the middle of each outer × inner column; it gets a strided pointer.
    @inline(__always)
    private func reduceValues(_ layout: ReductionLayout,
                              _ reduce: (UnsafePointer<Float>, _ length: Int, _ stride: Int) -> Float) -> [Float] {
        let outputCount = layout.outer * layout.inner
        return [Float](unsafeUninitializedCapacity: outputCount) { output, initialized in
            storage.withUnsafeBufferPointer { input in
                guard let base = input.baseAddress else { return }
                for outerIndex in 0 ..< layout.outer {
                    for innerIndex in 0 ..< layout.inner {
                        let start = base + outerIndex * layout.length * layout.inner + innerIndex
                        output[outerIndex * layout.inner + innerIndex] = reduce(start, layout.length, layout.inner)
                    }
                }
            }
            initialized = outputCount
        }
    }

    // MARK: - Public reductions

    /// The sum over `axis`, or of all elements when `axis` is nil.
    public func sum(axis: Int? = nil, keepDims: Bool = false) throws -> Tensor {
        let axis = try axis.map { try normalizedAxis($0, op: "sum") }
        let layout = layout(around: axis)
        let values = reduceValues(layout) { pointer, length, stride in
            var total: Float = 0
            for step in 0 ..< length { total += pointer[step * stride] }
            return total
        }
        return Tensor.result(shape: reducedShape(axis: axis, keepDims: keepDims), storage: values,
                             inputs: [self], .sum(layout))
    }

    /// The mean over `axis`, or of all elements when `axis` is nil.
    public func mean(axis: Int? = nil, keepDims: Bool = false) throws -> Tensor {
        let axis = try axis.map { try normalizedAxis($0, op: "mean") }
        let layout = layout(around: axis)
        // An empty axis gives NaN (0/0), as PyTorch's mean does.
        let scale = 1 / Float(layout.length)
        let values = reduceValues(layout) { pointer, length, stride in
            var total: Float = 0
            for step in 0 ..< length { total += pointer[step * stride] }
            return total * scale
        }
        return Tensor.result(shape: reducedShape(axis: axis, keepDims: keepDims), storage: values,
                             inputs: [self], .mean(layout))
    }

    /// The maximum over `axis` (NaN if the lane holds one). As PyTorch: over an axis the gradient
    /// goes to the first maximal element (the index torch.max(t, dim) returns); over all values
    /// it is split evenly among the tied maximal elements.
    public func max(axis: Int? = nil, keepDims: Bool = false) throws -> Tensor {
        try extremum(axis: axis, keepDims: keepDims, op: "max") { $0 > $1 }
    }

    /// The minimum over `axis`; NaN and the gradient as for `max`.
    public func min(axis: Int? = nil, keepDims: Bool = false) throws -> Tensor {
        try extremum(axis: axis, keepDims: keepDims, op: "min") { $0 < $1 }
    }

    /// The running sum along `axis` (PyTorch `cumsum`).
    public func cumulativeSum(axis: Int) throws -> Tensor {
        let axis = try normalizedAxis(axis, op: "cumsum")
        let layout = layout(around: axis)
        var values = storage
        for outerIndex in 0 ..< layout.outer {
            for innerIndex in 0 ..< layout.inner {
                let base = outerIndex * layout.length * layout.inner + innerIndex
                var total: Float = 0
                for step in 0 ..< layout.length {
                    total += values[base + step * layout.inner]
                    values[base + step * layout.inner] = total
                }
            }
        }
        return Tensor.result(shape: shape, storage: values, inputs: [self], .cumulativeSum(layout))
    }

    /// The index of the first maximum over `axis` (all elements, flattened, when nil); no gradient.
    public func argmax(axis: Int? = nil, keepDims: Bool = false) throws -> Tensor {
        let axis = try axis.map { try normalizedAxis($0, op: "argmax") }
        let layout = layout(around: axis)
        guard layout.length > 0 else {
            throw TensorError.invalidShape(op: "argmax", shape: shape, reason: "has no elements")
        }
        let positions = extremePositions(layout) { $0 > $1 }
        return Tensor(shape: reducedShape(axis: axis, keepDims: keepDims), storage: positions.map { Float($0) })
    }

    /// log Σ exp over `axis`, computed as PyTorch does (shift by the maximum) with the sum and
    /// logarithm in Double; an empty axis gives −inf, a NaN gives NaN.
    public func logSumExp(axis: Int? = nil, keepDims: Bool = false) throws -> Tensor {
        let axis = try axis.map { try normalizedAxis($0, op: "logSumExp") }
        let layout = layout(around: axis)
        let values = reduceValues(layout) { pointer, length, stride in
            var largest = -Double.infinity
            for step in 0 ..< length {
                let value = Double(pointer[step * stride])
                if value.isNaN { return .nan }
                largest = Swift.max(largest, value)
            }
            if !largest.isFinite { return Float(largest) }
            var total = 0.0
            for step in 0 ..< length { total += Foundation.exp(Double(pointer[step * stride]) - largest) }
            return Float(largest + Foundation.log(total))
        }
        return Tensor.result(shape: reducedShape(axis: axis, keepDims: keepDims), storage: values,
                             inputs: [self], .logSumExp(layout))
    }

    // MARK: - Extremum helpers

    private func extremum(axis: Int?, keepDims: Bool, op: String,
                          _ better: (Float, Float) -> Bool) throws -> Tensor {
        let axis = try axis.map { try normalizedAxis($0, op: op) }
        let layout = layout(around: axis)
        guard layout.length > 0 else {
            throw TensorError.invalidShape(op: op, shape: shape, reason: "has no elements")
        }
        let positions = extremePositions(layout, better)
        if axis == nil {
            // Over all values PyTorch splits the gradient among every element equal to the result
            // (every NaN when the result is NaN).
            let best = storage[positions[0]]
            let ties = best.isNaN ? storage.indices.filter { storage[$0].isNaN } : storage.indices.filter { storage[$0] == best }
            return Tensor.result(shape: reducedShape(axis: nil, keepDims: keepDims), storage: [best],
                                 inputs: [self], .extremum(layout, positions: ties, splitTies: true))
        }
        var values = [Float](repeating: 0, count: positions.count)
        for (outputIndex, position) in positions.enumerated() {
            let outerIndex = outputIndex / layout.inner, innerIndex = outputIndex % layout.inner
            values[outputIndex] = storage[(outerIndex * layout.length + position) * layout.inner + innerIndex]
        }
        return Tensor.result(shape: reducedShape(axis: axis, keepDims: keepDims), storage: values,
                             inputs: [self], .extremum(layout, positions: positions, splitTies: false))
    }

    /// For each outer × inner column, the first index along the middle that `better` prefers.
    @inline(__always)
    private func extremePositions(_ layout: ReductionLayout, _ better: (Float, Float) -> Bool) -> [Int] {
        var positions = [Int](repeating: 0, count: layout.outer * layout.inner)
        storage.withUnsafeBufferPointer { input in
            for outerIndex in 0 ..< layout.outer {
                for innerIndex in 0 ..< layout.inner {
                    let start = outerIndex * layout.length * layout.inner + innerIndex
                    var best = 0
                    var bestValue = input[start]
                    for step in 1 ..< Swift.max(layout.length, 1) {
                        let value = input[start + step * layout.inner]
                        if better(value, bestValue) || (bestValue.isNaN == false && value.isNaN) {
                            best = step; bestValue = value
                        }
                    }
                    positions[outerIndex * layout.inner + innerIndex] = best
                }
            }
        }
        return positions
    }
}
