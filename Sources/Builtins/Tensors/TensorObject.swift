// The tensor as Seek sees it: a NativeObject wrapping Autograd.Tensor, with its properties and
// methods. Operators, indexing and iteration are in TensorObject+Operators.swift.

import Autograd
import Foundation
import Script

/// A tensor value in a script. The wrapped tensor is replaced (never mutated in place) by index
/// assignment, so graphs that recorded the old tensor keep their values.
public final class TensorObject: NativeObject {
    /// The wrapped tensor.
    public internal(set) var tensor: Tensor

    /// Wraps `tensor`.
    public init(_ tensor: Tensor) { self.tensor = tensor }

    public var typeName: String { "tensor" }
    public var repr: String { tensor.description }
    public var length: Int? { tensor.rank > 0 ? tensor.shape[0] : nil }

    public var help: String {
        """
        tensor \(tensor.shape): Float32 values with broadcasting operators and reverse-mode gradients.
          t = tensor([[1, 2], [3, 4]]); t.sum(axis=0); (t @ t.T).shape; t[:, 0]; t > 2
        operators: + - * / ** with tensors, lists or numbers on either side, @, comparisons (0/1 masks), unary -
        indexing: t[0], t[-1], t[1:3], t[:, 0], t[i, j]; t[i] = v on tensors without gradients; for row in t
        properties: \(TensorObject.properties.joined(separator: ", "))
        methods: \(TensorObject.methodHelp.keys.sorted().joined(separator: ", "))
        """
    }

    static let properties = ["shape", "ndim", "size", "T", "grad", "requires_grad"]

    public var memberNames: [String] { TensorObject.properties + TensorObject.methodHelp.keys.sorted() }

    // MARK: - Members

    public func member(_ name: String) throws -> Value? {
        switch name {
        case "shape": return Conversions.shapeValue(tensor.shape)
        case "ndim": return .number(Double(tensor.rank))
        case "size": return .number(Double(tensor.count))
        case "T":
            guard tensor.rank == 2 else {
                throw NativeError("T: only a matrix can be transposed with .T, got shape \(tensor.shape)")
            }
            return Conversions.value(tensor.T)
        case "grad": return tensor.grad.map(Conversions.value) ?? .null
        case "requires_grad": return .bool(tensor.requiresGrad)
        default: break
        }
        guard let help = TensorObject.methodHelp[name] else { return nil }
        return boundMethod("tensor", name, help: help) { [self] arguments in
            try rethrowingNamed(name) { try self.callMethod(name, arguments) }
        }
    }

    // MARK: - Methods

    /// Help for every method, by name: a one-line summary, then an example.
    static let methodHelp: [String: String] = {
        var table: [String: String] = [
            "item": "t.item(): the single value of a one-element tensor, as a number.\n  tensor([[3]]).item()   # 3",
            "tolist": "t.tolist(): the values as (nested) lists of numbers.\n  tensor([1, 2]).tolist()   # [1, 2]",
            "detach": "t.detach(): the same values cut off from the gradient graph.\n  y.detach()",
            "backward": "t.backward(): back-propagate from this one-element tensor into the .grad of every param.\n  (x * x).sum().backward(); x.grad",
            "zero_grad": "t.zero_grad(): clear this tensor's .grad.\n  x.zero_grad()",
            "reshape": "t.reshape(d1, d2, …) or t.reshape([d1, …]): the same values with a new shape; one -1 is inferred.\n  arange(6).reshape(2, -1)",
            "unsqueeze": "t.unsqueeze(axis): insert an axis of size 1.\n  tensor([1, 2]).unsqueeze(0).shape   # [1, 2]",
            "squeeze": "t.squeeze(axis): remove an axis of size 1.\n  zeros(1, 3).squeeze(0).shape   # [3]",
            "transpose": "t.transpose(a=0, b=1): swap two axes.\n  zeros(2, 3).transpose().shape   # [3, 2]",
            "softmax": "t.softmax(axis=-1): exp(t) / sum(exp(t)) along an axis.\n  tensor([1, 2, 3]).softmax()",
            "log_softmax": "t.log_softmax(axis=-1): log of softmax, computed stably.\n  tensor([1, 2, 3]).log_softmax()",
            "round": "t.round(digits=0): each value rounded to digits places (round(t, 2) too), no gradient.\n  tensor([0.123, 4.567]).round(1)",
        ]
        for reduction in ["sum", "mean", "max", "min", "argmax"] {
            table[reduction] = "t.\(reduction)(axis=nil, keepdims=false): the \(reduction) of all values, or along an axis.\n"
                + "  tensor([[1, 2], [3, 4]]).\(reduction)(axis=0)"
        }
        // layer_norm, logsumexp, permute, gather, … share their body with the builtin function.
        for (name, operation) in TensorOperations.methods { table[name] = operation.methodHelp }
        for function in Elementwise.all {
            table[function.name] = "t.\(function.name)(): \(function.summary) elementwise.\n  tensor([-1, 0, 2]).\(function.name)()"
        }
        return table
    }()

