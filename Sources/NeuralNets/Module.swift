// The Module protocol every layer and model conforms to (the MoE layer too): a forward pass
// and its trainable tensors. Kept deliberately small so wrapping a module is easy.
import Autograd

/// A differentiable function with trainable parameters.
public protocol Module {
    /// The trainable tensors (each with `requiresGrad`), in a stable order.
    func parameters() -> [Tensor]
    /// The forward pass.
    func callAsFunction(_ input: Tensor) throws -> Tensor
}

extension Module {
    /// The total number of trainable values.
    public var parameterCount: Int { parameters().reduce(0) { $0 + $1.count } }

    /// Clears every parameter's gradient.
    public func zeroGrad() { for parameter in parameters() { parameter.zeroGrad() } }
}

/// Modules applied one after another.
public struct Sequential: Module {
    /// The layers, first applied first.
    public let layers: [any Module]

    /// Composes `layers` in order.
    public init(_ layers: [any Module]) { self.layers = layers }

    public func parameters() -> [Tensor] { layers.flatMap { $0.parameters() } }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try layers.reduce(input) { try $1($0) }
    }
}

/// An elementwise nonlinearity, usable as a parameter-free module.
public enum Activation: String, CaseIterable, Sendable, Module {
    case relu, gelu, silu, tanh, sigmoid

    public func parameters() -> [Tensor] { [] }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        switch self {
        case .relu: input.relu()
        case .gelu: input.gelu()
        case .silu: input.silu()
        case .tanh: input.tanh()
        case .sigmoid: input.sigmoid()
        }
    }
}
