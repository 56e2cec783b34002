// Behavioural claims (science.md §D.0): paired runs over several seeds — same data, same initial
// weights, only the balancing differs — asserting on the mean and on most seeds, never on one.
// The toy: 8 Gaussian clusters in 2-D (one class each), Linear 2→16, MoE(16, 4 experts, top-1),
// Linear 16→8, Adam 0.01, batch 128, 200 steps. Thresholds were set from a sweep of this toy
// over 8 seeds at 300 steps (full-training-set max/mean load): none 1.68 (1.45–2.15),
// aux α=1 1.04 (1.01–1.06), bias γ=0.01 1.12 (1.03–1.26); test accuracy 0.97 in all three.
// Re-swept when the router lost its bias term (issue 13), 8 seeds at 200 steps: none 1.64
// (1.47–2.07, 8/8 above 1.3), aux 1.05 (1.02–1.08), bias 1.16 (1.04–1.44, below none in 8/8);
// wrong bias sign 2.58 (2.0–4.0) against correct 1.16, larger in 8/8. The 5 seeds here: none 1.58,
// aux 1.05, bias 1.14; the thresholds below hold with these margins.
import Autograd
import NeuralNets
import Testing
import TestSupport
@testable import Toys

private struct Outcome {
    let imbalance: Double
    let accuracy: Double
}

/// Trains the toy with `seed`; `configure` sets the balancing; `afterStep` may tamper with the layer.
private func trainToy(seed: UInt64, steps: Int = 200, configure: (inout MixtureOfExpertsConfig) -> Void,
                      afterStep: (MixtureOfExperts, [Float]) throws -> Void = { _, _ in }) throws -> Outcome {
    let data = try ToyData.clusters(count: 600, classes: 8, dimensions: 2, spread: 0.5, seed: seed)
    let (train, test) = try data.split(0.8)
    var config = MixtureOfExpertsConfig(dimensions: 16)
    config.expertCount = 4
    config.topK = 1
    config.hiddenDimensions = 16
    config.seed = seed
    configure(&config)
    var generator = SeededGenerator(seed: 100 + seed)
    let layer = try MixtureOfExperts(config: config)
    let model = Sequential([try Linear(inputDimensions: 2, outputDimensions: 16, generator: &generator), layer,
                            try Linear(inputDimensions: 16, outputDimensions: 8, generator: &generator)])
    let trainer = try Trainer(model: model, data: train, optimizer: Adam(parameters: model.parameters(), learningRate: 0.01),
                              batchSize: 128, seed: seed)
    for _ in 0 ..< steps {
        let before = layer.bias
        try trainer.step()
        try afterStep(layer, before)
    }
    let routing = try layer.route(train.inputs.throughFirstLayer(of: model))
    return Outcome(imbalance: routing.imbalance, accuracy: try trainer.evaluate(test))
}

private extension Tensor {
    /// The MoE layer's input: the first layer of the toy applied to these rows.
    func throughFirstLayer(of model: Sequential) throws -> Tensor {
        try withNoGrad { try model.layers[0](self) }
    }
}

private let seeds: [UInt64] = [0, 1, 2, 3, 4]

private func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }

/// Seed sweeps of whole training runs: slow, so tagged and in a suite the fast loop can skip.
@Suite(.tags(.slow)) struct BehaviourTests {
    @Test func balancingLowersImbalanceAndKeepsAccuracy() throws {
        let none = try seeds.map { seed in try trainToy(seed: seed) { $0.balancing = .none } }
        let aux = try seeds.map { seed in try trainToy(seed: seed) { $0.balancing = .aux; $0.auxiliaryWeight = 1 } }
        let bias = try seeds.map { seed in try trainToy(seed: seed) { $0.balancing = .bias; $0.biasRate = 0.01 } }
        let noneImbalance = none.map(\.imbalance), auxImbalance = aux.map(\.imbalance), biasImbalance = bias.map(\.imbalance)

        // Without balancing the load collapses onto some experts.
        #expect(mean(noneImbalance) > 1.4, "none: \(noneImbalance)")
        #expect(noneImbalance.filter { $0 > 1.3 }.count >= 4, "none: \(noneImbalance)")
        // Both cures bring it near 1, on the mean and paired seed by seed.
        #expect(mean(auxImbalance) < 1.15, "aux: \(auxImbalance)")
        #expect(mean(biasImbalance) < 1.25, "bias: \(biasImbalance)")
        #expect(zip(auxImbalance, noneImbalance).filter { $0 < $1 }.count >= 4, "aux \(auxImbalance) vs none \(noneImbalance)")
        #expect(zip(biasImbalance, noneImbalance).filter { $0 < $1 }.count >= 4, "bias \(biasImbalance) vs none \(noneImbalance)")
        // Accuracy stays: mean within 0.02 of the unbalanced runs.
        let noneAccuracy = mean(none.map(\.accuracy))
        #expect(abs(mean(aux.map(\.accuracy)) - noneAccuracy) < 0.02, "aux \(aux.map(\.accuracy)) none \(none.map(\.accuracy))")
        #expect(abs(mean(bias.map(\.accuracy)) - noneAccuracy) < 0.02, "bias \(bias.map(\.accuracy)) none \(none.map(\.accuracy))")
    }

    @Test func wrongBiasSignDrivesTheRouterTowardImbalance() throws {
        let configure: (inout MixtureOfExpertsConfig) -> Void = { $0.balancing = .bias; $0.biasRate = 0.01 }
        let correct = try seeds.map { seed in try trainToy(seed: seed, configure: configure) }
        // Undo each update and apply its opposite: b ← b − γ·sign(c̄ − c) = b + γ·sign(c − c̄).
        let wrong = try seeds.map { seed in
            try trainToy(seed: seed, configure: configure) { layer, before in
                try layer.setBias(zip(before, layer.bias).map { 2 * $0 - $1 })
            }
        }
        let correctImbalance = correct.map(\.imbalance), wrongImbalance = wrong.map(\.imbalance)
        #expect(mean(wrongImbalance) > mean(correctImbalance) + 0.5, "wrong \(wrongImbalance) correct \(correctImbalance)")
        #expect(zip(wrongImbalance, correctImbalance).filter { $0 > $1 }.count >= 4, "wrong \(wrongImbalance) correct \(correctImbalance)")
    }
}
