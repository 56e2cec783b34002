// Toy data and the trainer: shapes, splits, determinism, and that the trainer reaches MoE layers
// wherever they sit (aux loss added, bias updated).
import Foundation
import Autograd
import NeuralNets
import Testing
import TestSupport
@testable import Toys

@Test func clustersHaveBalancedClassesAroundTheirCentres() throws {
    let data = try ToyData.clusters(count: 400, classes: 4, dimensions: 2, spread: 0.1, seed: 1)
    #expect(data.inputs.shape == [400, 2])
    #expect((0 ..< 4).map { label in data.labels.filter { $0 == label }.count } == [100, 100, 100, 100])
    // 2-D centres lie on the circle of radius 3 at angle 2πc/4: class 1 sits near (0, 3).
    let rows = data.labels.enumerated().filter { $0.element == 1 }.map(\.offset)
    let meanY = rows.map { data.inputs.storage[$0 * 2 + 1] }.reduce(0, +) / Float(rows.count)
    #expect(isClose(meanY, 3, absolute: 0.05), "\(meanY)")
    let again = try ToyData.clusters(count: 400, classes: 4, dimensions: 2, spread: 0.1, seed: 1)
    #expect(again.inputs.storage == data.inputs.storage && again.labels == data.labels)
    #expect(throws: TensorError.self) { try ToyData.clusters(count: 0) }
}

@Test func splitKeepsOrderAndRejectsEmptyParts() throws {
    let data = try ToyData.clusters(count: 10, classes: 2, dimensions: 3, seed: 2)
    let (train, test) = try data.split(0.7)
    #expect(train.count == 7 && test.count == 3)
    #expect(train.labels + test.labels == data.labels)
    #expect(test.inputs.storage == Array(data.inputs.storage[21...]))
    #expect(throws: TensorError.self) { try data.split(1.0) }
    #expect(throws: TensorError.self) { try data.split(0.01) }
}

private func moeModel(balancing: BalancingMethod, noise: Float = 0, seed: UInt64 = 3) throws -> (Sequential, MixtureOfExperts) {
    var config = MixtureOfExpertsConfig(dimensions: 8)
    config.expertCount = 4
    config.balancing = balancing
    config.zLossWeight = balancing == .aux ? 0.001 : 0
    config.noise = noise
    config.seed = seed
    let layer = try MixtureOfExperts(config: config)
    var generator = SeededGenerator(seed: seed)
    let model = Sequential([try Linear(inputDimensions: 2, outputDimensions: 8, generator: &generator), layer,
                            try Linear(inputDimensions: 8, outputDimensions: 3, generator: &generator)])
    return (model, layer)
}

@Test func sameSeedsGiveTheSameTrainingBits() throws {
    let data = try ToyData.clusters(count: 90, classes: 3, seed: 4)
    func history() throws -> TrainingHistory {
        let (model, _) = try moeModel(balancing: .bias, noise: 0.5)
        let trainer = try Trainer(model: model, data: data, optimizer: Adam(parameters: model.parameters()), batchSize: 32, seed: 6)
        try trainer.run(steps: 15)
        return trainer.history
    }
    let first = try history(), second = try history()
    #expect(first.loss == second.loss && first.vectors("load") == second.vectors("load"))
    #expect(first.count == 15)
}

