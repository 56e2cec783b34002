// Matrix products against a naive triple loop, every transpose combination and batched forms,
// plus the error that names both shapes.
import Autograd
import Testing
import TestSupport

/// C = op(A)·op(B) by the definition, in Double.
func naiveProduct(_ a: [Float], rowsA: Int, columnsA: Int, transposeA: Bool,
                  _ b: [Float], rowsB: Int, columnsB: Int, transposeB: Bool) -> [Float] {
    let m = transposeA ? columnsA : rowsA, k = transposeA ? rowsA : columnsA
    let n = transposeB ? rowsB : columnsB
    var result = [Float](repeating: 0, count: m * n)
    for row in 0 ..< m {
        for column in 0 ..< n {
            var total = 0.0
            for inner in 0 ..< k {
                let left = transposeA ? a[inner * columnsA + row] : a[row * columnsA + inner]
                let right = transposeB ? b[column * columnsB + inner] : b[inner * columnsB + column]
                total += Double(left) * Double(right)
            }
            result[row * n + column] = Float(total)
        }
    }
    return result
}

@Suite("Matmul")
struct MatmulTests {
    @Test("2-D products with every transpose flag", arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matchesNaiveLoop(flags: (Bool, Bool)) throws {
        let (transposeA, transposeB) = flags
        let (m, k, n) = (5, 7, 3)
        let a = try randomTensor(transposeA ? [k, m] : [m, k], seed: 100, requiresGrad: false)
        let b = try randomTensor(transposeB ? [n, k] : [k, n], seed: 101, requiresGrad: false)
        let product = try Tensor.matmul(a, b, transposeA: transposeA, transposeB: transposeB)
        let expected = naiveProduct(a.storage, rowsA: a.shape[0], columnsA: a.shape[1], transposeA: transposeA,
                                    b.storage, rowsB: b.shape[0], columnsB: b.shape[1], transposeB: transposeB)
        #expect(product.shape == [m, n])
        #expect(allClose(product.storage, expected, absolute: 1e-5), "max diff \(largestDifference(product.storage, expected))")
    }

    @Test func batchedMatchesPerBatchLoop() throws {
        let a = try randomTensor([3, 4, 5], seed: 102, requiresGrad: false)
        let b = try randomTensor([3, 6, 5], seed: 103, requiresGrad: false)
        let product = try Tensor.matmul(a, b, transposeB: true)
        #expect(product.shape == [3, 4, 6])
        for batch in 0 ..< 3 {
            let expected = naiveProduct(Array(a.storage[(batch * 20) ..< (batch * 20 + 20)]), rowsA: 4, columnsA: 5, transposeA: false,
                                        Array(b.storage[(batch * 30) ..< (batch * 30 + 30)]), rowsB: 6, columnsB: 5, transposeB: true)
            #expect(allClose(Array(product.storage[(batch * 24) ..< (batch * 24 + 24)]), expected, absolute: 1e-5))
        }
        // A 2-D operand is shared across the batch.
        let shared = try Tensor.matmul(a, try randomTensor([5, 2], seed: 104, requiresGrad: false))
        #expect(shared.shape == [3, 4, 2])
    }

    @Test func emptyInnerDimensionGivesZeros() throws {
        let product = try Tensor.matmul(Tensor.zeros([2, 0]), Tensor.zeros([0, 3]))
        #expect(product.shape == [2, 3] && product.storage == [0, 0, 0, 0, 0, 0])
        let projected = try Tensor.linear(Tensor.zeros([2, 0]), weight: Tensor.zeros([3, 0]), bias: Tensor([1, 2, 3]))
        #expect(projected.storage == [1, 2, 3, 1, 2, 3])
    }

    @Test func linearEqualsMatmulPlusBias() throws {
        let x = try randomTensor([4, 3], seed: 105, requiresGrad: false)
        let weight = try randomTensor([2, 3], seed: 106, requiresGrad: false)
        let bias = try Tensor([0.5, -1])
        let fused = try Tensor.linear(x, weight: weight, bias: bias)
        let composed = try Tensor.matmul(x, weight, transposeB: true) + bias
        #expect(allClose(fused.storage, composed.storage, absolute: 1e-6))
    }

    @Test func misalignedShapesNameBothShapes() throws {
        let error = #expect(throws: TensorError.self) { try Tensor.matmul(Tensor.zeros([2, 3]), Tensor.zeros([4, 3])) }
        #expect(error?.description == "matmul: shapes [2, 3] and [4, 3] do not align")
        let batched = #expect(throws: TensorError.self) { try Tensor.matmul(Tensor.zeros([2, 3, 4]), Tensor.zeros([3, 4, 5])) }
        #expect(batched?.description == "matmul: shapes [2, 3, 4] and [3, 4, 5] do not align")
    }
}

@Suite("Gradient checker")
struct GradientCheckerTests {
    @Test func reportsAWrongGradient() throws {
        // x · detach(x) has true derivative 2x but reverse mode sees only x: the checker must object.
        let x = try randomTensor([3], seed: 107, low: 0.5, high: 1)
        let mismatches = try GradientChecker.check([x]) { inputs in try inputs[0] * inputs[0].detach() }
        #expect(mismatches.count == 3)
    }
}
