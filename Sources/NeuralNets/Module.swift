// The Module protocol every layer and model conforms to (the MoE layer too): a forward pass, the
// tensors it trains, its children, a training / evaluation mode, and a hook through which a
// module takes part in training (auxiliary loss terms, metrics, an update after the optimiser
// step) without the trainer knowing what kind of module it is.
import Autograd

/// A differentiable function with trainable parameters, made of named child modules.
///
/// Only `callAsFunction` is required. A module declares its own tensors in `ownParameters()` and
/// its sub-modules in `children()`; `parameters()`, `namedParameters()`, `setTraining(_:)` and
/// the training hook then cover the whole tree. Names follow PyTorch's module paths
/// (`0.weight`, `experts.3.0.bias`), so a path printed in an error or saved to a file reads the
/// same as in the reference PyTorch model.
public protocol Module {
    /// The forward pass.
    func callAsFunction(_ input: Tensor) throws -> Tensor
    /// Tensors this module trains itself (not its children's), by name ("weight", "bias").
    func ownParameters() -> [(name: String, tensor: Tensor)]
    /// The direct sub-modules in forward order, by name ("0", "router", "experts.3").
    func children() -> [(name: String, module: any Module)]
    /// Switches training-only behaviour (noise, auxiliary losses, balancing loads) on or off for
    /// this module and every child. Modules with such behaviour override `setOwnTraining`.
    func setOwnTraining(_ training: Bool)
    /// A short description for errors and summaries: "linear(2 → 16)".
    var layerDescription: String { get }

    // MARK: The training hook (called by any trainer on every module of the tree)

    /// Loss terms this module (not its children) adds to the step's loss, from its last
    /// training-mode forward pass, already weighted: ("aux", Switch loss), ("z", z-loss).
    func auxiliaryLosses() -> [(name: String, loss: Tensor)]
    /// What this module reports about the step's forward pass (expert load, imbalance, …).
    func stepMetrics() -> [Metric]
    /// Called once after every optimiser step (e.g. DeepSeek-V3's bias update); also the point
    /// where a module forgets the step's auxiliary losses.
    func afterOptimizerStep()
}

// MARK: - Defaults: a leaf with no parameters and no part in training

extension Module {
    public func ownParameters() -> [(name: String, tensor: Tensor)] { [] }
    public func children() -> [(name: String, module: any Module)] { [] }
    public func setOwnTraining(_ training: Bool) {}
    public var layerDescription: String { String(describing: type(of: self)).lowercased() }
    public func auxiliaryLosses() -> [(name: String, loss: Tensor)] { [] }
    public func stepMetrics() -> [Metric] { [] }
    public func afterOptimizerStep() {}
}

// MARK: - The whole tree

extension Module {
    /// Every trainable tensor of the tree with its path, own tensors first, then each child's in
    /// order: `["0.weight", "0.bias", "2.weight", …]`.
    public func namedParameters() -> [(name: String, tensor: Tensor)] {
        var result = ownParameters()
        for (name, child) in children() {
            result += child.namedParameters().map { (name + "." + $0.name, $0.tensor) }
        }
        return result
    }

    /// The trainable tensors (each with `requiresGrad`), in the stable order of `namedParameters()`.
    public func parameters() -> [Tensor] { namedParameters().map(\.tensor) }

    /// This module and every descendant, depth first in forward order, with their paths ("" for
    /// this one).
    public func modules() -> [(path: String, module: any Module)] {
        var result: [(path: String, module: any Module)] = [("", self)]
        for (name, child) in children() {
            result += child.modules().map { ($0.path.isEmpty ? name : name + "." + $0.path, $0.module) }
        }
        return result
    }

    /// Sets training or evaluation mode on this module and every descendant.
    public func setTraining(_ training: Bool) {
        for (_, module) in modules() { module.setOwnTraining(training) }
    }

    /// The total number of trainable values.
    public var parameterCount: Int { parameters().reduce(0) { $0 + $1.count } }

    /// Clears every parameter's gradient.
    public func zeroGrad() { for parameter in parameters() { parameter.zeroGrad() } }

    /// Runs `child` on `input`, and names the child in any error it throws (`LayerError`), so a
    /// shape mismatch deep inside a model says which layer it came from.
    public func forward(child name: String, _ child: any Module, _ input: Tensor) throws -> Tensor {
        do {
            return try child(input)
        } catch let error as LayerError {
            throw error.inside(name)
        } catch {
            throw LayerError(path: [name], layer: child.layerDescription, message: "\(error)")
        }
    }
}

// MARK: - Containers and activations

/// Modules applied one after another; child i is named "i" (as in `nn.Sequential`).
public struct Sequential: Module {
    /// The layers, first applied first.
    public let layers: [any Module]

    /// Composes `layers` in order.
    public init(_ layers: [any Module]) { self.layers = layers }

    public func children() -> [(name: String, module: any Module)] {
        layers.enumerated().map { (String($0.offset), $0.element) }
    }

    public var layerDescription: String { "seq" }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        var hidden = input
        for (index, layer) in layers.enumerated() { hidden = try forward(child: String(index), layer, hidden) }
        return hidden
    }
}

/// An elementwise nonlinearity, usable as a parameter-free module.
public enum Activation: String, CaseIterable, Sendable, Module {
    case relu, gelu, silu, tanh, sigmoid

    public var layerDescription: String { rawValue }

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
