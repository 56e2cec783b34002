// The training builtins: dataset(…), clusters(…) and trainer(…). The objects they return are in
// DatasetObject.swift, TrainerObject.swift and TrainingRecords.swift; the data, objectives and
// the trainer are in Toys/Training.

import Autograd
import Foundation
import NeuralNets
import Script
import Toys

enum TrainingBuiltins {
    static func install(_ context: BuiltinContext) {
        installData(context)
        installTraining(context)
    }

    // MARK: - Data

    private static func installData(_ context: BuiltinContext) {
        context.define("dataset", help: """
            dataset(x, y, classes=): your own data. x is a tensor or nested lists with one row per example; y is one
            target per row: whole numbers are class labels (classes = the largest + 1 unless given), anything else
            (fractions, a tensor, rows of numbers) is regression targets for loss="mse".
              data = dataset([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0])
              fit = dataset(tensor([[1], [2], [3]]), tensor([2, 4, 6]))
            """) { arguments in
            try arguments.rejectUnknownNames(["x", "y", "classes"])
            let x = try Conversions.tensor(try arguments.require(at: 0, named: "x"), "dataset", "x")
            let y = try arguments.require(at: 1, named: "y")
            guard x.rank >= 1 else { throw NativeError("dataset: x must have one row per example, got a single number") }
            let classes = try arguments.optionalInteger(named: "classes")
            if case .list = y, let labels = try? Conversions.integers(y, "dataset", "y"), classes != nil || labels.allSatisfy({ $0 >= 0 }) {
                let count = classes ?? ((labels.max() ?? -1) + 1)
                return .object(DatasetObject(try Dataset(inputs: x, labels: labels, classCount: Swift.max(count, 1))))
            }
            if classes != nil {
                throw NativeError("dataset: classes= needs y to be a list of whole numbers (class labels), got \(y.typeAndValue)")
            }
            let values = try Conversions.tensor(y, "dataset", "y")
            return .object(DatasetObject(try Dataset(inputs: x, values: values)))
        }
        context.define("clusters", help: """
            clusters(n=512, classes=4, dim=2, spread=0.5, seed=): n points in `classes` Gaussian clusters (standard
            deviation spread) at radius 3, one class per cluster, rows shuffled. A dataset (help(data) lists its methods).
              data = clusters(n=600, classes=8, seed=0); train, test = data.split(0.8)
            """) { arguments in
            try arguments.rejectUnknownNames(["n", "classes", "dim", "spread", "seed"])
            let dataset = try ToyData.clusters(count: try arguments.integer(at: 0, named: "n", default: 512),
                                               classes: try arguments.integer(named: "classes", default: 4),
                                               dimensions: try arguments.integer(named: "dim", default: 2),
                                               spread: try arguments.number(named: "spread", default: 0.5),
                                               seed: try context.seed(arguments))
            return .object(DatasetObject(dataset))
        }
    }

    // MARK: - Trainer

