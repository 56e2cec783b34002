// Optimizer steps against values computed independently: python3 + numpy (float64) running
// PyTorch's update rules on the loss Σ p²/2 (so the gradient equals the parameter) from
// p = [1, -2], lr 0.1. The script is summarised in each test.
import Autograd
import NeuralNets
import Testing
import TestSupport

/// Runs `steps` optimizer steps on loss = Σ p²/2 and returns the parameter after each step.
func trajectory(_ makeOptimizer: ([Tensor]) -> any Optimizer, steps: Int) throws -> [[Float]] {
    let parameter = try Tensor([1, -2], requiresGrad: true)
    let optimizer = makeOptimizer([parameter])
    var history: [[Float]] = []
    for _ in 0 ..< steps {
        optimizer.zeroGrad()
        try (parameter * parameter * 0.5).sum().backward()
        optimizer.step()
        history.append(parameter.storage)
    }
    return history
}

@Suite("Optimizers")
struct OptimizerTests {
    // By hand: g = p. Step 1: buf = [1, −2], p = [0.9, −1.8]. Step 2: buf = 0.9·[1, −2] + [0.9, −1.8]
    // = [1.8, −3.6], p = [0.72, −1.44]. numpy confirms and gives step 3.
    @Test func sgdWithMomentumFollowsPyTorchsRule() throws {
        let history = try trajectory({ SGD(parameters: $0, learningRate: 0.1, momentum: 0.9) }, steps: 3)
        #expect(allClose(history[0], [0.9, -1.8], absolute: 1e-6))
        #expect(allClose(history[1], [0.72, -1.44], absolute: 1e-6))
        #expect(allClose(history[2], [0.486, -0.972], absolute: 1e-6))
    }

    // By hand, step 1: m̂ = g and v̂ = g², so p −= lr·g/(|g| + ε) = 0.1·sign(g) → [0.9, −1.9].
    // numpy (step 2): m,v moments with bias correction 1-β^t; p -= (lr/bc1)·m/(√v/√bc2 + 1e-8).
    @Test func adamFollowsPyTorchsRule() throws {
        let history = try trajectory({ Adam(parameters: $0, learningRate: 0.1) }, steps: 2)
        #expect(allClose(history[0], [0.900000001, -1.9000000005], absolute: 1e-6))
        #expect(allClose(history[1], [0.8004122297123382, -1.8001664866210927], absolute: 1e-6))
    }

    // By hand, step 1: p·(1 − 0.1·0.01) − 0.1·sign(g) = [0.999 − 0.1, −1.998 + 0.1] = [0.899, −1.898].
    // numpy (step 2): as Adam, after p *= (1 - lr·0.01) (decoupled weight decay, PyTorch's default 0.01).
    @Test func adamWDecaysDecoupled() throws {
        let history = try trajectory({ AdamW(parameters: $0, learningRate: 0.1) }, steps: 2)
        #expect(allClose(history[0], [0.899000001, -1.8980000005], absolute: 1e-6))
        #expect(allClose(history[1], [0.7985190281887788, -1.7962725891500528], absolute: 1e-6))
    }

    // The AVX2 + FMA build of the Adam update (CKernels) against the portable one: 37 values (four
    // vectors and a remainder), three AdamW steps on Σ p³ (gradients of both signs and sizes).
    @Test(.enabled(if: VectorKernels.available == .avx2FMA)) func adamKernelBuildsAgree() throws {
        func run(_ level: KernelLevel) throws -> [Float] {
            try VectorKernels.withLevel(level) {
                var generator = SeededGenerator(seed: 3)
                let parameter = try Tensor.normal([37], generator: &generator, requiresGrad: true)
                let optimizer = AdamW(parameters: [parameter], learningRate: 0.05)
                for _ in 0 ..< 3 {
                    optimizer.zeroGrad()
                    try (parameter * parameter * parameter).sum().backward()
                    optimizer.step()
                }
                return parameter.storage
            }
        }
        let fast = try run(.avx2FMA), portable = try run(.portable)
        #expect(allClose(fast, portable, absolute: 1e-6))
        var generator = SeededGenerator(seed: 3)
        let start = try Tensor.normal([37], generator: &generator).storage
        #expect(zip(fast, start).allSatisfy { abs($0 - $1) > 0.01 }, "every value moved")
    }

