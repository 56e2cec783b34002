// permute, and indexing along an axis with PyTorch's names and argument order: gather,
// index_select, index_add, scatter_add, and the embedding lookup.

import Autograd
import Script

extension TensorOperations {
    // MARK: - Shape

    static let shape: [TensorOperation] = [
        TensorOperation(
            name: "permute", parameters: "d0, d1, …",
            summary: "the axes reordered: result axis i is axis d_i of t (dims as numbers or one list; negatives count from the end).",
            example: "permute(zeros(2, 3, 4), [2, 0, 1]).shape   # [4, 2, 3]",
            methodExample: "zeros(2, 3, 4).permute(2, 0, 1).shape   # [4, 2, 3]"
        ) { arguments in
            try arguments.rejectUnknownNames(["t", "dims"])
            let input = try input(arguments)
            var given = Array(arguments.positional.dropFirst())
            if let dims = try arguments.value(named: "dims") {
                guard given.isEmpty else { throw NativeError("permute() got dims both by position and as dims=") }
                given = [dims]
            }
            if given.count == 1, case .list(let list) = given[0] { given = list.elements }
            let order = try given.enumerated().map { index, value -> Int in
                guard case .number(let number) = value, let axis = Int(exactly: number) else {
                    throw NativeError("permute: dimension \(index) must be a whole number, got \(value.typeAndValue)")
                }
                return axis
            }
            let normalized = order.map { $0 < 0 ? $0 + input.rank : $0 }
            guard normalized.count == input.rank, Set(normalized) == Set(0 ..< input.rank) else {
                throw NativeError("permute: dims \(order) are not a permutation of the \(input.rank) axes of t (shape \(input.shape))")
            }
            return Conversions.value(try input.permute(normalized))
        },
    ]

    // MARK: - Indexing

    static let indexing: [TensorOperation] = [
        TensorOperation(
            name: "gather", parameters: "axis, index",
            summary: "out[…, j, …] = t[…, index[…, j, …], …] along axis (PyTorch torch.gather); index has t's rank and t's sizes except along axis.",
            example: "gather(tensor([[1, 2], [3, 4]]), 1, [[1], [0]])   # [[2], [3]]",
            methodExample: "tensor([[1, 2], [3, 4]]).gather(1, [[1], [0]])"
        ) { arguments in
            try arguments.rejectUnknownNames(["t", "axis", "index"])
            try arguments.expectCount(1...3)
            let input = try input(arguments)
            let axis = try axis(arguments, at: 1, of: input)
            let index = try TensorOperations.input(arguments, "index", at: 2)
            try checkIndexShape(index, of: input, axis: axis, "gather")
            return Conversions.value(try input.gather(axis: axis, index: index))
        },
        TensorOperation(
            name: "scatter_add", parameters: "axis, index, source",
            summary: "a copy of t with t[…, index[…, j, …], …] += source[…, j, …] along axis (PyTorch scatter_add); index and source have the same shape.",
            example: "scatter_add(zeros(3), 0, [0, 2, 0], tensor([1, 2, 3]))   # [4, 0, 2]",
            methodExample: "zeros(3).scatter_add(0, [0, 2, 0], tensor([1, 2, 3]))"
        ) { arguments in
            try arguments.rejectUnknownNames(["t", "axis", "index", "source"])
            try arguments.expectCount(1...4)
            let input = try input(arguments)
            let axis = try axis(arguments, at: 1, of: input)
            let index = try TensorOperations.input(arguments, "index", at: 2)
            let source = try TensorOperations.input(arguments, "source", at: 3)
            try checkIndexShape(index, of: input, axis: axis, "scatter_add")
            guard source.shape == index.shape else {
                throw NativeError("scatter_add: source has shape \(source.shape) but index has shape \(index.shape); they must match")
            }
            return Conversions.value(try input.scatterAdd(axis: axis, index: index, source: source))
        },
        TensorOperation(
            name: "index_select", parameters: "axis, indices",
            summary: "the entries of t at the given indices along axis, in that order (PyTorch index_select; repeats allowed).",
            example: "index_select(tensor([[1, 2], [3, 4], [5, 6]]), 0, [2, 0])   # [[5, 6], [1, 2]]",
            methodExample: "tensor([[1, 2], [3, 4]]).index_select(1, [1])"
        ) { arguments in
            try arguments.rejectUnknownNames(["t", "axis", "indices"])
            try arguments.expectCount(1...3)
            let input = try input(arguments)
            let axis = try axis(arguments, at: 1, of: input)
            let indices = try indices(arguments, "indices", at: 2, bound: input.shape[axis], axis: axis, shape: input.shape)
            return Conversions.value(try input.indexSelect(axis: axis, indices: indices))
        },
        TensorOperation(
            name: "index_add", parameters: "axis, indices, source, alpha=1",
            summary: "a copy of t with alpha × slice j of source added at indices[j] along axis (PyTorch index_add; repeated indices accumulate).",
            example: "index_add(zeros(3, 2), 0, [0, 0, 2], ones(3, 2))   # rows [2, 2], [0, 0], [1, 1]",
            methodExample: "zeros(3, 2).index_add(0, [2], ones(1, 2), alpha=5)"
        ) { arguments in
            try arguments.rejectUnknownNames(["t", "axis", "indices", "source", "alpha"])
            try arguments.expectCount(1...4)
            let input = try input(arguments)
            let axis = try axis(arguments, at: 1, of: input)
            let indices = try indices(arguments, "indices", at: 2, bound: input.shape[axis], axis: axis, shape: input.shape)
            var source = try TensorOperations.input(arguments, "source", at: 3)
            var expected = input.shape
            expected[axis] = indices.count
            guard source.shape == expected else {
                throw NativeError("index_add: source has shape \(source.shape) but t \(input.shape) with \(indices.count) "
                    + "indices along axis \(axis) needs \(expected)")
            }
            let alpha = try arguments.number(named: "alpha", default: 1)
            if alpha != 1 { source = source * Float(alpha) }
            return Conversions.value(try input.indexAdd(axis: axis, indices: indices, source: source))
        },
    ]

