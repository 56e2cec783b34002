// Tensor operators (numbers on either side, broadcasting, @, comparisons giving masks), unary
// minus, indexing and slicing, index assignment, and iteration along the first axis.

import Autograd
import Foundation
import Script

extension TensorObject {
    // MARK: - Binary operators

    public func binary(_ operation: BinaryOperator, _ other: Value, objectIsLeft: Bool) throws -> Value? {
        let name = "'\(operation.symbol)'"
        return try rethrowingNamed(name) { () -> Value? in
            switch other {
            case .number(let number):
                return try scalarOperation(operation, Float(number), objectIsLeft: objectIsLeft)
            case .bool(let flag):
                return try scalarOperation(operation, flag ? 1 : 0, objectIsLeft: objectIsLeft)
            case .object(let object as TensorObject):
                return try tensorOperation(operation, objectIsLeft ? tensor : object.tensor,
                                           objectIsLeft ? object.tensor : tensor)
            case .list, .range:
                let otherTensor = try Conversions.tensor(other, name, objectIsLeft ? "right operand" : "left operand")
                return try tensorOperation(operation, objectIsLeft ? tensor : otherTensor,
                                           objectIsLeft ? otherTensor : tensor)
            default:
                return nil   // `t == nil`, `t + "a"`: the interpreter decides (identity or an error)
            }
        }
    }

    /// `t op s` or `s op t` for a number `s`, through the Float overloads (they keep gradients).
    private func scalarOperation(_ operation: BinaryOperator, _ scalar: Float, objectIsLeft: Bool) throws -> Value? {
        let t = tensor
        switch operation {
        case .add: return Conversions.value(t + scalar)
        case .subtract: return Conversions.value(objectIsLeft ? t - scalar : scalar - t)
        case .multiply: return Conversions.value(t * scalar)
        case .divide:
            // t / 0 gives ±inf, and nan for 0 / 0, as in PyTorch.
            if objectIsLeft { return Conversions.value(t / scalar) }
            return Conversions.value(scalar / t)
        case .power:
            if objectIsLeft { return Conversions.value(t.pow(scalar)) }
            // s ** t = exp(t · ln s), defined for s > 0.
            guard scalar > 0 else {
                throw NativeError("'**': number ** tensor needs a positive base, got \(Value.number(Double(scalar)).description)")
            }
            return Conversions.value((t * Foundation.log(scalar)).exp())
        case .matmul:
            throw NativeError("'@': needs two tensors, got a tensor of shape \(t.shape) and a number")
        case .modulo:
            return nil
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            return Conversions.value(t.compare(TensorObject.comparison(operation, flipped: !objectIsLeft), scalar))
        }
    }

    /// `a op b` for two tensors, broadcasting.
    private func tensorOperation(_ operation: BinaryOperator, _ a: Tensor, _ b: Tensor) throws -> Value? {
        switch operation {
        case .add: return Conversions.value(try a + b)
        case .subtract: return Conversions.value(try a - b)
        case .multiply: return Conversions.value(try a * b)
        case .divide: return Conversions.value(try a / b)
        case .power:
            guard b.count == 1 else {
                throw NativeError("'**': the exponent must be a number or a one-element tensor, got shape \(b.shape)")
            }
            return Conversions.value(a.pow(b.storage[0]))
        case .matmul: return Conversions.value(try TensorObject.matmul(a, b))
        case .modulo: return nil
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            return Conversions.value(try a.compare(TensorObject.comparison(operation, flipped: false), b))
        }
    }

