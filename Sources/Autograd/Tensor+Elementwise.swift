// Elementwise operations: arithmetic with NumPy broadcasting, scalar forms, unary functions,
// comparisons (masks) and `where`. Derivatives live in DerivativeRules.swift.
import CKernels
import Foundation

// MARK: - Kernels

/// Applies `transform` to every value of `tensor`.
@inline(__always)
func mapValues(_ tensor: Tensor, _ transform: (Float) -> Float) -> [Float] {
    [Float](unsafeUninitializedCapacity: tensor.count) { output, initialized in
        tensor.storage.withUnsafeBufferPointer { input in
            for index in 0 ..< input.count { output[index] = transform(input[index]) }
        }
        initialized = tensor.count
    }
}

/// Combines two equally long arrays elementwise.
@inline(__always)
func zipValues(_ lhs: [Float], _ rhs: [Float], _ combine: (Float, Float) -> Float) -> [Float] {
    precondition(lhs.count == rhs.count, "zipValues: \(lhs.count) vs \(rhs.count) values")
    return [Float](unsafeUninitializedCapacity: lhs.count) { output, initialized in
        lhs.withUnsafeBufferPointer { left in
            rhs.withUnsafeBufferPointer { right in
                for index in 0 ..< left.count { output[index] = combine(left[index], right[index]) }
            }
        }
        initialized = lhs.count
    }
}

/// The tanh-form GELU (Hendrycks & Gimpel), 0.5x(1 + tanh(u)) with u = √(2/π)(x + 0.044715x³),
/// computed as x·s with s = (1 + tanh u)/2 = 1/(1 + e^(−2u)), which the backward pass recomputes.
/// One exp and one division per value (fastTanh's two branches cost twice as much), and no
/// cancellation: 1 + tanh(u) for a very negative x rounds to 0 or an ulp of 1, x·s keeps its digits.
func geluForwardValues(_ input: [Float]) -> [Float] {
    // The loop is CKernels' (AVX2 + FMA where the CPU has them).
    let count = input.count
    return [Float](unsafeUninitializedCapacity: count) { output, initialized in
        input.withUnsafeBufferPointer { x in
            if let x = x.baseAddress, let out = output.baseAddress { ck_gelu_forward(VectorKernels.c, x, out, count) }
        }
        initialized = count
    }
}

/// gradient ⊙ GELU'(x) with s = (1 + t)/2 recomputed from x (the step's GELU is bound by memory
/// traffic: one exp per value costs less than saving s and reading it back):
/// d/dx 0.5x(1 + t) = 0.5(1 + t) + 0.5x(1 − t²)·u' = s + 2x·s(1 − s)·√(2/π)(1 + 3·0.044715x²)
/// (1 − t² = 4s(1 − s), so nothing cancels).
func geluBackwardValues(_ gradient: [Float], _ input: [Float]) -> [Float] {
    precondition(gradient.count == input.count, "geluBackwardValues: \(gradient.count), \(input.count) values")
    return [Float](unsafeUninitializedCapacity: input.count) { output, initialized in
        gradient.withUnsafeBufferPointer { g in
            input.withUnsafeBufferPointer { x in
                if let g = g.baseAddress, let x = x.baseAddress, let out = output.baseAddress {
                    ck_gelu_backward(VectorKernels.c, g, x, out, input.count)
                }
            }
        }
        initialized = input.count
    }
}

@inline(__always) func sigmoidValue(_ x: Float) -> Float { fastSigmoid(x) }

/// d/dx x·s(x) = s(x)(1 + x(1 − s(x))).
@inline(__always) func siluDerivative(_ x: Float) -> Float {
    let s = fastSigmoid(x)
    return s * (1 + x * (1 - s))
}

/// The activations whose backward loops are hot enough to get their own kernels.
enum HotActivation { case relu, silu }