@Test func trainerAddsTheAuxiliaryLossThroughTheHookAndUpdatesTheBias() throws {
    let data = try ToyData.clusters(count: 60, classes: 3, seed: 5)
    let (auxModel, _) = try moeModel(balancing: .aux)
    let auxTrainer = try Trainer(model: auxModel, data: data, optimizer: SGD(parameters: auxModel.parameters(), learningRate: 0.1))
    let record = try auxTrainer.step()
    #expect(record.names == ["loss", "task", "aux", "z", "accuracy", "load", "imbalance", "dropped"])
    #expect(record.lossParts == ["task", "aux", "z"])
    let aux = try #require(record.scalar("aux")), z = try #require(record.scalar("z")), task = try #require(record.scalar("task"))
    #expect(aux > 0.009, "Switch loss ≥ α = 0.01 minus rounding: \(aux)")
    #expect(z > 0)
    #expect(isClose(record.loss, task + aux + z, absolute: 1e-5))
    let load = try #require(record["load"]?.vector)
    #expect(load.count == 4 && isClose(load.reduce(0, +), 1, absolute: 1e-9))
    #expect(record.description.hasPrefix("step 1  loss "))
    #expect(record.description.contains(" = task "), "the parts are shown: \(record.description)")

    let (biasModel, biasLayer) = try moeModel(balancing: .bias)
    let biasTrainer = try Trainer(model: biasModel, data: data, optimizer: SGD(parameters: biasModel.parameters(), learningRate: 0.1))
    let biasRecord = try biasTrainer.step()
    #expect(biasRecord.lossParts == ["task"], "no auxiliary terms with bias balancing")
    let loads = try #require(biasRecord["load"]?.vector).map { Int(($0 * 120).rounded()) }   // 60 tokens × top-2
    #expect(biasLayer.bias == Balancing.updatedBias([0, 0, 0, 0], loads: loads, rate: 0.001))
    #expect(!biasLayer.isTraining, "the trainer switches training mode off after its step")
}

/// A model that is not a Sequential: the MoE layer sits two levels down, named as a child.
private struct Wrapped: Module {
    let inner: [any Module]
    func children() -> [(name: String, module: any Module)] { inner.enumerated().map { ("blocks.\($0.offset)", $0.element) } }
    func callAsFunction(_ input: Tensor) throws -> Tensor {
        var hidden = input
        for (index, module) in inner.enumerated() { hidden = try forward(child: "blocks.\(index)", module, hidden) }
        return hidden
    }
}

@Test func mixtureLayersAreFoundThroughChildrenWhereverTheySit() throws {
    let (model, layer) = try moeModel(balancing: .none)
    let wrapped = Wrapped(inner: [model, Activation.relu])
    let found = mixtureLayers(in: wrapped)
    #expect(found.count == 1 && found.first === layer)
    // Names follow PyTorch's module paths, own tensors first.
    let names = wrapped.namedParameters().map(\.name)
    #expect(names.prefix(4) == ["blocks.0.0.weight", "blocks.0.0.bias", "blocks.0.1.router.weight", "blocks.0.1.experts.0.0.weight"])
    #expect(names.contains("blocks.0.1.experts.3.2.weight"))
    #expect(wrapped.parameterCount == model.parameterCount)
    wrapped.setTraining(true)
    #expect(layer.isTraining)
    wrapped.setTraining(false)
    #expect(!layer.isTraining)
}

@Test func anMoELayerInsideAnyModelStillBalancesThroughTheHook() throws {
    // The same toy as the bias-balancing behaviour test, with the layer inside a non-Sequential
    // wrapper: the trainer reaches it only through children() and the hook.
    var config = MixtureOfExpertsConfig(dimensions: 16)
    config.expertCount = 4
    config.topK = 1
    config.balancing = .aux
    config.auxiliaryWeight = 1
    config.seed = 11
    let layer = try MixtureOfExperts(config: config)
    var generator = SeededGenerator(seed: 11)
    let body = Sequential([try Linear(inputDimensions: 2, outputDimensions: 16, generator: &generator), layer,
                           try Linear(inputDimensions: 16, outputDimensions: 8, generator: &generator)])
    let model = Wrapped(inner: [body])
    let data = try ToyData.clusters(count: 600, classes: 8, seed: 11)
    let trainer = try Trainer(model: model, data: data, optimizer: Adam(parameters: model.parameters(), learningRate: 0.01),
                              batchSize: 128, seed: 11)
    try trainer.run(steps: 150)
    let imbalance = trainer.history.scalars("imbalance")
    #expect(imbalance.count == 150)
    let late = imbalance.suffix(30).reduce(0, +) / 30
    #expect(late < 1.35, "the Switch loss keeps the late imbalance near 1: \(late)")
    #expect(trainer.history.scalars("aux").allSatisfy { $0 > 0 })
}

