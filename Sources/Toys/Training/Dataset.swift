// Labelled toy data: inputs [n, dim] and one class per row; Gaussian clusters to start with.
import Autograd
import Foundation

/// Rows of inputs with a class label each.
public struct Dataset {
    /// [count, dimensions] inputs.
    public let inputs: Tensor
    /// One class in 0 ..< classCount per row.
    public let labels: [Int]
    /// Number of classes.
    public let classCount: Int

    /// Checks that there is one label per row and every label is a class.
    public init(inputs: Tensor, labels: [Int], classCount: Int) throws {
        guard inputs.rank == 2, inputs.shape[0] == labels.count else {
            throw TensorError.invalidArgument(op: "dataset", reason: "inputs \(inputs.shape) need one row per label (\(labels.count) labels)")
        }
        if let bad = labels.first(where: { $0 < 0 || $0 >= classCount }) {
            throw TensorError.invalidArgument(op: "dataset", reason: "label \(bad) is not in 0..<\(classCount)")
        }
        self.inputs = inputs
        self.labels = labels
        self.classCount = classCount
    }

    /// Number of rows.
    public var count: Int { labels.count }
    /// Width of a row.
    public var dimensions: Int { inputs.shape[1] }

    /// The rows at `indices`, in that order.
    public func subset(_ indices: [Int]) throws -> Dataset {
        try Dataset(inputs: inputs.indexSelect(axis: 0, indices: indices), labels: indices.map { labels[$0] },
                    classCount: classCount)
    }

    /// The first `fraction` of the rows and the rest (rows are already in random order).
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
}

/// Generators of toy datasets.
public enum ToyData {
    /// `count` points in `classes` Gaussian clusters of standard deviation `spread`, one class per
    /// cluster, classes equally frequent and rows shuffled. Centres lie at radius 3: evenly on a
    /// circle in 2-D (science.md §D.1), in seeded random directions otherwise.
    public static func clusters(count: Int = 512, classes: Int = 4, dimensions: Int = 2, spread: Double = 0.5,
                                seed: UInt64 = 0) throws -> Dataset {
        guard count >= 1, classes >= 1, dimensions >= 1 else {
            throw TensorError.invalidArgument(op: "clusters", reason: "n = \(count), classes = \(classes), dim = \(dimensions) must all be at least 1")
        }
        guard spread >= 0, spread.isFinite else {
            throw TensorError.invalidArgument(op: "clusters", reason: "spread = \(spread) must be ≥ 0")
        }
        var generator = SeededGenerator(seed: seed)
        let radius = 3.0
        var centres: [[Double]] = []
        for index in 0 ..< classes {
            var centre = [Double](repeating: 0, count: dimensions)
            if dimensions == 1 {
                centre[0] = radius * (Double(index) - Double(classes - 1) / 2)
            } else if dimensions == 2 {
                let angle = 2 * Double.pi * Double(index) / Double(classes)
                centre[0] = radius * Foundation.cos(angle); centre[1] = radius * Foundation.sin(angle)
            } else {
                for axis in 0 ..< dimensions { centre[axis] = generator.nextNormalPair().0 }
                let norm = centre.reduce(0) { $0 + $1 * $1 }.squareRoot()
                centre = centre.map { $0 * radius / Swift.max(norm, 1e-12) }
            }
            centres.append(centre)
        }
        var labels = (0 ..< count).map { $0 % classes }
        labels.shuffle(using: &generator)
        var values: [Float] = []
        values.reserveCapacity(count * dimensions)
        for label in labels {
            for axis in 0 ..< dimensions {
                values.append(Float(centres[label][axis] + spread * generator.nextNormalPair().0))
            }
        }
        return try Dataset(inputs: Tensor(shape: [count, dimensions], values: values), labels: labels, classCount: classes)
    }
}
