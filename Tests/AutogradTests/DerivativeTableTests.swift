// Gradient-checks every entry of the derivative table. The test iterates
// `OperationKind.allCases`, so adding an operation without a case here fails the suite.
import Autograd
import Testing
import TestSupport

/// One gradient check: inputs (those with requiresGrad are checked) and the function under test.
struct GradientCase: Sendable {
    let name: String
    let makeInputs: @Sendable () throws -> [Tensor]
    let function: @Sendable ([Tensor]) throws -> Tensor
}

/// A tensor of uniform values in `[low, high)` from a fixed seed, tracking gradients.
func randomTensor(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1, requiresGrad: Bool = true) throws -> Tensor {
    var generator = SeededGenerator(seed: seed)
    return try Tensor.uniform(shape, low: low, high: high, generator: &generator, requiresGrad: requiresGrad)
}

/// Values away from 0 (kinks of relu/abs), alternating in sign.
func signedTensor(_ shape: [Int], seed: UInt64) throws -> Tensor {
    let magnitudes = try randomTensor(shape, seed: seed, low: 0.2, high: 1.0, requiresGrad: false)
    let values = magnitudes.storage.enumerated().map { $0.offset % 2 == 0 ? $0.element : -$0.element }
    return try Tensor(shape: shape, values: values, requiresGrad: true)
}

private func gradientCase(_ name: String, _ makeInputs: @escaping @Sendable () throws -> [Tensor],
                          _ function: @escaping @Sendable ([Tensor]) throws -> Tensor) -> GradientCase {
    GradientCase(name: name, makeInputs: makeInputs, function: function)
}

