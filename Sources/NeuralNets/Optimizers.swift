// Optimizers with PyTorch's update rules and default hyper-parameters. Each keeps only its
// per-parameter state and applies one rule in place (mlx-swift's shape). Parameters without a
// gradient are skipped, as in PyTorch.
import Autograd
import CKernels
import Foundation

/// Updates parameters from their gradients.
public protocol Optimizer: AnyObject {
    /// The tensors being optimised.
    var parameters: [Tensor] { get }
    /// The step size; settable so a trainer can follow a schedule.
    var learningRate: Float { get set }
    /// Applies one update from the current gradients.
    func step()
}

extension Optimizer {
    /// Clears every gradient (PyTorch's `zero_grad(set_to_none=True)`).
    public func zeroGrad() { for parameter in parameters { parameter.zeroGrad() } }
}

/// Stochastic gradient descent with momentum: buf = μ·buf + g (buf = g on the first step); p −= lr·buf.
public final class SGD: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Float
    /// μ; 0 gives plain gradient descent.
    public let momentum: Float
    /// L2 penalty added to the gradient (PyTorch's `weight_decay`), default 0.
    public let weightDecay: Float
    private var buffers: [[Float]?]

    /// PyTorch's defaults: no momentum, no weight decay (the learning rate has no default there either).
    public init(parameters: [Tensor], learningRate: Float, momentum: Float = 0, weightDecay: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.weightDecay = weightDecay
        buffers = Array(repeating: nil, count: parameters.count)
    }

    public func step() {
        for (index, parameter) in parameters.enumerated() {
            guard let gradient = parameter.grad?.storage else { continue }
            let (rate, mu, decay) = (learningRate, momentum, weightDecay)
            parameter.withUnsafeMutableValues { values in
                if mu == 0 {
                    for element in 0 ..< values.count { values[element] -= rate * (gradient[element] + decay * values[element]) }
                    return
                }
                var buffer = buffers[index] ?? []
                let first = buffer.isEmpty
                if first { buffer = [Float](repeating: 0, count: values.count) }
                for element in 0 ..< values.count {
                    let g = gradient[element] + decay * values[element]
                    buffer[element] = first ? g : mu * buffer[element] + g
                    values[element] -= rate * buffer[element]
                }
                buffers[index] = buffer
            }
        }
    }
}

/// The first and second moment estimates Adam keeps per parameter, and its update.
struct AdamMoments {
    var first: [Float]
    var second: [Float]

    init(count: Int) {
        first = [Float](repeating: 0, count: count)
        second = [Float](repeating: 0, count: count)
    }

    /// p ×= shrink (AdamW's decoupled decay; 1 for none); m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
    /// p −= (lr/(1−β1ᵗ)) · m / (√v/√(1−β2ᵗ) + ε). One pass over the buffers.
    mutating func update(_ values: UnsafeMutableBufferPointer<Float>, gradient: [Float], l2: Float, shrink: Float,
                         learningRate: Float, beta1: Float, beta2: Float, epsilon: Float, step: Int) {
        let correction1 = 1 - Foundation.pow(Double(beta1), Double(step))
        let correction2 = 1 - Foundation.pow(Double(beta2), Double(step))
        let stepSize = Float(Double(learningRate) / correction1)
        let inverseRootCorrection2 = Float(1 / correction2.squareRoot())
        let count = values.count
        guard let parameter = values.baseAddress else { return }
        first.withUnsafeMutableBufferPointer { firstBuffer in
            second.withUnsafeMutableBufferPointer { secondBuffer in
                gradient.withUnsafeBufferPointer { gradientBuffer in
                    guard let m = firstBuffer.baseAddress, let v = secondBuffer.baseAddress,
                          let g = gradientBuffer.baseAddress else { return }
                    // CKernels' loop (AVX2 + FMA where the CPU has them; the portable build is the
                    // same arithmetic eight lanes at a time in SSE).
                    let level = VectorKernels.level == .avx2FMA ? CKLevelAVX2FMA : CKLevelPortable
                    ck_adam_update(level, parameter, g, m, v, count, l2, shrink, stepSize, inverseRootCorrection2,
                                   beta1, beta2, epsilon)
                }
            }
        }
    }
}

/// Adam (Kingma & Ba) with bias correction. `weightDecay` is an L2 term added to the gradient,
/// or, with `decoupledWeightDecay` (AdamW), a shrink p −= lr·λ·p before the Adam step.
public class Adam: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Float
    /// Moment decay rates, denominator guard, and the weight decay (see the type's summary).
    public let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float
    /// True for AdamW's decoupled decay, false for Adam's L2 term.
    public let decoupledWeightDecay: Bool
    private var moments: [AdamMoments]
    private var steps: [Int]

    /// PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0 (L2).
    public init(parameters: [Tensor], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0, decoupledWeightDecay: Bool = false) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon; self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
        moments = parameters.map { AdamMoments(count: $0.count) }
        steps = Array(repeating: 0, count: parameters.count)
    }

    public func step() {
        let shrink = decoupledWeightDecay ? 1 - learningRate * weightDecay : 1
        let l2 = decoupledWeightDecay ? 0 : weightDecay
        for (index, parameter) in parameters.enumerated() {
            guard let gradient = parameter.grad?.storage else { continue }
            steps[index] += 1
            parameter.withUnsafeMutableValues { values in
                moments[index].update(values, gradient: gradient, l2: l2, shrink: shrink, learningRate: learningRate,
                                      beta1: beta1, beta2: beta2, epsilon: epsilon, step: steps[index])
            }
        }
    }
}

/// AdamW (Loshchilov & Hutter): Adam with decoupled weight decay, p −= lr·λ·p before the Adam
/// step; PyTorch's default λ = 0.01.
public final class AdamW: Adam {
    /// PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0.01.
    public init(parameters: [Tensor], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0.01) {
        super.init(parameters: parameters, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                   weightDecay: weightDecay, decoupledWeightDecay: true)
    }
}
