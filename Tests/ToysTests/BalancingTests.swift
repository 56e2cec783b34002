// Balancing formulas pinned against numpy (same scores as GateTests):
//   f = bincount(top2 idx)/6; P = p.mean(0); 0.01 * 4 * (f * P).sum()            = 0.010070377216
//   sigmoid: s' = a / a.sum(1); same with the sigmoid top-2                       = 0.010243719233
//   z: lse = log(exp(s).sum(1)); 0.001 * (lse**2).mean()                          = 0.004849400287
// Bias update by hand: loads [5, 1, 2, 0], mean 2, c̄ − c = [−3, 1, 0, 2], γ = 0.001.
import Autograd
import Testing
import TestSupport
@testable import Toys

private let scores: [[Float]] = [[1, 2, 0.5, -1], [0.2, -0.3, 0.8, 0.1], [0, 0, 1.5, 1.4]]

@Test func switchLossMatchesNumpy() throws {
    let decision = try Gate.route(scores: Tensor(scores), function: .softmax, k: 2, bias: nil)
    let loss = try Balancing.switchLoss(gateValues: decision.gateValues, chosen: decision.chosen, gate: .softmax, weight: 0.01)
    #expect(isClose(try loss.item(), 0.010070377, absolute: 1e-8))
}

@Test func switchLossWithSigmoidNormalisesTheAffinities() throws {
    let decision = try Gate.route(scores: Tensor(scores), function: .sigmoid, k: 2, bias: nil)
    let loss = try Balancing.switchLoss(gateValues: decision.gateValues, chosen: decision.chosen, gate: .sigmoid, weight: 0.01)
    #expect(isClose(try loss.item(), 0.010243719, absolute: 1e-8))
}

@Test func switchLossIsAlphaAtUniformLoad() throws {
    // Equal logits: P = 1/N; chosen spread evenly: f = 1/N → α·N·N·(1/N²) = α.
    let gateValues = try Gate.gateValues(scores: Tensor.zeros([4, 4]), function: .softmax)
    let loss = try Balancing.switchLoss(gateValues: gateValues, chosen: [0, 1, 2, 3, 0, 1, 2, 3], gate: .softmax, weight: 0.5)
    #expect(isClose(try loss.item(), 0.5, absolute: 1e-6))
}

@Test func switchLossGradientFlowsOnlyThroughTheMeanProbability() throws {
    let logits = try Tensor(scores).detach()
    logits.requiresGrad = true
    let chosen = Gate.select(gateValues: try logits.softmax().storage, tokens: 3, experts: 4, k: 2)
    let mismatches = try GradientChecker.check([logits]) { inputs in
        try Balancing.switchLoss(gateValues: inputs[0].softmax(), chosen: chosen, gate: .softmax, weight: 0.3)
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(3))")
}

@Test func zLossMatchesNumpy() throws {
    let loss = try Balancing.zLoss(scores: Tensor(scores), weight: 0.001)
    #expect(isClose(try loss.item(), 0.0048494003, absolute: 1e-8))
}

@Test func biasUpdateMovesTowardBalanceByTheRate() {
    let updated = Balancing.updatedBias([0, 0.01, -0.02, 0], loads: [5, 1, 2, 0], rate: 0.001)
    // overloaded expert 0 loses γ, underloaded 1 and 3 gain γ, expert 2 at the mean stays.
    #expect(allClose(updated, [-0.001, 0.011, -0.02, 0.001], absolute: 1e-8), "\(updated)")
}

/// A fixed router that strongly prefers expert 0: the bias alone must spread the load.
private func imbalanceAfterBiasUpdates(sign: Float, steps: Int) throws -> Double {
    var generator = SeededGenerator(seed: 3)
    let logits = try Tensor.normal([128, 4], generator: &generator) + (try Tensor([[2, 0, 0, 0]]))
    let gate = try logits.softmax().storage
    var bias: [Float] = [0, 0, 0, 0]
    var chosen: [Int] = []
    for _ in 0 ..< steps {
        chosen = Gate.select(gateValues: gate, tokens: 128, experts: 4, k: 1, bias: bias)
        // sign +1 is the rule; −1 flips it to b + γ·sign(c − c̄), the bug science.md §A.8 warns about.
        let loads = Balancing.counts(chosen, experts: 4)
        let correct = Balancing.updatedBias([0, 0, 0, 0], loads: loads, rate: 0.01)
        bias = zip(bias, correct).map { $0 + sign * $1 }
    }
    let counts = Balancing.counts(chosen, experts: 4).map(Double.init)
    return RoutingRecord.imbalance(counts)
}

@Test func correctBiasSignBalancesAndTheWrongSignDoesNot() throws {
    let start = try imbalanceAfterBiasUpdates(sign: 1, steps: 1)
    let correct = try imbalanceAfterBiasUpdates(sign: 1, steps: 300)
    let wrong = try imbalanceAfterBiasUpdates(sign: -1, steps: 300)
    #expect(start > 2, "the fixed router starts imbalanced: \(start)")
    #expect(correct < 1.2, "correct sign: \(correct)")
    #expect(wrong > start, "the wrong sign must make it worse: \(wrong) vs start \(start)")
}
