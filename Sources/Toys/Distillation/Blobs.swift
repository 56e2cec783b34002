// The distillation toy of science.md §D.2 (KD-1): each class is a mixture of a few Gaussian blobs
// whose centres are scattered at random, so classes interleave and the boundary is curved and
// patchy. A wide teacher trained on many points learns it; a tiny student with 200 labels cannot
// alone, and the teacher's probabilities tell it which classes lie near each point.
import Autograd

extension ToyData {
    /// `count` points in `dimensions`-D, `classes` classes of `centresPerClass` blobs each. The
    /// centres are drawn first from N(0, centreScale²) per coordinate (1.6 in §D.2), then each row
    /// picks a class and one of its blobs uniformly and adds N(0, spread²) noise. Rows come in
    /// draw order, so the first m rows of `blobs(n: big, seed: s)` are `blobs(n: m, seed: s)`:
    /// one call split into teacher data, the student's few labels and a test set shares its centres.
    public static func blobs(count: Int, classes: Int = 10, dimensions: Int = 10, centresPerClass: Int = 3,
                             spread: Double = 1, centreScale: Double = 1.6, seed: UInt64 = 0) throws -> Dataset {
        guard count >= 1, classes >= 1, dimensions >= 1, centresPerClass >= 1 else {
            throw TensorError.invalidArgument(op: "blobs", reason: "n = \(count), classes = \(classes), dim = \(dimensions), centres_per_class = \(centresPerClass) must all be at least 1")
        }
        guard spread >= 0, spread.isFinite, centreScale >= 0, centreScale.isFinite else {
            throw TensorError.invalidArgument(op: "blobs", reason: "spread = \(spread) and centre scale = \(centreScale) must be finite and ≥ 0")
        }
        let size = count.multipliedReportingOverflow(by: dimensions)
        guard !size.overflow, size.partialValue <= TensorLimits.maximumElementCount else {
            throw TensorError.invalidArgument(op: "blobs", reason: "n = \(count) rows of dim = \(dimensions) is more values than a tensor may hold (\(TensorLimits.maximumElementCount))")
        }
        let blobCount = classes.multipliedReportingOverflow(by: centresPerClass)
        let centreValues = blobCount.partialValue.multipliedReportingOverflow(by: dimensions)
        guard !blobCount.overflow, !centreValues.overflow, centreValues.partialValue <= TensorLimits.maximumElementCount else {
            throw TensorError.invalidArgument(op: "blobs", reason: "classes = \(classes) × centres_per_class = \(centresPerClass) centres of dim = \(dimensions) is too many")
        }
        var generator = SeededGenerator(seed: seed)
        // (classes · centresPerClass, dimensions): blob k belongs to class k / centresPerClass.
        let centres = (0 ..< classes * centresPerClass).map { _ in
            (0 ..< dimensions).map { _ in centreScale * generator.nextNormalPair().0 }
        }
        var labels: [Int] = []
        var values: [Float] = []
        labels.reserveCapacity(count)
        values.reserveCapacity(count * dimensions)
        for _ in 0 ..< count {
            let label = generator.nextInt(below: classes)
            let centre = centres[label * centresPerClass + generator.nextInt(below: centresPerClass)]
            for axis in 0 ..< dimensions {
                values.append(Float(centre[axis] + spread * generator.nextNormalPair().0))
            }
            labels.append(label)
        }
        return try Dataset(inputs: Tensor(shape: [count, dimensions], values: values), labels: labels, classCount: classes)
    }
}
