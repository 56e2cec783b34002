// The supervised objectives: a batch of rows through the model, compared with the rows' targets
// by cross-entropy (classes), mean squared error (values), next-token cross-entropy
// ([batch, time, vocab] logits against [batch, time] token ids), or a learner's own function.
import Autograd
import NeuralNets

/// How model outputs are compared with targets.
public enum SupervisedLoss {
    /// Class scores [batch, classes] against class labels; reports accuracy.
    case crossEntropy
    /// Outputs against regression targets of the same shape.
    case meanSquaredError
    /// Logits [batch, time, vocab] against token ids [batch, time]; reports token accuracy.
    case nextToken
    /// A function of (outputs, batch) returning a scalar tensor (a Seek closure, say).
    case custom(name: String, (Tensor, Dataset) throws -> Tensor)

    /// The name in summaries and errors.
    public var name: String {
        switch self {
        case .crossEntropy: "cross_entropy"
        case .meanSquaredError: "mse"
        case .nextToken: "next_token"
        case .custom(let name, _): name
        }
    }
}

/// Batches from a dataset through the model, scored by a `SupervisedLoss`.
public final class SupervisedObjective: Objective {
    /// The training data.
    public let data: Dataset
    /// The comparison.
    public let lossFunction: SupervisedLoss
    private var sampler: BatchSampler

    /// Draws batches of `batchSize` rows from `data` with `seed`; checks that the targets suit the loss.
    public init(data: Dataset, loss: SupervisedLoss, batchSize: Int, seed: UInt64) throws {
        switch (loss, data.targets) {
        case (.crossEntropy, .values):
            throw TensorError.invalidArgument(op: "trainer", reason: "loss \"cross_entropy\" needs class labels, but the data has value targets (use loss=\"mse\")")
        case (.meanSquaredError, .classes), (.nextToken, .classes):
            throw TensorError.invalidArgument(op: "trainer", reason: "loss \"\(loss.name)\" needs value targets, but the data has class labels")
        default:
            break
        }
        self.data = data
        self.lossFunction = loss
        sampler = try BatchSampler(rowCount: data.count, batchSize: batchSize, seed: seed)
    }

    public var name: String { lossFunction.name }
    /// Rows per step.
    public var batchSize: Int { sampler.batchSize }

    public func loss(model: any Module, step: Int) throws -> ObjectiveLoss {
        let batch = try data.subset(sampler.next())
        let output = try model(batch.inputs)
        return try SupervisedObjective.score(output, batch, lossFunction)
    }

    /// The loss of `output` against `batch`'s targets, with accuracy where it has a meaning.
    public static func score(_ output: Tensor, _ batch: Dataset, _ loss: SupervisedLoss) throws -> ObjectiveLoss {
        switch loss {
        case .crossEntropy:
            guard output.shape == [batch.count, batch.classCount] else {
                throw TensorError.invalidArgument(op: "trainer", reason:
                    "the model gives \(output.shape) for a batch of \(batch.count); cross_entropy needs [\(batch.count), \(batch.classCount)] class scores")
            }
            let value = try Tensor.crossEntropy(logits: output, targets: batch.labels)
            return ObjectiveLoss(loss: value, metrics: [Metric("accuracy", try accuracy(output, batch.labels))])
        case .meanSquaredError:
            guard let targets = batch.values else { preconditionFailure("checked at init") }
            let aligned = try alignedTargets(output: output, targets: targets)
            let difference = try output - aligned
            return ObjectiveLoss(loss: try (difference * difference).mean())
        case .nextToken:
            guard let targets = batch.values else { preconditionFailure("checked at init") }
            guard output.rank == 3, targets.rank == 2, Array(output.shape.prefix(2)) == targets.shape else {
                throw TensorError.invalidArgument(op: "trainer", reason:
                    "next_token needs logits [batch, time, vocab] for targets [batch, time]; got logits \(output.shape) for targets \(targets.shape)")
            }
            let vocabulary = output.shape[2]
            let flat = try output.reshape([targets.count, vocabulary])                 // (B, T, V) -> (B·T, V)
            let ids = try targets.integerValues
            if let bad = ids.first(where: { $0 < 0 || $0 >= vocabulary }) {
                throw TensorError.invalidArgument(op: "trainer", reason: "target token \(bad) is not in 0..<\(vocabulary)")
            }
            let value = try Tensor.crossEntropy(logits: flat, targets: ids)
            return ObjectiveLoss(loss: value, metrics: [Metric("accuracy", try accuracy(flat, ids))])
        case .custom(let name, let function):
            let value = try function(output, batch)
            guard value.count == 1 else {
                throw TensorError.invalidArgument(op: "trainer", reason: "the loss function \(name) returned shape \(value.shape); it must return one number (a scalar tensor)")
            }
            var metrics: [Metric] = []
            if batch.isClassification, output.shape == [batch.count, batch.classCount] {
                metrics.append(Metric("accuracy", try accuracy(output, batch.labels)))
            }
            return ObjectiveLoss(loss: try value.reshape([]), metrics: metrics)
        }
    }

    /// Regression targets shaped like the output: [n] targets match [n, 1] outputs and back.
    private static func alignedTargets(output: Tensor, targets: Tensor) throws -> Tensor {
        if output.shape == targets.shape { return targets }
        if output.count == targets.count, output.shape.filter({ $0 != 1 }) == targets.shape.filter({ $0 != 1 }) {
            return try targets.reshape(output.shape)
        }
        throw TensorError.invalidArgument(op: "trainer", reason:
            "the model gives \(output.shape) but the targets are \(targets.shape): mse needs the same shape")
    }

    /// Share of rows whose highest score is the target.
    static func accuracy(_ scores: Tensor, _ targets: [Int]) throws -> Double {
        let predictions = try withNoGrad { try scores.argmax(axis: 1).integerValues }
        return Double(zip(predictions, targets).filter { $0 == $1 }.count) / Double(Swift.max(targets.count, 1))
    }
}
