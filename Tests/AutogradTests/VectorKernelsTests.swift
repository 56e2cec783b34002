// The AVX2 + FMA build of the C kernels (Sources/CKernels) pinned against the portable build, and
// CKernels' sgemm against OpenBLAS (the portable level's products), on shapes chosen to hit every
// remainder path: head sizes and row lengths that are not multiples of 8 or 16, row counts that
// are not multiples of the 6-row tile, k past the 256-step block. The portable build itself is
// pinned against PyTorch by AttentionOpTests, ReferenceValueTests and the gradient checks (run
// at the default level) and by this suite's equality with the fast build.
import Autograd
import Testing
import TestSupport

/// Runs `body` at the portable and at the fast level.
private func atBothLevels<T>(_ body: () throws -> T) rethrows -> (portable: T, fast: T) {
    (try VectorKernels.withLevel(.portable, body), try VectorKernels.withLevel(.avx2FMA, body))
}

/// max |a − b| ≤ tolerance · (1 + max |a|), elementwise over equal shapes (NaN must match NaN).
private func expectClose(_ a: Tensor, _ b: Tensor, tolerance: Float, _ what: String) {
    #expect(a.shape == b.shape, "\(what): shapes \(a.shape) and \(b.shape)")
    var worst: Float = 0, largest: Float = 0
    for (x, y) in zip(a.storage, b.storage) {
        if x.isNaN || y.isNaN { #expect(x.isNaN && y.isNaN, "\(what): \(x) vs \(y)"); continue }
        worst = max(worst, abs(x - y))
        largest = max(largest, abs(x))
    }
    #expect(worst <= tolerance * (1 + largest), "\(what): differs by \(worst) (largest value \(largest))")
}

private func random(_ shape: [Int], seed: UInt64, requiresGrad: Bool = false) throws -> Tensor {
    var generator = SeededGenerator(seed: seed)
    return try Tensor.normal(shape, generator: &generator, requiresGrad: requiresGrad)
}

@Suite("C kernels: the AVX2 + FMA build against the portable one")
struct VectorKernelsTests {
    @Test func levelIsTaskLocalAndNeverAboveTheCPU() {
        VectorKernels.withLevel(.portable) { #expect(VectorKernels.level == .portable) }
        VectorKernels.withLevel(.avx2FMA) { #expect(VectorKernels.level == VectorKernels.available) }
    }

    @Test(.enabled(if: VectorKernels.available == .avx2FMA), arguments: [
        (1, 1, 1, 1), (2, 5, 2, 3), (1, 13, 3, 8), (2, 32, 4, 16), (1, 9, 1, 24), (1, 33, 2, 5), (1, 17, 1, 40),
    ])
    func packedAttentionMatchesPortableBuild(shape: (Int, Int, Int, Int)) throws {
        let (batch, time, heads, headSize) = shape
        for causal in [true, false] {
            let weights = try random([batch, time, heads * headSize], seed: 7)
            let (portable, fast) = try atBothLevels { () throws -> (Tensor, Tensor) in
                let packed = try random([batch, time, 3 * heads * headSize], seed: 3, requiresGrad: true)
                let output = try Tensor.attention(packed: packed, heads: heads, causal: causal)
                try (output * weights).sum().backward()
                return (output, try #require(packed.grad))
            }
            expectClose(fast.0, portable.0, tolerance: 1e-5, "attention \(shape) causal \(causal)")
            expectClose(fast.1, portable.1, tolerance: 1e-5, "attention gradient \(shape) causal \(causal)")
        }
    }

    @Test(.enabled(if: VectorKernels.available == .avx2FMA))
    func separateAttentionWithFewerQueriesMatchesPortableBuild() throws {
        for (queries, keys, headSize) in [(3, 7, 5), (8, 8, 16), (5, 21, 24)] {
            let weights = try random([2, queries, headSize], seed: 11)
            let (portable, fast) = try atBothLevels { () throws -> [Tensor] in
                let q = try random([2, queries, headSize], seed: 1, requiresGrad: true)
                let k = try random([2, keys, headSize], seed: 2, requiresGrad: true)
                let v = try random([2, keys, headSize], seed: 3, requiresGrad: true)
                let output = try Tensor.scaledDotProductAttention(query: q, key: k, value: v, causal: true)
                try (output * weights).sum().backward()
                return [output, try #require(q.grad), try #require(k.grad), try #require(v.grad)]
            }
            for (index, (a, b)) in zip(fast, portable).enumerated() {
                expectClose(a, b, tolerance: 1e-5, "attention q \(queries) k \(keys) hd \(headSize), part \(index)")
            }
        }
    }

    @Test(.enabled(if: VectorKernels.available == .avx2FMA), arguments: [1, 7, 8, 9, 33, 1000])
    func geluMatchesPortableBuild(count: Int) throws {
        let extremes: [Float] = [-30, -9, -3, -0.5, 0, 1e-4, 0.5, 3, 9, 30, .nan, .infinity, -.infinity]
        let base = try random([count], seed: 5).storage.map { $0 * 3 }
        let values = (0 ..< count).map { $0 < extremes.count && count > 8 ? extremes[$0] : base[$0] }
        let upstream = try random([count], seed: 6)
        let (portable, fast) = try atBothLevels { () throws -> (Tensor, Tensor) in
            let x = try Tensor(shape: [count], values: values, requiresGrad: true)
            let y = x.gelu()
            try (y * upstream).sum().backward()
            return (y, try #require(x.grad))
        }
        expectClose(fast.0, portable.0, tolerance: 1e-6, "gelu (\(count))")
        expectClose(fast.1, portable.1, tolerance: 1e-6, "gelu gradient (\(count))")
    }

    @Test(.enabled(if: VectorKernels.available == .avx2FMA), arguments: [1, 3, 8, 13, 64])
    func normsMatchPortableBuild(width: Int) throws {
        let upstream = try random([5, width], seed: 9)
        for kind in ["layer", "layer-affine", "rms", "rms-affine"] {
            let (portable, fast) = try atBothLevels { () throws -> [Tensor] in
                // A large common offset: the Double mean and variance must keep the spread's digits.
                let x = try (random([5, width], seed: 4) + 1000).detach()
                x.requiresGrad = true
                let weight = try random([width], seed: 12, requiresGrad: true)
                let bias = try random([width], seed: 13, requiresGrad: true)
                let y: Tensor
                switch kind {
                case "layer": y = try x.layerNorm()
                case "layer-affine": y = try x.layerNorm(weight: weight, bias: bias)
                case "rms": y = try x.rmsNorm()
                default: y = try x.rmsNorm(weight: weight)
                }
                try (y * upstream).sum().backward()
                return [y, try #require(x.grad)] + (kind.hasSuffix("affine") ? [try #require(weight.grad)] : [])
                    + (kind == "layer-affine" ? [try #require(bias.grad)] : [])
            }
            for (index, (a, b)) in zip(fast, portable).enumerated() {
                expectClose(a, b, tolerance: 2e-5, "\(kind) norm width \(width), part \(index)")
            }
        }
    }

    @Test(.enabled(if: VectorKernels.available == .avx2FMA), arguments: [
        (1, 1, 1), (5, 7, 3), (6, 16, 4), (7, 17, 300), (13, 33, 257), (100, 64, 64), (37, 29, 71), (250, 48, 520),
    ])
    func sgemmMatchesOpenBLAS(shape: (Int, Int, Int)) throws {
        let (m, n, k) = shape
        let tolerance = 2e-6 * Float(k).squareRoot()
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                let (portable, fast) = try atBothLevels { () throws -> [Tensor] in
                    let a = try random(transposeA ? [k, m] : [m, k], seed: 21, requiresGrad: true)
                    let b = try random(transposeB ? [n, k] : [k, n], seed: 22, requiresGrad: true)
                    let product = try Tensor.matmul(a, b, transposeA: transposeA, transposeB: transposeB)
                    try (product * random([m, n], seed: 23)).sum().backward()
                    return [product, try #require(a.grad), try #require(b.grad)]
                }
                for (index, (x, y)) in zip(fast, portable).enumerated() {
                    expectClose(x, y, tolerance: tolerance, "matmul \(shape) tA \(transposeA) tB \(transposeB), part \(index)")
                }
            }
        }
        // Batched 3-D, 3-D × shared 2-D (folded into one product), linear with and without a bias, and
        // a batch of transposed first operands.
        let (portable, fast) = try atBothLevels { () throws -> [Tensor] in
            let batched = try Tensor.matmul(random([3, m, k], seed: 31), random([3, k, n], seed: 32))
            let folded = try Tensor.matmul(random([2, m, k], seed: 33), random([k, n], seed: 34))
            let x = try random([2, m, k], seed: 35, requiresGrad: true)
            let weight = try random([n, k], seed: 36, requiresGrad: true)
            let bias = try random([n], seed: 37, requiresGrad: true)
            let withBias = try Tensor.linear(x, weight: weight, bias: bias)
            let withoutBias = try Tensor.linear(x, weight: weight, bias: nil)
            try (withBias * withoutBias).sum().backward()
            // A batch of transposed first operands against a shared second: the shared operand's
            // gradient sums Aᵀ-products over the batch (CKernels reads each A in place, column-wise).
            let left = try random([3, k, m], seed: 38, requiresGrad: true)
            let right = try random([k, n], seed: 39, requiresGrad: true)
            let transposedBatch = try Tensor.matmul(left, right, transposeA: true)
            try (transposedBatch * random([3, m, n], seed: 40)).sum().backward()
            return [batched, folded, withBias, withoutBias, try #require(x.grad), try #require(weight.grad),
                    try #require(bias.grad), transposedBatch, try #require(left.grad), try #require(right.grad)]
        }
        for (index, (x, y)) in zip(fast, portable).enumerated() {
            expectClose(x, y, tolerance: 4 * tolerance, "products \(shape), part \(index)")
        }
    }

    @Test(.enabled(if: VectorKernels.available == .avx2FMA))
    func linearBiasIsAddedOnceAndExactly() throws {
        // Integer-valued operands: every sum is exact, so the kernel's bias start must give exactly x·Wᵀ + b.
        let x = try Tensor(shape: [7, 3], values: (0 ..< 21).map { Float($0 % 5) - 2 })
        let weight = try Tensor(shape: [17, 3], values: (0 ..< 51).map { Float($0 % 7) - 3 })
        let bias = try Tensor(shape: [17], values: (0 ..< 17).map { Float($0) * 10 })
        let output = try VectorKernels.withLevel(.avx2FMA) { try Tensor.linear(x, weight: weight, bias: bias) }
        for row in 0 ..< 7 {
            for column in 0 ..< 17 {
                var expected = bias.storage[column]
                for c in 0 ..< 3 { expected += x.storage[row * 3 + c] * weight.storage[column * 3 + c] }
                #expect(output.storage[row * 17 + column] == expected, "row \(row) column \(column)")
            }
        }
    }

    @Test(arguments: [(1, 1, 1), (7, 17, 3), (6, 16, 64), (100, 64, 256), (13, 33, 257), (37, 29, 600)])
    func linearWithResidualIsLinearThenAdd(shape: (Int, Int, Int)) throws {
        // residual + (x·Wᵀ + b) in one op: at each level the values of the two ops, bit for bit while
        // k fits one 256-step block (the residual is added where `+` would add it), and the same
        // gradients (the residual's is the output's); the two levels agree within rounding.
        let (m, n, k) = shape
        let levels = try atBothLevels { () throws -> [[Tensor]] in
            var runs: [[Tensor]] = []
            for fused in [true, false] {
                let x = try random([m, k], seed: 41, requiresGrad: true)
                let weight = try random([n, k], seed: 42, requiresGrad: true)
                let bias = try random([n], seed: 43, requiresGrad: true)
                let residual = try random([m, n], seed: 44, requiresGrad: true)
                let output = fused ? try Tensor.linear(x, weight: weight, bias: bias, residual: residual)
                    : try residual + Tensor.linear(x, weight: weight, bias: bias)
                try (output * random([m, n], seed: 45)).sum().backward()
                runs.append([output, try #require(x.grad), try #require(weight.grad), try #require(bias.grad),
                             try #require(residual.grad)])
            }
            return runs
        }
        for (level, runs) in [("portable", levels.portable), ("fast", levels.fast)] {
            for (index, (fused, separate)) in zip(runs[0], runs[1]).enumerated() {
                if k <= 256 {
                    #expect(fused.storage == separate.storage, "\(level) \(shape), part \(index): not bit for bit")
                } else {
                    expectClose(fused, separate, tolerance: 1e-5, "\(level) \(shape), part \(index)")
                }
            }
        }
        for (index, (fast, portable)) in zip(levels.fast[0], levels.portable[0]).enumerated() {
            expectClose(fast, portable, tolerance: 1e-5, "fast vs portable \(shape), part \(index)")
        }
    }

    @Test func linearResidualOfTheWrongShapeIsAnError() throws {
        let x = try random([4, 3], seed: 1), weight = try random([5, 3], seed: 2)
        #expect(throws: TensorError.self) { try Tensor.linear(x, weight: weight, bias: nil, residual: try random([4, 4], seed: 3)) }
    }

    @Test(arguments: [(1, 1), (3, 7), (33, 64), (50, 72), (1024, 256), (9, 130)])
    func biasGradientSumsEachColumnInRowOrder(shape: (Int, Int)) throws {
        // The bias gradient is CKernels' column sums at both levels: exactly a row-after-row Float sum.
        let (rows, columns) = shape
        let upstream = try random([rows, columns], seed: 51)
        var expected = [Float](repeating: 0, count: columns)
        for row in 0 ..< rows {
            for column in 0 ..< columns { expected[column] += upstream.storage[row * columns + column] }
        }
        let (portable, fast) = try atBothLevels { () throws -> [Float] in
            let bias = try random([columns], seed: 52, requiresGrad: true)
            let output = try Tensor.linear(random([rows, 3], seed: 53), weight: random([columns, 3], seed: 54), bias: bias)
            try (output * upstream).sum().backward()
            return try #require(bias.grad).storage
        }
        #expect(portable == expected, "portable \(shape)")
        #expect(fast == expected, "fast \(shape)")
    }
}
