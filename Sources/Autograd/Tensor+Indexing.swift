// Indexing along an axis: index-select (embedding lookup, MoE dispatch), index-add (MoE combine),
// PyTorch-style gather / scatter-add, and top-k. All view the tensor as outer × length × inner.

// MARK: - Kernels

/// Copies rows `indices` of each outer block: output is outer × indices.count × inner.
func indexSelectValues(_ values: [Float], _ layout: ReductionLayout, indices: [Int]) -> [Float] {
    let count = layout.outer * indices.count * layout.inner
    return [Float](unsafeUninitializedCapacity: count) { output, initialized in
        values.withUnsafeBufferPointer { input in
            guard let source = input.baseAddress, let target = output.baseAddress else { return }
            for outerIndex in 0 ..< layout.outer {
                for (position, index) in indices.enumerated() {
                    (target + (outerIndex * indices.count + position) * layout.inner)
                        .update(from: source + (outerIndex * layout.length + index) * layout.inner, count: layout.inner)
                }
            }
        }
        initialized = count
    }
}

/// Adds row j of `source` (outer × indices.count × inner) into row `indices[j]` of `values`.
func indexAddValues(_ values: inout [Float], _ layout: ReductionLayout, indices: [Int], source: [Float]) {
    values.withUnsafeMutableBufferPointer { output in
        source.withUnsafeBufferPointer { input in
            for outerIndex in 0 ..< layout.outer {
                for (position, index) in indices.enumerated() {
                    let target = (outerIndex * layout.length + index) * layout.inner
                    let origin = (outerIndex * indices.count + position) * layout.inner
                    for innerIndex in 0 ..< layout.inner { output[target + innerIndex] += input[origin + innerIndex] }
                }
            }
        }
    }
}

/// PyTorch gather: output[o, j, i] = values[o, indices[o, j, i], i], output outer × selected × inner.
func gatherValues(_ values: [Float], _ layout: ReductionLayout, indices: [Int], selected: Int) -> [Float] {
    [Float](unsafeUninitializedCapacity: indices.count) { output, initialized in
        values.withUnsafeBufferPointer { input in
            for outerIndex in 0 ..< layout.outer {
                for position in 0 ..< selected {
                    for innerIndex in 0 ..< layout.inner {
                        let flat = (outerIndex * selected + position) * layout.inner + innerIndex
                        output[flat] = input[(outerIndex * layout.length + indices[flat]) * layout.inner + innerIndex]
                    }
                }
            }
        }
        initialized = indices.count
    }
}

/// PyTorch scatter-add: values[o, indices[o, j, i], i] += source[o, j, i].
func scatterAddValues(_ values: inout [Float], _ layout: ReductionLayout, indices: [Int], selected: Int, source: [Float]) {
    values.withUnsafeMutableBufferPointer { output in
        for outerIndex in 0 ..< layout.outer {
            for position in 0 ..< selected {
                for innerIndex in 0 ..< layout.inner {
                    let flat = (outerIndex * selected + position) * layout.inner + innerIndex
                    output[(outerIndex * layout.length + indices[flat]) * layout.inner + innerIndex] += source[flat]
                }
            }
        }
    }
}

// MARK: - Operations

extension Tensor {
    /// Checks every index against `0..<bound`. Negative indices are refused, as PyTorch's
    /// gather, scatter_add, index_select and index_add refuse them.
    private static func normalizedIndices(_ indices: [Int], bound: Int, op: String) throws -> [Int] {
        for index in indices where index < 0 || index >= bound {
            throw TensorError.indexOutOfRange(op: op, index: index, bound: bound)
        }
        return indices
    }

    /// The entries at `indices` along `axis` (PyTorch `index_select`; `x[tokens]` in the MoE dispatch).
    public func indexSelect(axis: Int, indices: [Int]) throws -> Tensor {
        let axis = try normalizedAxis(axis, op: "indexSelect")
        let indices = try Tensor.normalizedIndices(indices, bound: shape[axis], op: "indexSelect")
        var newShape = shape
        newShape[axis] = indices.count
        _ = try TensorLimits.checkedElementCount(newShape, op: "indexSelect")
        let layout = layout(around: axis)
        return Tensor.result(shape: newShape, storage: indexSelectValues(storage, layout, indices: indices),
                             inputs: [self], .indexSelect(layout, indices: indices))
    }

    /// A copy of this tensor with row j of `source` added at `indices[j]` along `axis`
    /// (PyTorch `index_add`; the MoE combine step). Repeated indices accumulate.
    public func indexAdd(axis: Int, indices: [Int], source: Tensor) throws -> Tensor {
        let axis = try normalizedAxis(axis, op: "indexAdd")
        let indices = try Tensor.normalizedIndices(indices, bound: shape[axis], op: "indexAdd")
        var expected = shape
        expected[axis] = indices.count
        guard source.shape == expected else {
            throw TensorError.shapeMismatch(op: "indexAdd", lhs: shape, rhs: source.shape)
        }
        let layout = layout(around: axis)
        var values = storage
        indexAddValues(&values, layout, indices: indices, source: source.storage)
        return Tensor.result(shape: shape, storage: values, inputs: [self, source], .indexAdd(layout, indices: indices))
    }