    /// gather / scatter_add indices: the same rank as t and t's sizes except along `axis`.
    /// (PyTorch also allows smaller sizes on the other axes; Autograd asks for equal ones.)
    private static func checkIndexShape(_ index: Tensor, of input: Tensor, axis: Int, _ function: String) throws {
        var expected = input.shape, actual = index.shape
        if expected.count == actual.count { expected[axis] = 0; actual[axis] = 0 }
        guard expected == actual else {
            throw NativeError("\(function): index has shape \(index.shape) but t has shape \(input.shape); "
                + "index needs the same rank and the same sizes except along axis \(axis)")
        }
    }

    // MARK: - Embedding

    static let embeddingLookup = TensorOperation(
        name: "embedding", parameters: "table",
        summary: "rows of table [count, dim] at the whole-number indices (any shape): shape indices.shape + [dim] (PyTorch F.embedding(input, weight)).",
        example: "embedding([[0, 2]], tensor([[1, 1], [2, 2], [3, 3]]))   # [[[1, 1], [3, 3]]]",
        methodExample: nil, first: "indices"
    ) { arguments in
        try arguments.rejectUnknownNames(["indices", "table"])
        try arguments.expectCount(1...2)
        let indices = try input(arguments, "indices", at: 0)
        let table = try input(arguments, "table", at: 1)
        guard table.rank == 2 else {
            throw NativeError("embedding: table must be [count, dim], got shape \(table.shape)")
        }
        for value in indices.storage where value.rounded() != value || value < 0 || value >= Float(table.shape[0]) {
            throw NativeError("embedding: index \(Value.number(Double(value)).description) is not a row of table "
                + "(shape \(table.shape), rows 0..<\(table.shape[0]))")
        }
        return Conversions.value(try table.embedding(indices))
    }
}

// MARK: - Triangles

extension TensorOperations {
    /// tril / triu over the last two axes (a batch of matrices too), with PyTorch's `diagonal=`:
    /// 0 the main diagonal, k > 0 above it, k < 0 below. Built on `where`, so the gradient flows to
    /// the kept entries and the others are exactly 0 (also where t holds nan).
    static let triangles: [TensorOperation] = [
        triangle("tril", "the lower triangle of the last two axes: entries with column − row ≤ diagonal kept, the rest 0 (torch.tril).",
                 example: "tril(ones(3, 3))   # ones on and below the diagonal") { column, row, diagonal in column - row <= diagonal },
        triangle("triu", "the upper triangle of the last two axes: entries with column − row ≥ diagonal kept, the rest 0 (torch.triu).",
                 example: "triu(ones(3, 3), diagonal=1)   # ones strictly above the diagonal") { column, row, diagonal in column - row >= diagonal },
    ]

    private static func triangle(_ name: String, _ summary: String, example: String,
                                 _ keeps: @escaping @Sendable (Int, Int, Int) -> Bool) -> TensorOperation {
        TensorOperation(name: name, parameters: "diagonal=0", summary: summary, example: example,
                        methodExample: "tensor([[1, 2], [3, 4]]).\(name)(diagonal=0)") { arguments in
            try arguments.rejectUnknownNames(["t", "diagonal"])
            try arguments.expectCount(1...2)
            let input = try input(arguments)
            guard input.rank >= 2 else {
                throw NativeError("\(name): t must have at least 2 axes (a matrix or a batch of them), got shape \(input.shape)")
            }
            let diagonal = try arguments.integer(at: 1, named: "diagonal", default: 0)
            let rows = input.shape[input.rank - 2], columns = input.shape[input.rank - 1]
            var mask = [Float](repeating: 0, count: rows * columns)
            for row in 0 ..< rows {
                for column in 0 ..< columns where keeps(column, row, diagonal) { mask[row * columns + column] = 1 }
            }
            let maskTensor = try Tensor(shape: [rows, columns], values: mask)
            return Conversions.value(try Tensor.where(maskTensor, input, Tensor(0)))
        }
    }
}