    private static func installTraining(_ context: BuiltinContext) {
        context.define("trainer", help: """
            trainer(model, data, loss="cross_entropy", opt=adam(model, lr=0.01), batch=64, seed=, params=): trains model on
            data. loss is "cross_entropy" (class scores against labels; reports accuracy), "mse" (regression),
            "next_token" (logits [batch, time, vocab] against token ids [batch, time]) or your own fn(out, batch)
            returning a scalar tensor (batch.x, batch.y are the rows). Every module's auxiliary loss (an moe layer's
            balancing) is added and its post-step update applied. model may be a Seek function with its tensors in
            params=[…].
              t = trainer(model, train, batch=128, seed=0); t.run(steps=300); t.evaluate(test)
              w = param(zeros(1, 1)); t = trainer(fn(x) { x @ w }, fit, loss="mse", params=[w], opt=sgd([w], lr=0.05))
            """) { arguments in
            try arguments.rejectUnknownNames(["model", "data", "loss", "opt", "batch", "seed", "params"])
            let model = try modelArgument(arguments)
            let data = try arguments.object(at: 1, named: "data", as: DatasetObject.self, described: "a dataset")
            let loss = try lossArgument(arguments, default: data.dataset.isClassification ? "cross_entropy" : "mse")
            let optimizer = try optimizerArgument(arguments, "trainer", example: "adam(model)") {
                Adam(parameters: model.module.parameters(), learningRate: 0.01)
            }
            let batch = try arguments.integer(named: "batch", default: 64)
            let objective = try rethrowingNamed("trainer") {
                try SupervisedObjective(data: data.dataset, loss: loss, batchSize: batch, seed: try context.seed(arguments))
            }
            let trainer = Trainer(model: model.module, objective: objective, optimizer: optimizer, modelName: model.name)
            return .object(TrainerObject(trainer, summary: "\(model.summary), \(loss.name), batch \(objective.batchSize)"))
        }
    }

    /// The model being trained: a model object, or a Seek function with `params=`.
    private static func modelArgument(_ arguments: Arguments) throws -> (module: any Module, summary: String, name: String) {
        let given = try arguments.require(at: 0, named: "model")
        let params = try arguments.value(named: "params")
        if case .object(let object as ModuleObject) = given {
            if let params, !params.isNull {
                throw NativeError("trainer: params= is for a model written as a Seek function; \(object.repr) has its own parameters")
            }
            let summary = (object as? ModelObject)?.summary ?? object.repr
            return (object.module, summary, object.module.layerDescription)
        }
        guard isFunction(given) else {
            throw NativeError("trainer: model must be a model (linear, mlp, seq, moe, …) or a function fn(x) { … }, got \(given.typeAndValue)")
        }
        guard let params, case .list(let list) = params else {
            throw NativeError("trainer: a model written as a function needs its tensors: params=[w, b]")
        }
        var tensors: [Tensor] = []
        for (index, element) in list.elements.enumerated() {
            guard case .object(let tensor as TensorObject) = element, tensor.tensor.requiresGrad else {
                throw NativeError("trainer: params[\(index)] must be a tensor made with param(…), got \(element.typeAndValue)")
            }
            tensors.append(tensor.tensor)
        }
        let module = ScriptModule(function: given, parameterTensors: tensors, interpreter: arguments.interpreter)
        return (module, "fn with \(tensors.count) params", "model")
    }

    /// `loss=`: a name or a Seek function of (outputs, batch).
    private static func lossArgument(_ arguments: Arguments, default name: String) throws -> SupervisedLoss {
        guard let given = try arguments.value(named: "loss"), !given.isNull else { return try namedLoss(name) }
        if case .string(let text) = given { return try namedLoss(text) }
        guard isFunction(given) else {
            throw NativeError("trainer: loss must be \"cross_entropy\", \"mse\", \"next_token\" or fn(out, batch) { … }, got \(given.typeAndValue)")
        }
        let interpreter = arguments.interpreter
        return .custom(name: "custom loss") { output, batch in
            let result = try interpreter.call(given, [Conversions.value(output), .object(DatasetObject(batch))])
            guard case .object(let tensor as TensorObject) = result else {
                throw NativeError("trainer: the loss function must return a scalar tensor, got \(result.typeAndValue)")
            }
            return tensor.tensor
        }
    }

    private static func namedLoss(_ name: String) throws -> SupervisedLoss {
        switch name {
        case "cross_entropy": return .crossEntropy
        case "mse": return .meanSquaredError
        case "next_token": return .nextToken
        default: throw NativeError("trainer: loss must be \"cross_entropy\", \"mse\", \"next_token\" or a function, got \"\(name)\"")
        }
    }

    /// A Seek function or a native one.
    private static func isFunction(_ value: Value) -> Bool {
        switch value {
        case .function, .native: true
        default: false
        }
    }
}