@Test func trainerRejectsAModelWithTheWrongOutput() throws {
    let data = try ToyData.clusters(count: 20, classes: 3, seed: 5)
    var generator = SeededGenerator(seed: 1)
    let model = try Linear(inputDimensions: 2, outputDimensions: 5, generator: &generator)
    let trainer = try Trainer(model: model, data: data, optimizer: SGD(parameters: model.parameters(), learningRate: 0.1))
    #expect(throws: TensorError.self) { try trainer.step() }
}

// MARK: - Objectives

@Test func regressionTrainsWithMeanSquaredError() throws {
    // y = 2x − 1 on 64 points: a linear model fits it.
    let xs = (0 ..< 64).map { Float($0) / 32 - 1 }
    let data = try Dataset(inputs: Tensor(shape: [64, 1], values: xs), values: Tensor(shape: [64], values: xs.map { 2 * $0 - 1 }))
    var generator = SeededGenerator(seed: 3)
    let model = try Linear(inputDimensions: 1, outputDimensions: 1, generator: &generator)
    let objective = try SupervisedObjective(data: data, loss: .meanSquaredError, batchSize: 16, seed: 1)
    let trainer = Trainer(model: model, objective: objective, optimizer: Adam(parameters: model.parameters(), learningRate: 0.05))
    let first = try trainer.step()
    try trainer.run(steps: 400)
    #expect(first.names == ["loss", "task"])
    let mse = try trainer.evaluate(data)
    #expect(mse < 1e-3, "mse after training: \(mse)")
    let weight = try model.weight.item(), bias = try #require(model.bias).item()
    #expect(isClose(weight, 2, absolute: 0.05) && isClose(bias, -1, absolute: 0.05), "\(weight) \(bias)")
}

@Test func meanSquaredErrorIsPinnedByHand() throws {
    let batch = try Dataset(inputs: Tensor(shape: [2, 1], values: [0, 0]), values: Tensor(shape: [2], values: [1, 3]))
    let output = try Tensor(shape: [2, 1], values: [2, 1])
    let scored = try SupervisedObjective.score(output, batch, .meanSquaredError)
    #expect(isClose(try scored.loss.item(), 2.5, absolute: 1e-6), "((2−1)² + (1−3)²) / 2")
    let wrong = try Tensor(shape: [3], values: [1, 2, 3])
    #expect(throws: TensorError.self) { try SupervisedObjective.score(wrong, batch, .meanSquaredError) }
}

@Test func nextTokenCrossEntropyIsOverEveryPosition() throws {
    // logits [1, 2, 3]: position 0 prefers token 2, position 1 is uniform.
    let logits = try Tensor(shape: [1, 2, 3], values: [0, 0, 2, 0, 0, 0])
    let batch = try Dataset(inputs: Tensor(shape: [1, 2], values: [0, 0]), values: Tensor(shape: [1, 2], values: [2, 1]))
    let scored = try SupervisedObjective.score(logits, batch, .nextToken)
    let first = -log(exp(2.0) / (2 + exp(2.0))), second = log(3.0)
    #expect(isClose(Double(try scored.loss.item()), (first + second) / 2, absolute: 1e-6))
    #expect(scored.metrics == [Metric("accuracy", 0.5)], "argmax picks 2 (right) at position 0 and the first of the tie, 0 (wrong), at 1: \(scored.metrics)")
    #expect(throws: TensorError.self) { try SupervisedObjective.score(try logits.reshape([2, 3]), batch, .nextToken) }
}

@Test func aCustomLossIsUsedAsGiven() throws {
    let data = try ToyData.clusters(count: 40, classes: 2, seed: 1)
    var generator = SeededGenerator(seed: 2)
    let model = try Linear(inputDimensions: 2, outputDimensions: 2, generator: &generator)
    let objective = try SupervisedObjective(data: data, loss: .custom(name: "sum of squares") { output, _ in
        try (output * output).sum()
    }, batchSize: 40, seed: 0)
    let trainer = Trainer(model: model, objective: objective, optimizer: SGD(parameters: model.parameters(), learningRate: 0.01))
    let expected = try withNoGrad { try (model(data.inputs) * model(data.inputs)).sum().item() }
    let record = try trainer.step()
    #expect(isClose(record.loss, Double(expected), relative: 1e-5), "the full batch in any order gives the same sum")
    #expect(record.names.contains("accuracy"), "class data with class-shaped outputs still reports accuracy")
}

