// The DeepSeek-V3 parts of the MoE layer (issue 13): SwiGLU experts, router without bias, route
// scale, group-limited routing, the sequence-wise balance loss, the residual path, presets and the
// refusals. The V3 case is pinned against a float64 PyTorch run of DeepSeek-V3's `Gate.forward`
// (inference/model.py, sigmoid branch) on this layer's exported weights (seed 7): /tmp script
// recorded here as numbers.
import Autograd
import Foundation
import NeuralNets
import Testing
import TestSupport
@testable import Toys

/// The layer the PyTorch reference ran: 8 SwiGLU experts 3 → 2 → 3 in 4 groups, 2 groups kept,
/// sigmoid top-2, route scale 2.5, one shared expert, residual, sequence loss α = 0.5 on runs of 3.
private func v3Layer() throws -> MixtureOfExperts {
    var config = MixtureOfExpertsConfig(dimensions: 3)
    config.expertCount = 8
    config.topK = 2
    config.hiddenDimensions = 2
    config.sharedExpertCount = 1
    config.expertKind = .swiglu
    config.gate = .sigmoid
    config.balancing = .bias
    config.routeScale = 2.5
    config.groupCount = 4
    config.topGroups = 2
    config.residual = true
    config.sequenceAuxiliaryWeight = 0.5
    config.sequenceLength = 3
    config.seed = 7
    let layer = try MixtureOfExperts(config: config)
    try layer.setBias([0.1, -0.2, 0, 0.05, 0.3, -0.1, 0, 0.02])
    return layer
}


@Test func v3LayerMatchesPyTorchGateForward() throws {
    // The input the reference ran (randn(6, 3, seed=3) exported from Seek).
    let input = try Tensor(shape: [6, 3], values: [
        -0.1507893, -0.46701056, 1.2359667, 0.60902935, -0.4578469, -0.52743644,
        0.4124328, -0.3468256, 0.8886569, -0.74909866, -0.36727047, -1.5042139,
        -0.5884662, 0.9809145, 0.48070824, -1.5153391, 0.6790301, 0.5192695,
    ])
    let layer = try v3Layer()
    layer.setTraining(true)
    let output = try layer(input)
    let routing = try #require(layer.lastRouting)
    // PyTorch (float64): indices and weights of V3's Gate.forward with groups, y = u + shared + Σ g·FFN.
    #expect(routing.chosen == [[4, 3], [4, 2], [4, 3], [2, 7], [4, 6], [4, 7]])
    let weights: [Float] = [1.1056235, 1.3943765, 1.1260737, 1.3739263, 1.2111356, 1.2888644,
                            1.2926519, 1.2073481, 1.2581851, 1.2418149, 1.0371393, 1.4628607]
    #expect(allClose(routing.weights.flatMap { $0 }, weights, absolute: 2e-6))
    let expected: [Float] = [-0.2255915, -0.5030202, 1.1354485, 0.5966393, -0.4128336, -0.5623415,
                             0.376568, -0.311936, 0.89342, -0.8189016, -0.1444968, -1.4666104,
                             -0.7912842, 1.1164126, 0.6658369, -1.4802579, 0.6135304, 0.4791514]
    #expect(allClose(output, shape: [6, 3], expected, absolute: 2e-5), "max diff \(largestDifference(output.storage, expected))")
    // The sequence-wise loss of V3 eqs. 17–20 over two sequences of 3 tokens, α = 0.5.
    let losses = layer.auxiliaryLosses()
    #expect(losses.map(\.name) == ["seq_aux"])
    #expect(abs(try losses[0].loss.item() - 0.5308437) < 2e-6)
}

@Test func groupLimitedSelectionDiffersFromPlainTopK() {
    // 4 experts in 2 groups {0,1} {2,3}. Plain top-2 of [0.9, 0.1, 0.5, 0.6] is [0, 3]. Group scores
    // (sum of the two best): 0.9 + 0.1 = 1.0 and 0.5 + 0.6 = 1.1, so with one group kept only
    // experts 2 and 3 are eligible: [3, 2].
    let values: [Float] = [0.9, 0.1, 0.5, 0.6]
    #expect(Gate.select(gateValues: values, tokens: 1, experts: 4, k: 2) == [0, 3])
    let limit = Gate.Limit(groups: 2, topGroups: 1)
    #expect(Gate.select(gateValues: values, tokens: 1, experts: 4, k: 2, limit: limit) == [3, 2])
    #expect(Gate.eligibleExperts(values, limit: limit) == [false, false, true, true])
    // The bias enters the group score: +0.3 on expert 1 makes group 0 score 1.3 and wins.
    #expect(Gate.select(gateValues: values, tokens: 1, experts: 4, k: 2, bias: [0, 0.3, 0, 0], limit: limit) == [0, 1])
    // V3's shapes: 256 experts in 8 groups of 32, 4 kept → 128 eligible experts.
    var generator = SeededGenerator(seed: 3)
    let scores = (0 ..< 256).map { _ in Float.random(in: 0 ..< 1, using: &generator) }
    let eligible = Gate.eligibleExperts(scores, limit: Gate.Limit(groups: 8, topGroups: 4))
    #expect(eligible.filter { $0 }.count == 128)
    let chosen = Gate.select(gateValues: scores, tokens: 1, experts: 256, k: 8, limit: Gate.Limit(groups: 8, topGroups: 4))
    #expect(Set(chosen.map { $0 / 32 }).count <= 4 && chosen.allSatisfy { eligible[$0] })
}

