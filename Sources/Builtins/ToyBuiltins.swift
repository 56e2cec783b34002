// The MoE toy builtins: moe(…), clusters(…), trainer(…), specialization(model, data).
// Objects they return are in ToyObjects.swift; the layer, data and trainer are in Toys.

import Autograd
import Foundation
import NeuralNets
import Script
import Toys

// MARK: - The trainer object

/// `trainer(model, data, …)`: steps, runs with a progress display, history, evaluation.
final class TrainerObject: NativeObject {
    let trainer: Trainer
    let summary: String

    init(_ trainer: Trainer, summary: String) {
        self.trainer = trainer
        self.summary = summary
    }

    var typeName: String { "trainer" }
    var memberNames: [String] { ["step", "run", "history", "evaluate", "steps"] }
    var repr: String { "trainer(\(summary), \(trainer.stepCount) steps so far)" }
    var help: String {
        """
        trainer: trains a classifier (model(x) gives class scores) on a dataset, adding every moe layer's
        auxiliary loss and applying its bias update after each step.
          t = trainer(model, train, opt=adam(model, lr=0.01), batch=64, seed=0)
          t.step(); t.run(steps=300); plot(t.history.imbalance); t.evaluate(test)
        properties: history (per-step lists: loss, task, aux, accuracy, imbalance, load), steps (taken so far)
        methods: step() (one update, returns its record), run(steps=, every=) (progress bar in a terminal,
          otherwise a line every `every` steps; Ctrl-C stops between steps), evaluate(data) (accuracy)
        """
    }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "history": return .object(historyObject(trainer.history))
        case "steps": return .number(Double(trainer.stepCount))
        case "step":
            return boundMethod("trainer", "step", help: "t.step(): one update; returns its record (loss, task, aux, accuracy, load, imbalance).\n  s = t.step(); s.loss") { arguments in
                try arguments.rejectUnknownNames([])
                try arguments.expectCount(0)
                return .object(stepRecordObject(try rethrowingNamed("step") { try self.trainer.step() }))
            }
        case "run":
            return boundMethod("trainer", "run", help: "t.run(steps=100, every=): runs steps and returns the last record; a progress bar in a terminal, else a line every `every` steps (default steps/10, 0 = only the last).\n  t.run(steps=300)") { arguments in
                try self.run(arguments)
            }
        case "evaluate":
            return boundMethod("trainer", "evaluate", help: "t.evaluate(data): the share of data's rows the model classifies correctly.\n  t.evaluate(test)") { arguments in
                try arguments.rejectUnknownNames(["data"])
                let data = try arguments.object(at: 0, named: "data", as: DatasetObject.self, described: "a dataset")
                return .number(try rethrowingNamed("evaluate") { try self.trainer.evaluate(data.dataset) })
            }
        default: return nil
        }
    }

    /// `t.run(steps=, every=)`: stops between steps when the interpreter is interrupted (Ctrl-C)
    /// and raises "interrupted" so the script stops too; every finished step is kept. (Native
    /// calls are not interrupt points of the interpreter, so the run clears the flag itself.)
    private func run(_ arguments: Arguments) throws -> Value {
        try arguments.rejectUnknownNames(["steps", "every"])
        let steps = try arguments.integer(at: 0, named: "steps", default: 100)
        guard steps >= 0 else { throw NativeError("run: steps must be 0 or more, got \(steps)") }
        let every = try arguments.integer(named: "every", default: Swift.max(1, steps / 10))
        guard every >= 0 else { throw NativeError("run: every must be 0 or more, got \(every)") }
        let interpreter = arguments.interpreter
        let terminal = isatty(STDOUT_FILENO) != 0
        let start = Date()
        var last: StepRecord?
        let records = try rethrowingNamed("run") {
            try trainer.run(steps: steps, shouldStop: { interpreter.interruptFlag.isRequested }) { record, done, total in
                last = record
                if terminal {
                    interpreter.output("\r" + TrainerObject.progressBar(done: done, total: total, loss: record.loss,
                                                                         elapsed: Date().timeIntervalSince(start)))
                } else if done == total || (every > 0 && done % every == 0) {
                    interpreter.output(record.description + "\n")
                }
            }
        }
        if terminal && !records.isEmpty { interpreter.output("\n") }
        if records.count < steps {
            _ = interpreter.interruptFlag.clear()
            throw NativeError("run: interrupted after \(records.count) of \(steps) steps (kept in the trainer's history)")
        }
        return last.map { .object(stepRecordObject($0)) } ?? .null
    }

    /// "[██████····] 120/300 loss 0.4123 ETA 3s"
    static func progressBar(done: Int, total: Int, loss: Double, elapsed: TimeInterval) -> String {
        let width = 24
        let filled = total > 0 ? width * done / total : width
        let remaining = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        return "[\(bar)] \(done)/\(total) loss " + String(format: "%.4f", loss) + " ETA " + String(format: "%.0fs", remaining)
    }
}

