// The fused scaled-dot-product attention op: values and gradients pinned against PyTorch 2.15
// (float64, F.scaled_dot_product_attention), and the fused kernel against the same attention
// composed from matmul, an additive mask and softmax, on shapes that exercise every lane width
// (keys and head sizes that are not multiples of 8). The reference script:
//
//   fill(shape, phase, scale=0.5) = scale·sin(1.3·k + phase) for k = 0…n-1, reshaped (float64)
//   A: packed = fill([1,3,12], 0.2, 1); q,k,v = packed.view(1,3,3,2,2).permute(2,0,3,1,4)
//      o = sdpa(q,k,v,is_causal=True).transpose(1,2).reshape(1,3,4); (o·fill([1,3,4],0.7)).sum().backward()
//   B: q,k,v = fill([1,2,9],0.1,1), fill([1,3,9],1.1,1), fill([1,3,9],2.1,1)
//      o = sdpa(q,k,v,attn_mask=ones(2,3).tril(1)) (the 2 queries are the last 2 of 3 positions)
//      (o·fill([1,2,9],0.9)).sum().backward()
import Autograd
import Foundation
import Testing
import TestSupport

/// The reference script's deterministic fill.
private func sineFill(_ shape: [Int], _ phase: Double, scale: Double = 0.5, requiresGrad: Bool = false) throws -> Tensor {
    let count = shape.reduce(1, *)
    return try Tensor(shape: shape, values: (0 ..< count).map { Float(scale * Foundation.sin(1.3 * Double($0) + phase)) },
                      requiresGrad: requiresGrad)
}

/// softmax(scale·q·kᵀ + causal mask)·v from separate recorded ops, queries the last T of S positions.
private func composedAttention(_ q: Tensor, _ k: Tensor, _ v: Tensor, causal: Bool) throws -> Tensor {
    let (time, keys) = (q.shape[1], k.shape[1])
    var scores = try Tensor.matmul(q * (1 / Float(q.shape[2]).squareRoot()), k, transposeB: true)   // (N, T, S)
    if causal {
        var mask = [Float](repeating: 0, count: time * keys)
        for i in 0 ..< time { for j in 0 ..< keys where j > keys - time + i { mask[i * keys + j] = -.infinity } }
        scores = try scores + Tensor(shape: [time, keys], values: mask)
    }
    return try Tensor.matmul(scores.softmax(axis: -1), v)                                           // (N, T, hd)
}