// MARK: - Non-finite values

/// A layer that multiplies by a factor that turns NaN at a given step.
private final class Poisoned: Module {
    let scale: Tensor
    var calls = 0
    let poisonAt: Int
    init(poisonAt: Int) throws {
        scale = try Tensor.ones([2], requiresGrad: true)
        self.poisonAt = poisonAt
    }
    func ownParameters() -> [(name: String, tensor: Tensor)] { [("scale", scale)] }
    func callAsFunction(_ input: Tensor) throws -> Tensor {
        calls += 1
        if calls == poisonAt { return try input * scale * Tensor(Float.nan) }
        return try input * scale
    }
}

@Test func aNaNLossStopsTheRunNamingTheStepAndKeepsTheHistory() throws {
    let data = try ToyData.clusters(count: 20, classes: 2, seed: 1)
    let poisoned = try Poisoned(poisonAt: 4)
    let model = Sequential([poisoned])
    let trainer = try Trainer(model: model, data: data, optimizer: SGD(parameters: model.parameters(), learningRate: 0.01), batchSize: 10)
    let before = poisoned.scale.storage
    do {
        try trainer.run(steps: 10)
        Issue.record("the run should have stopped")
    } catch let error as TrainingError {
        guard case .nonFiniteLoss(let step, _, let value, let last) = error else { Issue.record("\(error)"); return }
        #expect(step == 4 && value.isNaN && last == trainer.history.loss.last)
        #expect(error.description.hasPrefix("step 4: the loss is nan (last finite loss "))
    }
    #expect(trainer.history.count == 3)
    #expect(poisoned.scale.storage != before, "three good updates happened")
}

/// A layer whose gradient turns infinite but whose output stays finite: √x at x = 0.
private struct SquareRootAtZero: Module {
    let weight: Tensor
    func ownParameters() -> [(name: String, tensor: Tensor)] { [("weight", weight)] }
    func callAsFunction(_ input: Tensor) throws -> Tensor { try input * weight.sqrt() }
}

@Test func aNonFiniteGradientNamesTheParameterByItsPath() throws {
    let data = try ToyData.clusters(count: 20, classes: 2, seed: 1)
    var generator = SeededGenerator(seed: 1)
    let model = Sequential([try Linear(inputDimensions: 2, outputDimensions: 2, generator: &generator),
                            SquareRootAtZero(weight: try Tensor(shape: [2], values: [0, 1], requiresGrad: true))])
    let trainer = try Trainer(model: model, data: data, optimizer: SGD(parameters: model.parameters(), learningRate: 0.01))
    #expect(throws: TrainingError.self) { try trainer.step() }
    do { try trainer.step() } catch let error as TrainingError {
        guard case .nonFiniteGradient(let step, let parameter, let value, _) = error else { Issue.record("\(error)"); return }
        #expect(step == 1 && parameter == "seq[1].weight" && value.isInfinite)
    }
    #expect(trainer.history.count == 0)
}

@Test func finitenessCheckFindsOneBadValueAnywhere() {
    for position in [0, 7, 15, 16, 33, 99] {
        for bad in [Float.nan, .infinity, -.infinity] {
            var values = [Float](repeating: 1e30, count: 100)
            values[position] = bad
            #expect(!values.withUnsafeBufferPointer { Finiteness.allFinite($0) }, "\(bad) at \(position)")
        }
    }
    let large = [Float](repeating: .greatestFiniteMagnitude, count: 100)
    #expect(large.withUnsafeBufferPointer { Finiteness.allFinite($0) }, "large finite values do not overflow the check")
}

// MARK: - Errors name the layer

