// One expert: a two-layer feed-forward network dimensions → hidden → dimensions with GELU.
import Autograd
import NeuralNets

/// A feed-forward expert `W₂ · gelu(W₁ x + b₁) + b₂` (PyTorch `Linear, GELU, Linear`; GELU in its
/// tanh form, within 0.0005 of PyTorch's exact erf form).
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

    /// Children "0" and "2", as in the `nn.Sequential(Linear, GELU, Linear)` of the reference.
    public func children() -> [(name: String, module: any Module)] { [("0", input), ("2", output)] }

    public var layerDescription: String { "expert(\(input.inputDimensions) → \(input.outputDimensions) → \(output.outputDimensions))" }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        try output(Expert.gelu(input(x)))                        // (n, d) -> (n, h) -> (n, d)
    }

    /// GELU, tanh approximation (`Tensor.gelu()`, one fused operation).
    public static func gelu(_ x: Tensor) -> Tensor { x.gelu() }
}
