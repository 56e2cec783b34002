// The formulas of science.md §C pinned: group advantages, the zero gradient of an all-equal
// group, k3, the clipped surrogate and its gradient, the three loss normalisations, and μ = 1's
// "loss ≈ 0, gradient ≠ 0".
import Autograd
import Foundation
import NeuralNets
import TestSupport
import Toys
import Testing

@Suite struct RewardsMathTests {
    @Test func advantagesSumToZeroPerGroupAndMatchHandValues() {
        let rewards: [Double] = [2, 0, 1, 1, /* group 2 */ 1, 1, 1, 0]
        let advantages = PolicyGradientMath.groupAdvantages(rewards, groupSize: 4, scale: .std)
        for group in 0 ..< 2 {
            #expect(abs((advantages[group * 4 ..< group * 4 + 4].reduce(0, +)) - (0)) <= 1e-12)
        }
        // Group 1: mean 1, Bessel std sqrt(2/3) = 0.816497; (2 − 1)/(0.816497 + 1e-4) = 1.224587.
        #expect(abs((advantages[0]) - (1 / (0.8164965809277260 + 1e-4))) <= 1e-9)
        // Group 2 (§C.7's [1,1,1,0]): mean 0.75, Bessel std 0.5: +0.25/0.5001, −0.75/0.5001.
        #expect(abs((advantages[4]) - (0.25 / 0.5001)) <= 1e-9)
        #expect(abs((advantages[7]) - (-0.75 / 0.5001)) <= 1e-9)
        let unscaled = PolicyGradientMath.groupAdvantages(rewards, groupSize: 4, scale: .none)
        #expect(unscaled == [1, -1, 0, 0, 0.25, 0.25, 0.25, -0.75])
        #expect(abs((PolicyGradientMath.zeroStdShare([1, 1, 0, 1, 2, 2], groupSize: 2)) - (2.0 / 3.0)) <= 1e-12)
    }

    @Test func allEqualGroupsGiveExactlyZeroAdvantageAndGradient() throws {
        #expect(PolicyGradientMath.groupAdvantages([0.1, 0.1, 0.1], groupSize: 3, scale: .std) == [0, 0, 0])
        let task = try AdditionTask()
        let policy = try MLPPolicy(task: task, hidden: 16, seed: 1)
        // A constant reward: every group is all-equal, so nothing may move.
        var config = GRPOConfig()
        config.prompts = 4
        config.seed = 3
        let objective = try GRPOObjective(policy: policy, task: task, reward: .custom(name: "constant") { _ in 0.7 }, config: config)
        let result = try objective.loss(model: policy.module, step: 1)
        try result.loss.backward()
        for (name, tensor) in policy.module.namedParameters() {
            let gradient = tensor.grad?.storage ?? []
            #expect(gradient.allSatisfy { $0 == 0 }, "\(name) has a non-zero gradient from all-equal groups")
        }
        #expect(result.metrics.first { $0.name == "zero_std" }?.value.scalar == 1)
    }

    @Test func k3IsZeroAtTheReferenceAndNonNegativeElsewhere() throws {
        var generator = SeededGenerator(seed: 5)
        let logp = try Tensor.normal([64], generator: &generator)
        #expect(try PolicyGradientMath.k3(logProbabilities: logp, reference: logp).storage == [Float](repeating: 0, count: 64))
        let reference = try Tensor.normal([64], standardDeviation: 2, generator: &generator)
        let kl = try PolicyGradientMath.k3(logProbabilities: logp, reference: reference)
        #expect(kl.storage.allSatisfy { $0 >= 0 })
        #expect(kl.storage.contains { $0 > 0.1 })
        // k3 at d = ref − logp = 1: e − 1 − 1 = 0.7182818.
        let one = try PolicyGradientMath.k3(logProbabilities: Tensor([0]), reference: Tensor([1]))
        #expect(abs((one.storage[0]) - (Float(M_E - 2))) <= 1e-6)
    }

    /// Surrogate and its gradient for one token with log-ratio `logRatio` and advantage `advantage`.
    private func surrogate(logRatio: Float, advantage: Float, epsilon: Float = 0.2) throws -> (value: Float, gradient: Float) {
        let logp = try Tensor([logRatio], requiresGrad: true)
        let value = try PolicyGradientMath.clippedSurrogate(logProbabilities: logp, old: Tensor([0]), advantages: Tensor([advantage]),
                                                           epsilon: epsilon)
        try value.sum().backward()
        return (value.storage[0], logp.grad?.storage[0] ?? 0)
    }

