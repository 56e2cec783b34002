// The tensor's own methods (item, tolist, backward, zero_grad, reshape, unsqueeze, squeeze,
// transpose) and the graph controls that are also functions: detach(t) and no_grad(fn).

import Autograd
import Foundation
import Script

extension TensorOperations {
    static let graph: [TensorOperation] = [
        method("item", "", "the single value of a one-element tensor, as a number.", "tensor([[3]]).item()   # 3") { tensor, arguments in
            try arguments.expectCount(1)
            guard tensor.count == 1 else {
                throw NativeError("item: the tensor has \(tensor.count) values (shape \(tensor.shape)), not 1")
            }
            return .number(Conversions.number(tensor.storage[0]))
        },
        method("tolist", "", "the values as (nested) lists of numbers.", "tensor([1, 2]).tolist()   # [1, 2]") { tensor, arguments in
            try arguments.expectCount(1)
            return Conversions.nestedList(tensor)
        },
        method("backward", "", "back-propagate from this one-element tensor into the .grad of every param.",
               "x = param(tensor([1, 2])); (x * x).sum().backward(); x.grad") { tensor, arguments in
            try arguments.expectCount(1)
            guard tensor.count == 1 else {
                throw NativeError("backward: starts from a one-element loss, got shape \(tensor.shape); "
                    + "reduce it first, e.g. t.sum().backward()")
            }
            guard tensor.requiresGrad else {
                throw NativeError("backward: this tensor does not depend on any param(…); "
                    + "wrap the inputs you want gradients for in param()")
            }
            try tensor.backward()
            return .null
        },
        method("zero_grad", "", "clear this tensor's .grad.", "x = param(tensor([1, 2])); x.zero_grad()") { tensor, arguments in
            try arguments.expectCount(1)
            tensor.zeroGrad()
            return .null
        },
        method("reshape", "d1, d2, …", "the same values with a new shape (numbers or one list); one -1 is inferred.",
               "arange(6).reshape(2, -1)") { tensor, arguments in
            let shape = try Conversions.shape(arguments, from: 1, allowInferred: true)
            return Conversions.value(try tensor.reshape(shape))
        },
        method("round", "digits=0", "each value rounded to digits places, halves to even (round(t, 2) calls it); no gradient.",
               "tensor([0.123, 4.567]).round(1)") { tensor, arguments in
            try arguments.rejectUnknownNames(["t", "digits"])
            try arguments.expectCount(1 ... 2)
            let scale = Foundation.pow(10, Double(try arguments.integer(at: 1, named: "digits", default: 0)))
            let values = tensor.storage.map { Float((Double($0) * scale).rounded(.toNearestOrEven) / scale) }
            return Conversions.value(try Tensor(shape: tensor.shape, values: values))
        },
        method("unsqueeze", "axis", "insert an axis of size 1.", "tensor([1, 2]).unsqueeze(0).shape   # [1, 2]") { tensor, arguments in
            try arguments.rejectUnknownNames(["t", "axis"])
            return Conversions.value(try tensor.unsqueeze(axis: try arguments.integer(at: 1, named: "axis")))
        },
        method("squeeze", "axis", "remove an axis of size 1.", "zeros(1, 3).squeeze(0).shape   # [3]") { tensor, arguments in
            try arguments.rejectUnknownNames(["t", "axis"])
            return Conversions.value(try tensor.squeeze(axis: try arguments.integer(at: 1, named: "axis")))
        },
        method("transpose", "a=0, b=1", "swap two axes.", "zeros(2, 3).transpose().shape   # [3, 2]") { tensor, arguments in
            try arguments.rejectUnknownNames(["t", "a", "b"])
            let first = try arguments.integer(at: 1, named: "a", default: 0)
            let second = try arguments.integer(at: 2, named: "b", default: 1)
            return Conversions.value(try tensor.transpose(first, second))
        },
        TensorOperation(
            name: "detach", parameters: "",
            summary: "the same values cut off from the gradient graph (torch.detach): nothing flows back through it.",
            example: "x = param(tensor([1, 2])); (detach(x) * x).sum().backward(); x.grad   # [1, 2]",
            methodExample: "param(tensor([1, 2])).detach().requires_grad   # false"
        ) { arguments in
            try arguments.rejectUnknownNames(["t"])
            try arguments.expectCount(1)
            return Conversions.value(try input(arguments).detach())
        },
        TensorOperation(
            name: "no_grad", parameters: "",
            summary: "calls fn() with gradient recording switched off (torch.no_grad) and returns its result cut off from the graph, so nothing flows back through it: evaluation, teacher forwards.",
            example: "x = param(tensor([1, 2])); y = no_grad(fn() { x * 2 }); y.requires_grad   # false",
            methodExample: nil, first: "fn"
        ) { arguments in
            try arguments.rejectUnknownNames(["fn"])
            try arguments.expectCount(1)
            let function = try arguments.require(at: 0, named: "fn")
            guard function.typeName == "function" else {
                throw NativeError("no_grad: fn must be a function of no arguments, got \(function.typeAndValue)")
            }
            let interpreter = arguments.interpreter
            // The result is also detached: the interpreter may run a native's callback on another
            // thread, where the (thread- or task-local) no-grad flag set here does not reach, so
            // detaching is what guarantees no gradient flows back through the returned values.
            let result = try withNoGrad { try interpreter.call(function, []) }
            return detached(result)
        },
    ]

    /// `value` with every tensor in it (directly or in a list) detached from the graph.
    private static func detached(_ value: Value) -> Value {
        switch value {
        case .object(let object as TensorObject) where object.tensor.requiresGrad:
            return Conversions.value(object.tensor.detach())
        case .list(let list):
            return .list(ListObject(list.elements.map(detached)))
        default:
            return value
        }
    }

    /// A method-only operation `t.name(…)`; `body` gets the tensor and all arguments (t first).
    private static func method(_ name: String, _ parameters: String, _ summary: String, _ example: String,
                               _ body: @escaping @Sendable (Tensor, Arguments) throws -> Value) -> TensorOperation {
        TensorOperation(name: name, parameters: parameters, summary: summary, example: example,
                        methodExample: example, isFunction: false) { arguments in
            if name != "unsqueeze", name != "squeeze", name != "transpose" { try arguments.rejectUnknownNames(["t"]) }
            return try body(try input(arguments), arguments)
        }
    }
}
