// The training builtins: clusters(…) and trainer(…). The objects they return are in
// TrainingObjects.swift; the data and the trainer are in Toys/Training.

import Autograd
import Foundation
import NeuralNets
import Script
import Toys

// MARK: - Builtins

enum TrainingBuiltins {
    static func install(_ context: BuiltinContext) {
        installData(context)
        installTraining(context)
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
                                               seed: try context.seed(arguments))
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
                                      seed: try context.seed(arguments))
            return .object(TrainerObject(trainer, summary: "\(model.summary), batch \(trainer.batchSize)"))
        }
    }
}
