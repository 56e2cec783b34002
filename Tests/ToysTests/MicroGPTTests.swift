// The micro-GPT: tokenizer, arithmetic data in R1's template, the model's shapes and names,
// cached versus uncached generation, log-probabilities, and next-token training (dense and MoE).
import Foundation
import Autograd
import NeuralNets
import Testing
import TestSupport
@testable import Toys

private func smallModel(vocabulary: Int, context: Int = 8, experts: Bool = false, positions: PositionKind = .learned,
                        seed: UInt64 = 1) throws -> MicroGPT {
    var config = MicroGPTConfig(vocabulary: vocabulary)
    config.dimensions = 16; config.layers = 2; config.heads = 2; config.context = context
    config.positions = positions; config.seed = seed
    if experts {
        var options = MicroGPTExperts()
        options.experts = 4; options.topK = 2; options.shared = 1
        config.experts = options
    }
    return try MicroGPT(config: config)
}

@Suite("Micro-GPT")
struct MicroGPTTests {
    @Test func tokenizerRoundTripsAndKeepsSpecialsWhole() throws {
        let tokenizer = try CharTokenizer(text: "ab+=")
        #expect(tokenizer.size == 4 + 5)
        #expect(tokenizer.pieces.prefix(4) == ["+", "=", "a", "b"])
        let ids = try tokenizer.encode("ab=<think>a</think><eos>")
        #expect(ids == [2, 3, 1, 4, 2, 5, 8])
        #expect(try tokenizer.decode(ids) == "ab=<think>a</think><eos>")
        #expect(throws: TensorError.self) { try tokenizer.encode("abc") }
        #expect(throws: TensorError.self) { try tokenizer.decode([9]) }
        #expect(throws: TensorError.self) { try CharTokenizer(text: "ab", specials: ["x"]) }
    }

    @Test func arithmeticWorksColumnsWithCarries() throws {
        let sum = ArithmeticProblem(a: 47, b: 38, op: "+")
        #expect(sum.prompt == "47+38=")
        #expect(sum.thought == "7+8=15,4+3+1=8")
        #expect(sum.completion(think: true) == "<think>7+8=15,4+3+1=8</think><answer>85</answer><eos>")
        #expect(sum.completion(think: false) == "<answer>85</answer><eos>")
        #expect(sum.hasCarry && !ArithmeticProblem(a: 12, b: 34, op: "+").hasCarry)
        #expect(ArithmeticProblem(a: 95, b: 7, op: "+").thought == "5+7=12,9+0+1=10")
        let difference = ArithmeticProblem(a: 32, b: 18, op: "-")
        #expect(difference.thought == "12-8=4,3-1-1=1" && difference.answer == "14" && difference.hasCarry)
        #expect(!ArithmeticProblem(a: 45, b: 11, op: "-").hasCarry)
    }