/// gradient ⊙ f'(input) for a hot activation. Each loop calls its derivative directly: a
/// derivative passed as a closure or function value was not inlined by the optimizer (measured:
/// the GELU backward ran 4× slower), while a direct call is inlined and the loop vectorised.
func multiplyByDerivative(_ gradient: [Float], _ input: [Float], _ activation: HotActivation) -> [Float] {
    precondition(gradient.count == input.count, "multiplyByDerivative: \(gradient.count) vs \(input.count) values")
    return [Float](unsafeUninitializedCapacity: input.count) { output, initialized in
        gradient.withUnsafeBufferPointer { g in
            input.withUnsafeBufferPointer { x in
                switch activation {
                // `x <= 0 ? 0 : g`, as PyTorch: a NaN input passes its gradient on.
                case .relu: for index in 0 ..< x.count { output[index] = x[index] <= 0 ? 0 : g[index] }
                case .silu: for index in 0 ..< x.count { output[index] = g[index] * siluDerivative(x[index]) }
                }
            }
        }
        initialized = input.count
    }
}

// MARK: - Binary arithmetic

extension Tensor {
    @inline(__always)
    private static func binary<Combine: ElementwiseCombine>(_ lhs: Tensor, _ rhs: Tensor, op: String, _ operation: Operation,
                                                            _ combine: Combine) throws -> Tensor {
        let shape = try broadcastShape(lhs.shape, rhs.shape, op: op)
        if shape != lhs.shape && shape != rhs.shape {
            _ = try TensorLimits.checkedElementCount(shape, op: op)
        }
        let values = broadcastBinary(lhs, rhs, outputShape: shape, combine)
        return result(shape: shape, storage: values, inputs: [lhs, rhs], operation)
    }

    /// Elementwise sum with broadcasting.
    public static func + (lhs: Tensor, rhs: Tensor) throws -> Tensor {
        try binary(lhs, rhs, op: "add", .add, AddValues())
    }
    /// Elementwise difference with broadcasting.
    public static func - (lhs: Tensor, rhs: Tensor) throws -> Tensor {
        try binary(lhs, rhs, op: "subtract", .subtract, SubtractValues())
    }
    /// Elementwise product with broadcasting.
    public static func * (lhs: Tensor, rhs: Tensor) throws -> Tensor {
        try binary(lhs, rhs, op: "multiply", .multiply, MultiplyValues())
    }
    /// Elementwise quotient with broadcasting.
    public static func / (lhs: Tensor, rhs: Tensor) throws -> Tensor {
        try binary(lhs, rhs, op: "divide", .divide, DivideValues())
    }

    // MARK: - With a scalar (never fails)

    /// Adds a scalar to every element.
    public static func + (lhs: Tensor, rhs: Float) -> Tensor {
        result(shape: lhs.shape, storage: mapValues(lhs) { $0 + rhs }, inputs: [lhs], .addScalar)
    }
    /// Adds a scalar to every element.
    public static func + (lhs: Float, rhs: Tensor) -> Tensor { rhs + lhs }
    /// Subtracts a scalar from every element.
    public static func - (lhs: Tensor, rhs: Float) -> Tensor { lhs + (-rhs) }
    /// A scalar minus every element.
    public static func - (lhs: Float, rhs: Tensor) -> Tensor { (-rhs) + lhs }
    /// Multiplies every element by a scalar.
    public static func * (lhs: Tensor, rhs: Float) -> Tensor {
        result(shape: lhs.shape, storage: mapValues(lhs) { $0 * rhs }, inputs: [lhs], .multiplyScalar(rhs))
    }
    /// Multiplies every element by a scalar.
    public static func * (lhs: Float, rhs: Tensor) -> Tensor { rhs * lhs }
    /// Divides every element by a scalar.
    public static func / (lhs: Tensor, rhs: Float) -> Tensor { lhs * (1 / rhs) }
    /// A scalar divided by every element.
    public static func / (lhs: Float, rhs: Tensor) -> Tensor { rhs.pow(-1) * lhs }
    /// Negation.
    public static prefix func - (operand: Tensor) -> Tensor {
        result(shape: operand.shape, storage: mapValues(operand) { -$0 }, inputs: [operand], .negate)
    }
}

