// Conversions between Seek values and the numeric types of the libraries: tensors, numbers,
// lists and lists of lists are all accepted as data, and ragged lists say where they break.

import Autograd
import Script

/// Value ⇄ Tensor / [Double] / [[Double]] / [String], with errors that name the function,
/// the parameter and the position of a bad element.
enum Conversions {
    // MARK: - To tensors

    /// A tensor from a tensor (the same object), a number or bool (a scalar), a range, or
    /// nested lists of those (lists of tensors stack them).
    static func tensor(_ value: Value, _ function: String, _ parameter: String) throws -> Tensor {
        if case .object(let object) = value, let tensorObject = object as? TensorObject { return tensorObject.tensor }
        switch value {
        case .number, .bool, .list, .range:
            let shape = try nestedShape(value, function, parameter)
            try checkSize(shape, function)
            var values: [Float] = []
            try flatten(value, shape: shape[...], path: [], into: &values, function, parameter)
            return try rethrowingNamed(function) { try Tensor(shape: shape, values: values) }
        default:
            throw NativeError("\(function): '\(parameter)' must be a tensor, a number or a list of numbers, "
                + "got \(value.typeAndValue)")
        }
    }

    /// Throws before allocating when `shape` holds more elements than a tensor may.
    static func checkSize(_ shape: [Int], _ function: String) throws {
        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= TensorLimits.maximumElementCount else {
                throw NativeError("\(function): shape \(shape) has more than \(TensorLimits.maximumElementCount) elements, the tensor size limit")
            }
            count = product
        }
    }

    /// The shape nested data would have, read along the first element of every level.
    private static func nestedShape(_ value: Value, _ function: String, _ parameter: String) throws -> [Int] {
        var shape: [Int] = []
        var current = value
        while true {
            switch current {
            case .list(let list):
                shape.append(list.elements.count)
                guard let first = list.elements.first else { return shape }
                current = first
            case .range(let range):
                shape.append(range.count)
                return shape
            case .object(let object as TensorObject):
                return shape + object.tensor.shape
            default:
                return shape
            }
            if shape.count > 32 {
                throw NativeError("\(function): '\(parameter)' is nested more than 32 levels deep")
            }
        }
    }

    /// Appends the values of `value` (which must have `shape`) in row-major order.
    private static func flatten(_ value: Value, shape: ArraySlice<Int>, path: [Int], into values: inout [Float],
                                _ function: String, _ parameter: String) throws {
        func place() -> String {
            path.isEmpty ? "'\(parameter)'" : "'\(parameter)' element [\(path.map(String.init).joined(separator: ", "))]"
        }
        switch value {
        case .number(let number):
            guard shape.isEmpty else { throw ragged(place(), expected: shape, got: "a number") }
            values.append(Float(number))
        case .bool(let flag):
            guard shape.isEmpty else { throw ragged(place(), expected: shape, got: "a bool") }
            values.append(flag ? 1 : 0)
        case .range(let range):
            guard shape.count == 1, shape.first == range.count else {
                throw ragged(place(), expected: shape, got: "a range of \(range.count)")
            }
            for index in 0..<range.count { values.append(Float(range.value(at: index))) }
        case .object(let object as TensorObject):
            guard Array(shape) == object.tensor.shape else {
                throw ragged(place(), expected: shape, got: "a tensor of shape \(object.tensor.shape)")
            }
            values.append(contentsOf: object.tensor.storage)
        case .list(let list):
            guard let length = shape.first, list.elements.count == length else {
                throw ragged(place(), expected: shape, got: "a list of \(list.elements.count)")
            }
            for (index, element) in list.elements.enumerated() {
                try flatten(element, shape: shape.dropFirst(), path: path + [index], into: &values, function, parameter)
            }
        default:
            throw NativeError("\(function): \(place()) is \(value.typeAndValue), expected a number")
        }

        func ragged(_ place: String, expected: ArraySlice<Int>, got: String) -> NativeError {
            let wanted = expected.isEmpty ? "a number"
                : expected.count == 1 ? "a list of \(expected[expected.startIndex])" : "shape \(Array(expected))"
            return NativeError("\(function): ragged data: \(place) is \(got) but the first element at that level has \(wanted)")
        }
    }

    // MARK: - To plain arrays

    /// A list of numbers from a tensor of rank 0 or 1, a number, a range or a flat list.
    static func doubles(_ value: Value, _ function: String, _ parameter: String) throws -> [Double] {
        let tensor = try tensor(value, function, parameter)
        guard tensor.rank <= 1 else {
            throw NativeError("\(function): '\(parameter)' must be one-dimensional, got shape \(tensor.shape)")
        }
        return tensor.storage.map(Double.init)
    }

    /// Rows of numbers from a 2-D tensor or a list of equal-length lists.
    static func matrix(_ value: Value, _ function: String, _ parameter: String) throws -> [[Double]] {
        try rows(of: try tensor(value, function, parameter), function, parameter)
    }

    /// The rows of a 2-D tensor as arrays.
    private static func rows(of tensor: Tensor, _ function: String, _ parameter: String) throws -> [[Double]] {
        guard tensor.rank == 2 else {
            throw NativeError("\(function): '\(parameter)' must be a matrix (rows of numbers), got shape \(tensor.shape)")
        }
        let columns = tensor.shape[1]
        return (0..<tensor.shape[0]).map { row in
            tensor.storage[(row * columns)..<((row + 1) * columns)].map(Double.init)
        }
    }

    /// Several series: a list of lists (or tensors) or a 2-D tensor gives one series per row;
    /// anything one-dimensional gives one series.
    static func series(_ value: Value, _ function: String, _ parameter: String) throws -> [[Double]] {
        if case .list(let list) = value, let first = list.elements.first {
            let nested: Bool
            switch first {
            case .list, .range: nested = true
            case .object(let object as TensorObject): nested = object.tensor.rank >= 1
            default: nested = false
            }
            // Series of different lengths are fine (each has its own x), so convert one by one.
            if nested {
                return try list.elements.enumerated().map { index, element in
                    try doubles(element, function, "\(parameter)[\(index)]")
                }
            }
        }
        let tensor = try tensor(value, function, parameter)
        if tensor.rank == 2 { return try rows(of: tensor, function, parameter) }
        guard tensor.rank <= 1 else {
            throw NativeError("\(function): '\(parameter)' must be one series or rows of series, got shape \(tensor.shape)")
        }
        return [tensor.storage.map(Double.init)]
    }

    /// Strings from a list of values (labels): strings as they are, other values as `print` shows them.
    static func strings(_ value: Value, _ function: String, _ parameter: String) throws -> [String] {
        switch value {
        case .list(let list): return list.elements.map(\.description)
        case .range(let range): return (0..<range.count).map { Value.number(range.value(at: $0)).description }
        case .object(let object as TensorObject): return object.tensor.storage.map { Value.number(Double($0)).description }
        default: throw NativeError("\(function): '\(parameter)' must be a list of labels, got \(value.typeAndValue)")
        }
    }

    /// Whole numbers from a tensor or a list (class targets, shapes).
    static func integers(_ value: Value, _ function: String, _ parameter: String) throws -> [Int] {
        try doubles(value, function, parameter).enumerated().map { index, number in
            guard let integer = Int(exactly: number) else {
                throw NativeError("\(function): '\(parameter)' must hold whole numbers, "
                    + "element [\(index)] is \(Value.number(number).description)")
            }
            return integer
        }
    }

    // MARK: - From tensors

    /// A tensor value as a Seek number: the Double nearest the shortest decimal that reads back as
    /// the same Float, so `tensor([0.1]).item()` prints 0.1, not 0.10000000149011612.
    static func number(_ value: Float) -> Double {
        guard value.isFinite else { return Double(value) }
        return Double(value.description) ?? Double(value)
    }

    /// Wraps a tensor as a Seek value.
    static func value(_ tensor: Tensor) -> Value { .object(TensorObject(tensor)) }

    /// The values as nested lists (a scalar as a number): `t.tolist()`.
    static func nestedList(_ tensor: Tensor) -> Value {
        func build(axis: Int, offset: Int) -> Value {
            if axis == tensor.rank { return .number(number(tensor.storage[offset])) }
            let stride = tensor.shape[(axis + 1)...].reduce(1, *)
            return .list(ListObject((0..<tensor.shape[axis]).map { build(axis: axis + 1, offset: offset + $0 * stride) }))
        }
        return build(axis: 0, offset: 0)
    }

    /// A shape as a list of numbers.
    static func shapeValue(_ shape: [Int]) -> Value { .list(ListObject(shape.map { .number(Double($0)) })) }

    /// A shape from `f(2, 3)` or `f([2, 3])` (positional arguments from `start`).
    /// With `allowInferred`, one dimension may be -1 (reshape infers it).
    static func shape(_ arguments: Arguments, from start: Int = 0, allowInferred: Bool = false) throws -> [Int] {
        let name = arguments.functionName
        let given = Array(arguments.positional.dropFirst(start))
        let numbers: [Value]
        if given.count == 1, case .list(let list) = given[0] { numbers = list.elements } else { numbers = given }
        return try numbers.enumerated().map { index, value in
            guard case .number(let number) = value, let size = Int(exactly: number), size >= 0 || (allowInferred && size == -1) else {
                throw NativeError("\(name): dimension \(index) must be a whole number 0 or more, got \(value.typeAndValue)")
            }
            return size
        }
    }
}
