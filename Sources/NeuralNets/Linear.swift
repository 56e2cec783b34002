// Fully connected layers: Linear and the MLP built from them.
import Autograd

/// A module that can add a residual inside its last product: `residual + f(input)` as one op
/// (`Tensor.linear(…, residual:)`), the same values as `f(input)` then `+`, without the separate
/// pass over the output. A transformer block asks its feed-forward part for it.
public protocol ResidualAdding: Module {
    /// Features out (the residual's last axis must have as many).
    var outputDimensions: Int { get }
    /// residual + self(input); `residual` is shaped as the output.
    func callAsFunction(_ input: Tensor, adding residual: Tensor) throws -> Tensor
}

/// y = x · Wᵀ + b with W [outputDimensions, inputDimensions] (PyTorch's layout and default init).
public struct Linear: ResidualAdding {
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

    /// Features in.
    public var inputDimensions: Int { weight.shape[1] }
    /// Features out.
    public var outputDimensions: Int { weight.shape[0] }

    public func ownParameters() -> [(name: String, tensor: Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public var layerDescription: String { "linear(\(inputDimensions) → \(outputDimensions))" }

    /// [..., inputDimensions] -> [..., outputDimensions], one fused gemm.
    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try checkInput(input)
        return try Tensor.linear(input, weight: weight, bias: bias)
    }

    /// residual + self(input), the residual added as the product is stored; `residual` is
    /// [..., outputDimensions], shaped as the output.
    public func callAsFunction(_ input: Tensor, adding residual: Tensor) throws -> Tensor {
        try checkInput(input)
        guard residual.shape == Array(input.shape.dropLast()) + [outputDimensions] else {
            throw LayerError(layer: layerDescription, message:
                "the residual \(residual.shape) is not shaped as the output \(Array(input.shape.dropLast()) + [outputDimensions])")
        }
        return try Tensor.linear(input, weight: weight, bias: bias, residual: residual)
    }

    private func checkInput(_ input: Tensor) throws {
        guard input.rank >= 1, input.shape[input.rank - 1] == inputDimensions else {
            let found = input.rank == 0 ? "a single number" : "\(input.shape[input.rank - 1]) features"
            throw LayerError(layer: layerDescription, message: "input has \(found), the layer takes \(inputDimensions)")
        }
    }
}

/// A multilayer perceptron: Linear layers with an activation between them (not after the last).
public struct MLP: ResidualAdding {
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

    /// Linear layer i is child "2i", as in the `nn.Sequential(Linear, act, Linear, …)` PyTorch
    /// builds for the same MLP (the activations hold no parameters).
    public func children() -> [(name: String, module: any Module)] {
        layers.enumerated().map { (String(2 * $0.offset), $0.element) }
    }

    public var layerDescription: String {
        "mlp(\(([layers.first?.inputDimensions ?? 0] + layers.map(\.outputDimensions)).map(String.init).joined(separator: " → ")))"
    }

    /// Features out (the last layer's).
    public var outputDimensions: Int { layers.last?.outputDimensions ?? 0 }

    public func callAsFunction(_ input: Tensor) throws -> Tensor { try run(input, adding: nil) }

    /// residual + self(input), the residual added inside the last layer's product.
    public func callAsFunction(_ input: Tensor, adding residual: Tensor) throws -> Tensor { try run(input, adding: residual) }

    private func run(_ input: Tensor, adding residual: Tensor?) throws -> Tensor {
        // One hidden GELU layer (a transformer's feed-forward block) is one fused op, same values;
        // anything that does not fit (another activation, a wrong shape) takes the layers one by one.
        if layers.count == 2, activation == .gelu, input.rank >= 1, input.shape[input.rank - 1] == layers[0].inputDimensions,
           residual.map({ $0.shape == Array(input.shape.dropLast()) + [outputDimensions] }) ?? true {
            return try Tensor.geluFeedForward(input, w1: layers[0].weight, b1: layers[0].bias, w2: layers[1].weight,
                                              b2: layers[1].bias, residual: residual)
        }
        var hidden = input
        for (index, layer) in layers.enumerated() {
            guard index == layers.count - 1, let residual else {
                hidden = try forward(child: String(2 * index), layer, hidden)
                hidden = index < layers.count - 1 ? try activation(hidden) : hidden
                continue
            }
            do {
                hidden = try layer(hidden, adding: residual)
            } catch let error as LayerError {
                throw error.inside(String(2 * index))
            } catch {
                throw LayerError(path: [String(2 * index)], layer: layer.layerDescription, message: "\(error)")
            }
        }
        return hidden
    }
}
