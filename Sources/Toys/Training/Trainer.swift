// The trainer every idea reuses: one call does one update and returns a readable record;
// a run is many steps with a progress callback and a stop check; history keeps lists for charts.
// It finds every MoE layer inside the model, adds their auxiliary losses and applies their bias
// updates after each optimizer step.
import Autograd
import NeuralNets

/// Supervised training of a classifier (`model(x)` gives [batch, classes] logits) on a `Dataset`.
public final class Trainer {
    /// The model being trained.
    public let model: any Module
    /// The training data.
    public let data: Dataset
    /// The optimizer over the model's parameters.
    public let optimizer: any Optimizer
    /// Rows per step (all rows when the data is smaller).
    public let batchSize: Int
    /// Every MoE layer of the model, in forward order.
    public let mixtureLayers: [MixtureOfExperts]
    /// Per-step lists so far.
    public private(set) var history = TrainingHistory()

    private var generator: SeededGenerator
    private var order: [Int] = []
    private var cursor = 0

    /// A trainer drawing shuffled batches from `data` with `seed`.
    public init(model: any Module, data: Dataset, optimizer: any Optimizer, batchSize: Int = 64, seed: UInt64 = 0) throws {
        guard batchSize >= 1 else {
            throw TensorError.invalidArgument(op: "trainer", reason: "batch = \(batchSize) must be at least 1")
        }
        self.model = model
        self.data = data
        self.optimizer = optimizer
        self.batchSize = Swift.min(batchSize, data.count)
        self.mixtureLayers = Toys.mixtureLayers(in: model)
        generator = SeededGenerator(seed: seed)
    }

    /// Steps taken so far.
    public var stepCount: Int { history.count }

    // MARK: - Batches

    /// The next batch of row indices: epochs of a seeded shuffle, a fresh shuffle per epoch.
    private func nextBatch() -> [Int] {
        var batch: [Int] = []
        while batch.count < batchSize {
            if cursor >= order.count {
                order = Array(0 ..< data.count)
                order.shuffle(using: &generator)
                cursor = 0
            }
            let take = Swift.min(batchSize - batch.count, order.count - cursor)
            batch += order[cursor ..< cursor + take]
            cursor += take
        }
        return batch
    }

    // MARK: - Steps

    /// One update: forward, task + auxiliary loss, backward, optimizer step, bias updates.
    @discardableResult
    public func step() throws -> StepRecord {
        let batch = try data.subset(nextBatch())
        for layer in mixtureLayers { layer.isTraining = true }
        defer { for layer in mixtureLayers { layer.isTraining = false } }
        let logits = try model(batch.inputs)                                        // (B, d) -> (B, classes)
        guard logits.shape == [batch.count, data.classCount] else {
            throw TensorError.invalidArgument(op: "trainer", reason:
                "the model gives \(logits.shape) for a batch of \(batch.count); it needs [\(batch.count), \(data.classCount)] class scores")
        }
        let taskLoss = try Tensor.crossEntropy(logits: logits, targets: batch.labels)
        var loss = taskLoss
        var auxiliary = 0.0
        for layer in mixtureLayers {
            if let extra = layer.auxiliaryLoss {
                loss = try loss + extra
                auxiliary += Double(try extra.item())
            }
        }
        optimizer.zeroGrad()
        try loss.backward()
        optimizer.step()

        let routings = mixtureLayers.compactMap(\.lastRouting)
        for layer in mixtureLayers { layer.finishStep() }
        let predictions = try logits.argmax(axis: 1).integerValues
        let correct = zip(predictions, batch.labels).filter { $0 == $1 }.count
        let record = StepRecord(
            step: stepCount + 1, loss: Double(try loss.item()), taskLoss: Double(try taskLoss.item()),
            auxiliaryLoss: auxiliary, accuracy: Double(correct) / Double(batch.count),
            load: routings.first?.load ?? [], imbalance: routings.map(\.imbalance).max() ?? 0,
            dropped: routings.reduce(0) { $0 + $1.dropped })
        history.append(record)
        return record
    }

    /// Runs up to `steps` steps, calling `progress(record, done, steps)` after each and stopping early
    /// (cleanly, between steps) when `shouldStop()` turns true. Returns the records of the steps run.
    @discardableResult
    public func run(steps: Int, shouldStop: () -> Bool = { false },
                    progress: (StepRecord, Int, Int) -> Void = { _, _, _ in }) throws -> [StepRecord] {
        guard steps >= 0 else {
            throw TensorError.invalidArgument(op: "run", reason: "steps = \(steps) must not be negative")
        }
        var records: [StepRecord] = []
        for index in 0 ..< steps {
            if shouldStop() { break }
            let record = try step()
            records.append(record)
            progress(record, index + 1, steps)
        }
        return records
    }

    // MARK: - Evaluation

    /// Share of `data` the model classifies correctly (no gradients, no routing noise).
    public func evaluate(_ data: Dataset) throws -> Double {
        try Trainer.accuracy(of: model, on: data)
    }

    /// Share of `data` that `model` classifies correctly.
    public static func accuracy(of model: any Module, on data: Dataset) throws -> Double {
        let logits = try withNoGrad { try model(data.inputs) }                       // (n, classes)
        guard logits.shape == [data.count, data.classCount] else {
            throw TensorError.invalidArgument(op: "evaluate", reason:
                "the model gives \(logits.shape); it needs [\(data.count), \(data.classCount)] class scores")
        }
        let predictions = try logits.argmax(axis: 1).integerValues
        return Double(zip(predictions, data.labels).filter { $0 == $1 }.count) / Double(max(data.count, 1))
    }
}
