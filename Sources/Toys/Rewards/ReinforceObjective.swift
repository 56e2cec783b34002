// REINFORCE (science.md §C.1) as a trainer objective: loss = −(1/N) Σᵢ (rᵢ − b) · log π(oᵢ|q), the
// sequence log-probability being the sum over the completion's tokens. Without a baseline every
// sample is pushed up by its raw reward; with "mean" the baseline b is the batch's mean reward
// (GRPO instead uses each question's own group mean, and divides by the group's std).
import Autograd
import NeuralNets

/// The baseline subtracted from the rewards.
public enum ReinforceBaseline: String, Sendable, CaseIterable {
    /// b = 0: the raw reward.
    case none
    /// b = the mean reward of the step's batch.
    case mean
}

/// REINFORCE over any `Policy`: `prompts` questions × `samples` completions per step.
public final class ReinforceObjective: Objective {
    public let policy: any Policy
    public let task: any RewardTask
    public let reward: RewardFunction
    public let baseline: ReinforceBaseline
    public let prompts: Int
    public let samples: Int
    public let temperature: Float
    /// The batch of the last step.
    public private(set) var last: RolloutBatch?
    private var generator: SeededGenerator

    public init(policy: any Policy, task: any RewardTask, reward: RewardFunction? = nil, baseline: ReinforceBaseline = .none,
                prompts: Int = 32, samples: Int = 8, temperature: Float = 1, seed: UInt64 = 0) throws {
        guard (1 ... 10_000).contains(prompts), (1 ... 4096).contains(samples) else {
            throw RewardError.invalid("prompts = \(prompts) must be 1 … 10000 and samples = \(samples) 1 … 4096")
        }
        guard temperature > 0, temperature.isFinite else { throw RewardError.invalid("temperature = \(temperature) must be positive") }
        self.policy = policy
        self.task = task
        self.reward = try reward ?? RewardFunction.weighted(task.defaultWeights)
        self.baseline = baseline
        self.prompts = prompts
        self.samples = samples
        self.temperature = temperature
        generator = SeededGenerator(seed: seed)
    }

    public var name: String { "reinforce" }

    public func loss(model: any Module, step: Int) throws -> ObjectiveLoss {
        let sampler = RolloutSampler(policy: policy, task: task, reward: reward, prompts: prompts, groupSize: samples,
                                     temperature: temperature, dynamicSampling: false)
        let drawn = try withNoGrad { try sampler.draw(generator: &generator) }
        let rewards = drawn.scores.map(\.reward)
        let b = baseline == .mean ? rewards.reduce(0, +) / Double(Swift.max(rewards.count, 1)) : 0
        let batch = RolloutBatch(completions: drawn.completions, groupSize: samples, texts: drawn.texts,
                                 scores: drawn.scores, advantages: rewards.map { $0 - b })
        last = batch
        let completions = drawn.completions
        let n = completions.count, width = completions.width
        let current = try policy.logProbabilities(of: completions, temperature: temperature)
        batch.oldLogProbabilities = current.values.storage
        batch.updates = 1
        // Weight of token t of row i: mask · advantage_i / N, so the sum is (1/N) Σᵢ Aᵢ Σₜ log π.
        let weights = (0 ..< n * width).map { completions.mask[$0] * Float(batch.advantages[$0 / width]) / Float(n) }
        let loss = try -(current.values * (try Tensor(shape: [n, width], values: weights))).sum()
        var metrics = batch.rolloutMetrics(policy: policy)
        metrics.append(Metric("entropy", PolicyGradientMath.maskedMean(current.entropy, mask: completions.mask)))
        return ObjectiveLoss(loss: loss, metrics: metrics)
    }
}
