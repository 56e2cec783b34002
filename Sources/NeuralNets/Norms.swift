// Normalisation layers over the last axis: LayerNorm (mean and variance) and RMSNorm (root mean
// square only, as in DeepSeek-V3).
import Autograd

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

    public func ownParameters() -> [(name: String, tensor: Tensor)] { [("weight", weight), ("bias", bias)] }

    public var layerDescription: String { "layernorm(\(weight.count))" }

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

    public func ownParameters() -> [(name: String, tensor: Tensor)] { [("weight", weight)] }

    public var layerDescription: String { "rmsnorm(\(weight.count))" }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try input.rmsNorm(weight: weight, epsilon: epsilon)
    }
}
