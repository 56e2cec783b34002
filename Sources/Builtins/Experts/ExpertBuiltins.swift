// The Mixture-of-Experts builtins: moe(…) and specialization(model, data). The objects they
// return are in ExpertObjects.swift; the layer is in Toys/Experts.

import Autograd
import Foundation
import NeuralNets
import Script
import Toys

// MARK: - Builtins

enum ExpertBuiltins {
    static func install(_ context: BuiltinContext) {
        context.define("moe", help: """
            moe(dim=, experts=8, top_k=2, hidden=2·dim, shared=0, gate="softmax"|"sigmoid", balance="none"|"aux"|"bias",
                aux_weight=0.01, z_weight=0, bias_rate=0.001, capacity=nil, noise=0, seed=): a Mixture-of-Experts layer.
            Each token goes to top_k of `experts` small MLPs (dim → hidden → dim, gelu) chosen by a linear router; their
            outputs are summed with the gate weights. balance="aux" adds the Switch loss (aux_weight) to training,
            "bias" moves a per-expert selection bias by bias_rate toward balance after each step (DeepSeek-V3).
            capacity drops assignments past capacity·tokens·top_k/experts per expert; noise adds N(0, noise²) to
            the router scores in training.
              m = moe(dim=16, experts=4, top_k=1, seed=0); model = seq(linear(2, 16, seed=1), m, linear(16, 4, seed=2))
            """) { arguments in
            try arguments.rejectUnknownNames(["dim", "experts", "top_k", "hidden", "shared", "gate", "balance",
                                              "aux_weight", "z_weight", "bias_rate", "capacity", "noise", "seed"])
            var config = MixtureOfExpertsConfig(dimensions: try arguments.integer(at: 0, named: "dim"))
            config.expertCount = try arguments.integer(named: "experts", default: 8)
            config.topK = try arguments.integer(named: "top_k", default: 2)
            if let hidden = try arguments.value(named: "hidden"), !hidden.isNull {
                config.hiddenDimensions = try arguments.integer(named: "hidden")
            }
            config.sharedExpertCount = try arguments.integer(named: "shared", default: 0)
            let gate = try arguments.string(named: "gate", default: "softmax")
            guard let gateFunction = GateFunction(rawValue: gate) else {
                throw NativeError("moe: gate must be \"softmax\" or \"sigmoid\", got \"\(gate)\"")
            }
            config.gate = gateFunction
            let balance = try arguments.string(named: "balance", default: "none")
            guard let balancing = BalancingMethod(rawValue: balance) else {
                throw NativeError("moe: balance must be \"none\", \"aux\" or \"bias\", got \"\(balance)\"")
            }
            config.balancing = balancing
            config.auxiliaryWeight = Float(try arguments.number(named: "aux_weight", default: 0.01))
            config.zLossWeight = Float(try arguments.number(named: "z_weight", default: 0))
            config.biasRate = Float(try arguments.number(named: "bias_rate", default: 0.001))
            if let capacity = try arguments.value(named: "capacity"), !capacity.isNull {
                config.capacityFactor = Float(try arguments.number(named: "capacity"))
            }
            config.noise = Float(try arguments.number(named: "noise", default: 0))
            config.seed = try context.seed(arguments)
            return .object(MixtureObject(try MixtureOfExperts(config: config)))
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