    private func callMethod(_ name: String, _ arguments: Arguments) throws -> Value {
        if let function = Elementwise.named(name) {
            try arguments.rejectUnknownNames([])
            try arguments.expectCount(0)
            return Conversions.value(function.tensor(tensor))
        }
        if let operation = TensorOperations.methods[name] { return try operation.callAsMethod(of: self, arguments) }
        switch name {
        case "item":
            try arguments.expectCount(0)
            guard tensor.count == 1 else {
                throw NativeError("item: the tensor has \(tensor.count) values (shape \(tensor.shape)), not 1")
            }
            return .number(Conversions.number(tensor.storage[0]))
        case "tolist":
            try arguments.expectCount(0)
            return Conversions.nestedList(tensor)
        case "round":
            try arguments.rejectUnknownNames(["digits"])
            try arguments.expectCount(0...1)
            let scale = Foundation.pow(10, Double(try arguments.integer(at: 0, named: "digits", default: 0)))
            let values = tensor.storage.map { Float((Double($0) * scale).rounded(.toNearestOrEven) / scale) }
            return Conversions.value(try Tensor(shape: tensor.shape, values: values))
        case "detach":
            try arguments.expectCount(0)
            return Conversions.value(tensor.detach())
        case "backward":
            try arguments.expectCount(0)
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
        case "zero_grad":
            try arguments.expectCount(0)
            tensor.zeroGrad()
            return .null
        case "sum", "mean", "max", "min", "argmax":
            return try reduce(name, arguments)
        case "reshape":
            try arguments.rejectUnknownNames([])
            let shape = try Conversions.shape(arguments, allowInferred: true)
            return Conversions.value(try tensor.reshape(shape))
        case "unsqueeze":
            try arguments.rejectUnknownNames(["axis"])
            return Conversions.value(try tensor.unsqueeze(axis: try arguments.integer(at: 0, named: "axis")))
        case "squeeze":
            try arguments.rejectUnknownNames(["axis"])
            return Conversions.value(try tensor.squeeze(axis: try arguments.integer(at: 0, named: "axis")))
        case "transpose":
            try arguments.rejectUnknownNames(["a", "b"])
            let first = try arguments.integer(at: 0, named: "a", default: 0)
            let second = try arguments.integer(at: 1, named: "b", default: 1)
            return Conversions.value(try tensor.transpose(first, second))
        case "softmax", "log_softmax":
            try arguments.rejectUnknownNames(["axis"])
            let axis = try arguments.integer(at: 0, named: "axis", default: -1)
            return Conversions.value(name == "softmax" ? try tensor.softmax(axis: axis) : try tensor.logSoftmax(axis: axis))
        default:
            preconditionFailure("tensor method '\(name)' has help but no implementation")
        }
    }

    /// `sum/mean/max/min/argmax(axis=nil, keepdims=false)`.
    private func reduce(_ name: String, _ arguments: Arguments) throws -> Value {
        try arguments.rejectUnknownNames(["axis", "keepdims"])
        try arguments.expectCount(0...1)
        let axis = try arguments.optionalInteger(at: 0, named: "axis")
        let keep = try arguments.bool(named: "keepdims", default: false)
        if tensor.count == 0, name != "sum", name != "mean" {
            throw NativeError("\(name): the tensor is empty (shape \(tensor.shape))")
        }
        let result: Tensor
        switch name {
        case "sum": result = try tensor.sum(axis: axis, keepDims: keep)
        case "mean": result = try tensor.mean(axis: axis, keepDims: keep)
        case "max": result = try tensor.max(axis: axis, keepDims: keep)
        case "min": result = try tensor.min(axis: axis, keepDims: keep)
        default: result = try tensor.argmax(axis: axis, keepDims: keep)
        }
        return Conversions.value(result)
    }
}

// MARK: - Elementwise functions

/// The elementwise functions that are both builtins (`relu(t)`, `exp(2)`) and methods (`t.relu()`).
struct Elementwise: Sendable {
    let name: String
    /// What it computes, for help: "max(x, 0)".
    let summary: String
    let tensor: @Sendable (Tensor) -> Tensor
    let number: @Sendable (Double) -> Double

    static let all: [Elementwise] = [
        Elementwise(name: "relu", summary: "max(x, 0)", tensor: { $0.relu() }, number: { Swift.max($0, 0) }),
        Elementwise(name: "gelu", summary: "x·Φ(x) (tanh approximation)", tensor: { $0.gelu() },
                    number: { x in 0.5 * x * (1 + Foundation.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x))) }),
        Elementwise(name: "silu", summary: "x·sigmoid(x)", tensor: { $0.silu() }, number: { $0 / (1 + Foundation.exp(-$0)) }),
        Elementwise(name: "tanh", summary: "the hyperbolic tangent", tensor: { $0.tanh() }, number: { Foundation.tanh($0) }),
        Elementwise(name: "sigmoid", summary: "1 / (1 + exp(-x))", tensor: { $0.sigmoid() }, number: { 1 / (1 + Foundation.exp(-$0)) }),
        Elementwise(name: "exp", summary: "e to the power x", tensor: { $0.exp() }, number: { Foundation.exp($0) }),
        Elementwise(name: "log", summary: "the natural logarithm", tensor: { $0.log() }, number: { Foundation.log($0) }),
        Elementwise(name: "sqrt", summary: "the square root", tensor: { $0.sqrt() }, number: { $0.squareRoot() }),
        Elementwise(name: "abs", summary: "the absolute value", tensor: { $0.abs() }, number: { Swift.abs($0) }),
    ]

    static func named(_ name: String) -> Elementwise? { all.first { $0.name == name } }
}
