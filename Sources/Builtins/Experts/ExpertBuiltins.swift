// The Mixture-of-Experts builtins: moe(…) and specialization(model, data). The objects they
// return are in ExpertObjects.swift; the layer is in Toys/Experts.

import Autograd
import Foundation
import NeuralNets
import Script
import Toys

// MARK: - Builtins

private let moeHelp = """
    moe(dim=, experts=8, top_k=2, hidden=2·dim, shared=0, expert="gelu"|"swiglu", gate="softmax"|"sigmoid",
        router_bias=false, route_scale=1, groups=1, top_groups=groups, balance="none"|"aux"|"bias", aux_weight=0.01,
        bias_rate=0.001, seq_aux=0, seq_len=nil, z_weight=0, capacity=nil, residual=false, noise=0, preset=nil, seed=):
    a Mixture-of-Experts layer [tokens, dim] → [tokens, dim]. A linear router scores the experts; each token goes to
    top_k of them and their outputs are summed with the gate weights (+ shared experts, which every token uses).
      expert       "gelu": dim → hidden → dim MLP with biases (GShard/Switch FFN); "swiglu": w2(silu(w1 x) * w3 x),
                   no biases (Mixtral, DeepSeek-V3)
      gate         "softmax" (Switch, Mixtral) or "sigmoid" affinities (DeepSeek-V3); top_k > 1 renormalises the
                   chosen weights to sum 1 (Mixtral, V3); top-1 keeps the gate value (Switch)
      router_bias  a learned bias in the router; off as in Switch, Mixtral and V3 (not V3's balancing bias)
      route_scale  DeepSeek-V3's routed scaling factor (2.5 in V3), multiplies the routed experts' sum
      groups, top_groups  DeepSeek-V3's group-limited routing: experts in `groups` groups, each scored by the sum of
                   its two best biased scores, only the top_groups best are eligible, then top_k among them
                   (V3: experts=256, groups=8, top_groups=4, top_k=8)
      balance      "aux": the Switch loss α·N·Σ fᵢPᵢ (Fedus et al.), α = aux_weight (0.01 in Switch);
                   "bias": DeepSeek-V3's auxiliary-loss-free bias, moved by bias_rate (γ, 0.001 in V3) after each
                   step toward balance; it enters selection only, never a weight
      seq_aux      DeepSeek-V3's complementary sequence-wise balance loss α (1e-4 in V3), usable beside any balance;
                   a sequence is the tokens of one forward pass, or runs of seq_len consecutive tokens
      z_weight     the router z-loss of ST-MoE (Zoph et al.; 0.001 there)
      capacity     Switch's capacity factor: assignments past ⌈capacity·tokens·top_k/experts⌉ per expert are dropped
      residual     output u + shared + Σ g·FFN (V3 eq. 12): a dropped token passes through unchanged, as in Switch
      noise        N(0, noise²) added to router scores in training (a fixed-scale form of Shazeer's noisy top-k)
      preset       sets a paper's choices in one go (options given beside it override them):
        "deepseek-v3": \(MixtureOfExpertsPreset.deepseekV3.settings)
        "switch":      \(MixtureOfExpertsPreset.switchTransformer.settings)
        "mixtral":     \(MixtureOfExpertsPreset.mixtral.settings)
    aux_weight needs balance="aux", bias_rate needs balance="bias", top_groups needs groups, seq_len needs seq_aux.
      m = moe(dim=16, experts=4, top_k=1, seed=0); model = seq(linear(2, 16, seed=1), m, linear(16, 4, seed=2))
      v3 = moe(preset="deepseek-v3", dim=16, experts=8, top_k=2, seed=0); v3.config
    """

