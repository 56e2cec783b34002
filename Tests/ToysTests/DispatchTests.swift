// Dispatch and the whole layer: equal to a dense per-token reference, gradients against finite
// differences (router included), capacity dropping, determinism.
import Autograd
import NeuralNets
import Testing
import TestSupport
@testable import Toys

private func smallLayer(gate: GateFunction = .softmax, k: Int = 2, shared: Int = 0, capacity: Float? = nil,
                        balancing: BalancingMethod = .none, seed: UInt64 = 5) throws -> MixtureOfExperts {
    var config = MixtureOfExpertsConfig(dimensions: 3)
    config.expertCount = 4
    config.topK = k
    config.hiddenDimensions = 5
    config.sharedExpertCount = shared
    config.gate = gate
    config.capacityFactor = capacity
    config.balancing = balancing
    config.seed = seed
    return try MixtureOfExperts(config: config)
}

/// y_t = Σ_j w_tj · E_{e_tj}(x_t) (+ shared(x_t)), one token at a time, from the layer's own routing.
private func denseReference(_ layer: MixtureOfExperts, _ input: Tensor) throws -> [Float] {
    let tokens = input.shape[0], width = input.shape[1], k = layer.config.topK
    let decision = try Gate.route(scores: layer.router(input), function: layer.config.gate, k: k,
                                  bias: layer.config.balancing == .bias ? layer.bias : nil)
    var output: [Float] = []
    for token in 0 ..< tokens {
        let row = try input.slice(axis: 0, start: token, end: token + 1)
        var sum = [Float](repeating: 0, count: width)
        for rank in 0 ..< k {
            let expertOutput = try layer.experts[decision.chosen[token * k + rank]](row).storage
            let weight = decision.weights.storage[token * k + rank]
            for index in 0 ..< width { sum[index] += weight * expertOutput[index] }
        }
        for shared in layer.sharedExperts {
            let values = try shared(row).storage
            for index in 0 ..< width { sum[index] += values[index] }
        }
        output += sum
    }
    return output
}

@Test(arguments: [(GateFunction.softmax, 2, 0), (.sigmoid, 2, 1), (.softmax, 1, 0), (.sigmoid, 3, 2)])
func dispatchEqualsDensePerTokenReference(gate: GateFunction, k: Int, shared: Int) throws {
    let layer = try smallLayer(gate: gate, k: k, shared: shared)
    var generator = SeededGenerator(seed: 11)
    let input = try Tensor.normal([17, 3], generator: &generator)
    let output = try layer(input)
    let expected = try denseReference(layer, input)
    #expect(allClose(output, shape: [17, 3], expected, absolute: 1e-5), "max diff \(largestDifference(output.storage, expected))")
}

@Test func layerAcceptsLeadingDimensions() throws {
    let layer = try smallLayer()
    var generator = SeededGenerator(seed: 2)
    let input = try Tensor.normal([2, 5, 3], generator: &generator)
    let output = try layer(input)
    let flat = try layer(input.reshape([10, 3]))
    #expect(output.shape == [2, 5, 3])
    #expect(output.storage == flat.storage)
    #expect(throws: TensorError.self) { try layer(Tensor.zeros([4, 2])) }
}

@Test(arguments: GateFunction.allCases)
func layerGradientsMatchFiniteDifferences(gate: GateFunction) throws {
    let layer = try smallLayer(gate: gate, k: 2, shared: 1)
    // The selection is piecewise constant; take an input whose tokens are all ≥ 0.01 from a routing
    // tie, so no ±ε probe flips a choice and the finite difference measures the smooth function.
    let input = try inputAwayFromTies(layer, gate: gate)
    let inputs = [input] + layer.parameters()
    let mismatches = try GradientChecker.check(inputs) { _ in
        // Sum of the output plus the Switch loss, so the router receives both gradients.
        let output = try layer(input)
        let decision = try Gate.route(scores: layer.router(input), function: gate, k: 2, bias: nil)
        let aux = try Balancing.switchLoss(gateValues: decision.gateValues, chosen: decision.chosen, gate: gate, weight: 1)
        return try output.sum() + aux
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(4))")
    #expect(layer.router.weight.grad.map { $0.storage.contains { $0 != 0 } } == true, "the router must get a gradient")
}

@Test func capacityDropsAssignmentsFirstComeFirstServed() {
    // 4 tokens, top-1, all to expert 0; capacity ⌈1.0 · 4 · 1 / 2⌉ = 2 keeps tokens 0 and 1.
    let capacity = Dispatch.capacity(factor: 1, tokens: 4, k: 1, experts: 2)
    #expect(capacity == 2)
    let plan = Dispatch.plan(chosen: [0, 0, 0, 0], tokens: 4, k: 1, experts: 2, capacity: capacity)
    #expect(plan.assignmentsByExpert == [[0, 1], []])
    #expect(plan.dropped == 2)
    // Top-2: all first choices are placed before any second choice (GShard order).
    let topTwo = Dispatch.plan(chosen: [0, 1, 0, 1, 0, 1], tokens: 3, k: 2, experts: 2, capacity: 2)
    #expect(topTwo.assignmentsByExpert == [[0, 2], [1, 3]])
    #expect(topTwo.dropped == 2)
}

