// One step's rollouts: questions, sampled completions, their texts, rule checks, rewards and
// advantages, and the log-probabilities the update used. What `g.last` and `g.show_group(i)` show.
import Autograd
import NeuralNets

/// A sampled batch of groups, scored.
public final class RolloutBatch {
    /// Rows grouped by question: rows g·groupSize ..< (g+1)·groupSize answer question g.
    public let completions: Completions
    /// Completions per question.
    public let groupSize: Int
    /// Each row's text.
    public let texts: [String]
    /// Each row's rule checks and reward.
    public let scores: [RewardScore]
    /// Each row's advantage.
    public internal(set) var advantages: [Double]
    /// Groups sampled to fill this batch (more than its groups when dynamic sampling dropped some).
    public internal(set) var groupsDrawn: Int
    /// The scores of every group sampled (the dropped ones too), for the metrics.
    public internal(set) var sampledScores: [RewardScore]
    /// Per-token log-probabilities of the policy that the updates' ratios divide by (π_old), set
    /// by the batch's first update; [count · width].
    public internal(set) var oldLogProbabilities: [Float]?
    /// Per-token log-probabilities under the frozen reference; [count · width].
    public internal(set) var referenceLogProbabilities: [Float]?
    /// Updates taken on this batch so far.
    public internal(set) var updates = 0

    init(completions: Completions, groupSize: Int, texts: [String], scores: [RewardScore], advantages: [Double]) {
        self.completions = completions
        self.groupSize = groupSize
        self.texts = texts
        self.scores = scores
        self.advantages = advantages
        groupsDrawn = completions.count / groupSize
        sampledScores = scores
    }

    /// Number of groups.
    public var groupCount: Int { completions.count / groupSize }
    /// Each row's reward.
    public var rewards: [Double] { scores.map(\.reward) }

    /// The rows of group `group`.
    public func rows(ofGroup group: Int) -> Range<Int> { group * groupSize ..< (group + 1) * groupSize }

    /// Scores `completions` (grouped by `groupSize`) with `reward`.
    public static func scored(_ completions: Completions, groupSize: Int, policy: any Policy, task: any RewardTask,
                       reward: RewardFunction) throws -> (texts: [String], scores: [RewardScore]) {
        var texts: [String] = [], scores: [RewardScore] = []
        texts.reserveCapacity(completions.count)
        scores.reserveCapacity(completions.count)
        for row in 0 ..< completions.count {
            let text = policy.text(of: completions, row: row)
            texts.append(text)
            scores.append(try reward.score(Sample(question: completions.questions[row], tokens: completions.tokens(row: row), text: text),
                                           task: task))
        }
        return (texts, scores)
    }

    /// The metrics every reward trainer reports about its batch: mean reward, accuracy and format
    /// rate of everything sampled (the dropped groups too), the zero-std share, the advantages' mean and std.
    func rolloutMetrics(policy: any Policy) -> [Metric] {
        let count = Double(Swift.max(sampledScores.count, 1))
        let sampled = sampledScores.map(\.reward)
        var metrics = [
            Metric("reward", sampled.reduce(0, +) / count),
            Metric("accuracy", sampledScores.map(\.checks.accuracy).reduce(0, +) / count),
            Metric("format", sampledScores.map(\.checks.format).reduce(0, +) / count),
            Metric("zero_std", PolicyGradientMath.zeroStdShare(sampled, groupSize: groupSize)),
        ]
        let advantage = PolicyGradientMath.meanAndStd(advantages)
        metrics += [Metric("adv_mean", advantage.mean), Metric("adv_std", advantage.std)]
        if policy.hasVariableLength {
            let lengths = (0 ..< completions.count).map { Double(completions.length(row: $0)) }
            metrics.append(Metric("length", lengths.reduce(0, +) / Double(Swift.max(lengths.count, 1))))
        }
        return metrics
    }
}

/// Draws questions and groups of completions and scores them; with dynamic sampling (DAPO) it
/// drops the groups whose rewards are all equal and samples more, up to `maxRounds` draws.
struct RolloutSampler {
    let policy: any Policy
    let task: any RewardTask
    let reward: RewardFunction
    let prompts: Int
    let groupSize: Int
    let temperature: Float
    let dynamicSampling: Bool
    var maxRounds = 4

    func draw(generator: inout SeededGenerator) throws -> (completions: Completions, texts: [String], scores: [RewardScore],
                                                          groupsDrawn: Int, sampledScores: [RewardScore]) {
        var keptRows: [Int] = [], spareRows: [Int] = []
        var all: Completions?
        var texts: [String] = [], scores: [RewardScore] = []
        var rounds = 0
        repeat {
            let questions = task.questions(count: prompts, generator: &generator)
            let completions = try policy.sample(questions, perQuestion: groupSize, temperature: temperature, generator: &generator)
            let scored = try RolloutBatch.scored(completions, groupSize: groupSize, policy: policy, task: task, reward: reward)
            let offset = all?.count ?? 0
            all = all.map { $0.appending(completions) } ?? completions
            texts += scored.texts
            scores += scored.scores
            let rewards = scored.scores.map(\.reward)
            for group in 0 ..< prompts {
                let rows = Array(offset + group * groupSize ..< offset + (group + 1) * groupSize)
                if !dynamicSampling || !PolicyGradientMath.isZeroStd(rewards[group * groupSize ..< (group + 1) * groupSize]) {
                    keptRows += rows
                } else {
                    spareRows += rows
                }
            }
            rounds += 1
        } while dynamicSampling && keptRows.count < prompts * groupSize && rounds < maxRounds
        guard let all else { preconditionFailure("at least one round is drawn") }
        // Fill up with dropped groups when too few had any spread (they add no gradient).
        guard dynamicSampling else { return (all, texts, scores, prompts, scores) }
        let rows = Array((keptRows + spareRows).prefix(prompts * groupSize))
        return (all.selecting(rows), rows.map { texts[$0] }, rows.map { scores[$0] }, all.count / groupSize, scores)
    }
}
