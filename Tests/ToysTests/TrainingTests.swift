// Toy data and the trainer: shapes, splits, determinism, and that the trainer reaches MoE layers
// wherever they sit (aux loss added, bias updated).
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
    #expect(first.loss == second.loss && first.load == second.load)
    #expect(first.count == 15)
}

@Test func trainerAddsTheAuxiliaryLossAndUpdatesTheBias() throws {
    let data = try ToyData.clusters(count: 60, classes: 3, seed: 5)
    let (auxModel, _) = try moeModel(balancing: .aux)
    let auxTrainer = try Trainer(model: auxModel, data: data, optimizer: SGD(parameters: auxModel.parameters(), learningRate: 0.1))
    #expect(auxTrainer.mixtureLayers.count == 1)
    let record = try auxTrainer.step()
    #expect(record.auxiliaryLoss > 0.009, "Switch loss ≥ α = 0.01 minus rounding, plus z-loss: \(record.auxiliaryLoss)")
    #expect(isClose(record.loss, record.taskLoss + record.auxiliaryLoss, absolute: 1e-5))
    #expect(record.load.count == 4 && isClose(record.load.reduce(0, +), 1, absolute: 1e-9))
    #expect(record.description.hasPrefix("step 1  loss "))

    let (biasModel, biasLayer) = try moeModel(balancing: .bias)
    let biasTrainer = try Trainer(model: biasModel, data: data, optimizer: SGD(parameters: biasModel.parameters(), learningRate: 0.1))
    let biasRecord = try biasTrainer.step()
    #expect(biasRecord.auxiliaryLoss == 0)
    let loads = biasRecord.load.map { Int(($0 * 120).rounded()) }   // 60 tokens × top-2
    #expect(biasLayer.bias == Balancing.updatedBias([0, 0, 0, 0], loads: loads, rate: 0.001))
    #expect(!biasLayer.isTraining, "the trainer switches training mode off after its step")
}

/// A model that is not a Sequential: the MoE layer sits in a stored property.
private struct Wrapped: Module {
    let inner: [any Module]
    func parameters() -> [Tensor] { inner.flatMap { $0.parameters() } }
    func callAsFunction(_ input: Tensor) throws -> Tensor { try inner.reduce(input) { try $1($0) } }
}

@Test func mixtureLayersAreFoundWhereverTheySit() throws {
    let (model, layer) = try moeModel(balancing: .none)
    let wrapped = Wrapped(inner: [model, Activation.relu])
    let found = mixtureLayers(in: wrapped)
    #expect(found.count == 1 && found.first === layer)
}

@Test func trainerRejectsAModelWithTheWrongOutput() throws {
    let data = try ToyData.clusters(count: 20, classes: 3, seed: 5)
    var generator = SeededGenerator(seed: 1)
    let model = try Linear(inputDimensions: 2, outputDimensions: 5, generator: &generator)
    let trainer = try Trainer(model: model, data: data, optimizer: SGD(parameters: model.parameters(), learningRate: 0.1))
    #expect(throws: TensorError.self) { try trainer.step() }
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
