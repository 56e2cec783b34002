// The settings of one Mixture-of-Experts layer, with the choices the papers made for each default.
import Autograd
import Foundation

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

/// The feed-forward network inside each expert (science.md §A.1).
public enum ExpertKind: String, Sendable, CaseIterable {
    /// `W₂ · gelu(W₁ x + b₁) + b₂` (the benchmark toy, GShard/Switch-style FFN).
    case gelu
    /// `w2(silu(w1 x) * w3 x)` without biases (Mixtral, DeepSeek-V3).
    case swiglu
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
    /// The expert network: GELU MLP (with biases) or SwiGLU (Mixtral, DeepSeek-V3).
    public var expertKind: ExpertKind = .gelu
    /// Softmax as in Switch/Mixtral; DeepSeek-V3 uses sigmoid.
    public var gate: GateFunction = .softmax
    /// Whether the router d → N has a learned bias term. Off by default: the Switch, Mixtral and
    /// DeepSeek-V3 routers have none (V3's balancing bias is a different thing, for selection only).
    public var routerBias: Bool = false
    /// DeepSeek-V3's routed scaling factor (2.5 in V3): multiplies the routed experts' sum (not the
    /// shared experts). 1 leaves it unchanged.
    public var routeScale: Float = 1
    /// Expert groups for group-limited routing (DeepSeek-V3: 8 groups of 32); 1 means no limit.
    public var groupCount: Int = 1
    /// Groups a token may use (V3: 4 of 8), each scored by the sum of its two best biased
    /// affinities; nil means all groups.
    public var topGroups: Int? = nil
    /// No balancing by default, so a learner sees the collapse before the cure.
    public var balancing: BalancingMethod = .none
    /// Switch loss weight α; 0.01 is the Switch paper's value (chosen there by a sweep).
    public var auxiliaryWeight: Float = 0.01
    /// DeepSeek-V3's complementary sequence-wise balance loss weight (V3: 1e-4); 0 turns it off.
    /// Usable with any `balancing`, usually beside `bias`.
    public var sequenceAuxiliaryWeight: Float = 0
    /// Tokens per sequence for that loss: the forward's tokens are cut in consecutive runs of this
    /// length (the last run may be shorter). nil: one sequence = all tokens of one forward pass.
    public var sequenceLength: Int? = nil
    /// Router z-loss weight; 0 turns it off, ST-MoE and HF's default is 0.001.
    public var zLossWeight: Float = 0
    /// Bias update speed γ; 0.001 is DeepSeek-V3's value for the first 14.3T tokens.
    public var biasRate: Float = 0.001
    /// Capacity factor (expert capacity = ⌈factor · tokens · K / N⌉); nil means dropless, as in DeepSeek-V3.
    public var capacityFactor: Float? = nil
    /// When true the layer returns u + shared + Σ g·FFN (V3 eq. 12): a token dropped by capacity
    /// passes through unchanged, as through Switch's residual connection.
    public var residual: Bool = false
    /// Standard deviation of Gaussian noise added to the router scores in training; 0 (off) as in
    /// Mixtral. A fixed scale, unlike Shazeer's learned softplus(x·W_noise).
    public var noise: Float = 0
    /// Seed for the initial weights and the routing noise.
    public var seed: UInt64 = 0
    /// The preset these settings started from ("deepseek-v3", "switch", "mixtral"), if any.
    public var preset: String? = nil

    /// A configuration with the defaults above for tokens of width `dimensions`.
    public init(dimensions: Int) { self.dimensions = dimensions }

    /// The expert hidden width actually used.
    public var resolvedHiddenDimensions: Int { hiddenDimensions ?? 2 * dimensions }

    /// Parameters of one expert.
    public var expertParameterCount: Int {
        let width = dimensions, hidden = resolvedHiddenDimensions
        switch expertKind {
        case .gelu: return width * hidden + hidden + hidden * width + width
        case .swiglu: return 3 * width * hidden
        }
    }

    /// Parameters of the whole layer, computed without allocating (router + routed + shared).
    public var parameterCount: Int {
        dimensions * expertCount + (routerBias ? expertCount : 0)
            + (expertCount + sharedExpertCount) * expertParameterCount
    }

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
        guard sequenceAuxiliaryWeight >= 0, sequenceAuxiliaryWeight.isFinite else {
            throw fail("seq_aux = \(sequenceAuxiliaryWeight) must be ≥ 0")
        }
        if let sequenceLength, sequenceLength < 1 { throw fail("seq_len = \(sequenceLength) must be at least 1") }
        guard zLossWeight >= 0, zLossWeight.isFinite else { throw fail("z_weight = \(zLossWeight) must be ≥ 0") }
        guard biasRate >= 0, biasRate.isFinite else { throw fail("bias_rate = \(biasRate) must be ≥ 0") }
        guard routeScale > 0, routeScale.isFinite else { throw fail("route_scale = \(routeScale) must be a positive number") }
        guard noise >= 0, noise.isFinite else { throw fail("noise = \(noise) must be ≥ 0") }
        if let capacityFactor, !(capacityFactor > 0 && capacityFactor.isFinite) {
            throw fail("capacity = \(capacityFactor) must be a positive number (or nil for no dropping)")
        }
        guard groupCount >= 1, expertCount % groupCount == 0 else {
            throw fail("groups = \(groupCount) must divide experts = \(expertCount)")
        }
        if let topGroups {
            guard topGroups >= 1, topGroups <= groupCount else {
                throw fail("top_groups = \(topGroups) must be between 1 and groups = \(groupCount)")
            }
            guard topGroups * (expertCount / groupCount) >= topK else {
                throw fail("top_groups = \(topGroups) groups of \(expertCount / groupCount) experts hold fewer than top_k = \(topK)")
            }
        }
        try checkSize()
    }

    /// Refuses, before anything is allocated, a layer one of whose tensors would pass the tensor
    /// size limit or whose parameters would fill more than half of the memory (training needs
    /// about four times the parameters: weights, gradients and Adam's two moments).
    func checkSize() throws {
        let hidden = resolvedHiddenDimensions
        let (largest, overflow) = dimensions.multipliedReportingOverflow(by: Swift.max(hidden, expertCount))
        let limit = TensorLimits.maximumElementCount
        if overflow || largest > limit {
            throw TensorError.invalidArgument(op: "moe", reason:
                "one expert weight of \(dimensions) × \(Swift.max(hidden, expertCount)) exceeds the tensor size limit of \(limit) elements")
        }
        let total = Double(dimensions) * Double(expertCount) + Double(expertCount + sharedExpertCount)
            * Double(expertKind == .swiglu ? 3 * dimensions * hidden : 2 * dimensions * hidden + hidden + dimensions)
        let bytes = total * 4
        let memory = MemoryBudget.availableBytes
        if bytes > memory / 2 {
            throw TensorError.invalidArgument(op: "moe", reason: String(
                format: "%.0f parameters (%.1f GB of float32) would not fit: the limit is half of this machine's %.1f GB of memory",
                total, bytes / 1e9, memory / 1e9))
        }
    }
}

/// The memory this process may use: the smaller of the machine's memory and a cgroup limit.
enum MemoryBudget {
    static var availableBytes: Double {
        var bytes = Double(ProcessInfo.processInfo.physicalMemory)
        for path in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            if let text = try? String(contentsOfFile: path, encoding: .utf8),
               let limit = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)), limit > 0 {
                bytes = Swift.min(bytes, limit)
            }
        }
        return bytes
    }
}