@Test func aShapeErrorInsideAModelNamesTheLayer() throws {
    var generator = SeededGenerator(seed: 1)
    let model = Sequential([try Linear(inputDimensions: 2, outputDimensions: 16, generator: &generator), Activation.relu])
    do {
        _ = try model(try Tensor.zeros([64, 5]))
        Issue.record("should fail")
    } catch let error as LayerError {
        #expect(error.rooted(at: "seq").description == "seq[0] linear(2 → 16): input has 5 features, the layer takes 2")
    }
}

// MARK: - Datasets and history

@Test func datasetsTakeShuffleFilterAndBatch() throws {
    let data = try ToyData.clusters(count: 50, classes: 5, seed: 3)
    #expect(try data.take(7).labels == Array(data.labels.prefix(7)))
    let shuffled = try data.shuffled(seed: 4)
    #expect(shuffled.labels.sorted() == data.labels.sorted() && shuffled.labels != data.labels)
    #expect(try data.shuffled(seed: 4).labels == shuffled.labels)
    let without = try data.withoutClass(3)
    #expect(without.count == 40 && !without.labels.contains(3) && without.classCount == 5)
    let batches = try data.batches(16, seed: 2)
    #expect(batches.map(\.count) == [16, 16, 16, 2])
    #expect(batches.flatMap(\.labels).sorted() == data.labels.sorted())
    let values = try Dataset(inputs: Tensor.zeros([3, 2]), values: Tensor.zeros([3]))
    #expect(throws: TensorError.self) { try values.withoutClass(0) }
    #expect(throws: TensorError.self) { try Dataset(inputs: Tensor.zeros([3, 2]), values: Tensor.zeros([4])) }
}

@Test func historyKeepsOneListPerMetricName() {
    var history = TrainingHistory()
    history.append(StepRecord(step: 1, metrics: [Metric("loss", 2), Metric("accuracy", 0.5)], lossParts: ["task"]))
    history.append(StepRecord(step: 2, metrics: [Metric("loss", 1), Metric("kl", 0.1), Metric("accuracy", 0.75)], lossParts: ["task"]))
    #expect(history.names == ["loss", "accuracy", "kl"])
    #expect(history.loss == [2, 1] && history.scalars("accuracy") == [0.5, 0.75])
    #expect(history.scalars("kl").first?.isNaN == true && history.scalars("kl").last == 0.1)
    #expect(history.count == 2)
}

@Test func metricsOfSeveralLayersCombineByTheirRule() {
    let combined = Metric.combined([Metric("load", [0.5, 0.5]), Metric("imbalance", 1.2, combination: .maximum),
                                    Metric("dropped", 2, combination: .sum), Metric("load", [1, 0]),
                                    Metric("imbalance", 2, combination: .maximum), Metric("dropped", 3, combination: .sum)])
    #expect(combined.map(\.name) == ["load", "imbalance", "dropped"])
    #expect(combined[0].value == .vector([0.5, 0.5]) && combined[1].value == .scalar(2) && combined[2].value == .scalar(5))
}

@Test func runStopsCleanlyWhenAsked() throws {
    let data = try ToyData.clusters(count: 30, classes: 3, seed: 5)
    let (model, _) = try moeModel(balancing: .none)
    let trainer = try Trainer(model: model, data: data, optimizer: Adam(parameters: model.parameters()))
    var seen = 0
    let records = try trainer.run(steps: 10, shouldStop: { seen >= 3 }) { _, done, total in
        seen = done
        #expect(total == 10)
    }
    #expect(records.count == 3 && trainer.stepCount == 3)
}

@Test func specializationRowsAreSharesPerClass() throws {
    let data = try ToyData.clusters(count: 60, classes: 3, seed: 5)
    let (model, _) = try moeModel(balancing: .none)
    let table = try Specialization.table(model: model, data: data)
    #expect(table.count == 3 && table.allSatisfy { $0.count == 4 })
    #expect(table.allSatisfy { isClose($0.reduce(0, +), 1, absolute: 1e-9) })
}
