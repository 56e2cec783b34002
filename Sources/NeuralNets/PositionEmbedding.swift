// Where a token sits in the sequence: learned position vectors added to the token embeddings
// (GPT-2), or rotary embeddings that turn query and key vectors by a position-dependent angle
// (RoFormer, used by LLaMA and DeepSeek-V3), so attention scores depend on relative offsets.
import Autograd
import Foundation

/// A learned vector per position, added to the input: x[b, t] + weight[offset + t].
public struct LearnedPositionEmbedding: Module {
    /// [context, dimensions].
    public let weight: Tensor

    /// N(0, 1) entries as PyTorch's `nn.Embedding`, drawn from `generator`.
    public init(context: Int, dimensions: Int, generator: inout SeededGenerator) throws {
        weight = try Tensor.normal([context, dimensions], generator: &generator, requiresGrad: true)
    }

    /// Longest sequence the table covers.
    public var context: Int { weight.shape[0] }

    public func ownParameters() -> [(name: String, tensor: Tensor)] { [("weight", weight)] }

    public var layerDescription: String { "positions(\(weight.shape[0]), \(weight.shape[1]))" }

    /// x [B, T, d] -> x + positions 0..<T.
    public func callAsFunction(_ input: Tensor) throws -> Tensor { try adding(to: input, offset: 0) }

    /// x [B, T, d] -> x + positions offset..<offset+T (the offset is the KV cache's length).
    public func adding(to input: Tensor, offset: Int) throws -> Tensor {
        guard input.rank == 3, input.shape[2] == weight.shape[1] else {
            throw LayerError(layer: layerDescription, message: "input \(input.shape) is not [batch, time, \(weight.shape[1])]")
        }
        let length = input.shape[1]
        guard offset >= 0, offset + length <= context else {
            throw LayerError(layer: layerDescription, message:
                "positions \(offset)..<\(offset + length) go past the context of \(context) tokens")
        }
        let positions = try weight.slice(axis: 0, start: offset, end: offset + length)   // (T, d)
        return try input + positions                                                        // (B, T, d) + (T, d)
    }
}

/// Rotary position embedding (Su et al. 2021, in the "rotate half" layout of GPT-NeoX and
/// LLaMA): feature pair (i, i + h/2) of a head vector at position p is turned by the angle
/// p·θᵢ with θᵢ = base^(−2i/h). No parameters.
public struct RotaryEmbedding: Module {
    /// Features per head (even).
    public let headDimensions: Int
    /// The wavelength base (10 000 in the paper).
    public let base: Float

    /// Checks that the head size is even (features are turned in pairs).
    public init(headDimensions: Int, base: Float = 10_000) throws {
        guard headDimensions > 0, headDimensions % 2 == 0 else {
            throw TensorError.invalidArgument(op: "rotary", reason: "head size \(headDimensions) must be even and positive")
        }
        self.headDimensions = headDimensions
        self.base = base
    }

    public var layerDescription: String { "rotary(\(headDimensions))" }

    /// x [N, T, h] at positions 0..<T.
    public func callAsFunction(_ input: Tensor) throws -> Tensor { try rotate(input, offset: 0) }

    /// cos and sin tables [T, h] for positions offset..<offset+T (each angle used for both
    /// halves), computed in Double and rounded once.
    public func tables(length: Int, offset: Int) throws -> (cos: Tensor, sin: Tensor) {
        let half = headDimensions / 2
        var cosines = [Float](repeating: 0, count: length * headDimensions)
        var sines = cosines
        for t in 0 ..< length {
            for i in 0 ..< half {
                let frequency = Foundation.pow(Double(base), -2 * Double(i) / Double(headDimensions))
                let angle = Double(offset + t) * frequency
                let (c, s) = (Float(Foundation.cos(angle)), Float(Foundation.sin(angle)))
                cosines[t * headDimensions + i] = c; cosines[t * headDimensions + i + half] = c
                sines[t * headDimensions + i] = s; sines[t * headDimensions + i + half] = s
            }
        }
        return (try Tensor(shape: [length, headDimensions], values: cosines),
                try Tensor(shape: [length, headDimensions], values: sines))
    }

    /// x [N, T, h] -> x·cos + rotate_half(x)·sin, where rotate_half(x) = [−x₂, x₁].
    public func rotate(_ input: Tensor, offset: Int) throws -> Tensor {
        guard input.rank == 3, input.shape[2] == headDimensions else {
            throw LayerError(layer: layerDescription, message: "input \(input.shape) is not [N, time, \(headDimensions)]")
        }
        let (cosines, sines) = try tables(length: input.shape[1], offset: offset)          // (T, h) each
        let half = headDimensions / 2
        let first = try input.slice(axis: 2, start: 0, end: half)                          // (N, T, h/2)
        let second = try input.slice(axis: 2, start: half, end: headDimensions)            // (N, T, h/2)
        let rotated = try Tensor.concat([-second, first], axis: 2)                         // (N, T, h)
        return try input * cosines + rotated * sines                                       // (N, T, h)
    }
}
