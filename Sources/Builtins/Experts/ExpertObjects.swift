// The script objects of the Mixture-of-Experts builtins: the moe layer (a model with routing
// members), its routing record and token explanation. The builtins that create them are in
// ExpertBuiltins.swift.

import Autograd
import Foundation
import NeuralNets
import Script
import Toys

// MARK: - Routing record and explanation

/// `m.route(x)`: the routing of a batch.
func routingRecordObject(_ record: RoutingRecord) -> RecordObject {
    RecordObject(typeName: "routing", repr: record.description, help: """
        routing: how the router sent a batch of tokens to experts.
          r = m.route(x); r.load; heatmap(r.probs)
        Selection uses the bias; the weights do not: chosen ranks scores_for_selection, weights come from probs.
        properties: probs (tokens × experts tensor of gate values), scores_for_selection (gate values + the balancing
          bias, what top-k ranked), chosen (each token's experts, best first), weights (their renormalised weights,
          times route_scale), load (share of assignments per expert), imbalance (max load ÷ mean), entropy (mean
          router entropy in nats, at most log N), dropped (assignments over capacity), tokens
        """, fields: [
            ("probs", { matrix(record.probabilities, experts: record.expertCount) }),
            ("scores_for_selection", { matrix(record.selectionScores, experts: record.expertCount) }),
            ("chosen", { nestedList(record.chosen) { .number(Double($0)) } }),
            ("weights", { nestedList(record.weights) { .number(Conversions.number($0)) } }),
            ("load", { numberList(record.load) }),
            ("imbalance", { .number(record.imbalance) }),
            ("entropy", { .number(record.entropy) }),
            ("dropped", { .number(Double(record.dropped)) }),
            ("tokens", { .number(Double(record.tokenCount)) }),
        ])
}

/// A tokens × experts tensor value of `rows`.
private func matrix(_ rows: [[Float]], experts: Int) -> Value {
    (try? Tensor(shape: [rows.count, experts], values: rows.flatMap { $0 })).map(Conversions.value) ?? .null
}

/// `m.explain(x_row)`: one token, step by step. `explain` prints the trace; the record echoes as
/// one line, so the REPL does not print the trace twice (`e.trace` gives it again).
func explanationObject(_ explanation: TokenExplanation) -> RecordObject {
    RecordObject(typeName: "explanation", repr: explanation.summary, help: """
        explanation: one token through the moe layer: scores → gate → top-k → weights → experts → sum.
        Selection uses the bias (balance="bias"); the weights do not.
          e = m.explain(x[0]); e.chosen; e.weights
        properties: scores, gate (softmax probabilities or sigmoid affinities), bias (selection bias or nil),
          chosen, chosen_gate (their gate values), weights (renormalised), expert_outputs, shared_output,
          output, active_params, total_params, trace (the printed steps, as text)
        """, fields: [
            ("trace", { .string(explanation.description) }),
            ("scores", { numberList(explanation.scores) }),
            ("gate", { numberList(explanation.gateValues) }),
            ("bias", { explanation.bias.map { numberList($0) } ?? .null }),
            ("chosen", { integerList(explanation.chosen) }),
            ("chosen_gate", { numberList(explanation.chosenGateValues) }),
            ("weights", { numberList(explanation.weights) }),
            ("expert_outputs", { nestedList(explanation.expertOutputs) { .number(Conversions.number($0)) } }),
            ("shared_output", { explanation.sharedOutput.map { numberList($0) } ?? .null }),
            ("output", { numberList(explanation.output) }),
            ("active_params", { .number(Double(explanation.activeParameters)) }),
            ("total_params", { .number(Double(explanation.totalParameters)) }),
        ])
}

// MARK: - The moe layer

/// `moe(…)`: a Mixture-of-Experts layer; a model, so it goes inside `seq(…)` and optimizers.
final class MixtureObject: ModelObject {
    let layer: MixtureOfExperts

    init(_ layer: MixtureOfExperts) {
        self.layer = layer
        let config = layer.config
        var parts = ["dim=\(config.dimensions)", "experts=\(config.expertCount)", "top_k=\(config.topK)"]
        if let preset = config.preset { parts.insert("preset=\"\(preset)\"", at: 0) }
        if config.sharedExpertCount > 0 { parts.append("shared=\(config.sharedExpertCount)") }
        if config.gate != .softmax { parts.append("gate=\"\(config.gate.rawValue)\"") }
        if config.balancing != .none { parts.append("balance=\"\(config.balancing.rawValue)\"") }
        if config.groupCount > 1 { parts.append("groups=\(config.groupCount)") }
        if config.residual { parts.append("residual=true") }
        super.init(module: layer, summary: "moe(\(parts.joined(separator: ", ")))", kind: "moe",
                   inputDimensions: config.dimensions)
    }

    override var memberNames: [String] {
        super.memberNames + ["active_params", "route", "explain", "load", "bias", "router", "experts", "shared",
                             "set_bias", "dim", "top_k", "gate", "balance", "config"]
    }

    override var repr: String { "\(summary), \(layer.parameterCount) params (\(layer.activeParameterCount) active per token)" }

