// A character-level GPT in the shape of nanoGPT: token embedding (+ learned positions, or rotary
// inside attention), pre-norm transformer blocks whose feed-forward part is a dense MLP or a
// mixture of experts, a final norm and a linear head to next-token logits.
import Autograd
import NeuralNets

/// How the model knows where each token sits.
public enum PositionKind: String, Sendable, CaseIterable {
    /// A learned vector per position added to the token embedding (GPT-2).
    case learned
    /// Queries and keys turned by position-dependent angles (RoFormer, LLaMA, DeepSeek-V3).
    case rotary
}

/// The feed-forward layers as mixtures of experts.
public struct MicroGPTExperts: Sendable, Equatable {
    /// Routed experts per layer.
    public var experts = 8
    /// Experts each token is sent to.
    public var topK = 2
    /// Always-on shared experts (DeepSeekMoE).
    public var shared = 0
    /// The gate over router scores.
    public var gate: GateFunction = .softmax
    /// How loads are balanced.
    public var balance: BalancingMethod = .aux
    /// Hidden size of each expert; nil gives 4·dim / (topK + shared), so a token runs through as
    /// many feed-forward parameters as in the dense model with a 4·dim hidden layer.
    public var hidden: Int?

    /// The defaults above.
    public init() {}
}

/// The model's sizes and options.
public struct MicroGPTConfig: Sendable, Equatable {
    /// Tokens in the vocabulary (specials included).
    public var vocabulary: Int
    /// Width of the residual stream.
    public var dimensions = 64
    /// Transformer blocks.
    public var layers = 2
    /// Attention heads per block.
    public var heads = 4
    /// Longest sequence the model reads.
    public var context = 32
    /// Learned or rotary positions.
    public var positions: PositionKind = .learned
    /// RMSNorm (default, as DeepSeek-V3) or LayerNorm (as GPT-2).
    public var norm: NormKind = .rms
    /// nil for dense MLPs (dim → 4·dim → dim, GELU), or the experts' options.
    public var experts: MicroGPTExperts?
    /// Seed of every initial weight.
    public var seed: UInt64 = 0

    /// A configuration for `vocabulary` tokens with the defaults above.
    public init(vocabulary: Int) { self.vocabulary = vocabulary }

    /// The hidden size of one expert.
    public var expertHidden: Int {
        guard let experts else { return 4 * dimensions }
        return experts.hidden ?? Swift.max(1, 4 * dimensions / Swift.max(1, experts.topK + experts.shared))
    }

    /// Clear errors for sizes that cannot work.
    public func validate() throws {
        func fail(_ reason: String) -> TensorError { TensorError.invalidArgument(op: "gpt", reason: reason) }
        guard vocabulary >= 2 else { throw fail("vocab = \(vocabulary) must be at least 2") }
        guard dimensions >= 1, layers >= 1, heads >= 1, context >= 1 else {
            throw fail("dim, layers, heads and context must be at least 1 (got dim \(dimensions), layers \(layers), heads \(heads), context \(context))")
        }
        guard dimensions % heads == 0 else { throw fail("dim \(dimensions) does not split into \(heads) heads") }
        if positions == .rotary, (dimensions / heads) % 2 != 0 {
            throw fail("rotary positions need an even head size; dim \(dimensions) / \(heads) heads = \(dimensions / heads)")
        }
        if let experts {
            guard experts.experts >= 1, experts.topK >= 1, experts.topK <= experts.experts, experts.shared >= 0 else {
                throw fail("moe needs 1 ≤ top_k ≤ experts and shared ≥ 0 (got experts \(experts.experts), top_k \(experts.topK), shared \(experts.shared))")
            }
        }
    }
}

/// The micro-GPT: token ids [B, T] → next-token logits [B, T, vocab].
public final class MicroGPT: Module {
    /// Sizes and options.
    public let config: MicroGPTConfig
    /// [vocab, dim] token vectors (nanoGPT's `wte`).
    public let tokenEmbedding: Embedding
    /// [context, dim] position vectors (`wpe`), nil with rotary positions.
    public let positionEmbedding: LearnedPositionEmbedding?
    /// The transformer blocks (`h.0`, `h.1`, …).
    public let blocks: [TransformerBlock]
    /// The norm before the head (`ln_f`).
    public let finalNorm: any Module
    /// dim → vocab (`lm_head`).
    public let head: Linear

