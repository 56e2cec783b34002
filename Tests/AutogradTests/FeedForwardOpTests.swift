// The fused feed-forward op (`geluFeedForward`: fc1 → GELU → fc2 + residual over blocks of rows)
// against the same block composed from `linear`, `gelu` and `linear(…, residual:)`, on shapes that
// cross the row block (96 rows at hidden 256, 24 at hidden 1000), the sgemm's 256-step block (in,
// hidden 300), odd sizes, one row, and without biases or residual. The output and the gradients
// of x, b1, b2 and the residual must be equal bit for bit at both kernel levels; the weight
// gradients too at the portable level, while at AVX2 + FMA the fused backward sums their rows
// block by block (another order than OpenBLAS's one product), so there they must agree within
// 1e-5 of the largest entry. The derivative rule is checked against finite differences in
// DerivativeTableTests.
import Autograd
import Testing
import TestSupport

/// Values in [-2, 2) from a seed, as leaves that want gradients.
private func leaf(_ shape: [Int], seed: UInt64, scale: Float = 1) throws -> Tensor {
    var generator = SeededGenerator(seed: seed)
    return try Tensor.uniform(shape, low: -2 * scale, high: 2 * scale, generator: &generator, requiresGrad: true)
}

private struct Case: CustomStringConvertible {
    let leading: [Int], inputs: Int, hidden: Int, outputs: Int
    let biases: Bool, residual: Bool
    var description: String { "\(leading) × \(inputs) → \(hidden) → \(outputs)\(biases ? "" : ", no biases")\(residual ? ", residual" : "")" }
}

private let cases: [Case] = [
    Case(leading: [32, 32], inputs: 64, hidden: 256, outputs: 64, biases: true, residual: true),   // the micro-GPT's block
    Case(leading: [1, 1], inputs: 64, hidden: 256, outputs: 64, biases: true, residual: true),     // one row
    Case(leading: [7], inputs: 5, hidden: 13, outputs: 3, biases: true, residual: false),
    Case(leading: [3, 67], inputs: 12, hidden: 1000, outputs: 9, biases: false, residual: true),  // blocks of 24 rows
    Case(leading: [97], inputs: 300, hidden: 300, outputs: 17, biases: true, residual: true),     // two 256-step blocks
    Case(leading: [200], inputs: 1, hidden: 1, outputs: 1, biases: false, residual: false),
]

/// Forward values and the gradients of (x, w1, b1, w2, b2, residual) for Σ y ⊙ c, fused or composed.
private func run(_ c: Case, fused: Bool) throws -> [[Float]] {
    let seed = UInt64(c.inputs * 7 + c.hidden * 3 + c.outputs)
    let x = try leaf(c.leading + [c.inputs], seed: seed)
    let w1 = try leaf([c.hidden, c.inputs], seed: seed + 1, scale: 0.3)
    let b1 = c.biases ? try leaf([c.hidden], seed: seed + 2) : nil
    let w2 = try leaf([c.outputs, c.hidden], seed: seed + 3, scale: 0.3)
    let b2 = c.biases ? try leaf([c.outputs], seed: seed + 4) : nil
    let residual = c.residual ? try leaf(c.leading + [c.outputs], seed: seed + 5) : nil
    let y: Tensor
    if fused {
        y = try Tensor.geluFeedForward(x, w1: w1, b1: b1, w2: w2, b2: b2, residual: residual)
        #expect(y.operationKind == .geluFeedForward)
    } else {
        let hidden = try Tensor.linear(x, weight: w1, bias: b1).gelu()
        y = try Tensor.linear(hidden, weight: w2, bias: b2, residual: residual)
    }
    let weights = try leaf(y.shape, seed: seed + 6)
    try (y * weights.detach()).sum().backward()
    return [y.storage] + [x, w1, b1, w2, b2, residual].compactMap { $0 }.map { $0.grad?.storage ?? [] }
}

