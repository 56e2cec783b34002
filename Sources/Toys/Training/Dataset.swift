// Labelled data: inputs [n, …] with one target per row, either a class (classification) or a
// tensor row (regression values, or next-token ids). Splitting, taking, shuffling and filtering
// give new datasets; nothing here draws randomness without a seed.
import Autograd
import Foundation

/// Rows of inputs with a target each.
public struct Dataset {
    /// What each row is labelled with.
    public enum Targets {
        /// One class in 0 ..< classCount per row.
        case classes([Int], classCount: Int)
        /// A tensor whose first axis is the rows: regression targets, or token ids for next-token
        /// prediction.
        case values(Tensor)
    }

    /// [count, …] inputs.
    public let inputs: Tensor
    /// The targets, one per row.
    public let targets: Targets

    /// Classification data: checks that there is one label per row and every label is a class.
    public init(inputs: Tensor, labels: [Int], classCount: Int) throws {
        guard inputs.rank >= 1, inputs.shape[0] == labels.count else {
            throw TensorError.invalidArgument(op: "dataset", reason: "x has shape \(inputs.shape) but y has \(labels.count) labels: they need one label per row of x")
        }
        guard classCount >= 1 else {
            throw TensorError.invalidArgument(op: "dataset", reason: "classes = \(classCount) must be at least 1")
        }
        if let bad = labels.first(where: { $0 < 0 || $0 >= classCount }) {
            throw TensorError.invalidArgument(op: "dataset", reason: "label \(bad) is not in 0..<\(classCount)")
        }
        self.inputs = inputs
        self.targets = .classes(labels, classCount: classCount)
    }

    /// Regression (or token) data: `values` has one row per row of `inputs`.
    public init(inputs: Tensor, values: Tensor) throws {
        guard inputs.rank >= 1, values.rank >= 1, inputs.shape[0] == values.shape[0] else {
            throw TensorError.invalidArgument(op: "dataset", reason: "x has shape \(inputs.shape) and y has shape \(values.shape): they need the same number of rows")
        }
        self.inputs = inputs
        self.targets = .values(values)
    }

    /// Number of rows.
    public var count: Int { inputs.shape.first ?? 0 }
    /// Width of a row (the last axis of the inputs).
    public var dimensions: Int { inputs.shape.last ?? 0 }
    /// The class labels (empty for regression data).
    public var labels: [Int] { if case .classes(let labels, _) = targets { labels } else { [] } }
    /// Number of classes (0 for regression data).
    public var classCount: Int { if case .classes(_, let count) = targets { count } else { 0 } }
    /// Whether the targets are classes.
    public var isClassification: Bool { if case .classes = targets { true } else { false } }
    /// The target tensor of regression data (nil for classes).
    public var values: Tensor? { if case .values(let values) = targets { values } else { nil } }

    // MARK: - New datasets from this one

    /// The rows at `indices`, in that order.
    public func subset(_ indices: [Int]) throws -> Dataset {
        let rows = try inputs.indexSelect(axis: 0, indices: indices)
        switch targets {
        case .classes(let labels, let classCount):
            return try Dataset(inputs: rows, labels: indices.map { labels[$0] }, classCount: classCount)
        case .values(let values):
            return try Dataset(inputs: rows, values: try values.indexSelect(axis: 0, indices: indices))
        }
    }

    /// The first `fraction` of the rows and the rest (call `shuffled` first if the rows are ordered).
    public func split(_ fraction: Double) throws -> (first: Dataset, second: Dataset) {
        guard fraction > 0, fraction < 1 else {
            throw TensorError.invalidArgument(op: "split", reason: "fraction \(fraction) must be between 0 and 1")
        }
        let cut = Int((Double(count) * fraction).rounded())
        guard cut > 0, cut < count else {
            throw TensorError.invalidArgument(op: "split", reason: "fraction \(fraction) of \(count) rows leaves an empty part")
        }
        return (try subset(Array(0 ..< cut)), try subset(Array(cut ..< count)))
    }

    /// The first `n` rows (all of them when there are fewer).
    public func take(_ n: Int) throws -> Dataset {
        guard n >= 0 else { throw TensorError.invalidArgument(op: "take", reason: "n = \(n) must not be negative") }
        return try subset(Array(0 ..< Swift.min(n, count)))
    }

    /// The rows in a seeded random order.
    public func shuffled(seed: UInt64) throws -> Dataset {
        var generator = SeededGenerator(seed: seed)
        var order = Array(0 ..< count)
        order.shuffle(using: &generator)
        return try subset(order)
    }

    /// The rows whose class satisfies `keep`, in order (classification data only).
    public func filteringClasses(_ operation: String, _ keep: (Int) throws -> Bool) throws -> Dataset {
        guard case .classes(let labels, _) = targets else {
            throw TensorError.invalidArgument(op: operation, reason: "the data has regression targets, not classes")
        }
        return try subset(labels.indices.filter { try keep(labels[$0]) })
    }

    /// The rows of every class but `excluded` (Hinton's missing-class experiment).
    public func withoutClass(_ excluded: Int) throws -> Dataset {
        try filteringClasses("without_class") { $0 != excluded }
    }

    /// Consecutive batches of `size` rows after a seeded shuffle; the last may be smaller.
    public func batches(_ size: Int, seed: UInt64) throws -> [Dataset] {
        guard size >= 1 else { throw TensorError.invalidArgument(op: "batches", reason: "size = \(size) must be at least 1") }
        let order = try shuffled(seed: seed)
        return try stride(from: 0, to: count, by: size).map { start in
            try order.subset(Array(start ..< Swift.min(start + size, count)))
        }
    }
}

/// Draws batches of row indices: epochs of a seeded shuffle, a fresh shuffle per epoch (a batch
/// that crosses an epoch's end takes the rest from the next one).
public struct BatchSampler {
    /// Rows in the data.
    public let rowCount: Int
    /// Rows per batch (all rows when the data is smaller).
    public let batchSize: Int
    private var generator: SeededGenerator
    private var order: [Int] = []
    private var cursor = 0

    /// A sampler over `rowCount` rows.
    public init(rowCount: Int, batchSize: Int, seed: UInt64) throws {
        guard batchSize >= 1 else {
            throw TensorError.invalidArgument(op: "trainer", reason: "batch = \(batchSize) must be at least 1")
        }
        guard rowCount >= 1 else {
            throw TensorError.invalidArgument(op: "trainer", reason: "the data has no rows")
        }
        self.rowCount = rowCount
        self.batchSize = Swift.min(batchSize, rowCount)
        generator = SeededGenerator(seed: seed)
    }

    /// The next batch of row indices.
    public mutating func next() -> [Int] {
        var batch: [Int] = []
        while batch.count < batchSize {
            if cursor >= order.count {
                order = Array(0 ..< rowCount)
                order.shuffle(using: &generator)
                cursor = 0
            }
            let take = Swift.min(batchSize - batch.count, order.count - cursor)
            batch += order[cursor ..< cursor + take]
            cursor += take
        }
        return batch
    }
}
