// Fully connected layers: Linear and the MLP built from them.
import Autograd

/// y = x · Wᵀ + b with W [outputDimensions, inputDimensions] (PyTorch's layout and default init).
public struct Linear: Module {
    /// [outputDimensions, inputDimensions].
    public let weight: Tensor
    /// [outputDimensions], or nil for a layer without bias.
    public let bias: Tensor?

    /// PyTorch's default init: weight and bias uniform in ±1/√inputDimensions, drawn from `generator`.
    public init(inputDimensions: Int, outputDimensions: Int, bias: Bool = true, generator: inout SeededGenerator) throws {
        let bound = 1 / Float(Swift.max(inputDimensions, 1)).squareRoot()
        weight = try Tensor.uniform([outputDimensions, inputDimensions], low: -bound, high: bound,
                                    generator: &generator, requiresGrad: true)
        self.bias = bias ? try Tensor.uniform([outputDimensions], low: -bound, high: bound,
                                              generator: &generator, requiresGrad: true) : nil
    }

    /// A layer with given parameters (for tests and loading).
    public init(weight: Tensor, bias: Tensor?) {
        self.weight = weight
        self.bias = bias
    }

    public func parameters() -> [Tensor] { [weight] + (bias.map { [$0] } ?? []) }

    /// [..., inputDimensions] -> [..., outputDimensions], one fused gemm.
    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try Tensor.linear(input, weight: weight, bias: bias)
    }
}

/// A multilayer perceptron: Linear layers with an activation between them (not after the last).
public struct MLP: Module {
    /// The layers, input first.
    public let layers: [Linear]
    /// The nonlinearity between layers.
    public let activation: Activation

    /// `layerSizes` = [input, hidden…, output], e.g. [16, 64, 10].
    public init(layerSizes: [Int], activation: Activation = .relu, generator: inout SeededGenerator) throws {
        guard layerSizes.count >= 2 else {
            throw TensorError.invalidArgument(op: "MLP", reason: "layer sizes \(layerSizes) need an input and an output size")
        }
        var layers: [Linear] = []
        for (inputs, outputs) in zip(layerSizes, layerSizes.dropFirst()) {
            layers.append(try Linear(inputDimensions: inputs, outputDimensions: outputs, generator: &generator))
        }
        self.layers = layers
        self.activation = activation
    }

    public func parameters() -> [Tensor] { layers.flatMap { $0.parameters() } }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        var hidden = input
        for (index, layer) in layers.enumerated() {
            hidden = try layer(hidden)
            if index < layers.count - 1 { hidden = try activation(hidden) }
        }
        return hidden
    }
}