    override var help: String {
        """
        moe: a Mixture-of-Experts layer (\(summary)). m(x) routes each row of x [tokens, dim] to top_k of its
        experts and sums their outputs with the gate weights (+ shared experts).
          r = m.route(x); m.explain(x[0]); heatmap(r.probs)
        properties: load (share of assignments per expert in the last forward pass), bias (selection bias per
          expert), params, active_params (parameters one token uses), router (the linear scorer),
          experts and shared (lists of expert models), dim, top_k, gate, balance, config (every setting, by option name)
        methods: route(x) (a routing record), explain(x_row) (prints each step once, returns them), set_bias(values),
          parameters(), zero_grad()
        """
    }

    override func member(_ name: String) throws -> Value? {
        switch name {
        case "active_params": return .number(Double(layer.activeParameterCount))
        case "load": return numberList(layer.load)
        case "bias": return numberList(layer.bias)
        case "dim": return .number(Double(layer.config.dimensions))
        case "top_k": return .number(Double(layer.config.topK))
        case "gate": return .string(layer.config.gate.rawValue)
        case "balance": return .string(layer.config.balancing.rawValue)
        case "config": return configValue(layer.config)
        case "router":
            return .object(ModelObject(module: layer.router, summary: "router(\(layer.config.dimensions) → \(layer.config.expertCount))",
                                       inputDimensions: layer.config.dimensions))
        case "experts", "shared":
            let experts = name == "experts" ? layer.experts : layer.sharedExperts
            let hidden = layer.config.resolvedHiddenDimensions, width = layer.config.dimensions
            return .list(ListObject(experts.enumerated().map { index, expert in
                .object(ModelObject(module: expert, summary: "\(name == "experts" ? "expert" : "shared") \(index) (\(width) → \(hidden) → \(width), \(layer.config.expertKind.rawValue))",
                                    inputDimensions: width))
            }))
        case "set_bias":
            return boundMethod("moe", "set_bias", help: "m.set_bias(values): replace the selection bias (one number per expert; used when balance=\"bias\").\n  m.set_bias([0.5, 0, 0, 0])") { arguments in
                try arguments.rejectUnknownNames([])
                try arguments.expectCount(1)
                let values = try Conversions.doubles(try arguments.require(at: 0, named: "values"), "set_bias", "values")
                try rethrowingNamed("set_bias") { try self.layer.setBias(values.map(Float.init)) }
                return .null
            }
        case "route":
            return boundMethod("moe", "route", help: "m.route(x): the routing record of x [tokens, dim] (no noise, no gradients). Selection uses the bias; the weights do not: r.chosen ranks r.scores_for_selection, r.weights come from r.probs.\n  r = m.route(x); r.load; r.imbalance") { arguments in
                try arguments.rejectUnknownNames([])
                try arguments.expectCount(1)
                let input = try Conversions.tensor(try arguments.require(at: 0, named: "x"), "route", "x")
                guard input.rank == 2, input.shape[1] == self.layer.config.dimensions else {
                    throw NativeError("route: x must be [tokens, \(self.layer.config.dimensions)], got shape \(input.shape)")
                }
                return .object(routingRecordObject(try rethrowingNamed("route") { try self.layer.route(input) }))
            }
        case "explain":
            return boundMethod("moe", "explain", help: "m.explain(x_row): prints each routing step for one token once and returns them (echoed as one line). Selection uses the bias; the weights do not.\n  e = m.explain(x[0]); e.weights") { arguments in
                try arguments.rejectUnknownNames([])
                try arguments.expectCount(1)
                let row = try Conversions.tensor(try arguments.require(at: 0, named: "x_row"), "explain", "x_row")
                let explanation = try rethrowingNamed("explain") { try self.layer.explain(row) }
                arguments.interpreter.output(explanation.description + "\n")
                return .object(explanationObject(explanation))
            }
        default: return try super.member(name)
        }
    }
}

/// `m.config`: every setting under its `moe(…)` option name.
private func configValue(_ config: MixtureOfExpertsConfig) -> Value {
    func number(_ value: Float) -> Value { .number(Conversions.number(value)) }
    let entries: [(String, Value)] = [
        ("preset", config.preset.map { .string($0) } ?? .null),
        ("dim", .number(Double(config.dimensions))), ("experts", .number(Double(config.expertCount))),
        ("top_k", .number(Double(config.topK))), ("hidden", .number(Double(config.resolvedHiddenDimensions))),
        ("shared", .number(Double(config.sharedExpertCount))), ("expert", .string(config.expertKind.rawValue)),
        ("gate", .string(config.gate.rawValue)), ("router_bias", .bool(config.routerBias)),
        ("route_scale", number(config.routeScale)), ("groups", .number(Double(config.groupCount))),
        ("top_groups", .number(Double(config.topGroups ?? config.groupCount))),
        ("balance", .string(config.balancing.rawValue)),
        ("aux_weight", config.balancing == .aux ? number(config.auxiliaryWeight) : .null),
        ("bias_rate", config.balancing == .bias ? number(config.biasRate) : .null),
        ("seq_aux", number(config.sequenceAuxiliaryWeight)),
        ("seq_len", config.sequenceLength.map { .number(Double($0)) } ?? .null),
        ("z_weight", number(config.zLossWeight)), ("capacity", config.capacityFactor.map(number) ?? .null),
        ("residual", .bool(config.residual)), ("noise", number(config.noise)), ("seed", .number(Double(config.seed))),
    ]
    return .dict(DictObject(entries))
}