@Test func droppedTokensContributeNothingAndAreCounted() throws {
    let layer = try smallLayer(k: 1, capacity: 0.25)
    var generator = SeededGenerator(seed: 4)
    let input = try Tensor.normal([16, 3], generator: &generator)
    let output = try layer(input)
    let record = try #require(layer.lastRouting)
    // capacity ⌈0.25 · 16 / 4⌉ = 1 slot per expert: at most 4 tokens are served.
    #expect(record.dropped == 16 - Set(record.chosen.map { $0[0] }).count)
    let zeroRows = (0 ..< 16).filter { row in output.storage[(row * 3) ..< (row * 3 + 3)].allSatisfy { $0 == 0 } }
    #expect(zeroRows.count == record.dropped)
}

@Test func sameSeedSameBitsDifferentSeedDifferentWeights() throws {
    let first = try smallLayer(seed: 9), second = try smallLayer(seed: 9), third = try smallLayer(seed: 10)
    #expect(first.parameters().map(\.storage) == second.parameters().map(\.storage))
    #expect(first.parameters().map(\.storage) != third.parameters().map(\.storage))
}

@Test func parameterCountsFollowTheFormula() throws {
    let layer = try smallLayer(k: 2, shared: 1)
    // router 3·4 = 12 (no bias, as Switch/Mixtral/V3); expert 3·5+5 + 5·3+3 = 38;
    // total 12 + 4·38 + 38; active 12 + 2·38 + 38.
    #expect(layer.parameterCount == 12 + 5 * 38)
    #expect(layer.activeParameterCount == 12 + 3 * 38)
}

@Test func explanationAddsUpToTheLayerOutput() throws {
    let layer = try smallLayer(gate: .sigmoid, k: 2, shared: 1)
    let row = try Tensor([0.3, -1.2, 0.8])
    let explanation = try layer.explain(row)
    let output = try layer(row.reshape([1, 3]))
    #expect(allClose(explanation.output, output.storage, absolute: 1e-6))
    #expect(isClose(explanation.weights.reduce(0, +), 1, absolute: 1e-6))
    #expect(explanation.chosen.count == 2 && explanation.expertOutputs.count == 2)
    #expect(explanation.description.contains("parameters run: \(layer.activeParameterCount) of \(layer.parameterCount)"))
}

@Test func routingRecordReportsLoadImbalanceAndEntropy() throws {
    let layer = try smallLayer()
    var generator = SeededGenerator(seed: 8)
    let record = try layer.route(Tensor.normal([40, 3], generator: &generator))
    #expect(record.tokenCount == 40 && record.chosen.allSatisfy { $0.count == 2 })
    #expect(isClose(record.load.reduce(0, +), 1, absolute: 1e-9))
    #expect(isClose(record.imbalance, record.load.max()! * 4, absolute: 1e-9))
    // Uniform rows have entropy log N; one-hot rows have 0.
    #expect(isClose(RoutingRecord.meanEntropy([[0.25, 0.25, 0.25, 0.25]]), 1.3862944, absolute: 1e-6))
    #expect(RoutingRecord.meanEntropy([[1, 0, 0, 0]]) == 0)
    #expect(record.entropy > 0 && record.entropy <= 1.3862944 + 1e-9)
}

@Test func expertGeluIsTheTanhFormWithinHalfAThousandthOfErf() throws {
    // python3: 0.5 x (1 + tanh(0.7978845608 (x + 0.044715 x³))) and the exact 0.5 x (1 + erf(x / √2)).
    let x = try Tensor([-2, -0.5, 0, 1, 3])
    let tanhForm: [Float] = [-0.04540231, -0.15428599, 0, 0.84119199, 2.99636261]
    let exact: [Float] = [-0.04550026, -0.15426877, 0, 0.84134475, 2.99595031]
    let values = Expert.gelu(x)
    #expect(allClose(values.storage, tanhForm, absolute: 2e-5), "\(values.storage)")
    #expect(allClose(values.storage, exact, absolute: 5e-4))
}

/// The first of inputs [6, 3] drawn from seeds 23, 24, … whose every token has its k-th and
/// (k+1)-th gate values at least 0.01 apart (k = 2).
func inputAwayFromTies(_ layer: MixtureOfExperts, gate: GateFunction) throws -> Tensor {
    for seed in UInt64(23) ..< 200 {
        var generator = SeededGenerator(seed: seed)
        let input = try Tensor.normal([6, 3], generator: &generator, requiresGrad: true)
        let margins = try Gate.gateValues(scores: layer.router(input), function: gate).storage
        let experts = layer.config.expertCount
        let clear = (0 ..< 6).allSatisfy { token in
            let sorted = margins[(token * experts) ..< (token * experts + experts)].sorted(by: >)
            return sorted[1] - sorted[2] > 0.01
        }
        if clear { return input }
    }
    throw TensorError.invalidArgument(op: "test", reason: "no input away from routing ties")
}
