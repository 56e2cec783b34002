// Causal multi-head self-attention, as in GPT-2/nanoGPT: one fused projection to queries, keys
// and values, every head at once through Autograd's fused attention op (scores, causal softmax
// and weighted values in one kernel: no per-token loops, no mask tensor), and an output
// projection. An optional key/value cache lets generation feed one new token at a time and reuse
// the keys and values of the tokens before it.
import Autograd

/// The keys and values seen so far, one cache per attention layer (generation only: no gradients).
public final class AttentionCache {
    /// [batch·heads, length, headDimensions], nil before the first call.
    public private(set) var keys: Tensor?
    /// [batch·heads, length, headDimensions], nil before the first call.
    public private(set) var values: Tensor?

    /// An empty cache.
    public init() {}

    /// Tokens cached so far.
    public var length: Int { keys?.shape[1] ?? 0 }

    /// Appends this call's keys and values (along time) and returns everything cached.
    func append(keys newKeys: Tensor, values newValues: Tensor) throws -> (keys: Tensor, values: Tensor) {
        let allKeys = try keys.map { try Tensor.concat([$0, newKeys.detach()], axis: 1) } ?? newKeys.detach()
        let allValues = try values.map { try Tensor.concat([$0, newValues.detach()], axis: 1) } ?? newValues.detach()
        keys = allKeys
        values = allValues
        return (allKeys, allValues)
    }

    /// Forgets every cached token.
    public func reset() { keys = nil; values = nil }
}

/// Causal self-attention over [batch, time, dimensions] with `heads` heads.
public struct CausalSelfAttention: Module {
    /// dimensions → 3·dimensions: queries, keys and values of every head (nanoGPT's `c_attn`).
    public let qkv: Linear
    /// dimensions → dimensions after the heads are joined (nanoGPT's `c_proj`).
    public let proj: Linear
    /// Number of heads; each has dimensions / heads features.
    public let heads: Int
    /// Rotary embedding applied to queries and keys, or nil (positions come from elsewhere).
    public let rotary: RotaryEmbedding?

    /// PyTorch's default Linear init for both projections; `rotary` turns queries and keys.
    public init(dimensions: Int, heads: Int, rotary: Bool = false, generator: inout SeededGenerator) throws {
        guard heads >= 1, dimensions % heads == 0 else {
            throw TensorError.invalidArgument(op: "attention", reason: "dim \(dimensions) does not split into \(heads) heads")
        }
        qkv = try Linear(inputDimensions: dimensions, outputDimensions: 3 * dimensions, generator: &generator)
        proj = try Linear(inputDimensions: dimensions, outputDimensions: dimensions, generator: &generator)
        self.heads = heads
        self.rotary = rotary ? try RotaryEmbedding(headDimensions: dimensions / heads) : nil
    }

    /// An attention layer with given projections (for tests and loading).
    public init(qkv: Linear, proj: Linear, heads: Int, rotary: Bool = false) throws {
        let dimensions = proj.outputDimensions
        guard heads >= 1, dimensions % heads == 0, qkv.inputDimensions == dimensions,
              qkv.outputDimensions == 3 * dimensions, proj.inputDimensions == dimensions else {
            throw TensorError.invalidArgument(op: "attention", reason:
                "projections \(qkv.layerDescription) and \(proj.layerDescription) do not fit \(heads) heads")
        }
        self.qkv = qkv
        self.proj = proj
        self.heads = heads
        self.rotary = rotary ? try RotaryEmbedding(headDimensions: dimensions / heads) : nil
    }

    /// Features in and out.
    public var dimensions: Int { proj.outputDimensions }
    /// Features per head.
    public var headDimensions: Int { dimensions / heads }

    public func children() -> [(name: String, module: any Module)] { [("qkv", qkv), ("proj", proj)] }

    public var layerDescription: String { "attention(dim \(dimensions), \(heads) heads\(rotary == nil ? "" : ", rotary"))" }