    /// Matrix product that also takes vectors (a 1-D left operand is a row, a 1-D right operand a column).
    static func matmul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        guard a.rank >= 1, b.rank >= 1 else {
            throw NativeError("'@': needs tensors with at least one axis, got shapes \(a.shape) and \(b.shape)")
        }
        let left = a.rank == 1 ? try a.unsqueeze(axis: 0) : a
        let right = b.rank == 1 ? try b.unsqueeze(axis: 1) : b
        let leftColumns = left.shape[left.rank - 1]
        let rightRows = right.shape[right.rank - 2]
        guard leftColumns == rightRows else {
            throw NativeError("'@': shapes \(a.shape) and \(b.shape) do not align (\(leftColumns) columns vs \(rightRows) rows)")
        }
        var product = try Tensor.matmul(left, right)
        if b.rank == 1 { product = try product.squeeze(axis: -1) }
        if a.rank == 1 { product = try product.squeeze(axis: b.rank == 1 ? 0 : -2) }
        return product
    }

    /// The tensor comparison for a Seek operator; `flipped` for `s < t` (which is `t > s`).
    static func comparison(_ operation: BinaryOperator, flipped: Bool) -> Comparison {
        switch operation {
        case .equal: return .equal
        case .notEqual: return .notEqual
        case .less: return flipped ? .greater : .less
        case .lessEqual: return flipped ? .greaterOrEqual : .lessOrEqual
        case .greater: return flipped ? .less : .greater
        case .greaterEqual: return flipped ? .lessOrEqual : .greaterOrEqual
        default: preconditionFailure("comparison called with '\(operation.symbol)'")
        }
    }

    public func negated() throws -> Value { Conversions.value(-tensor) }

    // MARK: - Indexing

    /// A scalar result reads as a number unless it carries a gradient (then it stays a 0-d tensor
    /// so `x[0] * x[1]` can still be back-propagated).
    static func element(_ tensor: Tensor) -> Value {
        if tensor.rank == 0 && !tensor.requiresGrad { return .number(Conversions.number(tensor.storage[0])) }
        return Conversions.value(tensor)
    }

    public func subscriptGet(_ indices: [IndexArgument]) throws -> Value {
        guard indices.count <= tensor.rank else {
            throw NativeError("index: a tensor of shape \(tensor.shape) takes at most \(tensor.rank) indices, got \(indices.count)")
        }
        var result = tensor
        var axis = 0
        for (position, index) in indices.enumerated() {
            switch index {
            case .slice(let start, let stop):
                result = try rethrowingNamed("index") {
                    try result.slice(axis: axis, start: start ?? 0, end: stop ?? result.shape[axis])
                }
                axis += 1
            case .value(let value):
                let size = result.shape[axis]
                let resolved = try checkedIndex(value, position: position, size: size)
                result = try rethrowingNamed("index") { try result.select(axis: axis, index: resolved) }
            }
        }
        return TensorObject.element(result)
    }

    /// A whole-number index in range for an axis of `size` (negatives count from the end).
    private func checkedIndex(_ value: Value, position: Int, size: Int) throws -> Int {
        guard case .number(let number) = value, let index = Int(exactly: number) else {
            throw NativeError("index: tensor index \(position) must be a whole number or a slice, got \(value.typeAndValue)")
        }
        let resolved = index < 0 ? index + size : index
        guard resolved >= 0, resolved < size else {
            throw NativeError("index: index \(index) is out of range for axis \(position) of size \(size) (shape \(tensor.shape))")
        }
        return resolved
    }

    /// `t[…] = v`: only for tensors without gradients (as PyTorch refuses in-place changes to
    /// leaves that require grad). The values are copied into a new tensor that replaces the old
    /// one, so a graph that recorded the old tensor is unaffected.
    public func subscriptSet(_ indices: [IndexArgument], to value: Value) throws {
        guard !tensor.requiresGrad else {
            throw NativeError("index assignment: cannot change a tensor that tracks gradients (shape \(tensor.shape)); "
                + "assign into t.detach() instead")
        }
        guard indices.count <= tensor.rank else {
            throw NativeError("index assignment: a tensor of shape \(tensor.shape) takes at most \(tensor.rank) indices, got \(indices.count)")
        }
        // The positions each axis selects; an integer index drops its axis from the target shape.
        var positionsPerAxis: [[Int]] = []
        var targetShape: [Int] = []
        for axis in 0..<tensor.rank {
            let size = tensor.shape[axis]
            if axis < indices.count, case .value(let index) = indices[axis] {
                positionsPerAxis.append([try checkedIndex(index, position: axis, size: size)])
            } else {
                let range = axis < indices.count ? (indices[axis].range(in: size) ?? 0..<size) : 0..<size
                positionsPerAxis.append(Array(range))
                targetShape.append(range.count)
            }
        }
        let source = try Conversions.tensor(value, "index assignment", "value")
        let targetCount = targetShape.reduce(1, *)
        guard source.count == 1 || source.shape == targetShape || source.count == targetCount && source.rank <= 1 else {
            throw NativeError("index assignment: cannot assign a value of shape \(source.shape) to a region of shape \(targetShape)")
        }
        var values = tensor.storage
        var counter = 0
        let strides = (0..<tensor.rank).map { tensor.shape[($0 + 1)...].reduce(1, *) }
        func write(axis: Int, offset: Int) {
            if axis == tensor.rank {
                values[offset] = source.count == 1 ? source.storage[0] : source.storage[counter]
                counter += 1
                return
            }
            for position in positionsPerAxis[axis] { write(axis: axis + 1, offset: offset + position * strides[axis]) }
        }
        write(axis: 0, offset: 0)
        tensor = try Tensor(shape: tensor.shape, values: values)
    }

    // MARK: - Iteration

    public func iterationElements() throws -> [Value] {
        guard tensor.rank > 0 else { throw NativeError("cannot iterate over a tensor with no axes (shape [])") }
        return try (0..<tensor.shape[0]).map { TensorObject.element(try tensor.select(axis: 0, index: $0)) }
    }
}
