// The micro-GPT as a `Policy` (the reward trainers' abstraction): a completion is the text the
// model writes after a question's prompt, token by token, until `<eos>` or `maxNew` tokens. Its
// mask covers the tokens up to and including `<eos>`, so the per-token ratio, clip and KL of GRPO
// (and REINFORCE's sum) see only what the model wrote. Sampling runs all rows whose prompts have
// the same length as one batch through the key/value cache; the log-probabilities of given
// completions are one teacher-forced forward pass per prompt length.
import Autograd
import Foundation
import NeuralNets

/// A micro-GPT writing completions of text prompts.
public final class SequencePolicy: Policy {
    /// The model (what the trainer and optimizer see).
    public let model: MicroGPT
    /// Encodes prompts and decodes completions.
    public let tokenizer: CharTokenizer
    /// The longest completion sampled (fewer when a prompt leaves less room in the context).
    public let maxNew: Int
    /// The `<eos>` token that ends a completion.
    public let end: Int

    public init(model: MicroGPT, tokenizer: CharTokenizer, maxNew: Int = 32) throws {
        guard let end = tokenizer.id(of: "<eos>") else {
            throw TensorError.invalidArgument(op: "policy", reason: "the tokenizer has no <eos> token to end a completion")
        }
        guard tokenizer.size == model.config.vocabulary else {
            throw TensorError.invalidArgument(op: "policy", reason:
                "the tokenizer has \(tokenizer.size) tokens but the model's vocabulary is \(model.config.vocabulary)")
        }
        guard maxNew >= 1 else { throw TensorError.invalidArgument(op: "policy", reason: "max_new = \(maxNew) must be at least 1") }
        self.model = model
        self.tokenizer = tokenizer
        self.maxNew = maxNew
        self.end = end
    }

    public var module: any Module { model }
    public var summary: String { "\(model.layerDescription), max_new \(maxNew)" }
    public var hasVariableLength: Bool { true }

    /// The prompt tokens of `question`, checked to leave room for at least one new token.
    public func promptTokens(_ question: Question) throws -> [Int] {
        let tokens = try tokenizer.encode(question.prompt)
        guard !tokens.isEmpty, tokens.count <= model.config.context else {
            throw TensorError.invalidArgument(op: "sample", reason:
                "the prompt \"\(question.prompt)\" has \(tokens.count) tokens; it needs 1 to \(model.config.context) (the context)")
        }
        return tokens
    }

    /// New tokens allowed after a prompt of `length` tokens: prompt + completion − 1 must fit the context.
    func room(afterPromptOf length: Int) -> Int { Swift.min(maxNew, model.config.context + 1 - length) }

    // MARK: - Sampling

    public func sample(_ questions: [Question], perQuestion: Int, temperature: Float,
                       generator: inout SeededGenerator) throws -> Completions {
        guard perQuestion >= 1 else { throw TensorError.invalidArgument(op: "sample", reason: "n = \(perQuestion) must be at least 1") }
        guard temperature > 0, temperature.isFinite else {
            throw TensorError.invalidArgument(op: "sample", reason: "temperature = \(temperature) must be positive")
        }
        let prompts = try questions.map(promptTokens)
        let rows = questions.indices.flatMap { Array(repeating: $0, count: perQuestion) }
        // Sampling is inference: no routing noise, no auxiliary losses recorded. The trainer's mode
        // comes back afterwards (its loss pass is in training mode).
        let wasTraining = model.mixtures.first?.isTraining ?? false
        model.setTraining(false)
        defer { model.setTraining(wasTraining) }
        var produced = [[Int]](repeating: [], count: rows.count)
        var logProbabilities = [[Float]](repeating: [], count: rows.count)
        try withNoGrad {
            for (length, members) in SequencePolicy.buckets(rows.map { prompts[$0].count }) {
                let drawn = try sampleBatch(members.map { prompts[rows[$0]] }, room: room(afterPromptOf: length),
                                            temperature: temperature, generator: &generator)
                for (position, row) in members.enumerated() {
                    produced[row] = drawn.tokens[position]
                    logProbabilities[row] = drawn.logProbabilities[position]
                }
            }
        }
        let width = produced.map(\.count).max() ?? 1
        var tokens = [Int](repeating: 0, count: rows.count * width)
        var mask = [Float](repeating: 0, count: rows.count * width)
        var values = [Float](repeating: 0, count: rows.count * width)
        for row in rows.indices {
            for (column, token) in produced[row].enumerated() {
                tokens[row * width + column] = token
                mask[row * width + column] = 1
                values[row * width + column] = logProbabilities[row][column]
            }
        }
        return Completions(questions: rows.map { questions[$0] }, width: width, tokens: tokens, mask: mask, logProbabilities: values)
    }

