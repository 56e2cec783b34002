// GRPO as a trainer objective (science.md §C.3): sample G completions per question, score them,
// advantage = (r − group mean) / (group std + 1e-4), then minimise the negative clipped surrogate
// (per-token ratios) plus β·k3 KL to a frozen reference, averaged by one of §C.7's normalisations.
// One `loss` call is one optimiser update; a batch is reused for `epochs` (μ) updates, its ratios
// taken against the log-probabilities of its first update (π_old).
import Autograd
import Foundation
import NeuralNets

/// The settings of `grpo(…)`; every default is the (TRL's where it has one).
public struct GRPOConfig {
    /// G: completions per question (R1-Zero 16, DeepSeekMath 64, TRL 8).
    public var groupSize = 8
    /// Questions per step (R1-Zero: 32).
    public var prompts = 32
    /// ε of the clipped ratio (PPO and TRL: 0.2; R1's first RL stage printed 10).
    public var clip: Float = 0.2
    /// β of the KL term (TRL 0; DeepSeekMath 0.04; R1-Zero 0.001).
    public var klWeight: Float = 0
    /// μ: updates per sampled batch (TRL's num_iterations, 1).
    public var epochs = 1
    /// The loss normalisation.
    public var normalisation: LossNormalisation = .grpo
    /// How advantages are scaled.
    public var scale: AdvantageScale = .std
    /// Sampling temperature (the log-probabilities use it too, as TRL does).
    public var temperature: Float = 1
    /// DAPO's dynamic sampling: drop groups whose rewards are all equal and sample more.
    public var dynamicSampling = false
    /// Seeds the questions and the sampling.
    public var seed: UInt64 = 0

    public init() {}

    func validated() throws -> GRPOConfig {
        guard groupSize >= 2 else { throw RewardError.invalid("group = \(groupSize) must be at least 2 (a group of one has no spread)") }
        guard groupSize <= 4096 else { throw RewardError.invalid("group = \(groupSize) must be at most 4096") }
        guard (1 ... 10_000).contains(prompts) else { throw RewardError.invalid("prompts = \(prompts) must be between 1 and 10000") }
        guard clip > 0, clip.isFinite else { throw RewardError.invalid("clip = \(clip) must be positive") }
        guard klWeight >= 0, klWeight.isFinite else { throw RewardError.invalid("kl = \(klWeight) must be 0 or more") }
        guard epochs >= 1 else { throw RewardError.invalid("epochs = \(epochs) must be at least 1") }
        guard temperature > 0, temperature.isFinite else { throw RewardError.invalid("temperature = \(temperature) must be positive") }
        return self
    }
}

/// GRPO over any `Policy`.
public final class GRPOObjective: Objective {
    public let policy: any Policy
    public let task: any RewardTask
    public let reward: RewardFunction
    public let config: GRPOConfig
    /// The frozen policy of the KL term (and of the `kl` metric).
    public let reference: any Policy
    /// The batch of the last step.
    public private(set) var last: RolloutBatch?
    private var generator: SeededGenerator

    /// `reference` defaults to a frozen copy of `policy` taken now.
    public init(policy: any Policy, task: any RewardTask, reward: RewardFunction? = nil, config: GRPOConfig = GRPOConfig(),
                reference: (any Policy)? = nil) throws {
        self.policy = policy
        self.task = task
        self.reward = try reward ?? RewardFunction.weighted(task.defaultWeights)
        self.config = try config.validated()
        self.reference = try reference ?? policy.frozenCopy()
        generator = SeededGenerator(seed: config.seed)
    }

    public var name: String { "grpo" }

    /// Samples and scores a new batch of groups.
    public func drawBatch() throws -> RolloutBatch {
        let sampler = RolloutSampler(policy: policy, task: task, reward: reward, prompts: config.prompts,
                                     groupSize: config.groupSize, temperature: config.temperature,
                                     dynamicSampling: config.dynamicSampling)
        let drawn = try withNoGrad { try sampler.draw(generator: &generator) }
        let batch = makeBatch(drawn.completions, texts: drawn.texts, scores: drawn.scores)
        batch.groupsDrawn = drawn.groupsDrawn
        batch.sampledScores = drawn.sampledScores
        try attachReference(batch)
        return batch
    }

