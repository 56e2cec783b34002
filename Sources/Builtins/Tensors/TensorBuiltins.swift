// Tensor creators (tensor, zeros, ones, randn, rand, arange, eye, param, one_hot), tensor
// functions (softmax, relu, …, topk, cross_entropy, kl_div) and combining (concat, stack, where).

import Autograd
import Script

enum TensorBuiltins {
    static func install(_ context: BuiltinContext) {
        installCreators(context)
        installFunctions(context)
        installCombining(context)
        installSampling(context)
        TensorOperations.install(context)
    }

    // MARK: - Creators

    private static func installCreators(_ context: BuiltinContext) {
        context.define("tensor", help: """
            tensor(data): a tensor from a number, a list, or lists of lists (all rows the same length).
              tensor([[1, 2], [3, 4]])
            """) { arguments in
            try arguments.rejectUnknownNames([])
            try arguments.expectCount(1)
            let source = try Conversions.tensor(try arguments.require(at: 0, named: "data"), "tensor", "data")
            // A new tensor even when given one, so changing the copy never changes the original.
            return Conversions.value(try Tensor(shape: source.shape, values: source.storage))
        }
        context.define("param", help: """
            param(t): a copy of t (tensor, number or list) that tracks gradients: backward() fills its .grad.
              x = param(tensor([1, 2, 3])); (x * x).sum().backward(); x.grad
            """) { arguments in
            try arguments.rejectUnknownNames([])
            try arguments.expectCount(1)
            let source = try Conversions.tensor(try arguments.require(at: 0, named: "t"), "param", "t")
            return Conversions.value(try Tensor(shape: source.shape, values: source.storage, requiresGrad: true))
        }
        context.define("zeros", help: "zeros(d1, d2, …) or zeros([d1, …]): a tensor of zeros.\n  zeros(2, 3)") { arguments in
            try arguments.rejectUnknownNames([])
            return Conversions.value(try Tensor.zeros(try Conversions.shape(arguments)))
        }
        context.define("ones", help: "ones(d1, d2, …) or ones([d1, …]): a tensor of ones.\n  ones(3)") { arguments in
            try arguments.rejectUnknownNames([])
            return Conversions.value(try Tensor.ones(try Conversions.shape(arguments)))
        }
        context.define("randn", help: """
            randn(d1, d2, …, seed=): normal random values (mean 0, std 1). Without seed= they come from the session's generator (--seed).
              randn(2, 3, seed=0)
            """) { arguments in
            try arguments.rejectUnknownNames(["seed"])
            let shape = try Conversions.shape(arguments)
            return Conversions.value(try context.withGenerator(arguments) { try Tensor.normal(shape, generator: &$0) })
        }
        context.define("rand", help: """
            rand(d1, d2, …, seed=): uniform random values in [0, 1). Without seed= they come from the session's generator (--seed).
              rand(3, seed=1)
            """) { arguments in
            try arguments.rejectUnknownNames(["seed"])
            let shape = try Conversions.shape(arguments)
            return Conversions.value(try context.withGenerator(arguments) { try Tensor.uniform(shape, generator: &$0) })
        }
        context.define("arange", help: """
            arange(stop) or arange(start, stop, step=1): evenly spaced values below stop.
              arange(5)   # [0, 1, 2, 3, 4]
            """) { arguments in
            try arguments.rejectUnknownNames(["start", "stop", "step"])
            try arguments.expectCount(0...3)
            let start: Double, stop: Double
            if arguments.count >= 2 {
                start = try arguments.number(at: 0, named: "start")
                stop = try arguments.number(at: 1, named: "stop")
            } else {
                start = try arguments.number(named: "start", default: 0)
                stop = try arguments.number(at: 0, named: "stop")
            }
            let step = try arguments.number(at: 2, named: "step", default: 1)
            guard start.isFinite, stop.isFinite, step.isFinite, step != 0 else {
                throw NativeError("arange: start \(Value.number(start).description), stop \(Value.number(stop).description) "
                    + "and step \(Value.number(step).description) must be finite with a non-zero step")
            }
            // Checked here in Double: a length beyond Int's range would trap when converted.
            let length = ((stop - start) / step).rounded(.up)
            guard length <= Double(TensorLimits.maximumElementCount) else {
                throw NativeError("arange: \(Value.number(length).description) values exceed the tensor size limit of \(TensorLimits.maximumElementCount)")
            }
            return Conversions.value(try Tensor.arange(start: Float(start), end: Float(stop), step: Float(step)))
        }
        context.define("eye", help: "eye(n): the n×n identity matrix.\n  eye(3)") { arguments in
            try arguments.rejectUnknownNames([])
            try arguments.expectCount(1)
            let size = try arguments.integer(at: 0, named: "n")
            guard size >= 0 else { throw NativeError("eye: n must be 0 or more, got \(size)") }
            return Conversions.value(try Tensor.eye(size))
        }
    }

