// One expert: a two-layer feed-forward network dimensions → hidden → dimensions with GELU.
import Autograd
import NeuralNets

/// A feed-forward expert `W₂ · gelu(W₁ x + b₁) + b₂` (PyTorch `Linear, GELU, Linear`).
///
/// GELU here is the sigmoid approximation from the GELU paper (Hendrycks & Gimpel 2016),
/// x · σ(1.702 x) = silu(1.702 x) / 1.702, within 0.021 of the exact erf form. Why not
/// `Tensor.gelu()` (the tanh approximation, within 0.0005)? It evaluates glibc's `tanhf`, which
/// made GELU over half of the MoE benchmark step (8 ms); built from tensor products it still cost
/// 0.8 ms of a 2.8 ms step. The sigmoid form is one fused op (`silu`) and two scalings (2.0 ms).
/// Once `Autograd`'s GELU computes its tanh through `expf`, experts can switch back to it.
public struct Expert: Module {
    /// dimensions → hidden.
    public let input: Linear
    /// hidden → dimensions.
    public let output: Linear

    /// PyTorch's default init for both layers, drawn from `generator` (input layer first).
    public init(dimensions: Int, hidden: Int, generator: inout SeededGenerator) throws {
        input = try Linear(inputDimensions: dimensions, outputDimensions: hidden, generator: &generator)
        output = try Linear(inputDimensions: hidden, outputDimensions: dimensions, generator: &generator)
    }

    public func parameters() -> [Tensor] { input.parameters() + output.parameters() }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try output(Expert.gelu(input(x)))                        // (n, d) -> (n, h) -> (n, d)
    }

    /// GELU, sigmoid approximation: x · σ(1.702 x).
    public static func gelu(_ x: Tensor) -> Tensor {
        (x * 1.702).silu() * (1 / 1.702)
    }
}
