// The tensor: Float32 values in one contiguous row-major array, a shape of any rank, and the
// bookkeeping reverse mode needs (a gradient slot and, for results of ops, the node that made it).

/// An n-dimensional array of Float32 values, row-major, that can record the operations applied to it.
public final class Tensor {
    /// The size of each dimension; `[]` for a scalar.
    public let shape: [Int]
    /// The values in row-major order; `storage.count` equals the product of `shape`.
    public internal(set) var storage: [Float]
    /// Whether gradients flow to this tensor in `backward()`.
    public var requiresGrad: Bool
    /// The accumulated gradient after `backward()` (leaves only, as in PyTorch); same shape.
    public internal(set) var grad: Tensor?
    /// The operation that produced this tensor, when it was recorded for reverse mode.
    var node: Node?

    /// Wraps `storage` (already checked against the size limit) without copying.
    init(shape: [Int], storage: [Float], requiresGrad: Bool = false) {
        precondition(shape.reduce(1, *) == storage.count,
                     "Tensor: shape \(shape) needs \(shape.reduce(1, *)) values, got \(storage.count)")
        self.shape = shape
        self.storage = storage
        self.requiresGrad = requiresGrad
    }

    /// Releases a long chain of recorded results iteratively: the default release would recurse
    /// once per graph level (tensor → node → input tensor …) and overflow the stack on deep graphs.
    deinit {
        guard let first = node else { return }
        node = nil
        var pending = [first]
        while let current = pending.popLast() {
            var inputs = current.inputs
            current.inputs = []
            for index in inputs.indices where isKnownUniquelyReferenced(&inputs[index]) {
                if let inner = inputs[index].node {
                    inputs[index].node = nil
                    pending.append(inner)
                }
            }
        }
    }

    // MARK: - Properties

    /// The number of dimensions.
    public var rank: Int { shape.count }
    /// The number of elements.
    public var count: Int { storage.count }
    /// Whether this tensor was produced by a recorded operation (false for leaves).
    public var isLeaf: Bool { node == nil }

    /// The single value of a one-element tensor.
    public func item() throws -> Float {
        guard storage.count == 1 else {
            throw TensorError.invalidShape(op: "item", shape: shape, reason: "has \(count) elements, not 1")
        }
        return storage[0]
    }

    /// The value at a full multi-index (negative indices count from the end).
    public func value(at indices: [Int]) throws -> Float {
        guard indices.count == rank else {
            throw TensorError.invalidArgument(op: "value(at:)",
                                              reason: "\(indices.count) indices for a tensor of shape \(shape)")
        }
        var offset = 0
        for (axis, index) in indices.enumerated() {
            let dimension = shape[axis]
            let normalized = index < 0 ? index + dimension : index
            guard normalized >= 0, normalized < dimension else {
                throw TensorError.indexOutOfRange(op: "value(at:)", index: index, bound: dimension)
            }
            offset = offset * dimension + normalized
        }
        return storage[offset]
    }

    /// The values as Swift integers (index tensors such as argmax or top-k results); throws if a
    /// value is not a whole number of reasonable size.
    public var integerValues: [Int] {
        get throws { try storage.map { try Tensor.wholeNumber($0, op: "integerValues") } }
    }

    /// `value` as an Int, or an error if it is fractional, non-finite or beyond ±2^31.
    static func wholeNumber(_ value: Float, op: String) throws -> Int {
        guard value.isFinite, value.rounded() == value, Swift.abs(value) <= 2_147_483_648 else {
            throw TensorError.invalidArgument(op: op, reason: "index \(value) is not a whole number")
        }
        return Int(value)
    }

    /// Lets callers (optimizers, initialisers) update the values in place without a copy.
    /// Not recorded for reverse mode; use on leaves or under `withNoGrad`.
    public func withUnsafeMutableValues<Result>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> Result
    ) rethrows -> Result {
        try storage.withUnsafeMutableBufferPointer { try body($0) }
    }

    /// A new leaf sharing these values (copy-on-write) that is cut off from the graph.
    public func detach() -> Tensor {
        Tensor(shape: shape, storage: storage)
    }

    /// Clears the gradient (PyTorch's `zero_grad(set_to_none=True)`).
    public func zeroGrad() { grad = nil }
}

// MARK: - Creation

extension Tensor {
    /// A tensor of `shape` holding `values` in row-major order.
    public convenience init(shape: [Int], values: [Float], requiresGrad: Bool = false) throws {
        let count = try TensorLimits.checkedElementCount(shape, op: "tensor")
        guard count == values.count else {
            throw TensorError.invalidShape(op: "tensor", shape: shape,
                                           reason: "needs \(count) values, got \(values.count)")
        }
        self.init(shape: shape, storage: values, requiresGrad: requiresGrad)
    }

