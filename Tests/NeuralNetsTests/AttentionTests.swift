// Causal self-attention, rotary embeddings and the pre-norm transformer block, pinned against
// PyTorch 2.x in float64 and checked by finite differences. The reference script (deterministic
// weights, so no files are needed):
//
//   fill(shape, phase, scale=0.5) = scale·sin(1.3·k + phase) for k = 0…n-1, reshaped
//   B,T,d,H = 2,4,8,2; x = fill([B,T,d], 0, 1)
//   Wqkv, bqkv, Wp, bp = fill([24,8],.5), fill([24],1,.1), fill([8,8],1.5), fill([8],2,.1)
//   q,k,v = F.linear(x,Wqkv,bqkv).view(B,T,3,H,hd).permute(2,0,3,1,4)
//   [rotary: q,k = rot(q),rot(k) with angle p·10000^(-2i/hd), cos/sin repeated on both halves,
//    rot(t) = t·cos + cat(-t2, t1)·sin]
//   out = F.linear(F.scaled_dot_product_attention(q,k,v,is_causal=True).transpose(1,2).reshape(B,T,d), Wp, bp)
//   block(x): h = x + attn(rms(x)); h + F.linear(F.gelu(F.linear(rms(h),W1,b1),approximate='tanh'),W2,b2)
//   with rms(t) = t/√(mean(t²)+1e-6), W1,b1,W2,b2 = fill([16,8],2.5), fill([16],3,.1), fill([8,16],3.5), fill([8],4,.1)
import Autograd
import Foundation
import NeuralNets
import Testing
import TestSupport

/// The reference script's deterministic fill.
func fill(_ shape: [Int], _ phase: Double, scale: Double = 0.5, requiresGrad: Bool = false) throws -> Tensor {
    let count = shape.reduce(1, *)
    return try Tensor(shape: shape, values: (0 ..< count).map { Float(scale * Foundation.sin(1.3 * Double($0) + phase)) },
                      requiresGrad: requiresGrad)
}

/// The reference attention layer (d = 8, 2 heads).
func referenceAttention(rotary: Bool = false, requiresGrad: Bool = false) throws -> CausalSelfAttention {
    try CausalSelfAttention(
        qkv: Linear(weight: fill([24, 8], 0.5, requiresGrad: requiresGrad), bias: fill([24], 1, scale: 0.1, requiresGrad: requiresGrad)),
        proj: Linear(weight: fill([8, 8], 1.5, requiresGrad: requiresGrad), bias: fill([8], 2, scale: 0.1, requiresGrad: requiresGrad)),
        heads: 2, rotary: rotary)
}