@Suite("Fused feed-forward op")
struct FeedForwardOpTests {
    @Test("fused and composed agree at each kernel level", arguments: [KernelLevel.portable, .avx2FMA])
    func fusedMatchesComposed(level: KernelLevel) throws {
        let blockSummed = VectorKernels.withLevel(level) { VectorKernels.level } == .avx2FMA
        try VectorKernels.withLevel(level) {
            for c in cases {
                let fused = try run(c, fused: true), composed = try run(c, fused: false)
                #expect(fused.count == composed.count)
                // 0 = output, then the gradients of x, w1, b1, w2, b2, residual (those present).
                let names = ["output", "x", "w1"] + (c.biases ? ["b1"] : []) + ["w2"] + (c.biases ? ["b2"] : []) + (c.residual ? ["residual"] : [])
                for (index, (a, b)) in zip(fused, composed).enumerated() {
                    #expect(!a.isEmpty && a.count == b.count, "\(c), \(names[index])")
                    if blockSummed && (names[index] == "w1" || names[index] == "w2") {
                        let largest = b.map(abs).max() ?? 0
                        let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
                        #expect(worst <= 1e-5 * largest, "\(c) at \(level): \(names[index]) off by \(worst) (largest entry \(largest))")
                        continue
                    }
                    let differing = zip(a, b).filter { $0.0.bitPattern != $0.1.bitPattern }.count
                    #expect(differing == 0, "\(c) at \(level): \(names[index]) differs in \(differing) of \(a.count)")
                }
            }
        }
    }

    @Test func inputWithoutGradientStillGivesWeightGradients() throws {
        let x = try Tensor(shape: [5, 3], values: (0 ..< 15).map { Float($0) * 0.1 - 0.7 })
        let w1 = try leaf([4, 3], seed: 1), w2 = try leaf([2, 4], seed: 2)
        try Tensor.geluFeedForward(x, w1: w1, b1: nil, w2: w2, b2: nil).sum().backward()
        #expect(x.grad == nil)
        let composedW1 = try leaf([4, 3], seed: 1), composedW2 = try leaf([2, 4], seed: 2)
        try Tensor.linear(Tensor.linear(x, weight: composedW1, bias: nil).gelu(), weight: composedW2, bias: nil).sum().backward()
        for (fused, composed) in [(w1, composedW1), (w2, composedW2)] {
            let a = try #require(fused.grad).storage, b = try #require(composed.grad).storage
            #expect(a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-6 * (1 + abs($1)) }, "\(a) vs \(b)")
        }
    }

    @Test func shapeErrorsNameTheShapes() throws {
        let x = try leaf([2, 3], seed: 1)
        #expect(throws: TensorError.self) { try Tensor.geluFeedForward(x, w1: leaf([4, 5], seed: 2), b1: nil, w2: leaf([2, 4], seed: 3), b2: nil) }
        #expect(throws: TensorError.self) { try Tensor.geluFeedForward(x, w1: leaf([4, 3], seed: 2), b1: nil, w2: leaf([2, 5], seed: 3), b2: nil) }
        #expect(throws: TensorError.self) { try Tensor.geluFeedForward(x, w1: leaf([4, 3], seed: 2), b1: leaf([3], seed: 4), w2: leaf([2, 4], seed: 3), b2: nil) }
        #expect(throws: TensorError.self) {
            try Tensor.geluFeedForward(x, w1: leaf([4, 3], seed: 2), b1: nil, w2: leaf([2, 4], seed: 3), b2: nil, residual: leaf([2, 3], seed: 5))
        }
        do {
            _ = try Tensor.geluFeedForward(x, w1: leaf([4, 5], seed: 2), b1: nil, w2: leaf([2, 4], seed: 3), b2: nil)
        } catch {
            #expect("\(error)".contains("[2, 3]") && "\(error)".contains("[4, 5]"), "\(error)")
        }
    }
}
