// Shape operations: reshape, permute/transpose, slicing and selecting, concat and stack.
// Results are contiguous; reshape shares storage copy-on-write, so it costs no copy.

extension Tensor {
    // MARK: - Reshape

    /// The same values with a new shape; one dimension may be -1 and is inferred.
    public func reshape(_ newShape: [Int]) throws -> Tensor {
        var resolved = newShape
        let inferred = newShape.indices.filter { newShape[$0] == -1 }
        if inferred.count > 1 {
            throw TensorError.invalidShape(op: "reshape", shape: newShape, reason: "has more than one -1")
        }
        if let position = inferred.first {
            let known = newShape.enumerated().filter { $0.offset != position }.map(\.element).reduce(1, *)
            guard known > 0, count % known == 0 else {
                throw TensorError.shapeMismatch(op: "reshape", lhs: shape, rhs: newShape)
            }
            resolved[position] = count / known
        }
        guard resolved.allSatisfy({ $0 >= 0 }), resolved.reduce(1, *) == count else {
            throw TensorError.shapeMismatch(op: "reshape", lhs: shape, rhs: newShape)
        }
        if resolved == shape && !requiresGrad { return self }
        return Tensor.result(shape: resolved, storage: storage, inputs: [self], .reshape)
    }

    /// Inserts a dimension of size 1 at `axis`.
    public func unsqueeze(axis: Int) throws -> Tensor {
        let normalized = axis < 0 ? axis + rank + 1 : axis
        guard normalized >= 0, normalized <= rank else {
            throw TensorError.invalidAxis(op: "unsqueeze", axis: axis, rank: rank)
        }
        var newShape = shape
        newShape.insert(1, at: normalized)
        return try reshape(newShape)
    }

    /// Removes a dimension of size 1 at `axis`.
    public func squeeze(axis: Int) throws -> Tensor {
        let normalized = try normalizedAxis(axis, op: "squeeze")
        guard shape[normalized] == 1 else {
            throw TensorError.invalidShape(op: "squeeze", shape: shape, reason: "has size \(shape[normalized]) at axis \(axis), not 1")
        }
        var newShape = shape
        newShape.remove(at: normalized)
        return try reshape(newShape)
    }

    // MARK: - Permute

    /// Reorders the axes: result axis i is input axis `order[i]`.
    public func permute(_ order: [Int]) throws -> Tensor {
        let normalized = order.map { $0 < 0 ? $0 + rank : $0 }
        guard normalized.count == rank, Set(normalized) == Set(0 ..< rank) else {
            throw TensorError.invalidArgument(op: "permute", reason: "\(order) is not a permutation of the axes of \(shape)")
        }
        if normalized == Array(0 ..< rank) { return try reshape(shape) }
        let newShape = normalized.map { shape[$0] }
        let values = permutedValues(storage, shape: shape, order: normalized)
        return Tensor.result(shape: newShape, storage: values, inputs: [self], .permute(normalized))
    }

    /// Swaps two axes.
    public func transpose(_ first: Int, _ second: Int) throws -> Tensor {
        let first = try normalizedAxis(first, op: "transpose"), second = try normalizedAxis(second, op: "transpose")
        var order = Array(0 ..< rank)
        order.swapAt(first, second)
        return try permute(order)
    }

    /// The last two axes swapped (the matrix transpose); a tensor of rank below 2 is returned as is.
    public var T: Tensor {
        guard rank >= 2 else { return self }
        var order = Array(0 ..< rank)
        order.swapAt(rank - 1, rank - 2)
        // The order is a valid permutation by construction, so this cannot throw.
        return (try? permute(order)) ?? self
    }

    // MARK: - Slicing

    /// Elements `start, start + step, …` below `end` along `axis` (negative bounds count from the end).
    public func slice(axis: Int, start: Int = 0, end: Int? = nil, step: Int = 1) throws -> Tensor {
        let axis = try normalizedAxis(axis, op: "slice")
        guard step > 0 else { throw TensorError.invalidArgument(op: "slice", reason: "step \(step) must be positive") }
        let dimension = shape[axis]
        func clampBound(_ bound: Int) -> Int { Swift.min(Swift.max(bound < 0 ? bound + dimension : bound, 0), dimension) }
        let lower = clampBound(start), upper = clampBound(end ?? dimension)
        let length = upper > lower ? (upper - lower - 1) / step + 1 : 0
        let layout = layout(around: axis)
        var newShape = shape
        newShape[axis] = length
        var values = [Float](repeating: 0, count: layout.outer * length * layout.inner)
        storage.withUnsafeBufferPointer { input in
            values.withUnsafeMutableBufferPointer { output in
                for outerIndex in 0 ..< layout.outer {
                    for position in 0 ..< length {
                        let source = (outerIndex * layout.length + lower + position * step) * layout.inner
                        let target = (outerIndex * length + position) * layout.inner
                        for innerIndex in 0 ..< layout.inner { output[target + innerIndex] = input[source + innerIndex] }
                    }
                }
            }
        }
        return Tensor.result(shape: newShape, storage: values, inputs: [self],
                             .slice(layout: layout, start: lower, step: step))
    }

