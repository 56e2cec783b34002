// trainer_step: what the generalised trainer costs per step over the trainer it replaced, written
// out here as it was (draw a batch, forward, cross-entropy + the MoE layers' auxiliary losses,
// backward, Adam, bias update, the record's numbers). Both sides alternate in rounds so load from other
// processes penalises neither; the figure is the median over all timed steps of each side.
import Autograd
import Foundation
import NeuralNets
import Toys

/// One model for the case: the MLP of mlp_step or the MoE model of moe_step.
private struct TrainerSubject {
    let name: String
    let makeModel: () throws -> any Module
    let data: Dataset
    let batch: Int
    let learningRate: Float
}

private func subjects() throws -> [TrainerSubject] {
    var generator = SeededGenerator(seed: 0)
    func labelled(rows: Int, width: Int, classes: Int) throws -> Dataset {
        let inputs = try Tensor.normal([rows, width], generator: &generator)
        let rule = try Tensor.normal([width, classes], generator: &generator)
        return try Dataset(inputs: inputs, labels: try Tensor.matmul(inputs, rule).argmax(axis: -1).integerValues,
                           classCount: classes)
    }
    let mlpData = try labelled(rows: 2048, width: 16, classes: 10)
    let moeData = try labelled(rows: 2048, width: 64, classes: 8)
    return [
        TrainerSubject(name: "mlp", makeModel: {
            var g = SeededGenerator(seed: 1)
            return try MLP(layerSizes: [16, 64, 10], activation: .relu, generator: &g)
        }, data: mlpData, batch: 256, learningRate: 1e-2),
        TrainerSubject(name: "moe", makeModel: {
            var config = MixtureOfExpertsConfig(dimensions: 64)
            config.expertCount = 8; config.topK = 2; config.hiddenDimensions = 128
            config.balancing = .aux; config.auxiliaryWeight = 0.01
            var g = SeededGenerator(seed: 2)
            return Sequential([try MixtureOfExperts(config: config),
                               try Linear(inputDimensions: 64, outputDimensions: 8, generator: &g)])
        }, data: moeData, batch: 256, learningRate: 1e-3),
    ]
}

/// The old trainer's step written out, as it was before the training core (commit 6af5f80): batch,
/// forward, cross-entropy + the MoE layers' auxiliary losses, backward, Adam, the bias update, then
/// the record's numbers (loss and aux values, batch accuracy, the routing's load and imbalance).
private func handStep(model: any Module, layers: [MixtureOfExperts], data: Dataset, sampler: inout BatchSampler,
                      optimizer: Adam) throws -> Double {
    let batch = try data.subset(sampler.next())
    for layer in layers { layer.setOwnTraining(true) }
    defer { for layer in layers { layer.setOwnTraining(false) } }
    let logits = try model(batch.inputs)
    let task = try Tensor.crossEntropy(logits: logits, targets: batch.labels)
    var loss = task
    var auxiliary = 0.0
    for layer in layers {
        for (_, term) in layer.auxiliaryLosses() { loss = try loss + term; auxiliary += Double(try term.item()) }
    }
    optimizer.zeroGrad()
    try loss.backward()
    optimizer.step()
    let routings = layers.compactMap(\.lastRouting)
    for layer in layers { layer.afterOptimizerStep() }
    let predictions = try logits.argmax(axis: 1).integerValues
    let correct = zip(predictions, batch.labels).filter { $0 == $1 }.count
    let imbalance = routings.map(\.imbalance).max() ?? 0
    return Double(try loss.item()) + Double(try task.item()) + auxiliary + Double(correct) + imbalance + (routings.first?.load.first ?? 0)
}

func trainerStepCase(threads: Int, rounds: Int = 6, warmup: Int = 10, steps: Int = 50) throws -> String {
    var figures: [String] = []
    for subject in try subjects() {
        let handModel = try subject.makeModel(), trainerModel = try subject.makeModel()
        let handLayers = mixtureLayers(in: handModel)
        let handOptimizer = Adam(parameters: handModel.parameters(), learningRate: subject.learningRate)
        var sampler = try BatchSampler(rowCount: subject.data.count, batchSize: subject.batch, seed: 3)
        let trainer = try Trainer(model: trainerModel, data: subject.data,
                                  optimizer: Adam(parameters: trainerModel.parameters(), learningRate: subject.learningRate),
                                  batchSize: subject.batch, seed: 3)
        // The same trainer without the NaN/inf check, to price the check on its own.
        let uncheckedModel = try subject.makeModel()
        let unchecked = try Trainer(model: uncheckedModel, data: subject.data,
                                    optimizer: Adam(parameters: uncheckedModel.parameters(), learningRate: subject.learningRate),
                                    batchSize: subject.batch, seed: 3)
        unchecked.checksFiniteness = false
        var hand: [Double] = [], general: [Double] = [], withoutCheck: [Double] = []
        for round in 0 ..< rounds {
            for step in 0 ..< warmup + steps {
                let start = now()
                _ = try handStep(model: handModel, layers: handLayers, data: subject.data, sampler: &sampler,
                                 optimizer: handOptimizer)
                if round > 0 || step >= warmup { hand.append(now() - start) }
            }
            for step in 0 ..< warmup + steps {
                let start = now()
                try trainer.step()
                if round > 0 || step >= warmup { general.append(now() - start) }
            }
            for step in 0 ..< warmup + steps {
                let start = now()
                try unchecked.step()
                if round > 0 || step >= warmup { withoutCheck.append(now() - start) }
            }
        }
        let handMs = median(hand) * 1e3, trainerMs = median(general) * 1e3, uncheckedMs = median(withoutCheck) * 1e3
        figures.append("\"\(subject.name)\": {\"hand_ms\": \(rounded(handMs, 4)), \"trainer_ms\": \(rounded(trainerMs, 4)), "
                       + "\"trainer_without_check_ms\": \(rounded(uncheckedMs, 4)), "
                       + "\"overhead\": \(rounded(trainerMs / handMs - 1, 4)), \"check\": \(rounded(trainerMs / uncheckedMs - 1, 4))}")
    }
    return "{\"bench\": \"trainer_step\", \"threads\": \(threads), \(figures.joined(separator: ", "))}"
}
