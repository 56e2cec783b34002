// The distillation builtins: blobs(…) (the toy data), distiller(…) (the trainer), and the pieces of
// its loss as functions a learner can call on their own tensors: soft_targets, kd_loss, kl,
// reverse_kl, entropy. The library is in Toys/Distillation; the distiller's construction in
// DistillationObjects.swift.

import Autograd
import Foundation
import NeuralNets
import Script
import Toys

enum DistillationBuiltins {
    static func install(_ context: BuiltinContext) {
        installData(context)
        installTrainer(context)
        installFunctions(context)
    }

    // MARK: - Data

    private static func installData(_ context: BuiltinContext) {
        context.define("blobs", help: """
            blobs(n=1000, classes=10, dim=10, centres_per_class=3, spread=1, seed=): n points where each class is a mixture
            of centres_per_class Gaussian blobs (centres ~ N(0, 1.6²) per coordinate, noise N(0, spread²)), so classes
            interleave: hard for a tiny model with few labels, learnable by a wide one with many. The same seed gives the
            same centres for any n, and the first m rows of blobs(n=big) are blobs(n=m): split one call.
              data = blobs(n=2000, seed=0); parts = data.split(0.5); train = parts[0]; test = parts[1]
            """) { arguments in
            try arguments.rejectUnknownNames(["n", "classes", "dim", "centres_per_class", "spread", "seed"])
            let dataset = try ToyData.blobs(count: try arguments.integer(at: 0, named: "n", default: 1000),
                                            classes: try arguments.integer(named: "classes", default: 10),
                                            dimensions: try arguments.integer(named: "dim", default: 10),
                                            centresPerClass: try arguments.integer(named: "centres_per_class", default: 3),
                                            spread: try arguments.number(named: "spread", default: 1),
                                            seed: try context.seed(arguments))
            return .object(DatasetObject(dataset))
        }
    }

    // MARK: - The distiller

    private static func installTrainer(_ context: BuiltinContext) {
        context.define("distiller", help: """
            distiller(teacher, student, data, T=4, alpha=0.9, labels=true, opt=adam(student, lr=0.01), batch=64, seed=): trains
            the student on the frozen teacher's soft targets (Hinton 2015): loss = alpha·T²·KL(softmax(teacher/T) ‖
            softmax(student/T)) + (1 − alpha)·cross_entropy(student, labels), KL summed over classes and averaged over the
            batch. The teacher runs in evaluation mode without gradients and never changes. alpha=1 uses soft targets only;
            labels=false distils with no labels at all (data may then be a tensor of inputs). Records: loss = soft + hard,
            agreement (student picks the teacher's class), accuracy and teacher_accuracy (on the batch's labels).
              teacher = mlp([10, 64, 10], seed=0); student = mlp([10, 16, 10], seed=1); data = blobs(n=200, seed=0)
              d = distiller(teacher, student, data, T=4, seed=0); d.run(steps=20, every=0); d.history.agreement[-1]
            """) { arguments in
            try Distiller.make(arguments, context)
        }
    }

    // MARK: - The loss and its pieces

