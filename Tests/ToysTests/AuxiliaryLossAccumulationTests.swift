// An MoE layer's auxiliary losses over a step that runs several training forwards (a sequence
// policy scores each prompt length in its own pass): inside `accumulatingAuxiliaryLosses`, the
// token-weighted mean of each pass's losses and the sum of their loads; outside it, the last
// pass's alone, as before (a gradient check runs the layer many times without a step).
import Autograd
import NeuralNets
import Testing
@testable import Toys

@Suite struct AuxiliaryLossAccumulationTests {
    static func layer(_ balancing: BalancingMethod = .aux) throws -> MixtureOfExperts {
        var config = MixtureOfExpertsConfig(dimensions: 3)
        config.expertCount = 4
        config.topK = 2
        config.balancing = balancing
        config.auxiliaryWeight = 0.5
        config.zLossWeight = 0.1
        config.biasRate = 0.25
        config.seed = 5
        let layer = try MixtureOfExperts(config: config)
        layer.setTraining(true)
        return layer
    }

    static func tokens(_ count: Int, seed: UInt64) throws -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return try Tensor(shape: [count, 3], values: (0 ..< count * 3).map { _ in Float.random(in: -2 ... 2, using: &generator) })
    }

    /// Each pass alone, on identical fresh layers: its aux and z losses.
    static func alone(_ input: Tensor) throws -> [Float] {
        let layer = try Self.layer()
        _ = try layer(input)
        return try layer.auxiliaryLosses().map { try $0.loss.item() }
    }

    @Test func forwardsOfOneScopeGiveTheTokenWeightedMeanOfTheirLosses() throws {
        let first = try Self.tokens(4, seed: 1), second = try Self.tokens(8, seed: 2)
        let losses1 = try Self.alone(first), losses2 = try Self.alone(second)
        #expect(losses1.count == 2 && abs(losses1[0] - losses2[0]) > 1e-4, "the passes' losses differ")
        let both = try Self.layer()
        try MixtureOfExperts.accumulatingAuxiliaryLosses {
            _ = try both(first)
            _ = try both(second)
        }
        let losses = both.auxiliaryLosses()
        #expect(losses.map(\.name) == ["aux", "z"])
        for index in losses.indices {
            #expect(abs(try losses[index].loss.item() - (4 * losses1[index] + 8 * losses2[index]) / 12) < 1e-6, "\(losses[index].name)")
        }
        // A later scope (the next step's) starts afresh, even before an optimizer step clears it.
        try MixtureOfExperts.accumulatingAuxiliaryLosses { _ = try both(first) }
        #expect(abs(try both.auxiliaryLosses()[0].loss.item() - losses1[0]) < 1e-6)
    }

    @Test func outsideAScopeTheLastForwardCounts() throws {
        let first = try Self.tokens(4, seed: 1), second = try Self.tokens(8, seed: 2)
        let layer = try Self.layer()
        _ = try layer(first)
        _ = try layer(second)
        #expect(abs(try layer.auxiliaryLosses()[0].loss.item() - (try Self.alone(second))[0]) < 1e-6)
        layer.afterOptimizerStep()
        #expect(layer.auxiliaryLosses().isEmpty)
    }

    /// Inside `countingOnly`, the losses and the bias update's loads are those of the counted
    /// tokens routed alone (routing is per token, so their decisions are the same).
    @Test func onlyCountedTokensEnterTheLossesAndLoads() throws {
        let input = try Self.tokens(6, seed: 3)
        let counted = [true, false, true, true, false, true]
        let kept = try input.indexSelect(axis: 0, indices: [0, 2, 3, 5])
        let masked = try Self.layer()
        _ = try MixtureOfExperts.countingOnly(counted) { try masked(input) }
        let expected = try Self.alone(kept), everything = try Self.alone(input)
        let losses = try masked.auxiliaryLosses().map { try $0.loss.item() }
        #expect(losses.count == 2)
        for index in losses.indices { #expect(abs(losses[index] - expected[index]) < 1e-6) }
        #expect(abs(losses[0] - everything[0]) > 1e-5, "the left-out tokens would change the loss")
        // The bias update counts the kept tokens' choices only.
        let probe = try Self.layer(.bias)
        _ = try probe(kept)
        let chosen = try #require(probe.lastRouting).chosen.flatMap { $0 }
        let counts = (0 ..< 4).map { expert in chosen.filter { $0 == expert }.count }
        let biased = try Self.layer(.bias)
        let before = biased.bias
        _ = try MixtureOfExperts.countingOnly(counted) { try biased(input) }
        biased.afterOptimizerStep()
        #expect(biased.bias == Balancing.updatedBias(before, loads: counts, rate: 0.25))
        // A mask of another length (another layer's input) counts every token.
        let other = try Self.layer()
        _ = try MixtureOfExperts.countingOnly([true, false]) { try other(input) }
        #expect(abs(try other.auxiliaryLosses()[0].loss.item() - everything[0]) < 1e-6)
    }

    @Test func theBiasUpdateCountsEveryForwardOfTheScope() throws {
        let first = try Self.tokens(4, seed: 1), second = try Self.tokens(8, seed: 2)
        let probe1 = try Self.layer(.bias), probe2 = try Self.layer(.bias)
        _ = try probe1(first)
        _ = try probe2(second)
        let chosen = try #require(probe1.lastRouting).chosen.flatMap { $0 } + (try #require(probe2.lastRouting)).chosen.flatMap { $0 }
        let counts = (0 ..< 4).map { expert in chosen.filter { $0 == expert }.count }
        let both = try Self.layer(.bias)
        let before = both.bias
        try MixtureOfExperts.accumulatingAuxiliaryLosses {
            _ = try both(first)
            _ = try both(second)
        }
        both.afterOptimizerStep()
        #expect(both.bias == Balancing.updatedBias(before, loads: counts, rate: 0.25))
    }
    /// A training step's `load` and `imbalance` metrics are the loads the bias update uses: the
    /// counted tokens of every forward in the step; after the step they describe the last forward.
    @Test func stepMetricsShowTheCountedLoadsOfTheWholeStep() throws {
        func shares(_ chosen: [Int]) -> [Double] {
            (0 ..< 4).map { expert in Double(chosen.filter { $0 == expert }.count) / Double(chosen.count) }
        }
        func metric(_ layer: MixtureOfExperts, _ name: String) throws -> MetricValue {
            try #require(layer.stepMetrics().first { $0.name == name }).value
        }
        let input = try Self.tokens(6, seed: 3), second = try Self.tokens(8, seed: 2)
        let counted = [true, false, true, true, false, true]
        let kept = try input.indexSelect(axis: 0, indices: [0, 2, 3, 5])
        let probe = try Self.layer()
        _ = try probe(kept)
        let keptChosen = try #require(probe.lastRouting).chosen.flatMap { $0 }
        _ = try probe(second)
        let secondChosen = try #require(probe.lastRouting).chosen.flatMap { $0 }

        let layer = try Self.layer()
        try MixtureOfExperts.accumulatingAuxiliaryLosses {
            _ = try MixtureOfExperts.countingOnly(counted) { try layer(input) }
            _ = try layer(second)
        }
        let expected = shares(keptChosen + secondChosen)
        let load = try #require(try metric(layer, "load").vector)
        #expect(load.count == 4 && zip(load, expected).allSatisfy { abs($0 - $1) < 1e-12 }, "\(load) vs \(expected)")
        #expect(abs(try #require(try metric(layer, "imbalance").scalar) - RoutingRecord.imbalance(expected)) < 1e-12)
        #expect(expected != shares(secondChosen), "the last forward alone would show other loads")
        layer.afterOptimizerStep()
        #expect(try metric(layer, "load").vector == (try #require(layer.lastRouting)).load)
    }
}
