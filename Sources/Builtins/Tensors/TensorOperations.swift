// Tensor operations with PyTorch's names and argument order, each written once and reachable as a
// builtin `name(t, …)`, as a method `t.name(…)`, or both: `gather(t, axis, index)` is also
// `t.gather(axis, index)`, and `mean(t)` and `t.mean()` run the same body with the same errors
// (the method form puts the tensor in front of its arguments). This table and `Elementwise` are
// the only places tensor methods come from.

import Autograd
import Script

/// One operation reachable as `name(t, …)` and, when `isMethod`, as `t.name(…)`.
struct TensorOperation: Sendable {
    let name: String
    /// The parameters after `t`, as help shows them: "axis, index".
    let parameters: String
    /// What it computes, one line.
    let summary: String
    /// A function-form example.
    let example: String
    /// A method-form example (nil: the operation is a function only).
    let methodExample: String?
    /// The first parameter's name in help ("a" for minimum(a, b)).
    var first = "t"
    /// Whether `name(t, …)` is installed as a builtin (false: a method only, such as `t.item()`;
    /// `sum`, `max`, `min` are installed by `installStandardNames`, which also serves lists).
    var isFunction = true
    /// The body; the tensor is positional argument 0 (named `t`).
    let body: @Sendable (Arguments) throws -> Value

    var functionHelp: String { "\(name)(\(first)\(parameters.isEmpty ? "" : ", " + parameters)): \(summary)\n  \(example)" }

    var methodHelp: String? {
        methodExample.map { "t.\(name)(\(parameters)): \(summary)\n  \($0)" }
    }

    /// Calls the body as a method of `tensor`: the arguments with the tensor put first.
    func callAsMethod(of tensor: TensorObject, _ arguments: Arguments) throws -> Value {
        try body(Arguments(functionName: name, positional: [.object(tensor)] + arguments.positional,
                           named: arguments.named, interpreter: arguments.interpreter))
    }
}

/// The table of `TensorOperation`s (in the `TensorOperations+…` files) and their installer.
enum TensorOperations {
    /// Defines every operation as a builtin function, then extends `sum`, `max`, `min` to tensors.
    static func install(_ context: BuiltinContext) {
        for operation in all where operation.isFunction {
            context.define(operation.name, help: operation.functionHelp, operation.body)
        }
        installStandardNames(context)
    }

    /// The operations with a method form, by name (TensorObject looks methods up here).
    static let methods: [String: TensorOperation] = {
        var table: [String: TensorOperation] = [:]
        for operation in all where operation.methodExample != nil { table[operation.name] = operation }
        return table
    }()

    static let all: [TensorOperation] = normalization + reductions + shape + indexing + [embeddingLookup] + elementwise
        + rounding + probabilities + graph + triangles

    /// An operation by name (for the function forms of sum, max, min).
    static func named(_ name: String) -> TensorOperation? { all.first { $0.name == name } }

    // MARK: - Argument helpers

    /// The tensor argument 0 (`t`), from a tensor, number or list.
    static func input(_ arguments: Arguments, _ parameter: String = "t", at position: Int = 0) throws -> Tensor {
        try Conversions.tensor(try arguments.require(at: position, named: parameter), arguments.functionName, parameter)
    }

    /// An optional tensor argument (absent or `nil` gives nil).
    static func optionalInput(_ arguments: Arguments, _ parameter: String, at position: Int) throws -> Tensor? {
        guard let value = try arguments.value(at: position, named: parameter), !value.isNull else { return nil }
        return try Conversions.tensor(value, arguments.functionName, parameter)
    }

    /// A positive epsilon (`eps=`).
    static func epsilon(_ arguments: Arguments, at position: Int, default fallback: Double) throws -> Float {
        let value = try arguments.number(at: position, named: "eps", default: fallback)
        guard value > 0, value.isFinite else {
            throw NativeError("\(arguments.functionName): eps must be a positive number, got \(Value.number(value).description)")
        }
        return Float(value)
    }

    /// Checks a `[D]` parameter (weight, bias) against the last axis of `input`.
    static func checkLastAxis(_ parameter: Tensor?, _ name: String, of input: Tensor, _ function: String) throws {
        guard let parameter else { return }
        guard input.rank >= 1 else {
            throw NativeError("\(function): t must have a last axis to normalise, got shape \(input.shape)")
        }
        let width = input.shape[input.rank - 1]
        guard parameter.shape == [width] else {
            throw NativeError("\(function): \(name) has shape \(parameter.shape) but t \(input.shape) needs [\(width)] (its last axis)")
        }
    }

    /// The axis argument, checked against the rank so the error names the shape.
    static func axis(_ arguments: Arguments, at position: Int, of input: Tensor) throws -> Int {
        let axis = try arguments.integer(at: position, named: "axis")
        guard axis >= -input.rank, axis < input.rank else {
            throw NativeError("\(arguments.functionName): axis \(axis) is out of range for t of shape \(input.shape)")
        }
        return axis < 0 ? axis + input.rank : axis
    }

    /// Whole-number indices (a list, range or tensor), checked against `0..<bound`; negative
    /// indices are refused, as PyTorch's index_select / index_add / gather refuse them.
    static func indices(_ arguments: Arguments, _ parameter: String, at position: Int,
                        bound: Int, axis: Int, shape: [Int]) throws -> [Int] {
        let value = try arguments.require(at: position, named: parameter)
        let integers = try Conversions.integers(value, arguments.functionName, parameter)
        for (index, integer) in integers.enumerated() where integer < 0 || integer >= bound {
            throw NativeError("\(arguments.functionName): \(parameter)[\(index)] = \(integer) is out of range for axis \(axis) "
                + "of size \(bound) (t has shape \(shape); indices run 0..<\(bound), negatives are refused as in PyTorch)")
        }
        return integers
    }
}