/// `scaledDotProductAttention` against `composedAttention`: values within 2e-6 absolute / 1e-5
/// relative, the gradients of q, k and v (for Σ output ⊙ upstream) within 1e-5 / 1e-4.
private func expectFusedMatchesComposed(_ q: Tensor, _ k: Tensor, _ v: Tensor, upstream: Tensor, causal: Bool) throws {
    let fused = try Tensor.scaledDotProductAttention(query: q, key: k, value: v, causal: causal)
    try (fused * upstream).sum().backward()
    let fusedGradients = try [q, k, v].map { try #require($0.grad).storage }
    for tensor in [q, k, v] { tensor.zeroGrad() }
    let composed = try composedAttention(q, k, v, causal: causal)
    try (composed * upstream).sum().backward()
    #expect(allClose(fused.storage, composed.storage, absolute: 2e-6, relative: 1e-5))
    for (fusedGradient, tensor) in zip(fusedGradients, [q, k, v]) {
        #expect(allClose(fusedGradient, try #require(tensor.grad).storage, absolute: 1e-5, relative: 1e-4))
    }
}

@Suite("Fused attention op")
struct AttentionOpTests {
    @Test func packedCausalAttentionMatchesPyTorch() throws {
        let packed = try sineFill([1, 3, 12], 0.2, scale: 1, requiresGrad: true)
        let output = try Tensor.attention(packed: packed, heads: 2)
        #expect(output.operationKind == .attention)
        #expect(allClose(output, shape: [1, 3, 4], [
            -0.9227754, -0.6181371, 0.5920735, 0.9348951, 0.1491381, 0.1669569, -0.06867214, -0.2143614,
            -0.4455433, -0.3495276, 0.2742665, 0.521164], absolute: 2e-6))
        try (output * sineFill([1, 3, 4], 0.7)).sum().backward()
        let gradient = try #require(packed.grad)
        #expect(allClose(gradient, shape: [1, 3, 12], [
            0, 0, 0, 0, 0.001739755, 0.1022868, 0.03569706, -0.042694, 0.0459315, 0.5815788, 0.2625604, -0.4377908,
            0.05111818, -0.02251327, 0.02962574, 0.005290115, -0.0008665143, -0.15488, -0.06478725, 0.07986852,
            -0.2332415, 0.2162072, 0.3444164, -0.03657044, -0.2139038, 0.08009869, 0.2682964, 0.05935742,
            -0.0008732405, 0.05259314, 0.02909019, -0.03717452, -0.1747958, -0.02910547, 0.1663713, 0.1194201],
            absolute: 2e-6))
    }

    @Test func queriesAfterCachedKeysMatchPyTorch() throws {
        let q = try sineFill([1, 2, 9], 0.1, scale: 1, requiresGrad: true)
        let k = try sineFill([1, 3, 9], 1.1, scale: 1, requiresGrad: true)
        let v = try sineFill([1, 3, 9], 2.1, scale: 1, requiresGrad: true)
        let output = try Tensor.scaledDotProductAttention(query: q, key: k, value: v, causal: true)
        #expect(allClose(output, shape: [1, 2, 9], [
            0.914568, 0.2720033, -0.7690468, -0.6834415, 0.4034072, 0.8992635, 0.07769662, -0.8576959, -0.5365619,
            0.5855734, 0.7465458, -0.1861731, -0.846148, -0.2665141, 0.7035636, 0.642919, -0.3596035, -0.835306],
            absolute: 2e-6))
        try (output * sineFill([1, 2, 9], 0.9)).sum().backward()
        #expect(allClose(try #require(q.grad), shape: [1, 2, 9], [
            -0.06984038, 0.03428472, 0.08818262, 0.01289278, -0.08128502, -0.05638007, 0.05112181, 0.08373012, -0.006326389,
            -0.152937, -0.02416676, 0.1400079, 0.09907066, -0.08700532, -0.1456183, 0.00909987, 0.1504867, 0.07141017],
            absolute: 2e-6))
        #expect(allClose(try #require(k.grad), shape: [1, 3, 9], [
            0.04076387, -0.1419767, -0.1167211, 0.0795312, 0.1592701, 0.005677915, -0.1562324, -0.08926189, 0.1084775,
            0.04697987, 0.07762163, -0.005452475, -0.08053869, -0.03763554, 0.06040377, 0.06995141, -0.02297993, -0.08224562,
            -0.08774373, 0.06435507, 0.1221735, 0.00100749, -0.1216345, -0.06608168, 0.08628099, 0.1122418, -0.02623189],
            absolute: 2e-6))
        #expect(allClose(try #require(v.grad), shape: [1, 3, 9], [
            0.143346, 0.1926757, -0.04026493, -0.2142173, -0.07434085, 0.1744452, 0.1676686, -0.08474286, -0.2130058,
            0.2550519, 0.4062575, -0.0377051, -0.4264296, -0.1904337, 0.324548, 0.3640662, -0.1297735, -0.4334947,
            0.01007711, 0.2913188, 0.1457778, -0.213328, -0.2599078, 0.07427799, 0.2996463, 0.08603208, -0.2536193],
            absolute: 2e-6))
    }

    /// The fused kernel against the composed ops, values and gradients, for causal and full
    /// attention with 19 keys (two full lanes and a partial one) and head sizes 28 (16 + 8 + 4).
    @Test(arguments: [true, false])
    func fusedMatchesComposedOps(causal: Bool) throws {
        let (count, time, keys, width) = (3, causal ? 13 : 11, 19, 28)
        let q = try randomTensor([count, time, width], seed: 90, low: -2, high: 2)
        let k = try randomTensor([count, keys, width], seed: 91, low: -2, high: 2)
        let v = try randomTensor([count, keys, width], seed: 92)
        let weights = try randomTensor([count, time, width], seed: 93, requiresGrad: false)
        try expectFusedMatchesComposed(q, k, v, upstream: weights, causal: causal)
    }

    /// The step's shape (32 positions, 4 heads of 16, packed) and a causal block whose queries
    /// (10: one whole group of eight lanes and a partial one) follow 3 cached keys: the kernel,
    /// which keeps its score blocks transposed and masks by position, against the composed ops.
    @Test(arguments: [true, false])
    func fusedMatchesComposedOpsAtTheStepShape(causal: Bool) throws {
        let (batch, time, heads, width) = (2, 32, 4, 16)
        let packed = try randomTensor([batch, time, 3 * heads * width], seed: 95, low: -2, high: 2)
        let weights = try randomTensor([batch, time, heads * width], seed: 96, requiresGrad: false)
        let fused = try Tensor.attention(packed: packed, heads: heads, causal: causal)
        try (fused * weights).sum().backward()
        let fusedGradient = try #require(packed.grad).storage
        packed.zeroGrad()
        let parts = try packed.reshape([batch, time, 3, heads, width]).permute([2, 0, 3, 1, 4])
            .reshape([3, batch * heads, time, width])
        let composed = try composedAttention(parts.select(axis: 0, index: 0), parts.select(axis: 0, index: 1),
                                             parts.select(axis: 0, index: 2), causal: causal)
            .reshape([batch, heads, time, width]).permute([0, 2, 1, 3]).reshape([batch, time, heads * width])
        try (composed * weights).sum().backward()
        #expect(allClose(fused.storage, composed.storage, absolute: 2e-6, relative: 1e-5))
        #expect(allClose(fusedGradient, try #require(packed.grad).storage, absolute: 1e-5, relative: 1e-4))

        let q = try randomTensor([3, 10, 8], seed: 97, low: -2, high: 2)
        let k = try randomTensor([3, 13, 8], seed: 98, low: -2, high: 2)
        let v = try randomTensor([3, 13, 8], seed: 99)
        let upstream = try randomTensor([3, 10, 8], seed: 100, requiresGrad: false)
        try expectFusedMatchesComposed(q, k, v, upstream: upstream, causal: causal)
    }

    /// A NaN query turns its own output row NaN (through its softmax's sum, as in PyTorch) and no
    /// other: the masked keys are zeroed by position, never multiplied by a NaN lane's values.
    @Test func nanQueryTurnsOnlyItsRowNaN() throws {
        var values = try randomTensor([1, 12, 8], seed: 101, low: -2, high: 2, requiresGrad: false).storage
        values[3 * 8 + 2] = .nan
        let q = try Tensor(shape: [1, 12, 8], values: values)
        let k = try randomTensor([1, 12, 8], seed: 102, low: -2, high: 2, requiresGrad: false)
        let v = try randomTensor([1, 12, 8], seed: 103, requiresGrad: false)
        let output = try Tensor.scaledDotProductAttention(query: q, key: k, value: v, causal: true).storage
        for row in 0 ..< 12 {
            let part = output[(row * 8) ..< ((row + 1) * 8)]
            #expect(part.allSatisfy { row == 3 ? $0.isNaN : $0.isFinite }, "row \(row)")
        }
    }

    /// The packed form reads the same heads the permute-and-select spelling takes apart.
    @Test func packedEqualsSeparateHeads() throws {
        let (batch, time, heads, width) = (2, 10, 3, 12)
        let packed = try randomTensor([batch, time, 3 * heads * width], seed: 94)
        let fused = try Tensor.attention(packed: packed, heads: heads)
        let parts = try packed.reshape([batch, time, 3, heads, width]).permute([2, 0, 3, 1, 4])
            .reshape([3, batch * heads, time, width])
        let separate = try Tensor.scaledDotProductAttention(
            query: parts.select(axis: 0, index: 0), key: parts.select(axis: 0, index: 1),
            value: parts.select(axis: 0, index: 2))
            .reshape([batch, heads, time, width]).permute([0, 2, 1, 3]).reshape([batch, time, heads * width])
        #expect(allClose(fused.storage, separate.storage, absolute: 1e-6))
    }

    @Test func badShapesAreNamed() throws {
        let q = try Tensor.zeros([2, 4, 8]), k = try Tensor.zeros([2, 3, 8])
        #expect(throws: TensorError.self) { try Tensor.scaledDotProductAttention(query: q, key: k, value: k) }   // causal, S < T
        #expect(throws: TensorError.self) { try Tensor.scaledDotProductAttention(query: q, key: k, value: q) }   // k, v differ
        #expect(throws: TensorError.self) { try Tensor.attention(packed: Tensor.zeros([2, 4, 10]), heads: 2) }    // 10 is not 3·2·hd
        #expect(throws: Never.self) { try Tensor.scaledDotProductAttention(query: q, key: k, value: k, causal: false) }
    }
}