    @Test func clippedObjectiveEqualsUnclippedInsideAndHasNoGradientOutsideOnTheClippedSide() throws {
        for ratio: Float in [0.85, 1, 1.1, 1.19] {
            for advantage: Float in [-1.5, 0.7] {
                let (value, gradient) = try surrogate(logRatio: Foundation.log(ratio), advantage: advantage)
                #expect(abs((value) - (ratio * advantage)) <= 1e-5, "inside: ρ·A")
                #expect(abs((gradient) - (ratio * advantage)) <= 1e-5, "inside: d(ρA)/dlogp = ρA")
            }
        }
        // Clipped side: ρ > 1 + ε with A > 0, and ρ < 1 − ε with A < 0: value (1 ± ε)·A, gradient exactly 0.
        let high = try surrogate(logRatio: Foundation.log(1.5), advantage: 2)
        #expect(abs((high.value) - (1.2 * 2)) <= 1e-5)
        #expect(high.gradient == 0)
        let low = try surrogate(logRatio: Foundation.log(0.5), advantage: -1)
        #expect(abs((low.value) - (0.8 * -1)) <= 1e-5)
        #expect(low.gradient == 0)
        // The other side stays unclipped (the pessimistic bound): ρ = 0.5, A = +1 keeps ρ·A and its gradient.
        let open = try surrogate(logRatio: Foundation.log(0.5), advantage: 1)
        #expect(abs((open.value) - (0.5)) <= 1e-5)
        #expect(abs((open.gradient) - (0.5)) <= 1e-5)
    }

    @Test func lossNormalisationsMatchHandValues() throws {
        // Two completions of width 3: the first 3 tokens long, the second 1; per-token terms l.
        let mask: [Float] = [1, 1, 1, 1, 0, 0]
        let terms: [Float] = [0.3, -0.6, 0.9, 2.0, 5.0, 7.0]    // masked terms must not count
        func loss(_ normalisation: LossNormalisation) -> Float {
            let weights = PolicyGradientMath.tokenWeights(mask: mask, width: 3, normalisation: normalisation)
            return -zip(weights, terms).reduce(0) { $0 + $1.0 * $1.1 }
        }
        // grpo: −(1/2)·((0.3 − 0.6 + 0.9)/3 + 2.0/1) = −(1/2)·(0.2 + 2) = −1.1
        #expect(abs((loss(.grpo)) - (-1.1)) <= 1e-6)
        // dapo: −(0.3 − 0.6 + 0.9 + 2.0)/4 = −0.65
        #expect(abs((loss(.dapo)) - (-0.65)) <= 1e-6)
        // dr_grpo: −(2.6)/(2 · 3) = −0.433333
        #expect(abs((loss(.drGRPO)) - (-2.6 / 6)) <= 1e-6)
    }

    @Test func withOneUpdateTheLossIsAboutZeroButTheGradientIsNot() throws {
        let task = try AdditionTask()
        let policy = try MLPPolicy(task: task, hidden: 16, seed: 2)
        var config = GRPOConfig()
        config.seed = 4
        let objective = try GRPOObjective(policy: policy, task: task, config: config)
        let result = try objective.loss(model: policy.module, step: 1)
        // Ratio 1 and advantages summing to 0 per group: the loss is 0 up to rounding.
        #expect(try abs((Double(result.loss.item())) - (0)) <= 1e-5)
        try result.loss.backward()
        let norm = policy.module.parameters().reduce(Float(0)) { $0 + ($1.grad?.storage ?? []).reduce(0) { $0 + $1 * $1 } }
        #expect(norm > 1e-4, "the gradient is not zero")
    }

    @Test func dynamicSamplingKeepsOnlyGroupsWithSpread() throws {
        let task = try AdditionTask()
        let policy = try MLPPolicy(task: task, hidden: 16, seed: 2)
        var config = GRPOConfig()
        config.dynamicSampling = true
        config.seed = 9
        let objective = try GRPOObjective(policy: policy, task: task, config: config)
        let batch = try objective.drawBatch()
        #expect(batch.groupsDrawn > batch.groupCount, "some groups were dropped and replaced")
        for group in 0 ..< batch.groupCount {
            #expect(!(PolicyGradientMath.isZeroStd(batch.rewards[batch.rows(ofGroup: group)])), "group \(group) has no spread")
        }
    }
}
