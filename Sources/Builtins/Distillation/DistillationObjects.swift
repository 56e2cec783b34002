// What the distillation builtins build from their arguments: the distiller (a `TrainerObject` of
// kind "distiller" over a `DistillationObjective`, so step/run/history/evaluate work as for every
// trainer) and the transfer set (a dataset, or bare inputs for labels=false).

import Autograd
import NeuralNets
import Script
import Toys

enum Distiller {
    /// The help text's usage lines.
    static let usage = """
          d = distiller(teacher, student, small, T=4, alpha=0.9, opt=adam(student, lr=0.003), batch=64, seed=0)
          d.step(); d.run(steps=500); plot(d.history.agreement); d.evaluate(test)
        """

    /// `distiller(teacher, student, data, T=4, alpha=0.9, labels=true, opt=, batch=64, seed=)`.
    static func make(_ arguments: Arguments, _ context: BuiltinContext) throws -> Value {
        try arguments.rejectUnknownNames(["teacher", "student", "data", "T", "alpha", "labels", "opt", "batch", "seed"])
        let teacher = try model(arguments, 0, "teacher")
        let student = try model(arguments, 1, "student")
        let usesLabels = try arguments.bool(named: "labels", default: true)
        let temperature = try arguments.number(named: "T", default: 4)
        let alpha = try arguments.number(named: "alpha", default: usesLabels ? 0.9 : 1)
        let transfer = try transferSet(try arguments.require(at: 2, named: "data"), usesLabels: usesLabels)
        let optimizer = try optimizerArgument(arguments, "distiller", example: "adam(student) over the student") {
            Adam(parameters: student.module.parameters(), learningRate: 0.01)
        }
        let batch = try arguments.integer(named: "batch", default: 64)
        let objective = try DistillationObjective(teacher: teacher.module, student: student.module, inputs: transfer.inputs,
                                                  labels: transfer.labels, temperature: temperature, alpha: alpha,
                                                  usesLabels: usesLabels, batchSize: batch, seed: try context.seed(arguments))
        try objective.checkOptimizer(optimizer)
        let trainer = Trainer(model: student.module, objective: objective, optimizer: optimizer,
                              modelName: student.module.layerDescription)
        let weights = usesLabels ? "alpha \(format(alpha))" : "soft targets only"
        return .object(TrainerObject(trainer, kind: "distiller",
                                     summary: "\(teacher.summary) → \(student.summary), T \(format(temperature)), \(weights), batch \(objective.batchSize)",
                                     usage: usage))
    }

    /// A model argument with its echo.
    static func model(_ arguments: Arguments, _ position: Int, _ name: String) throws -> (module: any Module, summary: String) {
        let object = try arguments.require(at: position, named: name)
        guard case .object(let model as ModuleObject) = object else {
            throw NativeError("\(arguments.functionName): \(name) must be a model (mlp, seq, linear, moe, …), got \(object.typeAndValue)")
        }
        return (model.module, (model as? ModelObject)?.summary ?? model.repr)
    }

    /// The transfer set: a dataset (inputs and labels) or, with labels=false, a tensor of inputs.
    static func transferSet(_ value: Value, usesLabels: Bool) throws -> (inputs: Tensor, labels: [Int]?) {
        if case .object(let data as DatasetObject) = value {
            guard data.dataset.isClassification else {
                throw NativeError("distiller: data has value targets; distillation needs class data (or inputs alone with labels=false)")
            }
            return (data.dataset.inputs, data.dataset.labels)
        }
        if case .object(let tensor as TensorObject) = value {
            guard !usesLabels else {
                throw NativeError("distiller: data is a tensor of inputs without labels; pass labels=false to distil from soft targets alone, or a dataset")
            }
            return (tensor.tensor, nil)
        }
        throw NativeError("distiller: data must be a dataset (or, with labels=false, a tensor of inputs), got \(value.typeAndValue)")
    }

    /// 4 rather than 4.0.
    static func format(_ value: Double) -> String { Value.number(value).description }
}