    @Test func arithmeticSetsMakeNextTokenData() throws {
        let set = try ArithmeticSet(count: 50, digits: 2, ops: "+-", think: true, seed: 3)
        #expect(set.prompts.count == 50 && set.answers.count == 50)
        for problem in set.problems { #expect(problem.result >= 0 && problem.a < 100 && problem.b < 100) }
        #expect(Set(set.problems.map(\.op)) == ["+", "-"])
        let tokenizer = try ArithmeticSet.tokenizer()
        let data = try set.dataset(tokenizer: tokenizer)
        let longest = try set.texts.map { try tokenizer.encode($0).count }.max() ?? 0
        #expect(data.inputs.shape == [50, longest - 1])
        // Targets are the inputs shifted by one.
        let values = try #require(data.values)
        #expect(Array(data.inputs.storage[1 ..< longest - 1]) == Array(values.storage[0 ..< longest - 2]))
        let again = try ArithmeticSet(count: 50, digits: 2, ops: "+-", think: true, seed: 3)
        #expect(again.texts == set.texts)
        #expect(throws: TensorError.self) { try ArithmeticSet(count: 5, ops: "*", seed: 0) }
    }

    @Test func modelHasNanoGPTNamesAndShapes() throws {
        let model = try smallModel(vocabulary: 11)
        let logits = try model(Tensor(shape: [3, 5], values: (0 ..< 15).map { Float($0 % 11) }))
        #expect(logits.shape == [3, 5, 11])
        let names = model.namedParameters().map(\.name)
        #expect(names.prefix(5) == ["wte.weight", "wpe.weight", "h.0.ln_1.weight", "h.0.attn.qkv.weight", "h.0.attn.qkv.bias"])
        #expect(names.contains("h.1.mlp.2.bias") && names.last == "lm_head.bias")
        let moe = try smallModel(vocabulary: 11, experts: true, positions: .rotary)
        #expect(moe.mixtures.count == 2)
        #expect(!moe.namedParameters().map(\.name).contains("wpe.weight"))
        // 4·16 / (top-2 + 1 shared) = 21 hidden units per expert.
        #expect(moe.config.expertHidden == 21)
        #expect(moe.activeParameterCount < moe.parameterCount)
        #expect(throws: LayerError.self) { try model(Tensor.zeros([1, 9])) }
        #expect(throws: LayerError.self) { try model(Tensor([[11]])) }
    }

    @Test func cachedAndUncachedGenerationGiveTheSameTokens() throws {
        for experts in [false, true] {
            for positions in PositionKind.allCases {
                let model = try smallModel(vocabulary: 9, context: 8, experts: experts, positions: positions)
                // 3 + 12 tokens overflow the context of 8, so the window slides too.
                for temperature: Float in [0, 1] {
                    let options = SamplingOptions(temperature: temperature, topK: temperature == 0 ? nil : 5)
                    var uncachedOptions = options
                    uncachedOptions.cached = false
                    let cached = try model.generate(prompt: [1, 2, 3], maxNew: 12, options: options, seed: 7)
                    let uncached = try model.generate(prompt: [1, 2, 3], maxNew: 12, options: uncachedOptions, seed: 7)
                    #expect(cached.count == 12)
                    #expect(cached == uncached, "experts \(experts), \(positions), T \(temperature)")
                }
            }
        }
    }

    /// A copy computes what the original computes, including an MoE model balanced by the bias,
    /// whose selection bias is state rather than a parameter; and training the original leaves
    /// the copy as it was.
    @Test func copyKeepsParametersAndSelectionBias() throws {
        var config = MicroGPTConfig(vocabulary: 9)
        config.dimensions = 16; config.layers = 2; config.heads = 2; config.context = 8; config.seed = 3
        var options = MicroGPTExperts()
        options.experts = 4; options.topK = 1; options.balance = .bias
        config.experts = options
        let model = try MicroGPT(config: config)
        model.setTraining(false)
        // A bias large enough to move every token's first choice to the last expert.
        for mixture in model.mixtures { try mixture.setBias([0, 0, 0, 50]) }
        let input = try Tensor([[1, 2, 3, 4, 5, 6]])
        let original = try model(input).storage
        let copy = try model.copy()
        #expect(copy.mixtures.map(\.bias) == model.mixtures.map(\.bias))
        #expect(allClose(try copy(input).storage, original, absolute: 1e-6))
        // Without the bias the routing, and so the logits, differ: the check above can fail.
        for mixture in copy.mixtures { try mixture.setBias([0, 0, 0, 0]) }
        #expect(!allClose(try copy(input).storage, original, absolute: 1e-4))
        // The copy's parameters are its own: changing the original's leaves the copy's output.
        for mixture in copy.mixtures { try mixture.setBias([0, 0, 0, 50]) }
        model.tokenEmbedding.weight.withUnsafeMutableValues { values in
            for index in values.indices { values[index] += 1 }
        }
        #expect(allClose(try copy(input).storage, original, absolute: 1e-6))
        #expect(!allClose(try model(input).storage, original, absolute: 1e-4))
    }

    @Test func generationIsSeededAndStops() throws {
        let model = try smallModel(vocabulary: 9)
        let first = try model.generate(prompt: [1], maxNew: 6, seed: 5)
        #expect(first == (try model.generate(prompt: [1], maxNew: 6, seed: 5)))
        let stopped = try model.generate(prompt: [1], maxNew: 50, options: SamplingOptions(temperature: 1, stop: first[0]), seed: 5)
        #expect(stopped == [first[0]])
        #expect(throws: TensorError.self) { try model.generate(prompt: [], maxNew: 3, seed: 0) }
        #expect(throws: TensorError.self) { try model.generate(prompt: [1], maxNew: 3, options: SamplingOptions(topK: 0), seed: 0) }
    }

    /// logprobs picks log-softmax(logits)[position, token] at each completion position.
    @Test func logprobsMatchTheLogits() throws {
        let model = try smallModel(vocabulary: 9)
        let prompt = [1, 2, 3], completion = [4, 0, 8]
        let values = try model.logprobs(prompt: prompt, completion: completion)
        #expect(values.shape == [3])
        let logits = try model(Tensor([[1, 2, 3, 4, 0]]))                                   // (1, 5, 9)
        let rows = try logits.reshape([5, 9]).logSoftmax(axis: -1).storage
        #expect(allClose(values.storage, [rows[2 * 9 + 4], rows[3 * 9 + 0], rows[4 * 9 + 8]], absolute: 1e-5))
        try values.sum().backward()
        #expect(model.tokenEmbedding.weight.grad != nil)
        #expect(throws: TensorError.self) { try model.logprobs(prompt: [1], completion: [Int](repeating: 1, count: 9)) }
    }

    @Test func nextTokenTrainingLearnsAPattern() throws {
        // "abcd" repeated: after training, the model predicts the next letter almost surely.
        let tokenizer = try CharTokenizer(text: "abcd", specials: [])
        let tokens = try tokenizer.encode(String(repeating: "abcd", count: 30))
        let data = try TextWindows.dataset(tokens: tokens, context: 8, stride: 1)
        for experts in [false, true] {
            let model = try smallModel(vocabulary: 4, experts: experts)
            let trainer = try Trainer(model: model, objective: SupervisedObjective(data: data, loss: .nextToken, batchSize: 16, seed: 0),
                                      optimizer: Adam(parameters: model.parameters(), learningRate: 0.01))
            try trainer.run(steps: 60)
            let losses = trainer.history.loss
            #expect(losses[0] > 1.0 && (losses.last ?? 9) < 0.1, "experts \(experts): \(losses.first ?? 0) → \(losses.last ?? 0)")
            if experts { #expect(trainer.history.names.contains("aux")) }
            let continuation = try model.generate(prompt: tokenizer.encode("abca"), maxNew: 4, options: SamplingOptions(temperature: 0), seed: 0)
            #expect(try tokenizer.decode(continuation) == "bcda")
        }
    }
}