    /// Builds the model; every weight is drawn from `config.seed`, the blocks in order.
    public init(config: MicroGPTConfig) throws {
        try config.validate()
        self.config = config
        var generator = SeededGenerator(seed: config.seed)
        let d = config.dimensions
        tokenEmbedding = try Embedding(count: config.vocabulary, dimensions: d, generator: &generator)
        positionEmbedding = config.positions == .learned
            ? try LearnedPositionEmbedding(context: config.context, dimensions: d, generator: &generator) : nil
        var blocks: [TransformerBlock] = []
        for layer in 0 ..< config.layers {
            let attention = try CausalSelfAttention(dimensions: d, heads: config.heads, rotary: config.positions == .rotary,
                                                    generator: &generator)
            let feedForward: any Module
            if let options = config.experts {
                var moe = MixtureOfExpertsConfig(dimensions: d)
                moe.expertCount = options.experts
                moe.topK = options.topK
                moe.sharedExpertCount = options.shared
                moe.gate = options.gate
                moe.balancing = options.balance
                moe.hiddenDimensions = config.expertHidden
                moe.seed = generator.next() &+ UInt64(layer)
                feedForward = try MixtureOfExperts(config: moe)
            } else {
                feedForward = try MLP(layerSizes: [d, 4 * d, d], activation: .gelu, generator: &generator)
            }
            blocks.append(try TransformerBlock(attention: attention, feedForward: feedForward, norm: config.norm))
        }
        self.blocks = blocks
        finalNorm = try config.norm.make(dimensions: d)
        head = try Linear(inputDimensions: d, outputDimensions: config.vocabulary, generator: &generator)
    }

    public func children() -> [(name: String, module: any Module)] {
        var result: [(name: String, module: any Module)] = [("wte", tokenEmbedding)]
        if let positionEmbedding { result.append(("wpe", positionEmbedding)) }
        result += blocks.enumerated().map { ("h.\($0.offset)", $0.element) }
        return result + [("ln_f", finalNorm), ("lm_head", head)]
    }

    public var layerDescription: String {
        let kind = config.experts.map { "moe \($0.experts)×top-\($0.topK)\($0.shared > 0 ? "+\($0.shared) shared" : "")" } ?? "dense"
        return "gpt(vocab \(config.vocabulary), dim \(config.dimensions), \(config.layers) layers, \(config.heads) heads, context \(config.context), \(kind))"
    }

    /// The mixture-of-experts layers, one per block (empty for a dense model).
    public var mixtures: [MixtureOfExperts] { blocks.compactMap { $0.feedForward as? MixtureOfExperts } }

    /// Parameters one token runs through: everything except the experts it is not sent to.
    public var activeParameterCount: Int {
        let inactive = mixtures.reduce(0) { $0 + $1.parameterCount - $1.activeParameterCount }
        return parameterCount - inactive
    }

    /// tokens [B, T] (whole numbers in 0..<vocab, T ≤ context) -> logits [B, T, vocab].
    public func callAsFunction(_ input: Tensor) throws -> Tensor { try logits(input, caches: nil) }

    /// The forward pass; with `caches` (one per block) the tokens follow the cached ones.
    public func logits(_ tokens: Tensor, caches: [AttentionCache]?) throws -> Tensor {
        let tokens = tokens.rank == 1 ? try tokens.reshape([1, tokens.count]) : tokens                // (T) -> (1, T)
        guard tokens.rank == 2 else {
            throw LayerError(layer: layerDescription, message: "tokens \(tokens.shape) must be [batch, time]")
        }
        let offset = caches?.first?.length ?? 0
        let time = tokens.shape[1]
        guard offset + time <= config.context else {
            throw LayerError(layer: layerDescription, message:
                "\(offset + time) tokens do not fit the context of \(config.context)")
        }
        if let bad = tokens.storage.first(where: { $0 < 0 || $0 >= Float(config.vocabulary) || $0 != $0.rounded() }) {
            throw LayerError(layer: layerDescription, message: "token \(bad) is not a whole number in 0..<\(config.vocabulary)")
        }
        var x = try forward(child: "wte", tokenEmbedding, tokens)                                       // (B, T, d)
        if let positionEmbedding { x = try positionEmbedding.adding(to: x, offset: offset) }          // (B, T, d)
        for (index, block) in blocks.enumerated() {
            do {
                x = try block.run(x, cache: caches?[index])                                            // (B, T, d)
            } catch let error as LayerError {
                throw error.inside("h.\(index)")
            }
        }
        x = try forward(child: "ln_f", finalNorm, x)                                                    // (B, T, d)
        return try forward(child: "lm_head", head, x)                                                   // (B, T, V)
    }
}