    /// A batch of completions sampled elsewhere (groups of `config.groupSize` consecutive rows),
    /// scored by the reward and given group advantages; `loss(on:)` takes it.
    public func scoredBatch(_ completions: Completions) throws -> RolloutBatch {
        guard completions.count % config.groupSize == 0 else {
            throw RewardError.invalid("\(completions.count) completions do not make whole groups of \(config.groupSize)")
        }
        let scored = try RolloutBatch.scored(completions, groupSize: config.groupSize, policy: policy, task: task, reward: reward)
        return makeBatch(completions, texts: scored.texts, scores: scored.scores)
    }

    private func makeBatch(_ completions: Completions, texts: [String], scores: [RewardScore]) -> RolloutBatch {
        let advantages = PolicyGradientMath.groupAdvantages(scores.map(\.reward), groupSize: config.groupSize, scale: config.scale)
        return RolloutBatch(completions: completions, groupSize: config.groupSize, texts: texts, scores: scores, advantages: advantages)
    }

    /// The reference policy's per-token log-probabilities of the batch (for the KL term).
    private func attachReference(_ batch: RolloutBatch) throws {
        batch.referenceLogProbabilities = try withNoGrad {
            try reference.logProbabilities(of: batch.completions, temperature: config.temperature).values.storage
        }
    }

    public func loss(model: any Module, step: Int) throws -> ObjectiveLoss {
        let batch: RolloutBatch
        if let last, last.updates < config.epochs { batch = last } else { batch = try drawBatch() }
        last = batch
        return try loss(on: batch)
    }

    /// The loss of one update on `batch`: its ratios against the log-probabilities of its first
    /// update (π_old), the clipped surrogate and the KL, averaged by the normalisation.
    public func loss(on batch: RolloutBatch) throws -> ObjectiveLoss {
        if batch.referenceLogProbabilities == nil { try attachReference(batch) }
        let completions = batch.completions
        let n = completions.count, width = completions.width
        let current = try policy.logProbabilities(of: completions, temperature: config.temperature)
        let logProbabilities = current.values                                                    // (n, T)
        // π_old: the policy as it was at the batch's first update (so μ = 1 gives ratio 1 exactly).
        let oldValues = batch.oldLogProbabilities ?? logProbabilities.storage
        batch.oldLogProbabilities = oldValues
        let old = try Tensor(shape: [n, width], values: oldValues)
        let advantages = try Tensor(shape: [n, 1], values: batch.advantages.map(Float.init))
        let weights = try Tensor(shape: [n, width], values: PolicyGradientMath.tokenWeights(
            mask: completions.mask, width: width, normalisation: config.normalisation))
        let surrogate = try PolicyGradientMath.clippedSurrogate(logProbabilities: logProbabilities, old: old,
                                                                advantages: advantages, epsilon: config.clip)
        let policyLoss = try -(surrogate * weights).sum()
        let referenceValues = batch.referenceLogProbabilities ?? oldValues  // set above
        let kl = try PolicyGradientMath.k3(logProbabilities: logProbabilities,
                                           reference: try Tensor(shape: [n, width], values: referenceValues))
        var loss = policyLoss
        var parts: [(name: String, value: Double)] = []
        if config.klWeight > 0 {
            let klLoss = try (kl * weights).sum() * config.klWeight
            loss = try policyLoss + klLoss
            parts = [("policy", Double(try policyLoss.item())), ("kl", Double(try klLoss.item()))]
        }
        batch.updates += 1

        var metrics = batch.rolloutMetrics(policy: policy)
        metrics.append(Metric("clip_frac", clipFraction(current: logProbabilities.storage, old: oldValues, batch: batch)))
        metrics.append(Metric("kl", PolicyGradientMath.maskedMean(kl.storage, mask: completions.mask)))
        metrics.append(Metric("entropy", PolicyGradientMath.maskedMean(current.entropy, mask: completions.mask)))
        if config.dynamicSampling { metrics.append(Metric("groups_drawn", Double(batch.groupsDrawn))) }
        return ObjectiveLoss(loss: loss, parts: parts, metrics: metrics)
    }

    /// Share of tokens whose clip is active: ratio below 1 − ε with a negative advantage, or above
    /// 1 + ε with a positive one (TRL's clip ratio).
    private func clipFraction(current: [Float], old: [Float], batch: RolloutBatch) -> Double {
        let width = batch.completions.width, mask = batch.completions.mask
        var clipped: Float = 0
        for index in current.indices where mask[index] > 0 {
            let ratio = Foundation.exp(current[index] - old[index])
            let advantage = batch.advantages[index / width]
            if (ratio < 1 - config.clip && advantage < 0) || (ratio > 1 + config.clip && advantage > 0) { clipped += 1 }
        }
        return Double(clipped) / Double(Swift.max(mask.reduce(0, +), 1))
    }
}