    /// Rows grouped by prompt length (ascending), each group in row order.
    static func buckets(_ lengths: [Int]) -> [(length: Int, rows: [Int])] {
        var byLength: [Int: [Int]] = [:]
        for (row, length) in lengths.enumerated() { byLength[length, default: []].append(row) }
        return byLength.keys.sorted().map { ($0, byLength[$0] ?? []) }
    }

    /// Samples every row of prompts of one length together through the cache. A row stops at
    /// `<eos>` (included) or after `room` tokens; finished rows are fed `<eos>` until every row is
    /// done, and what they are fed is never read back.
    private func sampleBatch(_ prompts: [[Int]], room: Int, temperature: Float,
                             generator: inout SeededGenerator) throws -> (tokens: [[Int]], logProbabilities: [[Float]]) {
        let batch = prompts.count, vocabulary = model.config.vocabulary
        let caches = model.blocks.map { _ in AttentionCache() }
        var tokens = [[Int]](repeating: [], count: batch)
        var logProbabilities = [[Float]](repeating: [], count: batch)
        var done = [Bool](repeating: false, count: batch)
        let options = SamplingOptions(temperature: temperature)
        var input = try Tensor(shape: [batch, prompts[0].count], values: prompts.flatMap { $0.map(Float.init) })  // (B, P)
        for step in 0 ..< room {
            let logits = try model.logits(input, caches: caches)                                   // (B, t, V)
            let time = logits.shape[1]
            var next = [Float](repeating: Float(end), count: batch)
            logits.storage.withUnsafeBufferPointer { storage in
                for row in 0 ..< batch where !done[row] {
                    let start = (row * time + time - 1) * vocabulary
                    let last = Array(storage[start ..< start + vocabulary])                       // (V)
                    let token = MicroGPT.sample(last, options: options, generator: &generator)
                    tokens[row].append(token)
                    logProbabilities[row].append(SequencePolicy.logProbability(of: token, logits: last, temperature: temperature))
                    next[row] = Float(token)
                    if token == end { done[row] = true }
                }
            }
            if done.allSatisfy({ $0 }) || step == room - 1 { break }
            input = try Tensor(shape: [batch, 1], values: next)                                     // (B, 1)
        }
        return (tokens, logProbabilities)
    }

    /// log softmax(logits / T)[token], in Double.
    static func logProbability(of token: Int, logits: [Float], temperature: Float) -> Float {
        let scale = 1 / Double(temperature)
        let top = Double(logits.max() ?? 0) * scale
        var total = 0.0
        for value in logits { total += Foundation.exp(Double(value) * scale - top) }
        return Float(Double(logits[token]) * scale - top - Foundation.log(total))
    }

    // MARK: - Log-probabilities of given completions

