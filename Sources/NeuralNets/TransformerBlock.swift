// A pre-norm transformer block (GPT-2 and later): x + attn(norm₁(x)), then + ffn(norm₂(x)).
// The feed-forward part is any module, so the same block holds a dense MLP or a mixture of
// experts (which lives in Toys and is passed in from there).
import Autograd

/// Which normalisation a block uses before attention and before the feed-forward part.
public enum NormKind: String, Sendable, CaseIterable {
    /// RMSNorm, as LLaMA and DeepSeek-V3.
    case rms
    /// LayerNorm, as GPT-2.
    case layer

    /// A fresh norm over `dimensions` features.
    public func make(dimensions: Int) throws -> any Module {
        switch self {
        case .rms: try RMSNorm(dimensions: dimensions)
        case .layer: try LayerNorm(dimensions: dimensions)
        }
    }
}

/// x → x + attention(norm(x)) → x + feedForward(norm(x)), on [batch, time, dimensions].
public struct TransformerBlock: Module {
    /// The norm before attention (nanoGPT's `ln_1`).
    public let norm1: any Module
    /// Causal self-attention.
    public let attention: CausalSelfAttention
    /// The norm before the feed-forward part (`ln_2`).
    public let norm2: any Module
    /// Any module from [N, d] or [B, T, d] to the same shape: an MLP, a mixture of experts.
    public let feedForward: any Module

    /// A block over `attention.dimensions` features with norms of `norm` kind.
    public init(attention: CausalSelfAttention, feedForward: any Module, norm: NormKind = .rms) throws {
        norm1 = try norm.make(dimensions: attention.dimensions)
        norm2 = try norm.make(dimensions: attention.dimensions)
        self.attention = attention
        self.feedForward = feedForward
    }

    /// nanoGPT's names: `ln_1`, `attn`, `ln_2`, `mlp`.
    public func children() -> [(name: String, module: any Module)] {
        [("ln_1", norm1), ("attn", attention), ("ln_2", norm2), ("mlp", feedForward)]
    }

    public var layerDescription: String { "block(\(attention.layerDescription), \(feedForward.layerDescription))" }

    /// x [B, T, d] -> [B, T, d].
    public func callAsFunction(_ input: Tensor) throws -> Tensor { try run(input, cache: nil) }

    /// x [B, T, d] -> [B, T, d], with the attention layer's key/value cache during generation.
    public func run(_ input: Tensor, cache: AttentionCache?) throws -> Tensor {
        let normed = try forward(child: "ln_1", norm1, input)                             // (B, T, d)
        // The residual adds run inside the projections' products (one op each, same values).
        let afterAttention: Tensor
        do {
            afterAttention = try attention.attend(normed, cache: cache, adding: input)      // (B, T, d)
        } catch let error as LayerError {
            throw error.inside("attn")
        }
        let hidden = try forward(child: "ln_2", norm2, afterAttention)                     // (B, T, d)
        if let fusable = feedForward as? any ResidualAdding, fusable.outputDimensions == attention.dimensions {
            do {
                return try fusable(hidden, adding: afterAttention)                         // (B, T, d)
            } catch let error as LayerError {
                throw error.inside("mlp")
            } catch {
                throw LayerError(path: ["mlp"], layer: feedForward.layerDescription, message: "\(error)")
            }
        }
        let fed = try forward(child: "mlp", feedForward, hidden)                           // (B, T, d)
        guard fed.shape == afterAttention.shape else {
            throw LayerError(layer: layerDescription, message:
                "the feed-forward part \(feedForward.layerDescription) turned \(hidden.shape) into \(fed.shape); it must keep the shape")
        }
        return try afterAttention + fed                                                    // (B, T, d)
    }
}
