// The AVX-512 build of the products (CKernels' 12 × 16 ZMM tile, `VectorKernels.wideTiles`)
// against the AVX2 build (6 × 16 YMM tile): every element is the same chain of fused
// multiply-adds in the same order, so the two must agree bit for bit — on shapes that leave
// partial tiles of both heights (rows around multiples of 6 and 12), partial 16-column panels,
// k past the 256-step block, transposed operands, a bias, a residual, accumulated batches, and
// the fused feed-forward block's forward and backward. Runs only on a CPU with AVX-512.
import Autograd
import Testing
import TestSupport

private func leaf(_ shape: [Int], seed: UInt64) throws -> Tensor {
    var generator = SeededGenerator(seed: seed)
    return try Tensor.uniform(shape, low: -2, high: 2, generator: &generator, requiresGrad: true)
}

/// Products and gradients of one (m, n, k) case: plain and transposed matmuls, a linear layer with
/// bias and residual, a batch of transposed first operands (accumulated weight gradients), and the
/// fused feed-forward block (hidden = n).
private func products(m: Int, n: Int, k: Int) throws -> [[Float]] {
    var out: [[Float]] = []
    for transposeA in [false, true] {
        for transposeB in [false, true] {
            let a = try leaf(transposeA ? [k, m] : [m, k], seed: 1)
            let b = try leaf(transposeB ? [n, k] : [k, n], seed: 2)
            let product = try Tensor.matmul(a, b, transposeA: transposeA, transposeB: transposeB)
            try (product * leaf([m, n], seed: 3).detach()).sum().backward()
            out += [product.storage, a.grad?.storage ?? [], b.grad?.storage ?? []]
        }
    }
    let x = try leaf([2, m, k], seed: 4), weight = try leaf([n, k], seed: 5), bias = try leaf([n], seed: 6)
    let residual = try leaf([2, m, n], seed: 7)
    let linear = try Tensor.linear(x, weight: weight, bias: bias, residual: residual)
    try (linear * leaf([2, m, n], seed: 8).detach()).sum().backward()
    out += [linear.storage, x.grad?.storage ?? [], weight.grad?.storage ?? [], bias.grad?.storage ?? []]
    let left = try leaf([3, k, m], seed: 9), right = try leaf([k, n], seed: 10)
    let batch = try Tensor.matmul(left, right, transposeA: true)
    try (batch * leaf([3, m, n], seed: 11).detach()).sum().backward()
    out += [batch.storage, left.grad?.storage ?? [], right.grad?.storage ?? []]
    let input = try leaf([m, k], seed: 12), w1 = try leaf([n, k], seed: 13), b1 = try leaf([n], seed: 14)
    let w2 = try leaf([k, n], seed: 15), b2 = try leaf([k], seed: 16), skip = try leaf([m, k], seed: 17)
    let block = try Tensor.geluFeedForward(input, w1: w1, b1: b1, w2: w2, b2: b2, residual: skip)
    try (block * leaf([m, k], seed: 18).detach()).sum().backward()
    out += [block.storage] + [input, w1, b1, w2, b2, skip].map { $0.grad?.storage ?? [] }
    return out
}

@Suite("C kernels: the AVX-512 products against the AVX2 ones", .serialized)
struct WideTileTests {
    @Test(.enabled(if: VectorKernels.available == .avx2FMA && VectorKernels.wideTiles,
                   "needs a CPU with AVX-512 (the wide tile runs only there)"),
          arguments: [(1, 1, 1), (11, 15, 7), (12, 16, 16), (13, 17, 256), (23, 33, 257), (25, 64, 64),
                      (96, 48, 300), (97, 256, 64), (150, 19, 520)])
    func wideTileGivesTheSameBits(shape: (Int, Int, Int)) throws {
        let (m, n, k) = shape
        let wide = try VectorKernels.withLevel(.avx2FMA) { try products(m: m, n: n, k: k) }
        let narrow = try VectorKernels.withLevel(.avx2FMA) { try VectorKernels.withNarrowTiles { try products(m: m, n: n, k: k) } }
        #expect(wide.count == narrow.count)
        for (index, (x, y)) in zip(wide, narrow).enumerated() {
            #expect(x.count == y.count && !x.isEmpty, "\(shape) part \(index): \(x.count) and \(y.count) values")
            let differing = zip(x, y).filter { $0.bitPattern != $1.bitPattern }.count
            #expect(differing == 0, "\(shape) part \(index): \(differing) of \(x.count) values differ")
        }
    }
}
