// Layers beyond linear/mlp as script models: an embedding table and the two normalisations.
// They are ModelObjects, so they go inside seq(…) and into sgd/adam/adamw.

import Autograd
import NeuralNets
import Script

enum LayerBuiltins {
    static func install(_ context: BuiltinContext) {
        // `embedding(indices, table)` is the functional lookup (PyTorch F.embedding), so the layer
        // (PyTorch nn.Embedding) takes another name.
        context.define("embedding_layer", help: """
            embedding_layer(count, dim, seed=): a learned table of count vectors of size dim (N(0, 1) init, as PyTorch's nn.Embedding); m(indices) looks rows up, shape indices.shape + [dim].
              e = embedding_layer(10, 4, seed=0); e([[1, 2, 3]]).shape   # [1, 3, 4]
            """) { arguments in
            try arguments.rejectUnknownNames(["count", "dim", "seed"])
            try arguments.expectCount(0...2)
            let count = try positiveSize(arguments, 0, "count")
            let dimensions = try positiveSize(arguments, 1, "dim")
            let layer = try context.withGenerator(arguments) {
                try Embedding(count: count, dimensions: dimensions, generator: &$0)
            }
            return .object(EmbeddingModelObject(module: layer, summary: "embedding_layer(\(count), \(dimensions))"))
        }
        context.define("layernorm", help: """
            layernorm(dim, eps=1e-5): layer normalisation over the last axis with a learned weight (ones) and bias (zeros), as PyTorch's nn.LayerNorm(dim).
              norm = layernorm(4); norm(randn(2, 4, seed=0)).mean(axis=1)   # ≈ [0, 0]
            """) { arguments in
            try arguments.rejectUnknownNames(["dim", "eps"])
            try arguments.expectCount(1...2)
            let dimensions = try positiveSize(arguments, 0, "dim")
            let eps = try TensorOperations.epsilon(arguments, at: 1, default: 1e-5)
            let layer = try LayerNorm(dimensions: dimensions, epsilon: eps)
            return .object(ModelObject(module: layer, summary: "layernorm(\(dimensions))", inputDimensions: dimensions))
        }
        context.define("rmsnorm", help: """
            rmsnorm(dim, eps=1e-6): RMS normalisation over the last axis with a learned weight (ones); eps 1e-6 as in DeepSeek-V3 (PyTorch's nn.RMSNorm defaults to float32 machine eps).
              norm = rmsnorm(4); norm(tensor([[1, 1, 1, 1]]))   # ≈ [[1, 1, 1, 1]]
            """) { arguments in
            try arguments.rejectUnknownNames(["dim", "eps"])
            try arguments.expectCount(1...2)
            let dimensions = try positiveSize(arguments, 0, "dim")
            let eps = try TensorOperations.epsilon(arguments, at: 1, default: 1e-6)
            let layer = try RMSNorm(dimensions: dimensions, epsilon: eps)
            return .object(ModelObject(module: layer, summary: "rmsnorm(\(dimensions))", inputDimensions: dimensions))
        }
    }

    /// A positional or named size that must be at least 1.
    private static func positiveSize(_ arguments: Arguments, _ position: Int, _ name: String) throws -> Int {
        let size = try arguments.integer(at: position, named: name)
        guard size >= 1 else { throw NativeError("\(arguments.functionName): '\(name)' must be 1 or more, got \(size)") }
        return size
    }
}

/// The embedding layer: called on whole-number indices, which are checked against the table
/// so the error names the layer and the table size.
final class EmbeddingModelObject: ModelObject {
    override var help: String {
        """
        model: \(summary). Call it on whole-number indices (any shape): m(indices) has shape indices.shape + [dim].
          e = embedding_layer(10, 4, seed=0); e([1, 2]).shape   # [2, 4]
        properties: params (number of trainable values)
        methods: parameters() (the table, [count, dim]), zero_grad()
        """
    }

    override func call(_ arguments: Arguments) throws -> Value {
        try arguments.rejectUnknownNames([])
        try arguments.expectCount(1)
        let indices = try Conversions.tensor(try arguments.require(at: 0, named: "indices"), summary, "indices")
        let rows = module.parameters().first?.shape.first ?? 0
        for value in indices.storage where value.rounded() != value || value < 0 || value >= Float(rows) {
            throw NativeError("\(summary): index \(Value.number(Double(value)).description) is not a row of the table (0..<\(rows))")
        }
        return Conversions.value(try rethrowingNamed(summary) { try module(indices) })
    }
}