/// Every operation kind's gradient checks (at least one each).
let gradientCases: [OperationKind: [GradientCase]] = [
    .add: [gradientCase("[2,3] + [3]", { [try randomTensor([2, 3], seed: 1), try randomTensor([3], seed: 2)] }) { try $0[0] + $0[1] }],
    .subtract: [gradientCase("[2,1,3] - [4,1]", { [try randomTensor([2, 1, 3], seed: 3), try randomTensor([4, 1], seed: 4)] }) { try $0[0] - $0[1] }],
    .multiply: [gradientCase("[2,3] * [2,1]", { [try randomTensor([2, 3], seed: 5), try randomTensor([2, 1], seed: 6)] }) { try $0[0] * $0[1] }],
    .divide: [gradientCase("[2,3] / [3]", { [try randomTensor([2, 3], seed: 7), try randomTensor([3], seed: 8, low: 0.5, high: 1.5)] }) { try $0[0] / $0[1] }],
    .addScalar: [gradientCase("x + 1.5", { [try randomTensor([2, 3], seed: 9)] }) { $0[0] + 1.5 }],
    .multiplyScalar: [gradientCase("x * -2", { [try randomTensor([2, 3], seed: 10)] }) { $0[0] * -2 }],
    .negate: [gradientCase("-x", { [try randomTensor([2, 3], seed: 11)] }) { -$0[0] }],
    .exp: [gradientCase("exp", { [try randomTensor([2, 3], seed: 12)] }) { $0[0].exp() }],
    .log: [gradientCase("log", { [try randomTensor([2, 3], seed: 13, low: 0.5, high: 2)] }) { $0[0].log() }],
    .squareRoot: [gradientCase("sqrt", { [try randomTensor([2, 3], seed: 14, low: 0.5, high: 2)] }) { $0[0].sqrt() }],
    .absolute: [gradientCase("abs", { [try signedTensor([2, 3], seed: 15)] }) { $0[0].abs() }],
    .tanh: [gradientCase("tanh", { [try randomTensor([2, 3], seed: 16, low: -2, high: 2)] }) { $0[0].tanh() }],
    .sigmoid: [gradientCase("sigmoid", { [try randomTensor([2, 3], seed: 17, low: -3, high: 3)] }) { $0[0].sigmoid() }],
    .relu: [gradientCase("relu", { [try signedTensor([2, 3], seed: 18)] }) { $0[0].relu() }],
    .gelu: [gradientCase("gelu", { [try randomTensor([2, 3], seed: 19, low: -3, high: 3)] }) { $0[0].gelu() }],
    .silu: [gradientCase("silu", { [try randomTensor([2, 3], seed: 20, low: -3, high: 3)] }) { $0[0].silu() }],
    .power: [
        gradientCase("x^3", { [try randomTensor([2, 3], seed: 21)] }) { $0[0].pow(3) },
        gradientCase("x^-0.5", { [try randomTensor([2, 3], seed: 22, low: 0.5, high: 2)] }) { $0[0].pow(-0.5) },
    ],
    .clamp: [gradientCase("clamp(-0.5, 0.5)", { [try Tensor([[-0.9, -0.3, 0.1], [0.4, 0.7, -0.6]], requiresGrad: true)] }) {
        $0[0].clamp(min: -0.5, max: 0.5)
    }],
    .conditional: [gradientCase("where(mask, [2,3], [3])", {
        [try randomTensor([2, 3], seed: 23), try randomTensor([3], seed: 24)]
    }) { inputs in
        try Tensor.where(try Tensor([[1, 0, 1], [0, 0, 1]]), inputs[0], inputs[1])
    }],
    .sum: [
        gradientCase("sum axis 1", { [try randomTensor([2, 3, 4], seed: 25)] }) { try $0[0].sum(axis: 1) },
        gradientCase("sum all", { [try randomTensor([2, 3], seed: 26)] }) { try $0[0].sum() },
    ],
    .mean: [gradientCase("mean axis -1 keepDims", { [try randomTensor([2, 3, 4], seed: 27)] }) { try $0[0].mean(axis: -1, keepDims: true) }],
    .extremum: [
        gradientCase("max axis 0", { [try randomTensor([3, 4], seed: 28)] }) { try $0[0].max(axis: 0) },
        gradientCase("min all", { [try randomTensor([3, 4], seed: 29)] }) { try $0[0].min() },
    ],
    .pairwiseExtremum: [
        gradientCase("maximum [2,3] with [3]", { [try randomTensor([2, 3], seed: 76), try randomTensor([3], seed: 77)] }) {
            try Tensor.maximum($0[0], $0[1])
        },
        gradientCase("minimum [3] with [2,3]", { [try randomTensor([3], seed: 78), try randomTensor([2, 3], seed: 79)] }) {
            try Tensor.minimum($0[0], $0[1])
        },
    ],
    .cumulativeSum: [
        gradientCase("cumsum axis 1", { [try randomTensor([2, 4, 3], seed: 80)] }) { try $0[0].cumulativeSum(axis: 1) },
        gradientCase("cumsum axis -1", { [try randomTensor([3, 5], seed: 81)] }) { try $0[0].cumulativeSum(axis: -1) },
    ],
    .logSumExp: [gradientCase("logSumExp axis 1", { [try randomTensor([2, 5, 3], seed: 30, low: -3, high: 3)] }) { try $0[0].logSumExp(axis: 1) }],
    .reshape: [gradientCase("reshape", { [try randomTensor([2, 6], seed: 31)] }) { try $0[0].reshape([3, -1]) }],
    .permute: [gradientCase("permute [2,0,1]", { [try randomTensor([2, 3, 4], seed: 32)] }) { try $0[0].permute([2, 0, 1]) }],
    .slice: [gradientCase("slice axis 1, 1..<5 step 2", { [try randomTensor([4, 5], seed: 33)] }) { try $0[0].slice(axis: 1, start: 1, end: 5, step: 2) }],
    .concat: [gradientCase("concat axis 1", { [try randomTensor([2, 3], seed: 34), try randomTensor([2, 2], seed: 35)] }) {
        try Tensor.concat($0, axis: 1)
    }],
    .indexSelect: [
        gradientCase("indexSelect repeated", { [try randomTensor([4, 3], seed: 36)] }) { try $0[0].indexSelect(axis: 0, indices: [2, 0, 2]) },
        // x reaches the result through a select and a slice: one of the two finds x's gradient
        // already started and adds its rows straight into it (Graph.addSelectedRows).
        gradientCase("indexSelect into a started sum", { [try randomTensor([4, 3], seed: 89)] }) { inputs in
            let x = inputs[0]
            return try (x.indexSelect(axis: 0, indices: [3, 1, 3]) * 2 + x.slice(axis: 0, start: 1, end: 4))
                .indexSelect(axis: 1, indices: [2, 0])
        },
    ],
    .indexAdd: [gradientCase("indexAdd repeated", { [try randomTensor([4, 3], seed: 37), try randomTensor([3, 3], seed: 38)] }) {
        try $0[0].indexAdd(axis: 0, indices: [1, 3, 1], source: $0[1])
    }],
    .gather: [gradientCase("gather axis 1", { [try randomTensor([3, 4], seed: 39)] }) {
        try $0[0].gather(axis: 1, index: try Tensor([[3, 0], [1, 1], [2, 0]]))
    }],
    .scatterAdd: [gradientCase("scatterAdd axis 1", { [try randomTensor([3, 4], seed: 40), try randomTensor([3, 2], seed: 41)] }) {
        try $0[0].scatterAdd(axis: 1, index: try Tensor([[3, 0], [1, 1], [2, 0]]), source: $0[1])
    }],
    .matmul: [
        gradientCase("[3,4]·[4,2]", { [try randomTensor([3, 4], seed: 42), try randomTensor([4, 2], seed: 43)] }) { try Tensor.matmul($0[0], $0[1]) },
        gradientCase("Aᵀ·B", { [try randomTensor([4, 3], seed: 44), try randomTensor([4, 2], seed: 45)] }) {
            try Tensor.matmul($0[0], $0[1], transposeA: true)
        },
        gradientCase("A·Bᵀ", { [try randomTensor([3, 4], seed: 46), try randomTensor([2, 4], seed: 47)] }) {
            try Tensor.matmul($0[0], $0[1], transposeB: true)
        },
        gradientCase("Aᵀ·Bᵀ", { [try randomTensor([4, 3], seed: 48), try randomTensor([2, 4], seed: 49)] }) {
            try Tensor.matmul($0[0], $0[1], transposeA: true, transposeB: true)
        },
        gradientCase("batched [2,3,4]·[2,4,2]ᵀ", { [try randomTensor([2, 3, 4], seed: 50), try randomTensor([2, 2, 4], seed: 51)] }) {
            try Tensor.matmul($0[0], $0[1], transposeB: true)
        },
        gradientCase("folded [2,3,4]·[4,2]", { [try randomTensor([2, 3, 4], seed: 52), try randomTensor([4, 2], seed: 53)] }) {
            try Tensor.matmul($0[0], $0[1])
        },
        gradientCase("shared [3,4]·[2,4,2]", { [try randomTensor([3, 4], seed: 54), try randomTensor([2, 4, 2], seed: 55)] }) {
            try Tensor.matmul($0[0], $0[1])
        },
        gradientCase("batched Aᵀ [2,4,3]ᵀ·[4,2]", { [try randomTensor([2, 4, 3], seed: 56), try randomTensor([4, 2], seed: 57)] }) {
            try Tensor.matmul($0[0], $0[1], transposeA: true)
        },
    ],
    .linear: [
        gradientCase("linear with bias", { [try randomTensor([5, 4], seed: 58), try randomTensor([3, 4], seed: 59), try randomTensor([3], seed: 60)] }) {
            try Tensor.linear($0[0], weight: $0[1], bias: $0[2])
        },
        gradientCase("linear 3-D, no bias", { [try randomTensor([2, 2, 4], seed: 61), try randomTensor([3, 4], seed: 62)] }) {
            try Tensor.linear($0[0], weight: $0[1], bias: nil)
        },
        gradientCase("linear with bias and a residual", {
            [try randomTensor([7, 4], seed: 63), try randomTensor([3, 4], seed: 64), try randomTensor([3], seed: 65),
             try randomTensor([7, 3], seed: 66)]
        }) {
            try Tensor.linear($0[0], weight: $0[1], bias: $0[2], residual: $0[3])
        },
        gradientCase("linear 3-D, the input as its own residual, no bias", {
            [try randomTensor([2, 3, 5], seed: 67), try randomTensor([5, 5], seed: 68)]
        }) {
            // x + x·Wᵀ: both paths of the input's gradient add up.
            try Tensor.linear($0[0], weight: $0[1], bias: nil, residual: $0[0])
        },
    ],
    .geluFeedForward: [
        gradientCase("feed-forward with biases and a residual", {
            [try randomTensor([7, 5], seed: 89, low: -2, high: 2), try randomTensor([6, 5], seed: 90), try randomTensor([6], seed: 91),
             try randomTensor([3, 6], seed: 92), try randomTensor([3], seed: 93), try randomTensor([7, 3], seed: 94)]
        }) {
            try Tensor.geluFeedForward($0[0], w1: $0[1], b1: $0[2], w2: $0[3], b2: $0[4], residual: $0[5])
        },
        gradientCase("feed-forward 3-D, no biases, the input as its own residual", {
            [try randomTensor([2, 3, 4], seed: 95, low: -2, high: 2), try randomTensor([9, 4], seed: 96), try randomTensor([4, 9], seed: 97)]
        }) {
            try Tensor.geluFeedForward($0[0], w1: $0[1], b1: nil, w2: $0[2], b2: nil, residual: $0[0])
        },
    ],
    .attention: [
        gradientCase("packed causal [2,4,18], 3 heads", { [try randomTensor([2, 4, 18], seed: 82, low: -2, high: 2)] }) {
            try Tensor.attention(packed: $0[0], heads: 3)
        },
        gradientCase("q [2,2,9] after 3 keys, causal", {
            [try randomTensor([2, 2, 9], seed: 83, low: -2, high: 2), try randomTensor([2, 3, 9], seed: 84, low: -2, high: 2),
             try randomTensor([2, 3, 9], seed: 85)]
        }) { try Tensor.scaledDotProductAttention(query: $0[0], key: $0[1], value: $0[2], causal: true) },
        // 11 queries: one whole group of eight lanes and a partial one, keys masked in both.
        gradientCase("packed causal [1,11,12], 2 heads", { [try randomTensor([1, 11, 12], seed: 89, low: -2, high: 2)] }) {
            try Tensor.attention(packed: $0[0], heads: 2)
        },
        gradientCase("full attention, scale 0.7", {
            [try randomTensor([1, 3, 4], seed: 86), try randomTensor([1, 5, 4], seed: 87), try randomTensor([1, 5, 4], seed: 88)]
        }) { try Tensor.scaledDotProductAttention(query: $0[0], key: $0[1], value: $0[2], causal: false, scale: 0.7) },
    ],
    .softmax: [
        gradientCase("softmax last axis", { [try randomTensor([3, 4], seed: 63, low: -2, high: 2)] }) { try $0[0].softmax() },
        gradientCase("softmax axis 0", { [try randomTensor([3, 4], seed: 64, low: -2, high: 2)] }) { try $0[0].softmax(axis: 0) },
    ],
    .logSoftmax: [gradientCase("logSoftmax", { [try randomTensor([2, 3, 4], seed: 65, low: -2, high: 2)] }) { try $0[0].logSoftmax(axis: 1) }],
    .crossEntropy: [gradientCase("crossEntropy", { [try randomTensor([4, 5], seed: 66, low: -2, high: 2)] }) {
        try Tensor.crossEntropy(logits: $0[0], targets: [0, 4, 2, 2])
    }],
    .klDivergence: [gradientCase("KL, temperature 2", { [try randomTensor([3, 4], seed: 67, low: -2, high: 2), try randomTensor([3, 4], seed: 68, low: -2, high: 2)] }) {
        try Tensor.klDivergence(studentLogits: $0[0], teacherLogits: $0[1], temperature: 2)
    }],
    .layerNorm: [
        gradientCase("layerNorm affine", { [try randomTensor([3, 5], seed: 69, low: -2, high: 2), try randomTensor([5], seed: 70), try randomTensor([5], seed: 71)] }) {
            try $0[0].layerNorm(weight: $0[1], bias: $0[2])
        },
        gradientCase("layerNorm plain", { [try randomTensor([2, 2, 4], seed: 72, low: -2, high: 2)] }) { try $0[0].layerNorm() },
    ],
    .rmsNorm: [
        gradientCase("rmsNorm weighted", { [try randomTensor([3, 5], seed: 73, low: -2, high: 2), try randomTensor([5], seed: 74)] }) {
            try $0[0].rmsNorm(weight: $0[1])
        },
        gradientCase("rmsNorm plain", { [try randomTensor([2, 4], seed: 75, low: -2, high: 2)] }) { try $0[0].rmsNorm() },
    ],
]

@Suite("Derivative table")
struct DerivativeTableTests {
    @Test("every derivative rule agrees with central finite differences", arguments: OperationKind.allCases)
    func gradientMatchesFiniteDifferences(kind: OperationKind) throws {
        let cases = try #require(gradientCases[kind], "no gradient check for operation \(kind)")
        #expect(!cases.isEmpty)
        for gradientCase in cases {
            let inputs = try gradientCase.makeInputs()
            // The case must really exercise this rule: its output is produced by the operation.
            let output = try gradientCase.function(inputs)
            #expect(output.operationKind == kind, "case \(gradientCase.name) produced \(String(describing: output.operationKind))")
            let mismatches = try GradientChecker.check(inputs, gradientCase.function)
            #expect(mismatches.isEmpty, "\(kind) / \(gradientCase.name): \(mismatches.prefix(4))")
        }
    }
}