    /// x [B, T, d] -> [B, T, d], each position attending to itself and the positions before it.
    public func callAsFunction(_ input: Tensor) throws -> Tensor { try attend(input, cache: nil) }

    /// x [B, T, d] -> [B, T, d]. With a cache, the T new tokens follow the cached ones: their
    /// keys and values are appended and the queries attend to every cached token too. With
    /// `residual` ([B, T, d]) the result is residual + attention(x), the residual added inside
    /// the output projection's product (a transformer block's first `x + …`).
    public func attend(_ input: Tensor, cache: AttentionCache?, adding residual: Tensor? = nil) throws -> Tensor {
        guard input.rank == 3, input.shape[2] == dimensions else {
            throw LayerError(layer: layerDescription, message: "input \(input.shape) is not [batch, time, \(dimensions)]")
        }
        let (batch, time, d, h, hd) = (input.shape[0], input.shape[1], dimensions, heads, headDimensions)
        let offset = cache?.length ?? 0
        let projected = try forward(child: "qkv", qkv, input)                              // (B, T, 3d)
        guard rotary != nil || cache != nil else {
            // The fused op reads the heads inside the packed projection and writes them joined.
            let mixed = try Tensor.attention(packed: projected, heads: h, causal: true)       // (B, T, d)
            return try project(mixed, adding: residual)                                     // (B, T, d)
        }
        let packed = try projected
            .reshape([batch, time, 3, h, hd])                                              // (B, T, 3, H, hd)
            .permute([2, 0, 3, 1, 4])                                                      // (3, B, H, T, hd)
            .reshape([3, batch * h, time, hd])                                             // (3, B·H, T, hd)
        var q = try packed.select(axis: 0, index: 0)                                       // (B·H, T, hd)
        var k = try packed.select(axis: 0, index: 1)                                       // (B·H, T, hd)
        var v = try packed.select(axis: 0, index: 2)                                       // (B·H, T, hd)
        if let rotary {
            q = try rotary.rotate(q, offset: offset)                                       // (B·H, T, hd)
            k = try rotary.rotate(k, offset: offset)                                       // (B·H, T, hd)
        }
        if let cache { (k, v) = try cache.append(keys: k, values: v) }                     // (B·H, S, hd), S = offset + T
        // Causal with the T queries as the last T of the S positions (the mask below, fused).
        let mixed = try Tensor.scaledDotProductAttention(query: q, key: k, value: v, causal: true)  // (B·H, T, hd)
            .reshape([batch, h, time, hd])                                                 // (B, H, T, hd)
            .permute([0, 2, 1, 3])                                                         // (B, T, H, hd)
            .reshape([batch, time, d])                                                     // (B, T, d)
        return try project(mixed, adding: residual)                                         // (B, T, d)
    }

    /// proj(mixed), plus `residual` inside the product when there is one.
    private func project(_ mixed: Tensor, adding residual: Tensor?) throws -> Tensor {
        guard let residual else { return try forward(child: "proj", proj, mixed) }
        do {
            return try proj(mixed, adding: residual)
        } catch let error as LayerError {
            throw error.inside("proj")
        } catch {
            throw LayerError(path: ["proj"], layer: proj.layerDescription, message: "\(error)")
        }
    }

    /// The additive causal mask [queries, keys]: 0 where key j may be seen by query i (the
    /// queries are the last `queries` of the `keys` positions), −∞ after it. The fused attention
    /// op applies the same rule without building it; this tensor is for showing and testing it.
    public static func mask(queries: Int, keys: Int) throws -> Tensor {
        let offset = keys - queries
        var values = [Float](repeating: 0, count: queries * keys)
        for i in 0 ..< queries {
            for j in (offset + i + 1) ..< Swift.max(keys, offset + i + 1) { values[i * keys + j] = -.infinity }
        }
        return try Tensor(shape: [queries, keys], values: values)
    }
}
