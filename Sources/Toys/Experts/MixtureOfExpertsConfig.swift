// The settings of one Mixture-of-Experts layer, with the choices the papers made for each default.
import Autograd

/// How router scores become gate values (science.md §A.2).
public enum GateFunction: String, Sendable, CaseIterable {
    /// Probabilities over all experts, top-k, weights renormalised over the chosen k (Switch/Mixtral).
    case softmax
    /// Independent affinities σ(score), top-k, weights normalised over the chosen k (DeepSeek-V3).
    case sigmoid
}

/// How the layer keeps experts evenly loaded (science.md §A.5, §A.6, §A.8).
public enum BalancingMethod: String, Sendable, CaseIterable {
    /// Nothing: the rich get richer and some experts may starve.
    case none
    /// The Switch load-balancing loss α·N·Σ fᵢ·Pᵢ added to the training loss.
    case aux
    /// DeepSeek-V3's auxiliary-loss-free balancing: a per-expert bias on the selection scores.
    case bias
}

/// Every setting of a `MixtureOfExperts` layer.
public struct MixtureOfExpertsConfig: Sendable, Equatable {
    /// Width of a token: the layer maps [tokens, dimensions] to [tokens, dimensions].
    public var dimensions: Int
    /// Routed experts N; 8 as in Mixtral 8x7B (DeepSeek-V3 has 256).
    public var expertCount: Int = 8
    /// Experts per token K; 2 as in Mixtral (DeepSeek-V3 routes to 8 of 256).
    public var topK: Int = 2
    /// Hidden width of each expert MLP (dimensions → hidden → dimensions); nil means 2·dimensions,
    /// the ratio of the benchmark toy (64 → 128 → 64). Fine-grained experts: smaller hidden, larger K.
    public var hiddenDimensions: Int? = nil
    /// Shared experts every token uses (DeepSeekMoE); 0 as in Switch/Mixtral, DeepSeek-V3 has 1.
    public var sharedExpertCount: Int = 0
    /// Softmax as in Switch/Mixtral; DeepSeek-V3 uses sigmoid.
    public var gate: GateFunction = .softmax
    /// No balancing by default, so a learner sees the collapse before the cure.
    public var balancing: BalancingMethod = .none
    /// Switch loss weight α; 0.01 is the Switch paper's value (tuned for long runs; toys need more).
    public var auxiliaryWeight: Float = 0.01
    /// Router z-loss weight; 0 turns it off, ST-MoE and HF's default is 0.001.
    public var zLossWeight: Float = 0
    /// Bias update speed γ; 0.001 is DeepSeek-V3's value for the first 14.3T tokens.
    public var biasRate: Float = 0.001
    /// Capacity factor (expert capacity = ⌈factor · tokens · K / N⌉); nil means dropless, as in DeepSeek-V3.
    public var capacityFactor: Float? = nil
    /// Standard deviation of Gaussian noise added to the router scores in training; 0 (off) as in
    /// Mixtral. A fixed scale, unlike Shazeer's learned softplus(x·W_noise).
    public var noise: Float = 0
    /// Seed for the initial weights and the routing noise.
    public var seed: UInt64 = 0

    /// A configuration with the defaults above for tokens of width `dimensions`.
    public init(dimensions: Int) { self.dimensions = dimensions }

    /// The expert hidden width actually used.
    public var resolvedHiddenDimensions: Int { hiddenDimensions ?? 2 * dimensions }

    /// Throws, naming the value, when a setting cannot work.
    public func validate() throws {
        func fail(_ reason: String) -> TensorError { .invalidArgument(op: "moe", reason: reason) }
        guard dimensions >= 1 else { throw fail("dim = \(dimensions) must be at least 1") }
        guard expertCount >= 1 else { throw fail("experts = \(expertCount) must be at least 1") }
        guard topK >= 1, topK <= expertCount else {
            throw fail("top_k = \(topK) must be between 1 and experts = \(expertCount)")
        }
        guard resolvedHiddenDimensions >= 1 else { throw fail("hidden = \(resolvedHiddenDimensions) must be at least 1") }
        guard sharedExpertCount >= 0 else { throw fail("shared = \(sharedExpertCount) must not be negative") }
        guard auxiliaryWeight >= 0, auxiliaryWeight.isFinite else { throw fail("aux_weight = \(auxiliaryWeight) must be ≥ 0") }
        guard zLossWeight >= 0, zLossWeight.isFinite else { throw fail("z_weight = \(zLossWeight) must be ≥ 0") }
        guard biasRate >= 0, biasRate.isFinite else { throw fail("bias_rate = \(biasRate) must be ≥ 0") }
        guard noise >= 0, noise.isFinite else { throw fail("noise = \(noise) must be ≥ 0") }
        if let capacityFactor, !(capacityFactor > 0 && capacityFactor.isFinite) {
            throw fail("capacity = \(capacityFactor) must be a positive number (or nil for no dropping)")
        }
    }
}