    private static func installFunctions(_ context: BuiltinContext) {
        context.define("soft_targets", help: """
            soft_targets(model, x, T=1): the model's probabilities softmax(model(x) / T) for each row of x, computed without
            gradients (they are targets). A larger T flattens them and shows which wrong classes the model finds plausible.
            soft_targets(logits, T=) does the same for a tensor of logits, with gradients.
              soft_targets(tensor([[4, 2, 0]]), T=2)
            """) { arguments in
            try arguments.rejectUnknownNames(["model", "x", "T"])
            let first = try arguments.require(at: 0, named: "model")
            if case .object(let model as ModuleObject) = first {
                try arguments.expectCount(2...3)
                let input = try Conversions.tensor(try arguments.require(at: 1, named: "x"), "soft_targets", "x")
                let temperature = try arguments.number(at: 2, named: "T", default: 1)
                try Distillation.checkTemperature(temperature, op: "soft_targets")
                let logits = try withNoGrad {
                    do { return try model.module(input) } catch let error as LayerError {
                        throw NativeError(error.rooted(at: model.module.layerDescription).description)
                    }
                }
                return Conversions.value(try withNoGrad { try Distillation.softTargets(logits, temperature: temperature) })
            }
            try arguments.expectCount(1...2)
            let logits = try Conversions.tensor(first, "soft_targets", "model")
            return Conversions.value(try Distillation.softTargets(logits, temperature: try arguments.number(at: 1, named: "T", default: 1)))
        }
        context.define("kd_loss", help: """
            kd_loss(student_logits, teacher_logits, y, T=4, alpha=0.9): Hinton's distillation loss
            alpha·T²·KL(softmax(teacher/T) ‖ softmax(student/T)) + (1 − alpha)·cross_entropy(student, y), KL summed over
            classes and averaged over rows (PyTorch's kl_div(…, reduction="batchmean")). Logits are [rows, classes]; y is
            one class per row, or nil with alpha=1. With gradients.
              kd_loss(tensor([[1, 0, 0]]), tensor([[3, 1, 0]]), [0], T=2, alpha=0.5)
            """) { arguments in
            try arguments.rejectUnknownNames(["student_logits", "teacher_logits", "y", "T", "alpha"])
            let student = try Conversions.tensor(try arguments.require(at: 0, named: "student_logits"), "kd_loss", "student_logits")
            let teacher = try Conversions.tensor(try arguments.require(at: 1, named: "teacher_logits"), "kd_loss", "teacher_logits")
            let labelValue = try arguments.value(at: 2, named: "y") ?? .null
            let labels = labelValue.isNull ? nil : try Conversions.integers(labelValue, "kd_loss", "y")
            let temperature = try arguments.number(at: 3, named: "T", default: 4)
            let alpha = try arguments.number(at: 4, named: "alpha", default: labels == nil ? 1 : 0.9)
            if let labels, student.rank == 2, let bad = labels.first(where: { $0 < 0 || $0 >= student.shape[1] }) {
                throw NativeError("kd_loss: label \(bad) is not a class in 0..<\(student.shape[1])")
            }
            return Conversions.value(try Distillation.loss(studentLogits: student, teacherLogits: teacher, labels: labels,
                                                           temperature: temperature, alpha: alpha).loss)
        }
        for (name, summary, example) in [
            ("kl", "forward KL(p ‖ q) = Σ p·(log p − log q) of probability tensors (rows over the last axis, averaged over rows):\nthe teacher p's expectation, so q must cover every place p puts mass (mode-covering). With gradients for both.",
             "kl(tensor([0.5, 0.5]), tensor([0.9, 0.1]))"),
            ("reverse_kl", "reverse KL(q ‖ p) = Σ q·(log q − log p) for a teacher p and a student q (rows over the last axis,\naveraged over rows): the student's expectation, so q may drop some of p's modes (mode-seeking). With gradients.",
             "reverse_kl(tensor([0.5, 0.5]), tensor([0.9, 0.1]))"),
        ] {
            context.define(name, help: "\(name)(p, q): \(summary)\n  \(example)") { arguments in
                try arguments.rejectUnknownNames(["p", "q"])
                try arguments.expectCount(2)
                let p = try Conversions.tensor(try arguments.require(at: 0, named: "p"), name, "p")
                let q = try Conversions.tensor(try arguments.require(at: 1, named: "q"), name, "q")
                return Conversions.value(name == "kl" ? try Distillation.kl(p, q) : try Distillation.reverseKL(p, q))
            }
        }
        context.define("entropy", help: """
            entropy(p): −Σ p·log p in nats over the last axis, averaged over rows: 0 for a one-hot row, log C for a uniform one.
              entropy(tensor([0.25, 0.25, 0.25, 0.25]))   # log 4 ≈ 1.386
            """) { arguments in
            try arguments.rejectUnknownNames(["p"])
            try arguments.expectCount(1)
            return Conversions.value(try Distillation.entropy(try Conversions.tensor(try arguments.require(at: 0, named: "p"), "entropy", "p")))
        }
    }
}
