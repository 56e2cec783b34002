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

    /// Help for every method, by name: a one-line summary, then an example. Every method comes
    /// from the operation table (`TensorOperations`) or the elementwise table, so `t.mean()` and
    /// `mean(t)` run the same body.
    static let methodHelp: [String: String] = {
        var table: [String: String] = [:]
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
        guard let operation = TensorOperations.methods[name] else {
            preconditionFailure("tensor method '\(name)' has help but no implementation")
        }
        return try operation.callAsMethod(of: self, arguments)
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
