// Gate steps pinned against numpy (python3 -c, float64, printed to 8+ digits):
//   s = [[1, 2, .5, -1], [.2, -.3, .8, .1], [0, 0, 1.5, 1.4]]
//   p = exp(s)/sum; idx = argsort(-p, stable)[:, :2]; w = take(p, idx); w / w.sum(1)
//   a = 1/(1+exp(-s)); same for the sigmoid gate.
import Autograd
import Testing
import TestSupport
@testable import Toys

private let scores: [[Float]] = [[1, 2, 0.5, -1], [0.2, -0.3, 0.8, 0.1], [0, 0, 1.5, 1.4]]

@Test func softmaxGateValuesMatchNumpy() throws {
    let values = try Gate.gateValues(scores: Tensor(scores), function: .softmax)
    let expected: [Float] = [0.22420782, 0.60946004, 0.13598892, 0.03034323,
                             0.23076105, 0.13996365, 0.42047406, 0.20880124,
                             0.09490467, 0.09490467, 0.42533323, 0.38485742]
    #expect(allClose(values, shape: [3, 4], expected, absolute: 1e-6), "\(values.storage)")
}

@Test func softmaxTopTwoIsRenormalisedOverTheChosen() throws {
    let decision = try Gate.route(scores: Tensor(scores), function: .softmax, k: 2, bias: nil)
    #expect(decision.chosen == [1, 0, 2, 0, 2, 3])
    let expected: [Float] = [0.73105858, 0.26894142, 0.64565631, 0.35434369, 0.52497919, 0.47502081]
    #expect(allClose(decision.weights, shape: [3, 2], expected, absolute: 1e-6), "\(decision.weights.storage)")
}

@Test func sigmoidTopTwoIsNormalisedAmongTheSelected() throws {
    let decision = try Gate.route(scores: Tensor(scores), function: .sigmoid, k: 2, bias: nil)
    #expect(allClose(decision.gateValues.storage.prefix(4).map { $0 }, [0.73105858, 0.88079708, 0.62245933, 0.26894142],
                     absolute: 1e-6))
    #expect(decision.chosen == [1, 0, 2, 0, 2, 3])
    let expected: [Float] = [0.5464491, 0.4535509, 0.55651699, 0.44348301, 0.50475089, 0.49524911]
    #expect(allClose(decision.weights, shape: [3, 2], expected, absolute: 1e-6), "\(decision.weights.storage)")
}

@Test func topOneKeepsTheRawGateValueAsInSwitch() throws {
    let decision = try Gate.route(scores: Tensor(scores), function: .softmax, k: 1, bias: nil)
    #expect(decision.chosen == [1, 2, 2])
    #expect(allClose(decision.weights, shape: [3, 1], [0.60946004, 0.42047406, 0.42533323], absolute: 1e-6))
}

@Test func selectionBreaksTiesTowardTheLowerExpert() {
    // Token 2 of the sigmoid/softmax values above has experts 0 and 1 tied; force them to the top.
    let chosen = Gate.select(gateValues: [0.5, 0.5, 0.1, 0.2], tokens: 1, experts: 4, k: 3)
    #expect(chosen == [0, 1, 3])
}

@Test func biasChangesTheChoiceButNeverTheGateValuesOfTheChosen() throws {
    // Token 0 prefers experts 1, 0; a bias of +0.5 on expert 2 makes it choose 2 (biased 0.64 softmax,
    // 1.12 sigmoid), then 1.
    let bias: [Float] = [0, 0, 0.5, 0]
    for function in GateFunction.allCases {
        let plain = try Gate.route(scores: Tensor(scores), function: function, k: 2, bias: nil)
        let biased = try Gate.route(scores: Tensor(scores), function: function, k: 2, bias: bias)
        let gate = biased.gateValues.storage
        #expect(biased.gateValues.storage == plain.gateValues.storage, "the bias must not touch the gate values")
        #expect(biased.chosen[0 ..< 2] == [2, 1], "\(function): \(biased.chosen)")
        // The weights are the UNBIASED gate values of the chosen experts, renormalised.
        for token in 0 ..< 3 {
            let chosen = Array(biased.chosen[(token * 2) ..< (token * 2 + 2)])
            let raw = chosen.map { gate[token * 4 + $0] }
            let expected = raw.map { $0 / raw.reduce(0, +) }
            let actual = Array(biased.weights.storage[(token * 2) ..< (token * 2 + 2)])
            #expect(allClose(actual, expected, absolute: 1e-6), "\(function) token \(token): \(actual) vs \(expected)")
        }
    }
}

@Test func randomBiasesNeverChangeTheWeightsWhenTheChoiceIsTheSame() throws {
    var generator = SeededGenerator(seed: 7)
    let logits = try Tensor.normal([32, 6], generator: &generator)
    for function in GateFunction.allCases {
        let plain = try Gate.route(scores: logits, function: function, k: 2, bias: nil)
        for _ in 0 ..< 20 {
            let bias = (0 ..< 6).map { _ in (generator.nextUnitFloat() - 0.5) * 0.2 }
            let biased = try Gate.route(scores: logits, function: function, k: 2, bias: bias)
            for token in 0 ..< 32 where Set(plain.chosen[(token * 2) ..< (token * 2 + 2)]) == Set(biased.chosen[(token * 2) ..< (token * 2 + 2)]) {
                // Same experts chosen ⇒ identical weight per expert (bitwise: same inputs, same arithmetic).
                for rank in 0 ..< 2 {
                    let expert = biased.chosen[token * 2 + rank]
                    let plainRank = plain.chosen[(token * 2) ..< (token * 2 + 2)].firstIndex(of: expert)! - token * 2
                    #expect(biased.weights.storage[token * 2 + rank] == plain.weights.storage[token * 2 + plainRank])
                }
            }
        }
    }
}