    /// A scalar (rank-0) tensor.
    public convenience init(_ scalar: Float, requiresGrad: Bool = false) {
        self.init(shape: [], storage: [scalar], requiresGrad: requiresGrad)
    }

    /// A vector.
    public convenience init(_ values: [Float], requiresGrad: Bool = false) throws {
        try self.init(shape: [values.count], values: values, requiresGrad: requiresGrad)
    }

    /// A matrix from rows of equal length.
    public convenience init(_ rows: [[Float]], requiresGrad: Bool = false) throws {
        let columns = rows.first?.count ?? 0
        for row in rows where row.count != columns {
            throw TensorError.invalidShape(op: "tensor", shape: [rows.count, columns],
                                           reason: "has a row of length \(row.count)")
        }
        try self.init(shape: [rows.count, columns], values: rows.flatMap { $0 }, requiresGrad: requiresGrad)
    }

    /// A rank-3 tensor from nested arrays of equal lengths.
    public convenience init(_ planes: [[[Float]]], requiresGrad: Bool = false) throws {
        let rows = planes.first?.count ?? 0
        let columns = planes.first?.first?.count ?? 0
        for plane in planes {
            for row in plane where plane.count != rows || row.count != columns {
                throw TensorError.invalidShape(op: "tensor", shape: [planes.count, rows, columns],
                                               reason: "has ragged nested arrays")
            }
        }
        try self.init(shape: [planes.count, rows, columns], values: planes.flatMap { $0.flatMap { $0 } },
                      requiresGrad: requiresGrad)
    }

    /// A tensor of `shape` filled with `value`.
    public static func full(_ shape: [Int], value: Float, requiresGrad: Bool = false) throws -> Tensor {
        let count = try TensorLimits.checkedElementCount(shape, op: "full")
        return Tensor(shape: shape, storage: [Float](repeating: value, count: count), requiresGrad: requiresGrad)
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int], requiresGrad: Bool = false) throws -> Tensor {
        try full(shape, value: 0, requiresGrad: requiresGrad)
    }

    /// A tensor of ones.
    public static func ones(_ shape: [Int], requiresGrad: Bool = false) throws -> Tensor {
        try full(shape, value: 1, requiresGrad: requiresGrad)
    }

    /// The values `start, start + step, …` below `end` (NumPy's `arange`).
    public static func arange(start: Float = 0, end: Float, step: Float = 1) throws -> Tensor {
        guard step != 0, step.isFinite, start.isFinite, end.isFinite else {
            throw TensorError.invalidArgument(op: "arange", reason: "start \(start), end \(end), step \(step)")
        }
        let exactLength = ((Double(end) - Double(start)) / Double(step)).rounded(.up)
        guard exactLength <= Double(TensorLimits.maximumElementCount) else {
            throw TensorError.sizeLimitExceeded(shape: [], elementCount: Int(Swift.min(exactLength, 9e18)),
                                                limit: TensorLimits.maximumElementCount)
        }
        let length = Swift.max(0, Int(exactLength))
        let values = (0 ..< length).map { start + Float($0) * step }
        return Tensor(shape: [length], storage: values)
    }

    /// The `size × size` identity matrix.
    public static func eye(_ size: Int) throws -> Tensor {
        let result = try zeros([size, size])
        for index in 0 ..< size { result.storage[index * size + index] = 1 }
        return result
    }

    /// Values drawn uniformly from `[low, high)` by `generator`.
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1,
                               generator: inout SeededGenerator, requiresGrad: Bool = false) throws -> Tensor {
        let count = try TensorLimits.checkedElementCount(shape, op: "uniform")
        let width = high - low
        let values = (0 ..< count).map { _ in low + width * generator.nextUnitFloat() }
        return Tensor(shape: shape, storage: values, requiresGrad: requiresGrad)
    }

    /// Values drawn from a normal distribution (Box-Muller) by `generator`.
    public static func normal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                              generator: inout SeededGenerator, requiresGrad: Bool = false) throws -> Tensor {
        let count = try TensorLimits.checkedElementCount(shape, op: "normal")
        var values = [Float]()
        values.reserveCapacity(count + 1)
        while values.count < count {
            let (first, second) = generator.nextNormalPair()
            values.append(mean + standardDeviation * Float(first))
            values.append(mean + standardDeviation * Float(second))
        }
        values.removeLast(values.count - count)
        return Tensor(shape: shape, storage: values, requiresGrad: requiresGrad)
    }

    /// A `[indices.count, classes]` matrix with a one in each row at that row's index (no gradient).
    public static func oneHot(_ indices: [Int], classes: Int) throws -> Tensor {
        let result = try zeros([indices.count, classes])
        for (row, index) in indices.enumerated() {
            guard index >= 0, index < classes else {
                throw TensorError.indexOutOfRange(op: "oneHot", index: index, bound: classes)
            }
            result.storage[row * classes + index] = 1
        }
        return result
    }
}
