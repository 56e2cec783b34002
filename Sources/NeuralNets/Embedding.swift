// Lookup tables: learned vectors indexed by token or position.
import Autograd

/// A table of learned vectors looked up by whole-number indices.
public struct Embedding: Module {
    /// [count, dimensions].
    public let weight: Tensor

    /// PyTorch's default init: standard normal entries drawn from `generator`.
    public init(count: Int, dimensions: Int, generator: inout SeededGenerator) throws {
        weight = try Tensor.normal([count, dimensions], generator: &generator, requiresGrad: true)
    }

    public func ownParameters() -> [(name: String, tensor: Tensor)] { [("weight", weight)] }

    public var layerDescription: String { "embedding(\(weight.shape[0]), \(weight.shape[1]))" }

    /// Indices of any shape -> indices.shape + [dimensions].
    public func callAsFunction(_ indices: Tensor) throws -> Tensor { try weight.embedding(indices) }
}