/// The configuration `moe(…)` describes: defaults, then the preset, then the options given.
/// Options that the chosen method would ignore are refused, naming what they need.
func moeConfig(_ arguments: Arguments, seed: UInt64) throws -> MixtureOfExpertsConfig {
    func given(_ name: String) throws -> Bool {
        guard let value = try arguments.value(named: name) else { return false }
        return !value.isNull
    }
    var config = MixtureOfExpertsConfig(dimensions: try arguments.integer(at: 0, named: "dim"))
    if try given("preset") {
        let name = try arguments.string(named: "preset")
        guard let preset = MixtureOfExpertsPreset(rawValue: name) else {
            throw NativeError("moe: preset must be \"deepseek-v3\", \"switch\" or \"mixtral\", got \"\(name)\"")
        }
        config = preset.apply(to: config)
    }
    if try given("experts") { config.expertCount = try arguments.integer(named: "experts") }
    if try given("top_k") { config.topK = try arguments.integer(named: "top_k") }
    if try given("hidden") { config.hiddenDimensions = try arguments.integer(named: "hidden") }
    if try given("shared") { config.sharedExpertCount = try arguments.integer(named: "shared") }
    if try given("expert") {
        let kind = try arguments.string(named: "expert")
        guard let expertKind = ExpertKind(rawValue: kind) else {
            throw NativeError("moe: expert must be \"gelu\" or \"swiglu\", got \"\(kind)\"")
        }
        config.expertKind = expertKind
    }
    if try given("gate") {
        let gate = try arguments.string(named: "gate")
        guard let gateFunction = GateFunction(rawValue: gate) else {
            throw NativeError("moe: gate must be \"softmax\" or \"sigmoid\", got \"\(gate)\"")
        }
        config.gate = gateFunction
    }
    if try given("balance") {
        let balance = try arguments.string(named: "balance")
        guard let balancing = BalancingMethod(rawValue: balance) else {
            throw NativeError("moe: balance must be \"none\", \"aux\" or \"bias\", got \"\(balance)\"")
        }
        config.balancing = balancing
    }
    if try given("aux_weight") {
        guard config.balancing == .aux else {
            throw NativeError("moe: aux_weight= is used only with balance=\"aux\" (balance is \"\(config.balancing.rawValue)\")")
        }
        config.auxiliaryWeight = Float(try arguments.number(named: "aux_weight"))
    }
    if try given("bias_rate") {
        guard config.balancing == .bias else {
            throw NativeError("moe: bias_rate= is used only with balance=\"bias\" (balance is \"\(config.balancing.rawValue)\")")
        }
        config.biasRate = Float(try arguments.number(named: "bias_rate"))
    }
    if try given("router_bias") { config.routerBias = try arguments.bool(named: "router_bias", default: false) }
    if try given("route_scale") { config.routeScale = Float(try arguments.number(named: "route_scale")) }
    if try given("seq_aux") { config.sequenceAuxiliaryWeight = Float(try arguments.number(named: "seq_aux")) }
    if try given("seq_len") {
        guard config.sequenceAuxiliaryWeight > 0 else {
            throw NativeError("moe: seq_len= is used only with seq_aux= above 0 (the sequence-wise loss)")
        }
        config.sequenceLength = try arguments.integer(named: "seq_len")
    }
    if try given("groups") { config.groupCount = try arguments.integer(named: "groups") }
    if try given("top_groups") {
        guard try given("groups") else { throw NativeError("moe: top_groups= needs groups= (the number of expert groups)") }
        config.topGroups = try arguments.integer(named: "top_groups")
    }
    if try given("z_weight") { config.zLossWeight = Float(try arguments.number(named: "z_weight")) }
    if let capacity = try arguments.value(named: "capacity") {                 // capacity=nil turns a preset's off
        config.capacityFactor = capacity.isNull ? nil : Float(try arguments.number(named: "capacity"))
    }
    if try given("residual") { config.residual = try arguments.bool(named: "residual", default: false) }
    if try given("noise") { config.noise = Float(try arguments.number(named: "noise")) }
    config.seed = seed
    return config
}

enum ExpertBuiltins {
    static func install(_ context: BuiltinContext) {
        context.define("moe", help: moeHelp) { arguments in
            try arguments.rejectUnknownNames(["dim", "experts", "top_k", "hidden", "shared", "gate", "balance",
                                              "aux_weight", "z_weight", "bias_rate", "capacity", "noise", "seed",
                                              "preset", "router_bias", "route_scale", "seq_aux", "seq_len", "groups",
                                              "top_groups", "expert", "residual"])
            let config = try moeConfig(arguments, seed: try context.seed(arguments))
            return .object(MixtureObject(try rethrowingNamed("moe") { try MixtureOfExperts(config: config) }))
        }
        context.define("specialization", help: """
            specialization(model, data): classes × experts table; row c is the share of class c's routing
            assignments that went to each expert (first moe layer in the model). Ready for heatmap.
              heatmap(specialization(model, test), xlabel="expert", ylabel="class", values=true)
            """) { arguments in
            try arguments.rejectUnknownNames(["model", "data"])
            try arguments.expectCount(2)
            let model = try arguments.object(at: 0, named: "model", as: ModelObject.self, described: "a model")
            let data = try arguments.object(at: 1, named: "data", as: DatasetObject.self, described: "a dataset")
            let table = try Specialization.table(model: model.module, data: data.dataset)
            return nestedList(table) { .number($0) }
        }
    }
}
