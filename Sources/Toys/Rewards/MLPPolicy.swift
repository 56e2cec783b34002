// The toy policy of science.md §D.3: a free vector of format logits (one per `AnswerFormat`
// token) and an MLP on the question's one-hot code giving the answer logits, its output layer
// starting at zero so every answer starts equally likely. A completion is two tokens:
// [format token, answer token], drawn independently given the question.
import Autograd
import Foundation
import NeuralNets

/// The parameters of the MLP policy as a module: `format` [5], `hidden` (inputs → hidden),
/// `out` (hidden → answers). Called on question codes [n, inputs] it gives answer logits [n, answers].
public struct PolicyNetwork: Module {
    /// [AnswerFormat.count] free logits of the format token.
    public let format: Tensor
    /// inputs → hidden, tanh after it.
    public let hidden: Linear
    /// hidden → answers, zero at the start.
    public let out: Linear

    public func ownParameters() -> [(name: String, tensor: Tensor)] { [("format", format)] }
    public func children() -> [(name: String, module: any Module)] { [("hidden", hidden), ("out", out)] }
    public var layerDescription: String { "policy(\(hidden.inputDimensions) → \(hidden.outputDimensions) → \(out.outputDimensions))" }

    /// Question codes [n, inputs] -> answer logits [n, answers].
    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try forward(child: "out", out, try forward(child: "hidden", hidden, input).tanh())
    }
}

/// `mlp_policy(task, hidden=64, seed=)`.
public final class MLPPolicy: Policy {
    /// The task whose answers the policy gives.
    public let task: any TokenAnswerTask
    /// The parameters.
    public let network: PolicyNetwork

    /// Hidden layer with PyTorch's default init from `seed`; format logits and the output layer at zero.
    public init(task: any TokenAnswerTask, hidden: Int = 64, seed: UInt64 = 0) throws {
        guard hidden >= 1 else { throw TensorError.invalidArgument(op: "mlp_policy", reason: "hidden = \(hidden) must be at least 1") }
        var generator = SeededGenerator(seed: seed)
        self.task = task
        network = PolicyNetwork(
            format: try Tensor.zeros([AnswerFormat.count], requiresGrad: true),
            hidden: try Linear(inputDimensions: task.inputDimensions, outputDimensions: hidden, generator: &generator),
            out: Linear(weight: try Tensor.zeros([task.answerCount, hidden], requiresGrad: true),
                        bias: try Tensor.zeros([task.answerCount], requiresGrad: true)))
    }

    private init(task: any TokenAnswerTask, network: PolicyNetwork) {
        self.task = task
        self.network = network
    }

    public var module: any Module { network }
    public var summary: String { "mlp_policy(\(task.summary), hidden=\(network.hidden.outputDimensions))" }
    public var hasVariableLength: Bool { false }

    /// Question codes [n, inputs].
    private func codes(_ questions: [Question]) throws -> Tensor {
        try Tensor(shape: [questions.count, task.inputDimensions], values: questions.flatMap { task.features($0) })
    }

    // MARK: - Probabilities

    /// The answer probabilities for each question at `temperature` (rows sum to 1).
    public func answerProbabilities(_ questions: [Question], temperature: Float = 1) throws -> [[Double]] {
        let logits = try withNoGrad { try network(try codes(questions)) }          // (q, answers)
        let width = task.answerCount
        return (0 ..< questions.count).map { row in
            MLPPolicy.softmax(Array(logits.storage[row * width ..< (row + 1) * width]), temperature: temperature)
        }
    }

    /// The format-token probabilities at `temperature`.
    public func formatProbabilities(temperature: Float = 1) -> [Double] {
        MLPPolicy.softmax(network.format.storage, temperature: temperature)
    }

    static func softmax(_ logits: [Float], temperature: Float) -> [Double] {
        let scaled = logits.map { Double($0) / Double(temperature) }
        let top = scaled.max() ?? 0
        let exps = scaled.map { Foundation.exp($0 - top) }
        let total = exps.reduce(0, +)
        return exps.map { $0 / total }
    }

    // MARK: - Policy

    public func sample(_ questions: [Question], perQuestion: Int, temperature: Float,
                       generator: inout SeededGenerator) throws -> Completions {
        guard perQuestion >= 1 else { throw TensorError.invalidArgument(op: "sample", reason: "n = \(perQuestion) must be at least 1") }
        guard temperature > 0, temperature.isFinite else {
            throw TensorError.invalidArgument(op: "sample", reason: "temperature = \(temperature) must be positive")
        }
        let answers = try answerProbabilities(questions, temperature: temperature)
        let formats = formatProbabilities(temperature: temperature)
        var rows: [Question] = [], tokens: [Int] = [], logProbabilities: [Float] = []
        rows.reserveCapacity(questions.count * perQuestion)
        for (index, question) in questions.enumerated() {
            for _ in 0 ..< perQuestion {
                let format = MLPPolicy.draw(formats, &generator)
                let answer = MLPPolicy.draw(answers[index], &generator)
                rows.append(question)
                tokens += [format, answer]
                logProbabilities += [Float(Foundation.log(formats[format])), Float(Foundation.log(answers[index][answer]))]
            }
        }
        return Completions(questions: rows, width: 2, tokens: tokens, mask: [Float](repeating: 1, count: tokens.count),
                           logProbabilities: logProbabilities)
    }

