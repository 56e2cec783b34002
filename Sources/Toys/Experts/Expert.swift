// One expert: a feed-forward network dimensions → hidden → dimensions, GELU MLP or SwiGLU.
import Autograd
import NeuralNets

/// A feed-forward expert. `.gelu`: `W₂ · gelu(W₁ x + b₁) + b₂` (PyTorch `Linear, GELU, Linear`;
/// GELU in its tanh form, within 0.0005 of PyTorch's exact erf form). `.swiglu`:
/// `w2(silu(w1 x) * w3 x)` without biases, as DeepSeek-V3's `Expert` and Mixtral's experts.
public struct Expert: Module {
    /// The network kind.
    public let kind: ExpertKind
    /// dimensions → hidden (`w1` in SwiGLU).
    public let input: Linear
    /// hidden → dimensions (`w2` in SwiGLU).
    public let output: Linear
    /// dimensions → hidden, the linear branch multiplied into silu(w1 x) (`w3`; nil for GELU).
    public let gateProjection: Linear?

    /// PyTorch's default init, drawn from `generator`: GELU input layer then output layer;
    /// SwiGLU w1, w2, w3 (V3's declaration order), all without bias.
    public init(dimensions: Int, hidden: Int, kind: ExpertKind = .gelu, generator: inout SeededGenerator) throws {
        self.kind = kind
        switch kind {
        case .gelu:
            input = try Linear(inputDimensions: dimensions, outputDimensions: hidden, generator: &generator)
            output = try Linear(inputDimensions: hidden, outputDimensions: dimensions, generator: &generator)
            gateProjection = nil
        case .swiglu:
            input = try Linear(inputDimensions: dimensions, outputDimensions: hidden, bias: false, generator: &generator)
            output = try Linear(inputDimensions: hidden, outputDimensions: dimensions, bias: false, generator: &generator)
            gateProjection = try Linear(inputDimensions: dimensions, outputDimensions: hidden, bias: false, generator: &generator)
        }
    }

    /// GELU: children "0" and "2", as in the `nn.Sequential(Linear, GELU, Linear)` of the
    /// reference; SwiGLU: "w1", "w2", "w3" as in DeepSeek-V3's `Expert`.
    public func children() -> [(name: String, module: any Module)] {
        guard let gateProjection else { return [("0", input), ("2", output)] }
        return [("w1", input), ("w2", output), ("w3", gateProjection)]
    }

    public var layerDescription: String {
        "expert(\(input.inputDimensions) → \(input.outputDimensions) → \(output.outputDimensions), \(kind.rawValue))"
    }

    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        guard let gateProjection else {
            return try output(Expert.gelu(input(x)))                          // (n, d) -> (n, h) -> (n, d)
        }
        return try output(input(x).silu() * gateProjection(x))                // (n, h) * (n, h) -> (n, d)
    }

    /// GELU, tanh approximation (`Tensor.gelu()`, one fused operation).
    public static func gelu(_ x: Tensor) -> Tensor { x.gelu() }
}