    /// Checks a PyTorch-style index tensor: same rank, same sizes except along `axis`.
    private func gatherIndices(_ index: Tensor, axis: Int, op: String) throws -> [Int] {
        var expected = shape, actual = index.shape
        guard expected.count == actual.count else { throw TensorError.shapeMismatch(op: op, lhs: shape, rhs: index.shape) }
        expected[axis] = 0; actual[axis] = 0
        guard expected == actual else { throw TensorError.shapeMismatch(op: op, lhs: shape, rhs: index.shape) }
        let integers = try index.storage.map { try Tensor.wholeNumber($0, op: op) }
        return try Tensor.normalizedIndices(integers, bound: shape[axis], op: op)
    }

    /// PyTorch `gather`: out[…, j, …] = self[…, index[…, j, …], …] along `axis`; `index` holds whole numbers.
    public func gather(axis: Int, index: Tensor) throws -> Tensor {
        let axis = try normalizedAxis(axis, op: "gather")
        let indices = try gatherIndices(index, axis: axis, op: "gather")
        let layout = layout(around: axis)
        let selected = index.rank == 0 ? 1 : index.shape[axis]
        return Tensor.result(shape: index.shape, storage: gatherValues(storage, layout, indices: indices, selected: selected),
                             inputs: [self], .gather(layout, indices: indices, selected: selected))
    }

    /// PyTorch `scatter_add`: a copy of self with self[…, index[…, j, …], …] += source[…, j, …].
    public func scatterAdd(axis: Int, index: Tensor, source: Tensor) throws -> Tensor {
        let axis = try normalizedAxis(axis, op: "scatterAdd")
        guard source.shape == index.shape else {
            throw TensorError.shapeMismatch(op: "scatterAdd", lhs: index.shape, rhs: source.shape)
        }
        let indices = try gatherIndices(index, axis: axis, op: "scatterAdd")
        let layout = layout(around: axis)
        let selected = index.rank == 0 ? 1 : index.shape[axis]
        var values = storage
        scatterAddValues(&values, layout, indices: indices, selected: selected, source: source.storage)
        return Tensor.result(shape: shape, storage: values, inputs: [self, source],
                             .scatterAdd(layout, indices: indices, selected: selected))
    }

    /// The `k` largest entries along `axis` in descending order, ties broken by the lower index;
    /// values carry gradients (a gather), indices are whole numbers without gradient.
    public func topK(_ k: Int, axis: Int = -1) throws -> (values: Tensor, indices: Tensor) {
        let axis = try normalizedAxis(axis, op: "topK")
        guard k >= 1, k <= shape[axis] else {
            throw TensorError.invalidArgument(op: "topK", reason: "k = \(k) must be in 1...\(shape[axis]) for shape \(shape)")
        }
        let layout = layout(around: axis)
        var newShape = shape
        newShape[axis] = k
        var chosen = [Int](repeating: 0, count: layout.outer * k * layout.inner)
        var candidates = [Int](repeating: 0, count: layout.length)
        storage.withUnsafeBufferPointer { input in
            for outerIndex in 0 ..< layout.outer {
                for innerIndex in 0 ..< layout.inner {
                    let base = outerIndex * layout.length * layout.inner + innerIndex
                    // Partial selection: k passes of "largest remaining", first (lowest index) wins ties.
                    for position in 0 ..< layout.length { candidates[position] = position }
                    for rankIndex in 0 ..< k {
                        var best = rankIndex
                        for position in (rankIndex + 1) ..< layout.length {
                            let value = input[base + candidates[position] * layout.inner]
                            let bestValue = input[base + candidates[best] * layout.inner]
                            if value > bestValue || (value == bestValue && candidates[position] < candidates[best]) {
                                best = position
                            }
                        }
                        candidates.swapAt(rankIndex, best)
                        chosen[(outerIndex * k + rankIndex) * layout.inner + innerIndex] = candidates[rankIndex]
                    }
                }
            }
        }
        let indices = Tensor(shape: newShape, storage: chosen.map { Float($0) })
        let values = Tensor.result(shape: newShape, storage: gatherValues(storage, layout, indices: chosen, selected: k),
                                   inputs: [self], .gather(layout, indices: chosen, selected: k))
        return (values, indices)
    }

    /// Rows of this `[vocabulary, dimension]` table at `indices` (any shape): shape `indices.shape + [dimension]`.
    public func embedding(_ indices: Tensor) throws -> Tensor {
        guard rank == 2 else {
            throw TensorError.invalidShape(op: "embedding", shape: shape, reason: "is not a [vocabulary, dimension] table")
        }
        let integers = try indices.storage.map { try Tensor.wholeNumber($0, op: "embedding") }
        return try indexSelect(axis: 0, indices: integers).reshape(indices.shape + [shape[1]])
    }
}