@Test func routeScaleMultipliesTheNormalisedWeights() throws {
    let gateValues = try Tensor(shape: [1, 3], values: [0.2, 0.6, 0.3])
    // Chosen [1, 2]: 0.6 / 0.9 and 0.3 / 0.9, times 2.5 = 1.6667, 0.8333.
    let weights = try Gate.weights(gateValues: gateValues, chosen: [1, 2], k: 2, scale: 2.5)
    #expect(allClose(weights.storage, [1.6666667, 0.8333333], absolute: 1e-6))
}

@Test func sequenceLossIsAlphaAtUniformLoadAndCountsUnbiasedTopK() throws {
    // Equal scores: ties go to expert 0 for both tokens, f = [N/(K·T) · 2, 0] = [2, 0],
    // P = [0.5, 0.5], so α Σ f P = α (with equal scores P is uniform, and any f gives α).
    let uniform = try Tensor(shape: [2, 2], values: [0.5, 0.5, 0.5, 0.5])
    #expect(abs(try Balancing.sequenceLoss(gateValues: uniform, k: 1, sequenceLength: nil, weight: 0.1).item() - 0.1) < 1e-7)
    // By hand: sigmoid scores [0.8, 0.2], [0.4, 0.6]; top-1 picks 0 then 1 → f = [1, 1];
    // s' = [0.8, 0.2], [0.4, 0.6] → P = [0.6, 0.4]; α Σ f P = α · 1.0.
    let scores = try Tensor(shape: [2, 2], values: [0.8, 0.2, 0.4, 0.6])
    #expect(abs(try Balancing.sequenceLoss(gateValues: scores, k: 1, sequenceLength: nil, weight: 0.3).item() - 0.3) < 1e-7)
    // Sequences of one token: token 0 → f = [2, 0], P = [0.8, 0.2] → 1.6; token 1 → f = [0, 2],
    // P = [0.4, 0.6] → 1.2; mean 1.4, times α = 0.3 → 0.42.
    #expect(abs(try Balancing.sequenceLoss(gateValues: scores, k: 1, sequenceLength: 1, weight: 0.3).item() - 0.42) < 1e-6)
}

@Test func residualPassesDroppedTokensThroughUnchanged() throws {
    func layer(residual: Bool) throws -> MixtureOfExperts {
        var config = MixtureOfExpertsConfig(dimensions: 3)
        config.expertCount = 4
        config.topK = 1
        config.hiddenDimensions = 5
        config.capacityFactor = 0.25                // ⌈0.25 · 16 / 4⌉ = 1 slot per expert
        config.residual = residual
        config.seed = 4
        return try MixtureOfExperts(config: config)
    }
    var generator = SeededGenerator(seed: 4)
    let input = try Tensor.normal([16, 3], generator: &generator)
    let plain = try layer(residual: false), withResidual = try layer(residual: true)
    let without = try plain(input).storage, with = try withResidual(input).storage
    let record = try #require(withResidual.lastRouting)
    #expect(record.dropped >= 12)
    var passed = 0
    for row in 0 ..< 16 {
        let slice = (row * 3) ..< (row * 3 + 3)
        // Always: residual output = input + the plain layer's output.
        #expect(allClose(Array(with[slice]), zip(input.storage[slice], without[slice]).map { $0 + $1 }, absolute: 1e-6))
        if without[slice].allSatisfy({ $0 == 0 }) {
            #expect(Array(with[slice]) == Array(input.storage[slice]), "dropped row \(row) passes unchanged")
            passed += 1
        }
    }
    #expect(passed == record.dropped)
}