// MARK: - Unary functions

extension Tensor {
    @inline(__always)
    private func unary(_ operation: Operation, _ transform: (Float) -> Float) -> Tensor {
        Tensor.result(shape: shape, storage: mapValues(self, transform), inputs: [self], operation)
    }

    /// e^x elementwise.
    public func exp() -> Tensor { unary(.exp) { Foundation.exp($0) } }
    /// Natural logarithm elementwise.
    public func log() -> Tensor { unary(.log) { Foundation.log($0) } }
    /// Square root elementwise.
    public func sqrt() -> Tensor { unary(.squareRoot) { $0.squareRoot() } }
    /// Absolute value elementwise (derivative 0 at 0, as PyTorch).
    public func abs() -> Tensor { unary(.absolute) { Swift.abs($0) } }
    /// Hyperbolic tangent elementwise (libm: the fast kernel's last-ulp errors grow to whole-percent
    /// errors in the gradient 1 − tanh² near saturation; GELU keeps the fast kernel inside).
    public func tanh() -> Tensor { unary(.tanh) { Foundation.tanh($0) } }
    /// Logistic sigmoid elementwise.
    public func sigmoid() -> Tensor { unary(.sigmoid) { sigmoidValue($0) } }
    /// max(x, 0) elementwise (derivative 0 at 0, as PyTorch); NaN stays NaN.
    public func relu() -> Tensor { unary(.relu) { $0 < 0 ? 0 : $0 } }
    /// GELU, tanh approximation (PyTorch's `gelu(approximate="tanh")`).
    public func gelu() -> Tensor {
        Tensor.result(shape: shape, storage: geluForwardValues(storage), inputs: [self], .gelu)
    }
    /// SiLU / swish: x · sigmoid(x).
    public func silu() -> Tensor { unary(.silu) { $0 * sigmoidValue($0) } }
    /// x^exponent elementwise, for a scalar exponent.
    public func pow(_ exponent: Float) -> Tensor {
        if exponent == 2 { return unary(.power(2)) { $0 * $0 } }
        return unary(.power(exponent)) { Foundation.pow($0, exponent) }
    }
    /// Limits every value to `[lower, upper]` (NaN stays NaN); the gradient passes strictly
    /// inside, lower < x < upper, as PyTorch's with number bounds.
    public func clamp(min lower: Float = -.infinity, max upper: Float = .infinity) -> Tensor {
        unary(.clamp(lower: lower, upper: upper)) { $0.isNaN ? $0 : Swift.min(Swift.max($0, lower), upper) }
    }

    /// The largest whole number ≤ x elementwise; no gradient (PyTorch's is 0 everywhere).
    public func floor() -> Tensor { Tensor(shape: shape, storage: mapValues(self) { $0.rounded(.down) }) }
    /// The smallest whole number ≥ x elementwise; no gradient (PyTorch's is 0 everywhere).
    public func ceil() -> Tensor { Tensor(shape: shape, storage: mapValues(self) { $0.rounded(.up) }) }
    /// x rounded towards zero elementwise (PyTorch's `trunc`, what `.long()` keeps); no gradient.
    public func truncated() -> Tensor { Tensor(shape: shape, storage: mapValues(self) { $0.rounded(.towardZero) }) }
}

// MARK: - Comparisons and where

/// An elementwise comparison; the result is a mask of 0 and 1 with no gradient.
public enum Comparison: String, Sendable {
    case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
}

extension Tensor {
    /// Compares elementwise with broadcasting; 1 where the comparison holds, else 0 (no gradient).
    public func compare(_ comparison: Comparison, _ other: Tensor) throws -> Tensor {
        let shape = try broadcastShape(self.shape, other.shape, op: "compare")
        _ = try TensorLimits.checkedElementCount(shape, op: "compare")
        let values: [Float]
        switch comparison {
        case .equal: values = broadcastBinary(self, other, outputShape: shape) { $0 == $1 ? 1 : 0 }
        case .notEqual: values = broadcastBinary(self, other, outputShape: shape) { $0 != $1 ? 1 : 0 }
        case .less: values = broadcastBinary(self, other, outputShape: shape) { $0 < $1 ? 1 : 0 }
        case .lessOrEqual: values = broadcastBinary(self, other, outputShape: shape) { $0 <= $1 ? 1 : 0 }
        case .greater: values = broadcastBinary(self, other, outputShape: shape) { $0 > $1 ? 1 : 0 }
        case .greaterOrEqual: values = broadcastBinary(self, other, outputShape: shape) { $0 >= $1 ? 1 : 0 }
        }
        return Tensor(shape: shape, storage: values)
    }