    public func logProbabilities(of completions: Completions, temperature: Float) throws -> TokenLogProbabilities {
        guard temperature > 0, temperature.isFinite else {
            throw TensorError.invalidArgument(op: "log_prob", reason: "temperature = \(temperature) must be positive")
        }
        let n = completions.count, width = completions.width, vocabulary = model.config.vocabulary
        if let bad = completions.tokens.first(where: { $0 < 0 || $0 >= vocabulary }) {
            throw TensorError.invalidArgument(op: "log_prob", reason: "token \(bad) is not in 0..<\(vocabulary)")
        }
        let prompts = try completions.questions.map(promptTokens)
        var pieces: [Tensor] = [], order: [Int] = []
        var entropy = [Float](repeating: 0, count: n * width)
        let mask = completions.mask
        // One forward per prompt length: each MoE layer balances the routing of all of them.
        try MixtureOfExperts.accumulatingAuxiliaryLosses {
            for (length, rows) in SequencePolicy.buckets(prompts.map(\.count)) {
                guard length + width - 1 <= model.config.context else {
                    throw TensorError.invalidArgument(op: "log_prob", reason:
                        "prompt (\(length) tokens) + completion (\(width)) do not fit the context of \(model.config.context) + 1")
                }
                // Teacher forcing: the prompt and every completion token but the last; the logits at
                // position length − 1 + t predict completion token t. Positions past a row's end read
                // whatever follows it; causal attention keeps them out of every earlier position.
                let batch = rows.count, time = length + width - 1
                var input = [Float](), index = [Float](), counted = [Bool]()
                input.reserveCapacity(batch * time)
                index.reserveCapacity(batch * width)
                counted.reserveCapacity(batch * time)
                for row in rows {
                    input += prompts[row].map(Float.init)
                    input += completions.tokens[row * width ..< row * width + width - 1].map(Float.init)
                    index += completions.tokens[row * width ..< (row + 1) * width].map(Float.init)
                    // The prompt and the completion's own tokens count for the experts' balancing;
                    // the padding after its end does not.
                    counted += [Bool](repeating: true, count: length)
                    counted += (0 ..< width - 1).map { mask[row * width + $0] > 0 }
                }
                var logits = try MixtureOfExperts.countingOnly(counted) {
                    try model(try Tensor(shape: [batch, time], values: input))                        // (B, time, V)
                }.slice(axis: 1, start: length - 1)                                                   // (B, W, V)
                if temperature != 1 { logits = logits * (1 / temperature) }
                let logSoftmax = try logits.logSoftmax(axis: -1)                                      // (B, W, V)
                let picked = try logSoftmax.gather(axis: 2, index: try Tensor(shape: [batch, width, 1], values: index))
                    .reshape([batch, width])                                                          // (B, W)
                let rowMask = try Tensor(shape: [batch, width], values: rows.flatMap { mask[$0 * width ..< ($0 + 1) * width] })
                pieces.append(try picked * rowMask)                                                   // (B, W), 0 where masked
                order += rows
                logSoftmax.storage.withUnsafeBufferPointer { values in
                    for (position, row) in rows.enumerated() {
                        for column in 0 ..< width where mask[row * width + column] > 0 {
                            let start = (position * width + column) * vocabulary
                            var sum: Float = 0
                            for v in start ..< start + vocabulary { sum -= Foundation.exp(values[v]) * values[v] }
                            entropy[row * width + column] = sum
                        }
                    }
                }
            }
        }
        var values = pieces.count == 1 ? pieces[0] : try Tensor.concat(pieces, axis: 0)           // (n, W) in bucket order
        if order != Array(0 ..< n) {
            var inverse = [Int](repeating: 0, count: n)
            for (position, row) in order.enumerated() { inverse[row] = position }
            values = try values.indexSelect(axis: 0, indices: inverse)                            // (n, W) in row order
        }
        return TokenLogProbabilities(values: values, entropy: entropy)
    }

    public func text(of completions: Completions, row: Int) -> String {
        (try? tokenizer.decode(completions.tokens(row: row))) ?? ""
    }

    /// A new model with the same configuration and a copy of every parameter, in evaluation mode.
    public func frozenCopy() throws -> any Policy {
        SequencePolicy(copying: self, model: try model.copy())
    }

    private init(copying policy: SequencePolicy, model: MicroGPT) {
        self.model = model
        tokenizer = policy.tokenizer
        maxNew = policy.maxNew
        end = policy.end
    }
}

extension MicroGPT {
    /// A model with the same configuration whose parameters hold a copy of this one's values
    /// (not shared, and not trained by whoever trains this one). The experts' selection bias
    /// (balancing `bias`) is state, not a parameter, but it decides the routing, so it is copied
    /// too: without it a frozen reference would route differently from the policy it copies.
    public func copy() throws -> MicroGPT {
        let copy = try MicroGPT(config: config)
        for (source, target) in zip(parameters(), copy.parameters()) {
            source.storage.withUnsafeBufferPointer { values in
                target.withUnsafeMutableValues { destination in
                    for index in values.indices { destination[index] = values[index] }
                }
            }
        }
        for (source, target) in zip(mixtures, copy.mixtures) { try target.setBias(source.bias) }
        copy.setTraining(false)
        return copy
    }
}
