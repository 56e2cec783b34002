// Lookup tables and normalisation layers.
import Autograd

/// A table of learned vectors looked up by whole-number indices.
public struct Embedding: Module {
    /// [count, dimensions].
    public let weight: Tensor

    /// PyTorch's default init: standard normal entries drawn from `generator`.
    public init(count: Int, dimensions: Int, generator: inout SeededGenerator) throws {
        weight = try Tensor.normal([count, dimensions], generator: &generator, requiresGrad: true)
    }

    public func parameters() -> [Tensor] { [weight] }

    /// Indices of any shape -> indices.shape + [dimensions].
    public func callAsFunction(_ indices: Tensor) throws -> Tensor { try weight.embedding(indices) }
}

/// Layer normalisation over the last axis with a learned scale (ones) and shift (zeros).
public struct LayerNorm: Module {
    /// The scale, [dimensions].
    public let weight: Tensor
    /// The shift, [dimensions].
    public let bias: Tensor
    /// Added to the variance before the square root.
    public let epsilon: Float

    /// PyTorch's defaults: ε = 1e-5, weight ones, bias zeros.
    public init(dimensions: Int, epsilon: Float = 1e-5) throws {
        weight = try Tensor.ones([dimensions], requiresGrad: true)
        bias = try Tensor.zeros([dimensions], requiresGrad: true)
        self.epsilon = epsilon
    }

    public func parameters() -> [Tensor] { [weight, bias] }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try input.layerNorm(weight: weight, bias: bias, epsilon: epsilon)
    }
}

/// RMS normalisation over the last axis with a learned scale (ones).
public struct RMSNorm: Module {
    /// The scale, [dimensions].
    public let weight: Tensor
    /// Added to the mean square before the square root.
    public let epsilon: Float

    /// ε = 1e-6 (as in DeepSeek-V3's RMSNorm), weight ones.
    public init(dimensions: Int, epsilon: Float = 1e-6) throws {
        weight = try Tensor.ones([dimensions], requiresGrad: true)
        self.epsilon = epsilon
    }

    public func parameters() -> [Tensor] { [weight] }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try input.rmsNorm(weight: weight, epsilon: epsilon)
    }
}