    /// The sub-tensor at `index` along `axis`, with that axis removed (`t[i]`, `t[:, j]`).
    public func select(axis: Int, index: Int) throws -> Tensor {
        let normalizedAxis = try normalizedAxis(axis, op: "select")
        let dimension = shape[normalizedAxis]
        let position = index < 0 ? index + dimension : index
        guard position >= 0, position < dimension else {
            throw TensorError.indexOutOfRange(op: "select", index: index, bound: dimension)
        }
        return try slice(axis: normalizedAxis, start: position, end: position + 1).squeeze(axis: normalizedAxis)
    }

    /// Cuts this tensor along `axis` into consecutive pieces of the given sizes (PyTorch `split`
    /// with a list; the MoE dispatch cuts tokens grouped by expert this way). Sizes must add up.
    public func split(sizes: [Int], axis: Int = 0) throws -> [Tensor] {
        let normalizedAxis = try normalizedAxis(axis, op: "split")
        guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == shape[normalizedAxis] else {
            throw TensorError.invalidArgument(op: "split", reason: "sizes \(sizes) do not add up to \(shape[normalizedAxis]) along axis \(axis) of \(shape)")
        }
        var start = 0
        return try sizes.map { size in
            defer { start += size }
            return try slice(axis: normalizedAxis, start: start, end: start + size)
        }
    }

    // MARK: - Concat and stack

    /// Joins tensors along an existing axis; all other dimensions must agree.
    public static func concat(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
        guard let first = tensors.first else {
            throw TensorError.invalidArgument(op: "concat", reason: "needs at least one tensor")
        }
        let axis = try first.normalizedAxis(axis, op: "concat")
        for tensor in tensors.dropFirst() {
            var expected = first.shape, actual = tensor.shape
            guard expected.count == actual.count else {
                throw TensorError.shapeMismatch(op: "concat", lhs: first.shape, rhs: tensor.shape)
            }
            expected[axis] = 0; actual[axis] = 0
            guard expected == actual else {
                throw TensorError.shapeMismatch(op: "concat", lhs: first.shape, rhs: tensor.shape)
            }
        }
        let lengths = tensors.map { $0.shape[axis] }
        var newShape = first.shape
        newShape[axis] = lengths.reduce(0, +)
        let total = try TensorLimits.checkedElementCount(newShape, op: "concat")
        let layout = first.layout(around: axis)
        var values = [Float]()
        values.reserveCapacity(total)
        for outerIndex in 0 ..< layout.outer {
            for (tensor, length) in zip(tensors, lengths) {
                let chunk = length * layout.inner
                values.append(contentsOf: tensor.storage[(outerIndex * chunk) ..< ((outerIndex + 1) * chunk)])
            }
        }
        return result(shape: newShape, storage: values, inputs: tensors,
                      .concat(outer: layout.outer, inner: layout.inner, lengths: lengths))
    }

    /// Joins equally shaped tensors along a new axis.
    public static func stack(_ tensors: [Tensor], axis: Int = 0) throws -> Tensor {
        guard let first = tensors.first else {
            throw TensorError.invalidArgument(op: "stack", reason: "needs at least one tensor")
        }
        for tensor in tensors where tensor.shape != first.shape {
            throw TensorError.shapeMismatch(op: "stack", lhs: first.shape, rhs: tensor.shape)
        }
        return try concat(tensors.map { try $0.unsqueeze(axis: axis) }, axis: axis)
    }
}

/// `values` (contiguous, `shape`) rearranged so result axis i is input axis `order[i]`.
func permutedValues(_ values: [Float], shape: [Int], order: [Int]) -> [Float] {
    let newShape = order.map { shape[$0] }
    let inputStrides = contiguousStrides(shape)
    let gatherStrides = order.map { inputStrides[$0] }
    let zeroStrides = [Int](repeating: 0, count: order.count)
    let count = values.count
    return [Float](unsafeUninitializedCapacity: count) { output, initialized in
        values.withUnsafeBufferPointer { input in
            forEachBroadcastRow(outputShape: newShape, stridesA: gatherStrides, stridesB: zeroStrides) {
                base, offset, _, length, stride, _ in
                for step in 0 ..< length { output[base + step] = input[offset + step * stride] }
            }
        }
        initialized = count
    }
}
