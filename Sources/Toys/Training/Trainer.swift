// The trainer every idea reuses: one call does one update and returns a record of named metrics;
// a run is many steps with a progress callback and a stop check; history keeps a list per metric.
// It knows no idea by name: an `Objective` computes the loss, and the modules of the model add
// their auxiliary terms, metrics and post-step updates through the `Module` training hook.
import Autograd
import NeuralNets

/// Trains `model` on an objective with an optimiser.
public final class Trainer {
    /// The model being trained.
    public let model: any Module
    /// What the trainer minimises.
    public let objective: any Objective
    /// The optimizer over the parameters being trained.
    public let optimizer: any Optimizer
    /// The name the model's parameter paths start with in errors ("seq" gives `seq[1].experts[3]…`).
    public let modelName: String
    /// Per-step lists so far.
    public private(set) var history = TrainingHistory()
    /// Checks every step's loss and gradients for NaN and infinity (on by default).
    public var checksFiniteness = true

    /// The parameters the optimizer updates, with their display paths, for the finiteness check.
    private let namedParameters: [(path: String, tensor: Tensor)]
    /// Every module of the model, found once: a model's tree does not change while it trains.
    private let modules: [any Module]
    private var lastFiniteLoss: Double?

    /// A trainer of `model` on `objective`. `parameterNames` names the optimizer's parameters in
    /// errors when they are not the model's own (a Seek function's `params=`).
    public init(model: any Module, objective: any Objective, optimizer: any Optimizer, modelName: String? = nil) {
        self.model = model
        self.objective = objective
        self.optimizer = optimizer
        let root = modelName ?? model.layerDescription
        self.modelName = root
        modules = model.modules().map(\.module)
        let byIdentity = Dictionary(model.namedParameters().map { (ObjectIdentifier($0.tensor), $0.name) },
                                    uniquingKeysWith: { first, _ in first })
        namedParameters = optimizer.parameters.enumerated().map { index, tensor in
            if let name = byIdentity[ObjectIdentifier(tensor)] { return (root + LayerError.displayPath(name), tensor) }
            return ("\(root) parameter \(index)", tensor)
        }
    }

    /// A classifier trainer: cross-entropy on shuffled batches of `data` drawn with `seed`.
    public convenience init(model: any Module, data: Dataset, optimizer: any Optimizer, batchSize: Int = 64,
                            seed: UInt64 = 0) throws {
        let objective = try SupervisedObjective(data: data, loss: .crossEntropy, batchSize: batchSize, seed: seed)
        self.init(model: model, objective: objective, optimizer: optimizer)
    }

    /// Steps taken so far.
    public var stepCount: Int { history.count }

    // MARK: - Steps

    /// One update: the objective's loss in training mode plus the modules' auxiliary terms,
    /// backward, a finiteness check, the optimizer step, then the modules' post-step updates.
    /// The model is back in evaluation mode afterwards (a learner's `m(x)` adds no noise).
    @discardableResult
    public func step() throws -> StepRecord {
        let step = stepCount + 1
        for module in modules { module.setOwnTraining(true) }
        defer {
            for module in modules { module.setOwnTraining(false) }
            for module in modules { module.afterOptimizerStep() }
        }
        let result = try objective.loss(model: model, step: step)
        guard result.loss.count == 1 else {
            throw TensorError.invalidArgument(op: "trainer", reason: "the \(objective.name) loss has shape \(result.loss.shape); it must be one number")
        }
        var total = result.loss
        var parts: [(name: String, value: Double)] = result.parts.isEmpty
            ? [("task", Double(try result.loss.item()))] : result.parts
        var auxiliary: [(name: String, value: Double)] = []
        for module in modules {
            for (name, term) in module.auxiliaryLosses() {
                total = try total + term
                let value = Double(try term.item())
                if let index = auxiliary.firstIndex(where: { $0.name == name }) {
                    auxiliary[index].value += value
                } else {
                    auxiliary.append((name, value))
                }
            }
        }
        parts += auxiliary
        let loss = Double(try total.item())
        if checksFiniteness {
            for (name, value) in [("loss", loss)] + parts where !value.isFinite {
                throw TrainingError.nonFiniteLoss(step: step, metric: name == "loss" ? "the loss" : "the loss part \(name)",
                                                  value: value, lastFiniteLoss: lastFiniteLoss)
            }
        }
        optimizer.zeroGrad()
        try total.backward()
        if checksFiniteness { try checkGradients(step: step) }
        optimizer.step()
        lastFiniteLoss = loss

        let moduleMetrics = Metric.combined(modules.flatMap { $0.stepMetrics() })
        let metrics = [Metric("loss", loss)] + parts.map { Metric($0.name, $0.value) } + result.metrics + moduleMetrics
        let record = StepRecord(step: step, metrics: metrics, lossParts: parts.map(\.name))
        history.append(record)
        return record
    }

    /// Throws for the first parameter whose gradient has a NaN or an infinity.
    private func checkGradients(step: Int) throws {
        for (path, tensor) in namedParameters {
            guard let gradient = tensor.grad?.storage else { continue }
            let finite = gradient.withUnsafeBufferPointer { Finiteness.allFinite($0) }
            if !finite {
                let value = Finiteness.firstNonFinite(gradient).map(Double.init) ?? .nan
                throw TrainingError.nonFiniteGradient(step: step, parameter: path, value: value, lastFiniteLoss: lastFiniteLoss)
            }
        }
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

    /// Share of `data` the model classifies correctly, for class data; otherwise the objective's
    /// loss over all of `data` (mean squared error, next-token cross-entropy). No gradients,
    /// evaluation mode.
    public func evaluate(_ data: Dataset) throws -> Double {
        if data.isClassification { return try Trainer.accuracy(of: model, on: data) }
        guard let supervised = objective as? SupervisedObjective else {
            throw TensorError.invalidArgument(op: "evaluate", reason: "the \(objective.name) objective has no loss on a dataset of values")
        }
        return try withNoGrad {
            let output = try model(data.inputs)
            return Double(try SupervisedObjective.score(output, data, supervised.lossFunction).loss.item())
        }
    }

    /// Share of `data` that `model` classifies correctly.
    public static func accuracy(of model: any Module, on data: Dataset) throws -> Double {
        guard data.isClassification else {
            throw TensorError.invalidArgument(op: "evaluate", reason: "the data has value targets; accuracy needs class labels (use loss(…) on regression data)")
        }
        let logits = try withNoGrad { try model(data.inputs) }                       // (n, classes)
        guard logits.shape == [data.count, data.classCount] else {
            throw TensorError.invalidArgument(op: "evaluate", reason:
                "the model gives \(logits.shape); it needs [\(data.count), \(data.classCount)] class scores")
        }
        return try SupervisedObjective.accuracy(logits, data.labels)
    }
}