    // MARK: - Sampling

    private static func installSampling(_ context: BuiltinContext) {
        context.define("multinomial", help: """
            multinomial(probs, n=1, replacement=true, seed=): n class indices drawn for each row of probs ([C] or [N, C] non-negative weights, normalised per row) → [n] or [N, n] (torch.multinomial). Draws with replacement unless replacement=false (PyTorch's default is false). Without seed= the session's generator is used.
              multinomial(tensor([0.1, 0.0, 0.9]), n=5, seed=0)
            """) { arguments in
            try arguments.rejectUnknownNames(["probs", "n", "replacement", "seed"])
            try arguments.expectCount(1...2)
            let probabilities = try Conversions.tensor(try arguments.require(at: 0, named: "probs"), "multinomial", "probs")
            let count = try arguments.integer(at: 1, named: "n", default: 1)
            let replacement = try arguments.bool(named: "replacement", default: true)
            return Conversions.value(try context.withGenerator(arguments) { generator in
                try Multinomial.sample(probabilities, count: count, replacement: replacement, generator: &generator)
            })
        }
    }

    // MARK: - Functions

    private static func installFunctions(_ context: BuiltinContext) {
        for function in Elementwise.all {
            context.define(function.name, help: """
                \(function.name)(x): \(function.summary), elementwise on a tensor (or of a number).
                  \(function.name)(tensor([-1, 0, 2]))
                """) { arguments in
                try arguments.rejectUnknownNames([])
                try arguments.expectCount(1)
                let input = try arguments.require(at: 0, named: "x")
                if case .number(let number) = input { return .number(function.number(number)) }
                return Conversions.value(function.tensor(try Conversions.tensor(input, function.name, "x")))
            }
        }
        context.define("topk", help: """
            topk(t, k, axis=-1): the k largest values and their indices, as [values, indices].
              top = topk(tensor([3, 1, 4, 1, 5]), 2); top[0]; top[1]   # [5, 4] [4, 2]
            """) { arguments in
            try arguments.rejectUnknownNames(["k", "axis"])
            let input = try Conversions.tensor(try arguments.require(at: 0, named: "t"), "topk", "t")
            let k = try arguments.integer(at: 1, named: "k")
            let axis = try arguments.integer(at: 2, named: "axis", default: -1)
            guard input.rank > 0 else { throw NativeError("topk: needs a tensor with at least one axis, got shape []") }
            let (values, indices) = try input.topK(k, axis: axis)
            return .list(ListObject([Conversions.value(values), Conversions.value(indices)]))
        }
        context.define("cross_entropy", help: """
            cross_entropy(logits, targets): mean of -log softmax(logits)[target]; logits [N, C], targets N class indices (tensor or list).
              cross_entropy(tensor([[2, 0], [0, 2]]), [0, 1])
            """) { arguments in
            try arguments.rejectUnknownNames(["logits", "targets"])
            let logits = try Conversions.tensor(try arguments.require(at: 0, named: "logits"), "cross_entropy", "logits")
            let targets = try Conversions.integers(try arguments.require(at: 1, named: "targets"), "cross_entropy", "targets")
            guard logits.rank == 2 else {
                throw NativeError("cross_entropy: logits must be [rows, classes], got shape \(logits.shape)")
            }
            guard logits.shape[0] == targets.count else {
                throw NativeError("cross_entropy: logits have \(logits.shape[0]) rows but targets have \(targets.count)")
            }
            for (row, target) in targets.enumerated() where target < 0 || target >= logits.shape[1] {
                throw NativeError("cross_entropy: target \(target) in row \(row) is not a class in 0..<\(logits.shape[1])")
            }
            return Conversions.value(try Tensor.crossEntropy(logits: logits, targets: targets))
        }
        context.define("kl_div", help: """
            kl_div(p_logits, q_logits, T=1): KL(p ‖ q) of softmax(p_logits/T) and softmax(q_logits/T), summed over classes, mean over rows.
              kl_div(teacher_logits, student_logits, T=2)
            """) { arguments in
            try arguments.rejectUnknownNames(["p_logits", "q_logits", "T"])
            let p = try Conversions.tensor(try arguments.require(at: 0, named: "p_logits"), "kl_div", "p_logits")
            let q = try Conversions.tensor(try arguments.require(at: 1, named: "q_logits"), "kl_div", "q_logits")
            let temperature = try arguments.number(at: 2, named: "T", default: 1)
            guard temperature > 0 else { throw NativeError("kl_div: T must be positive, got \(Value.number(temperature).description)") }
            let pRows = p.rank == 1 ? try p.unsqueeze(axis: 0) : p
            let qRows = q.rank == 1 ? try q.unsqueeze(axis: 0) : q
            guard pRows.shape == qRows.shape, pRows.rank == 2 else {
                throw NativeError("kl_div: p_logits \(p.shape) and q_logits \(q.shape) must have the same shape [rows, classes]")
            }
            // Autograd's klDivergence is KL(teacher ‖ student): p is the teacher, q the student.
            return Conversions.value(try Tensor.klDivergence(studentLogits: qRows, teacherLogits: pRows,
                                                             temperature: Float(temperature)))
        }
    }

