// Generators of toy datasets.
import Autograd
import Foundation

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