// MARK: - Builtins

enum ToyBuiltins {
    static func install(_ context: BuiltinContext) {
        installMixture(context)
        installData(context)
        installTraining(context)
    }

    /// An explicit `seed=` (the same seed Swift code would pass) or one drawn from the
    /// interpreter-wide generator.
    private static func seed(_ arguments: Arguments, _ context: BuiltinContext) throws -> UInt64 {
        if let seed = try arguments.optionalInteger(named: "seed") {
            guard seed >= 0 else { throw NativeError("\(arguments.functionName): seed must be 0 or more, got \(seed)") }
            return UInt64(seed)
        }
        return context.defaultGenerator.next() & 0x7FFF_FFFF
    }

    private static func installMixture(_ context: BuiltinContext) {
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
            config.seed = try seed(arguments, context)
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

    private static func installData(_ context: BuiltinContext) {
        context.define("clusters", help: """
            clusters(n=512, classes=4, dim=2, spread=0.5, seed=): n points in `classes` Gaussian clusters (standard
            deviation spread) at radius 3, one class per cluster, rows shuffled. Properties .x, .y; .split(fraction).
              data = clusters(n=600, classes=8, seed=0); parts = data.split(0.8)
            """) { arguments in
            try arguments.rejectUnknownNames(["n", "classes", "dim", "spread", "seed"])
            let dataset = try ToyData.clusters(count: try arguments.integer(at: 0, named: "n", default: 512),
                                               classes: try arguments.integer(named: "classes", default: 4),
                                               dimensions: try arguments.integer(named: "dim", default: 2),
                                               spread: try arguments.number(named: "spread", default: 0.5),
                                               seed: try seed(arguments, context))
            return .object(DatasetObject(dataset))
        }
    }

    private static func installTraining(_ context: BuiltinContext) {
        context.define("trainer", help: """
            trainer(model, data, opt=adam(model, lr=0.01), batch=64, seed=): trains model (class scores out) on data with
            cross-entropy plus every moe layer's auxiliary loss; applies moe bias updates after each step.
              t = trainer(model, train, batch=128, seed=0); t.run(steps=300); t.evaluate(test)
            """) { arguments in
            try arguments.rejectUnknownNames(["model", "data", "opt", "batch", "seed"])
            let model = try arguments.object(at: 0, named: "model", as: ModelObject.self, described: "a model")
            let data = try arguments.object(at: 1, named: "data", as: DatasetObject.self, described: "a dataset")
            let optimizer: any Optimizer
            if let given = try arguments.value(named: "opt"), !given.isNull {
                guard case .object(let object as OptimizerObject) = given else {
                    throw NativeError("trainer: opt must be an optimizer such as adam(model), got \(given.typeAndValue)")
                }
                optimizer = object.optimizer
            } else {
                optimizer = Adam(parameters: model.module.parameters(), learningRate: 0.01)
            }
            let batch = try arguments.integer(named: "batch", default: 64)
            let trainer = try Trainer(model: model.module, data: data.dataset, optimizer: optimizer, batchSize: batch,
                                      seed: try seed(arguments, context))
            return .object(TrainerObject(trainer, summary: "\(model.summary), batch \(trainer.batchSize)"))
        }
    }
}