    // MARK: - Combining

    private static func installCombining(_ context: BuiltinContext) {
        for (name, summary, example) in [
            ("concat", "joins tensors along an existing axis (the other dimensions must agree)", "concat([zeros(2, 3), ones(1, 3)]).shape   # [3, 3]"),
            ("stack", "joins equal-shaped tensors along a new axis", "stack([tensor([1, 2]), tensor([3, 4])]).shape   # [2, 2]"),
        ] {
            context.define(name, help: "\(name)([t1, t2, …], axis=0): \(summary); gradients flow to every part.\n  \(example)") { arguments in
                try arguments.rejectUnknownNames(["tensors", "axis"])
                try arguments.expectCount(1...2)
                let parts = try arguments.list(at: 0, named: "tensors").enumerated().map { index, element in
                    try Conversions.tensor(element, name, "tensors[\(index)]")
                }
                guard !parts.isEmpty else { throw NativeError("\(name): needs at least one tensor, got an empty list") }
                let axis = try arguments.integer(at: 1, named: "axis", default: 0)
                return Conversions.value(name == "concat" ? try Tensor.concat(parts, axis: axis) : try Tensor.stack(parts, axis: axis))
            }
        }
        context.define("where", help: """
            where(mask, a, b): a where mask is non-zero, else b (all three broadcast); gradients flow to a and b.
              where(t > 0, t, 0.1 * t)   # a leaky relu
            """) { arguments in
            try arguments.rejectUnknownNames([])
            try arguments.expectCount(3)
            let mask = try Conversions.tensor(try arguments.require(at: 0, named: "mask"), "where", "mask")
            let ifTrue = try Conversions.tensor(try arguments.require(at: 1, named: "a"), "where", "a")
            let ifFalse = try Conversions.tensor(try arguments.require(at: 2, named: "b"), "where", "b")
            return Conversions.value(try Tensor.where(mask, ifTrue, ifFalse))
        }
        context.define("one_hot", help: """
            one_hot(indices, classes): a [len(indices), classes] matrix with a 1 in each row at its index.
              one_hot([0, 2], 3)   # [[1, 0, 0], [0, 0, 1]]
            """) { arguments in
            try arguments.rejectUnknownNames(["indices", "classes"])
            let indices = try Conversions.integers(try arguments.require(at: 0, named: "indices"), "one_hot", "indices")
            let classes = try arguments.integer(at: 1, named: "classes")
            guard classes >= 1 else { throw NativeError("one_hot: classes must be 1 or more, got \(classes)") }
            for (row, index) in indices.enumerated() where index < 0 || index >= classes {
                throw NativeError("one_hot: index \(index) in position \(row) is not a class in 0..<\(classes)")
            }
            return Conversions.value(try Tensor.oneHot(indices, classes: classes))
        }
    }
}