    /// An index drawn with the given probabilities (inverse CDF of one uniform number).
    static func draw(_ probabilities: [Double], _ generator: inout SeededGenerator) -> Int {
        let u = generator.nextUnitDouble()
        var cumulative = 0.0, index = 0
        while index < probabilities.count - 1 {
            cumulative += probabilities[index]
            if u < cumulative { return index }
            index += 1
        }
        return probabilities.count - 1
    }

    public func logProbabilities(of completions: Completions, temperature: Float) throws -> TokenLogProbabilities {
        guard completions.width == 2 else {
            throw TensorError.invalidArgument(op: "log_prob", reason: "an mlp policy's completions are 2 tokens, got \(completions.width)")
        }
        let n = completions.count
        let formatTokens = (0 ..< n).map { completions.tokens[2 * $0] }
        let answerTokens = (0 ..< n).map { completions.tokens[2 * $0 + 1] }
        if let bad = formatTokens.first(where: { !(0 ..< AnswerFormat.count).contains($0) }) ?? answerTokens.first(where: { !(0 ..< task.answerCount).contains($0) }) {
            throw TensorError.invalidArgument(op: "log_prob", reason: "token \(bad) is not one this policy can write")
        }
        // The answer distribution depends only on the question, and a group's rows share one: run
        // the MLP once per distinct question (8× fewer rows for G = 8) and pick each row's token
        // from its question's row.
        var uniqueRow: [Question: Int] = [:], uniques: [Question] = []
        let rowOf = completions.questions.map { question -> Int in
            if let index = uniqueRow[question] { return index }
            uniqueRow[question] = uniques.count
            uniques.append(question)
            return uniques.count - 1
        }
        let width = task.answerCount
        let scale = 1 / temperature
        var answerLogits = try network(try codes(uniques))                                      // (u, answers)
        var formatLogits = network.format                                                       // (formats)
        if scale != 1 { answerLogits = answerLogits * scale; formatLogits = formatLogits * scale }
        let answerLog = try answerLogits.logSoftmax(axis: 1)                                     // (u, answers)
        let formatLog = try formatLogits.logSoftmax(axis: 0)                                     // (formats)
        // One gather from [format log-probs ‖ answer log-probs of each distinct question]:
        // row i takes its format token, then its answer token from its question's row.
        let table = try Tensor.concat([formatLog, try answerLog.reshape([uniques.count * width])], axis: 0)
        var picks = [Int](repeating: 0, count: 2 * n)
        for row in 0 ..< n {
            picks[2 * row] = formatTokens[row]
            picks[2 * row + 1] = AnswerFormat.count + rowOf[row] * width + answerTokens[row]
        }
        let values = try table.indexSelect(axis: 0, indices: picks).reshape([n, 2])            // (n, 2)
        // Entropy of each position's distribution, from the log-probabilities already computed.
        let formatEntropy = MLPPolicy.entropy(formatLog.storage)
        let answerEntropy = (0 ..< uniques.count).map { row in
            answerLog.storage.withUnsafeBufferPointer {
                MLPPolicy.entropy(UnsafeBufferPointer(rebasing: $0[row * width ..< (row + 1) * width]))
            }
        }
        var entropy: [Float] = []
        entropy.reserveCapacity(2 * n)
        for row in 0 ..< n { entropy += [formatEntropy, answerEntropy[rowOf[row]]] }
        return TokenLogProbabilities(values: values, entropy: entropy)
    }

    private static func entropy<C: Collection>(_ logProbabilities: C) -> Float where C.Element == Float {
        -logProbabilities.reduce(0) { $0 + Foundation.exp($1) * $1 }
    }

    public func text(of completions: Completions, row: Int) -> String {
        let width = completions.width
        return task.render(format: completions.tokens[row * width], answer: completions.tokens[row * width + 1],
                           for: completions.questions[row])
    }

    public func frozenCopy() throws -> any Policy {
        func copy(_ tensor: Tensor) throws -> Tensor { try Tensor(shape: tensor.shape, values: tensor.storage) }
        let frozen = PolicyNetwork(
            format: try copy(network.format),
            hidden: Linear(weight: try copy(network.hidden.weight), bias: try network.hidden.bias.map(copy)),
            out: Linear(weight: try copy(network.out.weight), bias: try network.out.bias.map(copy)))
        return MLPPolicy(task: task, network: frozen)
    }
}