@Suite("Attention and transformer blocks")
struct AttentionTests {
    @Test func attentionMatchesPyTorch() throws {
        let output = try referenceAttention()(fill([2, 4, 8], 0, scale: 1))
        #expect(allClose(output, shape: [2, 4, 8], [
            -0.4358822, 0.29488, 0.0788982, -0.5480525, 0.4740494, 0.1476921, -0.5074487, 0.360925, -0.3689123, 0.07663539,
            0.2567919, -0.5293991, 0.2752271, 0.352111, -0.537978, 0.1907589, 0.4983322, -0.6308148, 0.1832841, 0.2605245,
            -0.5375345, 0.4740804, 0.1379379, -0.6895667, -0.07316211, -0.1398712, 0.2039553, -0.2536114, 0.01863868, 0.3642075,
            -0.2949614, -0.09399444, 0.9307379, -0.7771078, -0.08498532, 0.7078075, -0.7711025, 0.2888533, 0.5793248, -0.9995618,
            0.7178737, -0.6287331, -0.03859292, 0.5073819, -0.5926237, 0.2890313, 0.4006462, -0.7992681, -0.1835976, -0.00732617,
            0.1656794, -0.3432122, 0.1574437, 0.2980734, -0.359566, 0.04462406, -0.02254269, -0.09613041, 0.1042601, -0.1854973,
            0.04191201, 0.2699815, -0.2125161, -0.09226945], absolute: 2e-6))
    }

    @Test func rotaryAttentionMatchesPyTorch() throws {
        let output = try referenceAttention(rotary: true)(fill([2, 4, 8], 0, scale: 1))
        // Position 0 is not turned, so the first token's output equals the plain layer's.
        #expect(allClose(output, shape: [2, 4, 8], [
            -0.4358822, 0.29488, 0.0788982, -0.5480525, 0.4740494, 0.1476921, -0.5074487, 0.360925, -0.369352, 0.1006196,
            0.2303221, -0.523685, 0.2952858, 0.3238917, -0.5263755, 0.2059607, 0.7132247, -0.6484443, -0.01182857, 0.4970643,
            -0.6078121, 0.3163897, 0.3851393, -0.8092283, -0.06097709, -0.1498831, 0.2030033, -0.2425314, 0.007159251, 0.366007,
            -0.285501, -0.1064082, 0.9307379, -0.7771078, -0.08498532, 0.7078075, -0.7711025, 0.2888533, 0.5793248, -0.9995618,
            0.8257314, -0.696723, -0.070168, 0.6107981, -0.6770783, 0.2803706, 0.494818, -0.8962651, -0.2429414, 0.004657255,
            0.2115782, -0.4066926, 0.182768, 0.3331407, -0.4242348, 0.08211296, -0.1883649, 0.1036694, 0.04591317, -0.3198337,
            0.2509801, 0.16975, -0.3091277, 0.1163571], absolute: 2e-6))
    }

    @Test func blockMatchesPyTorch() throws {
        let mlp = Sequential([Linear(weight: try fill([16, 8], 2.5), bias: try fill([16], 3, scale: 0.1)), Activation.gelu,
                              Linear(weight: try fill([8, 16], 3.5), bias: try fill([8], 4, scale: 0.1))])
        let block = try TransformerBlock(attention: referenceAttention(), feedForward: mlp, norm: .rms)
        let output = try block(fill([2, 4, 8], 0, scale: 1))
        #expect(allClose(output, shape: [2, 4, 8], [
            -0.6691305, 1.032066, 0.7991933, -1.125933, -0.473137, 0.2264492, 0.5632266, 0.7545905, -1.784132, -0.2650584,
            0.6889587, 0.1168609, 0.8536351, -0.7211372, -1.537425, 1.217217, 1.46306, -1.516022, -0.2526203, 0.3071657,
            -0.7266288, 1.716146, 0.3678521, -2.765838, -0.3249112, 0.3254796, 1.084833, -0.4806628, -1.149022, 0.1956455,
            0.8776862, 0.4169225, 0.5432849, -2.416751, 0.3844227, 2.338566, -1.173663, -0.4908389, 0.3842472, -1.246652,
            1.675436, -1.238739, -0.376698, 0.2612423, -0.8972149, 1.727202, 0.7093868, -2.855858, -0.5550968, 0.5058631,
            0.9633876, -0.3940442, -0.776996, -0.2835153, 0.6027962, 1.053009, -1.098146, -1.338198, 0.6521014, 0.7326258,
            0.2394472, -0.2266781, -0.9709598, -0.2020885], absolute: 1e-5))
        #expect(block.namedParameters().map(\.name) == [
            "ln_1.weight", "attn.qkv.weight", "attn.qkv.bias", "attn.proj.weight", "attn.proj.bias", "ln_2.weight",
            "mlp.0.weight", "mlp.0.bias", "mlp.2.weight", "mlp.2.bias"])
    }

    /// Changing a later token must not change any earlier position's output.
    @Test func attentionIsCausal() throws {
        let layer = try referenceAttention(rotary: true)
        let input = try fill([1, 4, 8], 0, scale: 1)
        var changed = input.storage
        for index in 24 ..< 32 { changed[index] += 1 }
        let before = try layer(input).storage, after = try layer(Tensor(shape: [1, 4, 8], values: changed)).storage
        #expect(allClose(Array(before[0 ..< 24]), Array(after[0 ..< 24]), absolute: 1e-6))
        #expect(largestDifference(Array(before[24...]), Array(after[24...])) > 1e-3)
    }

    /// Feeding tokens one at a time through the cache gives the same outputs as the whole sequence.
    @Test func cachedAttentionMatchesFullSequence() throws {
        for rotary in [false, true] {
            let layer = try referenceAttention(rotary: rotary)
            let input = try fill([2, 4, 8], 0, scale: 1)
            let full = try layer(input)
            let cache = AttentionCache()
            let first = try layer.attend(input.slice(axis: 1, start: 0, end: 2), cache: cache)           // prefill 2
            let third = try layer.attend(input.slice(axis: 1, start: 2, end: 3), cache: cache)
            let fourth = try layer.attend(input.slice(axis: 1, start: 3, end: 4), cache: cache)
            let stepwise = try Tensor.concat([first, third, fourth], axis: 1)
            #expect(allClose(stepwise.storage, full.storage, absolute: 1e-5))
            #expect(cache.length == 4)
        }
    }

    @Test func attentionGradientsMatchFiniteDifferences() throws {
        for rotary in [false, true] {
            let layer = try referenceAttention(rotary: rotary, requiresGrad: true)
            let input = try fill([2, 3, 8], 0.3, scale: 1, requiresGrad: true)
            let mismatches = try GradientChecker.check([input] + layer.parameters()) { _ in try layer(input) }
            #expect(mismatches.isEmpty, "rotary \(rotary): \(mismatches.prefix(3))")
        }
    }

    @Test func blockGradientsMatchFiniteDifferences() throws {
        var generator = SeededGenerator(seed: 3)
        let attention = try CausalSelfAttention(dimensions: 8, heads: 2, rotary: true, generator: &generator)
        let mlp = try MLP(layerSizes: [8, 12, 8], activation: .gelu, generator: &generator)
        let block = try TransformerBlock(attention: attention, feedForward: mlp, norm: .rms)
        let input = try fill([2, 3, 8], 0.7, scale: 1, requiresGrad: true)
        let mismatches = try GradientChecker.check([input] + block.parameters()) { _ in try block(input) }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(3))")
    }

    /// The residual adds inside the projections' products (an MLP feed-forward part) give the same
    /// values and gradients, bit for bit, as the separate `+` (the same layers in a Sequential,
    /// which does not add residuals itself). The MLP is a relu one, which runs layer by layer: a
    /// GELU MLP is one fused op whose weight gradients sum rows in blocks (FeedForwardOpTests).
    @Test func residualsInsideProductsMatchSeparateAdds() throws {
        for norm in [NormKind.layer, .rms] {
            var results: [[Float]] = []
            for fused in [true, false] {
                var generator = SeededGenerator(seed: 5)
                let attention = try CausalSelfAttention(dimensions: 16, heads: 2, generator: &generator)
                let mlp = try MLP(layerSizes: [16, 24, 16], activation: .relu, generator: &generator)
                let feedForward: any Module = fused ? mlp : Sequential([mlp.layers[0], Activation.relu, mlp.layers[1]])
                let block = try TransformerBlock(attention: attention, feedForward: feedForward, norm: norm)
                let input = try fill([3, 7, 16], 0.4, scale: 1, requiresGrad: true)
                let output = try block(input)
                try (output * fill([3, 7, 16], 1.1)).sum().backward()
                results.append(output.storage + (try #require(input.grad)).storage
                               + block.parameters().flatMap { $0.grad?.storage ?? [] })
            }
            #expect(results[0] == results[1], "\(norm): the fused residual adds changed values")
        }
    }

    @Test func blockWithoutRotaryGradientsMatchFiniteDifferences() throws {
        // The packed attention path with its residual in the output projection, layer norm.
        var generator = SeededGenerator(seed: 4)
        let attention = try CausalSelfAttention(dimensions: 8, heads: 2, generator: &generator)
        let mlp = try MLP(layerSizes: [8, 12, 8], activation: .gelu, generator: &generator)
        let block = try TransformerBlock(attention: attention, feedForward: mlp, norm: .layer)
        let input = try fill([2, 3, 8], 0.2, scale: 1, requiresGrad: true)
        let mismatches = try GradientChecker.check([input] + block.parameters()) { _ in try block(input) }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(3))")
    }

    @Test func feedForwardThatChangesTheWidthIsAnError() throws {
        var generator = SeededGenerator(seed: 2)
        let attention = try CausalSelfAttention(dimensions: 8, heads: 2, generator: &generator)
        let mlp = try MLP(layerSizes: [8, 12, 6], activation: .gelu, generator: &generator)
        let block = try TransformerBlock(attention: attention, feedForward: mlp, norm: .layer)
        #expect(throws: LayerError.self) { try block(fill([1, 3, 8], 0, scale: 1)) }
        #expect(throws: LayerError.self) { try mlp(fill([1, 3, 8], 0), adding: fill([1, 3, 8], 1)) }
    }

    @Test func learnedPositionsAddTheirRows() throws {
        var generator = SeededGenerator(seed: 1)
        let positions = try LearnedPositionEmbedding(context: 5, dimensions: 3, generator: &generator)
        let zeros = try Tensor.zeros([2, 2, 3])
        let shifted = try positions.adding(to: zeros, offset: 3)
        #expect(Array(shifted.storage[0 ..< 6]) == Array(positions.weight.storage[9 ..< 15]))
        #expect(throws: LayerError.self) { try positions.adding(to: zeros, offset: 4) }
        let input = try fill([1, 2, 3], 0.1, requiresGrad: true)
        let weight = positions.weight
        let mismatches = try GradientChecker.check([input, weight]) { _ in try positions(input) }
        #expect(mismatches.isEmpty)
    }

    @Test func badShapesNameTheLayer() throws {
        let layer = try referenceAttention()
        #expect(throws: LayerError.self) { try layer(Tensor.zeros([2, 4, 6])) }
        var generator = SeededGenerator(seed: 0)
        #expect(throws: TensorError.self) { try CausalSelfAttention(dimensions: 10, heads: 4, generator: &generator) }
        #expect(throws: TensorError.self) { try RotaryEmbedding(headDimensions: 5) }
    }
}
