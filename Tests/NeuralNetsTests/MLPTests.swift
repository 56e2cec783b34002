// MLP: a two-layer GELU MLP (a transformer's feed-forward block) runs as Autograd's fused
// `geluFeedForward` op, with the values and gradients of its layers run one by one; other
// MLPs keep the layers.
import Autograd
import NeuralNets
import Testing
import TestSupport

@Suite("MLP")
struct MLPTests {
    @Test func geluMLPRunsFusedWithTheLayersValues() throws {
        for leading in [[1], [5], [2, 3]] {
            var generator = SeededGenerator(seed: 11)
            let mlp = try MLP(layerSizes: [6, 20, 6], activation: .gelu, generator: &generator)
            var inputGenerator = SeededGenerator(seed: 12)
            let input = try Tensor.uniform(leading + [6], low: -2, high: 2, generator: &inputGenerator, requiresGrad: true)
            let residual = try Tensor.uniform(leading + [6], low: -1, high: 1, generator: &inputGenerator, requiresGrad: true)
            let fused = try mlp(input, adding: residual)
            #expect(fused.operationKind == .geluFeedForward)
            #expect(try mlp(input).operationKind == .geluFeedForward)
            let layered = try mlp.layers[1](Activation.gelu(mlp.layers[0](input)), adding: residual)
            #expect(layered.operationKind == .linear)
            #expect(fused.storage == layered.storage, "\(leading)")
        }
    }

    @Test func otherMLPsKeepTheirLayers() throws {
        var generator = SeededGenerator(seed: 13)
        let relu = try MLP(layerSizes: [4, 8, 3], activation: .relu, generator: &generator)
        let deep = try MLP(layerSizes: [4, 8, 8, 3], activation: .gelu, generator: &generator)
        let input = try Tensor.ones([2, 4])
        #expect(try relu(input).operationKind == .linear)
        #expect(try deep(input).operationKind == .linear)
    }

    @Test func wrongInputWidthNamesTheLayer() throws {
        var generator = SeededGenerator(seed: 14)
        let mlp = try MLP(layerSizes: [4, 8, 3], activation: .gelu, generator: &generator)
        do {
            _ = try mlp(Tensor.ones([2, 5]))
            Issue.record("a 5-feature input was accepted")
        } catch let error as LayerError {
            #expect("\(error)".contains("5 features"), "\(error)")
        }
    }
}