@Test func swigluExpertByHand() throws {
    // d = 1, h = 1: w2 · silu(w1 x) · (w3 x). Checked with the layer's own weights (PyTorch init).
    var generator = SeededGenerator(seed: 1)
    let expert = try Expert(dimensions: 1, hidden: 1, kind: .swiglu, generator: &generator)
    #expect(expert.parameterCount == 3 && expert.children().map(\.name) == ["w1", "w2", "w3"])
    let w1 = expert.input.weight.storage[0], w2 = expert.output.weight.storage[0]
    let w3 = try #require(expert.gateProjection).weight.storage[0]
    let x: Float = 0.7
    let a = w1 * x
    let expected = w2 * (a / (1 + Foundation.exp(-a))) * (w3 * x)
    #expect(abs(try expert(Tensor(shape: [1, 1], values: [x])).item() - expected) < 1e-6)
}

@Test(arguments: [ExpertKind.swiglu, .gelu])
func wholeLayerGradientsWithSwiGLURouteScaleAndSequenceLoss(kind: ExpertKind) throws {
    var config = MixtureOfExpertsConfig(dimensions: 3)
    config.expertCount = 4
    config.topK = 2
    config.hiddenDimensions = 4
    config.sharedExpertCount = 1
    config.expertKind = kind
    config.gate = .sigmoid
    config.routeScale = 2.5
    config.residual = true
    config.sequenceAuxiliaryWeight = 0.7
    config.seed = 12
    let layer = try MixtureOfExperts(config: config)
    layer.setTraining(true)
    let input = try inputAwayFromTies(layer, gate: .sigmoid)
    let mismatches = try GradientChecker.check([input] + layer.parameters()) { _ in
        let output = try layer(input)
        return try output.sum() + layer.auxiliaryLosses()[0].loss
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(4))")
}

@Test func routerHasNoBiasUnlessAsked() throws {
    var config = MixtureOfExpertsConfig(dimensions: 4)
    #expect(try MixtureOfExperts(config: config).router.bias == nil)
    #expect(try MixtureOfExperts(config: config).children().first?.module.parameterCount == 4 * 8)
    config.routerBias = true
    #expect(try MixtureOfExperts(config: config).router.bias?.count == 8)
    #expect(config.parameterCount == (try MixtureOfExperts(config: config).parameterCount))
    config.expertKind = .swiglu
    config.sharedExpertCount = 2
    #expect(config.parameterCount == (try MixtureOfExperts(config: config).parameterCount))
}

@Test func presetsSetThePapersChoices() {
    let v3 = MixtureOfExpertsPreset.deepseekV3.apply(to: MixtureOfExpertsConfig(dimensions: 8))
    #expect(v3.gate == .sigmoid && v3.balancing == .bias && v3.biasRate == 0.001)
    #expect(v3.sequenceAuxiliaryWeight == 1e-4 && v3.expertKind == .swiglu && v3.sharedExpertCount == 1)
    #expect(v3.routeScale == 2.5 && !v3.routerBias && v3.preset == "deepseek-v3")
    let switchConfig = MixtureOfExpertsPreset.switchTransformer.apply(to: MixtureOfExpertsConfig(dimensions: 8))
    #expect(switchConfig.topK == 1 && switchConfig.balancing == .aux && switchConfig.auxiliaryWeight == 0.01)
    #expect(switchConfig.capacityFactor == 1.25 && switchConfig.gate == .softmax)
    let mixtral = MixtureOfExpertsPreset.mixtral.apply(to: MixtureOfExpertsConfig(dimensions: 8))
    #expect(mixtral.topK == 2 && mixtral.expertKind == .swiglu && mixtral.gate == .softmax)
}

@Test func oversizedAndInconsistentLayersAreRefusedBeforeAllocating() {
    var huge = MixtureOfExpertsConfig(dimensions: 2048)
    huge.expertCount = 512                       // 512 · 2 · 2048 · 4096 ≈ 8.6e9 parameters, 34 GB
    #expect { try huge.validate() } throws: { error in
        "\(error)".contains("parameters") && "\(error)".contains("GB")
    }
    let wide = MixtureOfExpertsConfig(dimensions: 100_000)    // one 100000 × 200000 weight
    #expect { try wide.validate() } throws: { error in "\(error)".contains("tensor size limit") }
    var groups = MixtureOfExpertsConfig(dimensions: 4)
    groups.groupCount = 3
    #expect { try groups.validate() } throws: { error in "\(error)".contains("groups = 3 must divide experts = 8") }
    groups.groupCount = 4
    groups.topGroups = 1
    groups.topK = 3                             // one group of 2 experts cannot hold 3
    #expect { try groups.validate() } throws: { error in "\(error)".contains("fewer than top_k = 3") }
}