    /// Compares every element with a scalar (mask of 0 and 1, no gradient).
    public func compare(_ comparison: Comparison, _ scalar: Float) -> Tensor {
        let values: [Float]
        switch comparison {
        case .equal: values = mapValues(self) { $0 == scalar ? 1 : 0 }
        case .notEqual: values = mapValues(self) { $0 != scalar ? 1 : 0 }
        case .less: values = mapValues(self) { $0 < scalar ? 1 : 0 }
        case .lessOrEqual: values = mapValues(self) { $0 <= scalar ? 1 : 0 }
        case .greater: values = mapValues(self) { $0 > scalar ? 1 : 0 }
        case .greaterOrEqual: values = mapValues(self) { $0 >= scalar ? 1 : 0 }
        }
        return Tensor(shape: shape, storage: values)
    }

    /// Picks `ifTrue` where `condition` is non-zero and `ifFalse` elsewhere, all three broadcast.
    public static func `where`(_ condition: Tensor, _ ifTrue: Tensor, _ ifFalse: Tensor) throws -> Tensor {
        let valuesShape = try broadcastShape(ifTrue.shape, ifFalse.shape, op: "where")
        let shape = try broadcastShape(condition.shape, valuesShape, op: "where")
        let count = try TensorLimits.checkedElementCount(shape, op: "where")
        let mask = expandValues(condition, to: shape)
        let trueValues = expandValues(ifTrue, to: shape)
        let falseValues = expandValues(ifFalse, to: shape)
        var values = [Float](repeating: 0, count: count)
        for index in 0 ..< count { values[index] = mask[index] != 0 ? trueValues[index] : falseValues[index] }
        return result(shape: shape, storage: values, inputs: [ifTrue, ifFalse], .conditional(condition: mask))
    }
}

// MARK: - Elementwise minimum and maximum

extension Tensor {
    private static func pairwiseExtremum(_ lhs: Tensor, _ rhs: Tensor, isMaximum: Bool) throws -> Tensor {
        let op = isMaximum ? "maximum" : "minimum"
        let shape = try broadcastShape(lhs.shape, rhs.shape, op: op)
        _ = try TensorLimits.checkedElementCount(shape, op: op)
        // NaN on either side gives NaN (PyTorch), whichever argument holds it.
        let values = isMaximum
            ? broadcastBinary(lhs, rhs, outputShape: shape) { a, b in a.isNaN || b.isNaN ? .nan : (a >= b ? a : b) }
            : broadcastBinary(lhs, rhs, outputShape: shape) { a, b in a.isNaN || b.isNaN ? .nan : (a <= b ? a : b) }
        return result(shape: shape, storage: values, inputs: [lhs, rhs], .pairwiseExtremum(isMaximum: isMaximum))
    }

    /// The elementwise minimum with broadcasting (PyTorch `torch.minimum`): NaN propagates, ties
    /// split the gradient 0.5 / 0.5.
    public static func minimum(_ lhs: Tensor, _ rhs: Tensor) throws -> Tensor {
        try pairwiseExtremum(lhs, rhs, isMaximum: false)
    }

    /// The elementwise maximum with broadcasting (PyTorch `torch.maximum`): NaN propagates, ties
    /// split the gradient 0.5 / 0.5.
    public static func maximum(_ lhs: Tensor, _ rhs: Tensor) throws -> Tensor {
        try pairwiseExtremum(lhs, rhs, isMaximum: true)
    }
}
