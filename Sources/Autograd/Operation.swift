// The closed list of recorded operations and what each saves for its derivative rule.
// `OperationKind` names them without payload; tests iterate `OperationKind.allCases` so a new
// operation without a gradient check fails the suite.

/// How a reduction sees its input: `outer × length × inner`, reducing the middle dimension.
struct ReductionLayout: Equatable {
    let outer: Int
    let length: Int
    let inner: Int
}

/// A recorded operation with the values its derivative rule needs (see `DerivativeRules`).
enum Operation {
    // Elementwise with broadcasting; inputs (lhs, rhs).
    case add, subtract, multiply, divide
    // Tensor with a scalar; input (x).
    case addScalar
    case multiplyScalar(Float)
    // Elementwise unary; input (x).
    case negate, exp, log, squareRoot, absolute, tanh, sigmoid, relu, silu
    /// GELU (tanh form); backward recomputes s = (1 + tanh(√(2/π)(x + 0.044715x³)))/2 from x
    /// (cheaper than keeping a second activation-sized array).
    case gelu
    case power(Float)
    case clamp(lower: Float, upper: Float)
    /// `Tensor.where(condition, a, b)`: inputs (a, b); the condition already expanded to the output shape.
    case conditional(condition: [Float])
    // Reductions over the middle of a layout (or everything); input (x).
    case sum(ReductionLayout)
    case mean(ReductionLayout)
    /// max or min over an axis: `positions[i]` is the winning index along the axis for output
    /// element i (PyTorch's index-based backward). Over all values (`splitTies`), `positions`
    /// lists every element equal to the result and the gradient is split evenly among them.
    case extremum(ReductionLayout, positions: [Int], splitTies: Bool)
    /// torch.maximum / torch.minimum: inputs (a, b); ties split the gradient 0.5 / 0.5.
    case pairwiseExtremum(isMaximum: Bool)
    /// Running sum along the middle of the layout.
    case cumulativeSum(ReductionLayout)
    case logSumExp(ReductionLayout)
    // Shape; input (x).
    case reshape
    case permute([Int])
    case slice(layout: ReductionLayout, start: Int, step: Int)
    /// inputs: the pieces; `lengths` along the axis of each piece.
    case concat(outer: Int, inner: Int, lengths: [Int])
    // Indexing along the middle of a layout.
    case indexSelect(ReductionLayout, indices: [Int])           // input (x)
    case indexAdd(ReductionLayout, indices: [Int])              // inputs (base, source)
    case gather(ReductionLayout, indices: [Int], selected: Int)   // input (x); output length `selected`
    case scatterAdd(ReductionLayout, indices: [Int], selected: Int) // inputs (base, source)
    // Linear algebra.
    case matmul(transposeA: Bool, transposeB: Bool)              // inputs (a, b)
    case linear(residual: Bool)                                  // inputs (x, weight[, bias][, residual])
    /// residual + gelu(x·w1ᵀ + b1)·w2ᵀ + b2: inputs (x, w1[, b1], w2[, b2][, residual]); keeps x·w1ᵀ + b1.
    case geluFeedForward(preActivation: [Float], firstBias: Bool, secondBias: Bool, residual: Bool)
    /// Scaled-dot-product attention: inputs (packed qkv) or (query, key, value); the softmax
    /// probabilities [batch·heads, queries, keys] kept for the backward pass.
    case attention(AttentionLayout, probabilities: [Float])
    // Probabilities and losses (over the middle of a layout).
    case softmax(ReductionLayout, probabilities: [Double])
    case logSoftmax(ReductionLayout, probabilities: [Float])
    case crossEntropy(rows: Int, softmaxMinusTarget: [Float])    // input (logits [N, C])
    /// inputs (student logits, teacher logits), both [N, C].
    case klDivergence(temperature: Float, student: SoftmaxValues, teacher: SoftmaxValues)
    // Normalisation over the last axis.
    case layerNorm(normalized: [Float], inverseDeviation: [Float])  // inputs (x[, weight, bias])
    /// The inverse root mean squares in Double: the backward's 1 − x̂² cancels (rows with |x| ≫ √ε).
    case rmsNorm(inverseRootMeanSquare: [Double])                   // inputs (x[, weight])

    /// The payload-free name of this operation.
    var kind: OperationKind {
        switch self {
        case .add: .add
        case .subtract: .subtract
        case .multiply: .multiply
        case .divide: .divide
        case .addScalar: .addScalar
        case .multiplyScalar: .multiplyScalar
        case .negate: .negate
        case .exp: .exp
        case .log: .log
        case .squareRoot: .squareRoot
        case .absolute: .absolute
        case .tanh: .tanh
        case .sigmoid: .sigmoid
        case .relu: .relu
        case .gelu: .gelu
        case .silu: .silu
        case .power: .power
        case .clamp: .clamp
        case .conditional: .conditional
        case .sum: .sum
        case .mean: .mean
        case .extremum: .extremum
        case .pairwiseExtremum: .pairwiseExtremum
        case .cumulativeSum: .cumulativeSum
        case .logSumExp: .logSumExp
        case .reshape: .reshape
        case .permute: .permute
        case .slice: .slice
        case .concat: .concat
        case .indexSelect: .indexSelect
        case .indexAdd: .indexAdd
        case .gather: .gather
        case .scatterAdd: .scatterAdd
        case .matmul: .matmul
        case .linear: .linear
        case .geluFeedForward: .geluFeedForward
        case .attention: .attention
        case .softmax: .softmax
        case .logSoftmax: .logSoftmax
        case .crossEntropy: .crossEntropy
        case .klDivergence: .klDivergence
        case .layerNorm: .layerNorm
        case .rmsNorm: .rmsNorm
        }
    }
}

/// The name of every differentiable operation; each has exactly one rule in `DerivativeRules`.
public enum OperationKind: String, CaseIterable, Sendable {
    case add, subtract, multiply, divide, addScalar, multiplyScalar
    case negate, exp, log, squareRoot, absolute, tanh, sigmoid, relu, gelu, silu, power, clamp, conditional
    case pairwiseExtremum
    case sum, mean, extremum, logSumExp, cumulativeSum
    case reshape, permute, slice, concat
    case indexSelect, indexAdd, gather, scatterAdd
    case matmul, linear, geluFeedForward, attention
    case softmax, logSoftmax, crossEntropy, klDivergence
    case layerNorm, rmsNorm
}

extension Tensor {
    /// The kind of operation that produced this tensor, or nil for a leaf (used by tests and tools).
    public var operationKind: OperationKind? { node?.operation.kind }
}
