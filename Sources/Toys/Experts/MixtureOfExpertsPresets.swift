// The designs of three papers as presets: each sets the layer's choices in one go, and explicit
// options given beside a preset override it.

/// The named designs `moe(preset=…)` accepts.
public enum MixtureOfExpertsPreset: String, Sendable, CaseIterable {
    /// DeepSeek-V3 (report §2.1, `inference/model.py`).
    case deepseekV3 = "deepseek-v3"
    /// Switch Transformer (Fedus et al. 2021).
    case switchTransformer = "switch"
    /// Mixtral 8x7B (Jiang et al. 2024, HF `MixtralSparseMoeBlock`).
    case mixtral

    /// `config` with this design's choices.
    public func apply(to config: MixtureOfExpertsConfig) -> MixtureOfExpertsConfig {
        var config = config
        config.preset = rawValue
        config.routerBias = false
        config.capacityFactor = nil
        switch self {
        case .deepseekV3:
            config.gate = .sigmoid
            config.balancing = .bias
            config.biasRate = 0.001
            config.sequenceAuxiliaryWeight = 1e-4
            config.expertKind = .swiglu
            config.sharedExpertCount = 1
            config.routeScale = 2.5
        case .switchTransformer:
            config.gate = .softmax
            config.topK = 1
            config.balancing = .aux
            config.auxiliaryWeight = 0.01
            config.expertKind = .gelu
            config.capacityFactor = 1.25
        case .mixtral:
            config.gate = .softmax
            config.topK = 2
            config.balancing = .aux
            config.auxiliaryWeight = 0.001
            config.expertKind = .swiglu
        }
        return config
    }

    /// The settings, as `moe(…)` options, for help text and `m.config`.
    public var settings: String {
        switch self {
        case .deepseekV3:
            return "gate=\"sigmoid\" (weights normalised over the chosen), balance=\"bias\", bias_rate=0.001, seq_aux=1e-4, "
                + "expert=\"swiglu\", shared=1, route_scale=2.5, router_bias=false"
        case .switchTransformer:
            return "gate=\"softmax\", top_k=1, balance=\"aux\", aux_weight=0.01, expert=\"gelu\", capacity=1.25, router_bias=false"
        case .mixtral:
            return "gate=\"softmax\", top_k=2, balance=\"aux\", aux_weight=0.001 (HF router_aux_loss_coef), expert=\"swiglu\", router_bias=false"
        }
    }
}