    @Test func parametersWithoutGradientsAreLeftAlone() throws {
        let used = try Tensor([1], requiresGrad: true), unused = try Tensor([5], requiresGrad: true)
        let optimizer = Adam(parameters: [used, unused], learningRate: 0.1)
        try (used * 2).sum().backward()
        optimizer.step()
        #expect(unused.storage == [5])
        #expect(used.storage != [1])
        optimizer.zeroGrad()
        #expect(used.grad == nil)
    }
}

@Suite("Layers")
struct LayerTests {
    @Test func parameterCountsMatchTheArchitecture() throws {
        var generator = SeededGenerator(seed: 1)
        // 16·64 + 64 + 64·10 + 10 = 1738, the same as PyTorch's sum(p.numel()).
        #expect(try MLP(layerSizes: [16, 64, 10], generator: &generator).parameterCount == 1738)
        #expect(try Linear(inputDimensions: 3, outputDimensions: 2, bias: false, generator: &generator).parameterCount == 6)
        #expect(try Embedding(count: 10, dimensions: 4, generator: &generator).parameterCount == 40)
        #expect(try LayerNorm(dimensions: 8).parameterCount == 16)
        #expect(try RMSNorm(dimensions: 8).parameterCount == 8)
        let stack = Sequential([try Linear(inputDimensions: 4, outputDimensions: 4, generator: &generator), Activation.gelu,
                                try LayerNorm(dimensions: 4)])
        #expect(stack.parameterCount == 20 + 8)
        #expect(try stack(Tensor.ones([3, 4])).shape == [3, 4])
    }

    @Test func linearInitIsSeededAndBoundedLikePyTorch() throws {
        var first = SeededGenerator(seed: 3), second = SeededGenerator(seed: 3)
        let a = try Linear(inputDimensions: 25, outputDimensions: 40, generator: &first)
        let b = try Linear(inputDimensions: 25, outputDimensions: 40, generator: &second)
        #expect(a.weight.storage == b.weight.storage)
        // Bound 1/√25 = 0.2 for weight and bias.
        let values = a.weight.storage + (a.bias?.storage ?? [])
        #expect(values.allSatisfy { Swift.abs($0) <= 0.2 })
        #expect(values.contains { Swift.abs($0) > 0.15 })
    }

    @Test func layerShapes() throws {
        var generator = SeededGenerator(seed: 2)
        let embedding = try Embedding(count: 5, dimensions: 3, generator: &generator)
        #expect(try embedding(Tensor([[0, 4], [2, 2]])).shape == [2, 2, 3])
        let mlp = try MLP(layerSizes: [3, 7, 2], activation: .tanh, generator: &generator)
        #expect(try mlp(Tensor.zeros([2, 5, 3])).shape == [2, 5, 2])
        #expect(throws: LayerError(path: ["0"], layer: "linear(3 → 7)", message: "input has 4 features, the layer takes 3")) {
            try mlp(Tensor.zeros([2, 4]))
        }
        #expect(mlp.namedParameters().map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias"], "PyTorch's nn.Sequential names")
    }

    @Test func mlpLearnsXor() throws {
        var generator = SeededGenerator(seed: 5)
        let model = try MLP(layerSizes: [2, 16, 2], activation: .tanh, generator: &generator)
        let optimizer = Adam(parameters: model.parameters(), learningRate: 0.05)
        let inputs = try Tensor([[0, 0], [0, 1], [1, 0], [1, 1]])
        let targets = [0, 1, 1, 0]
        let initial = try Tensor.crossEntropy(logits: model(inputs), targets: targets).item()
        var loss = Tensor(0)
        for _ in 0 ..< 300 {
            loss = try Tensor.crossEntropy(logits: model(inputs), targets: targets)
            optimizer.zeroGrad()
            try loss.backward()
            optimizer.step()
        }
        // Chance level is log 2 ≈ 0.69; XOR is learned when the loss is near zero and predictions match.
        #expect(initial > 0.5)
        #expect(try loss.item() < 0.05)
        #expect(try model(inputs).argmax(axis: 1).integerValues == targets)
    }
}
