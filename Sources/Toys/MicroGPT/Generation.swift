// Sampling from the micro-GPT, and the log-probabilities of a given completion. Generation runs
// in evaluation mode without gradients and, by default, keeps every block's keys and values in
// a cache so each new token costs one position's work instead of the whole sequence's.
import Autograd
import Foundation
import NeuralNets

/// How tokens are drawn from the next-token distribution.
public struct SamplingOptions: Sendable {
    /// Divides the logits; 0 means greedy (always the most likely token).
    public var temperature: Float = 1
    /// Keep only the k most likely tokens (nil: all).
    public var topK: Int?
    /// Stop after this token is produced (it is included), e.g. `<eos>`.
    public var stop: Int?
    /// Use the key/value cache (false recomputes the whole window for every token).
    public var cached = true

    /// The defaults above.
    public init(temperature: Float = 1, topK: Int? = nil, stop: Int? = nil, cached: Bool = true) {
        self.temperature = temperature
        self.topK = topK
        self.stop = stop
        self.cached = cached
    }
}

extension MicroGPT {
    /// Continues `prompt` by up to `maxNew` tokens and returns the new ones. When the sequence
    /// outgrows the context, the model reads its last `context` tokens (the cached path then
    /// re-reads that window, so both paths see the same tokens).
    public func generate(prompt: [Int], maxNew: Int, options: SamplingOptions = SamplingOptions(), seed: UInt64) throws -> [Int] {
        guard !prompt.isEmpty else {
            throw TensorError.invalidArgument(op: "generate", reason: "the prompt is empty; give at least one token")
        }
        guard maxNew >= 0 else { throw TensorError.invalidArgument(op: "generate", reason: "max_new = \(maxNew) must be 0 or more") }
        guard options.temperature >= 0 else {
            throw TensorError.invalidArgument(op: "generate", reason: "temperature \(options.temperature) must be 0 (greedy) or more")
        }
        if let k = options.topK, k < 1 { throw TensorError.invalidArgument(op: "generate", reason: "top_k = \(k) must be at least 1") }
        if let bad = prompt.first(where: { $0 < 0 || $0 >= config.vocabulary }) {
            throw TensorError.invalidArgument(op: "generate", reason: "prompt token \(bad) is not in 0..<\(config.vocabulary)")
        }
        setTraining(false)
        var generator = SeededGenerator(seed: seed)
        var sequence = prompt
        var produced: [Int] = []
        let caches = blocks.map { _ in AttentionCache() }
        try withNoGrad {
            var pending = Array(sequence.suffix(config.context))        // tokens not yet in the cache
            for _ in 0 ..< maxNew {
                let lastLogits: [Float]
                if options.cached {
                    if caches[0].length + pending.count > config.context {
                        for cache in caches { cache.reset() }
                        pending = Array(sequence.suffix(config.context))
                    }
                    let logits = try self.logits(tokenTensor(pending), caches: caches)              // (1, P, V)
                    lastLogits = Array(logits.storage.suffix(config.vocabulary))
                } else {
                    let window = Array(sequence.suffix(config.context))
                    let logits = try self.logits(tokenTensor(window), caches: nil)                  // (1, W, V)
                    lastLogits = Array(logits.storage.suffix(config.vocabulary))
                }
                let next = MicroGPT.sample(lastLogits, options: options, generator: &generator)
                sequence.append(next)
                produced.append(next)
                pending = [next]
                if next == options.stop { break }
            }
        }
        return produced
    }

    /// Log-probability of each completion token given the prompt and the completion before it:
    /// [completion.count], differentiable (for policy gradients). Prompt + completion must fit the context.
    public func logprobs(prompt: [Int], completion: [Int]) throws -> Tensor {
        guard !prompt.isEmpty, !completion.isEmpty else {
            throw TensorError.invalidArgument(op: "logprobs", reason: "prompt and completion need at least one token each")
        }
        let tokens = prompt + completion
        guard tokens.count - 1 <= config.context else {
            throw TensorError.invalidArgument(op: "logprobs", reason:
                "prompt + completion = \(tokens.count) tokens; the model reads at most \(config.context) + 1")
        }
        if let bad = completion.first(where: { $0 < 0 || $0 >= config.vocabulary }) {
            throw TensorError.invalidArgument(op: "logprobs", reason: "completion token \(bad) is not in 0..<\(config.vocabulary)")
        }
        let logits = try self(tokenTensor(Array(tokens.dropLast())))                                   // (1, L-1, V)
        let rows = try logits.reshape([tokens.count - 1, config.vocabulary])                          // (L-1, V)
            .slice(axis: 0, start: prompt.count - 1)                                                  // (C, V)
            .logSoftmax(axis: -1)                                                                     // (C, V)
        let index = try Tensor(shape: [completion.count, 1], values: completion.map(Float.init))      // (C, 1)
        return try rows.gather(axis: 1, index: index).reshape([completion.count])                     // (C)
    }

    /// [1, n] token tensor.
    func tokenTensor(_ tokens: [Int]) throws -> Tensor {
        try Tensor(shape: [1, tokens.count], values: tokens.map(Float.init))
    }

    /// One token drawn from `logits` (greedy at temperature 0; ties go to the lower id).
    public static func sample(_ logits: [Float], options: SamplingOptions, generator: inout SeededGenerator) -> Int {
        if options.temperature == 0 {
            var best = 0
            for index in logits.indices where logits[index] > logits[best] { best = index }
            return best
        }
        var allowed = Array(logits.indices)
        if let k = options.topK, k < logits.count {
            allowed = Array(logits.indices.sorted { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }.prefix(k))
            allowed.sort()
        }
        let scaled = allowed.map { Double(logits[$0]) / Double(options.temperature) }
        let top = scaled.max() ?? 0
        let weights = scaled.map { Foundation.exp($0 - top) }
        let total = weights.reduce(0, +)
        var threshold = generator.nextUnitDouble() * total
        for (position, weight) in weights.enumerated() {
            threshold -= weight
            if threshold < 0 { return allowed[position] }
        }
        return allowed[allowed.count - 1]
    }
}
