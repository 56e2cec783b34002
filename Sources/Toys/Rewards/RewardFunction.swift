// How a sample's reward is computed: R1-Zero's rule rewards (accuracy and format, each checked by
// a rule on the text, combined with weights: "the same weight" in R1), or a learner's own function.

/// One sample as a reward function sees it.
public struct Sample {
    /// The question it answers.
    public let question: Question
    /// Its tokens (unmasked positions).
    public let tokens: [Int]
    /// Its text.
    public let text: String

    public init(question: Question, tokens: [Int], text: String) {
        self.question = question
        self.tokens = tokens
        self.text = text
    }
}

/// One sample's scores: the rule checks (always computed, for the metrics) and the reward.
public struct RewardScore: Sendable, Equatable {
    public var checks: RuleChecks
    public var reward: Double
}

/// The reward of a sample.
public enum RewardFunction {
    /// Σ weight · rule, over the rules "accuracy" and "format".
    case rules([(name: String, weight: Double)])
    /// A function of the sample (a Seek closure): any number.
    case custom(name: String, (Sample) throws -> Double)

    /// The rules with their weights, after checking the names.
    public static func weighted(_ weights: [(name: String, weight: Double)]) throws -> RewardFunction {
        for (name, weight) in weights {
            guard name == "accuracy" || name == "format" else {
                throw RewardError.invalid("weights: no rule \"\(name)\"; the rules are \"accuracy\" and \"format\"")
            }
            guard weight.isFinite else { throw RewardError.invalid("weights: \(name) = \(weight) must be a finite number") }
        }
        return .rules(weights)
    }

    /// "accuracy + format", "0.9·accuracy + 0.1·format", or the function's name.
    public var summary: String {
        switch self {
        case .rules(let weights):
            weights.map { $0.weight == 1 ? $0.name : "\(formatWeight($0.weight))·\($0.name)" }.joined(separator: " + ")
        case .custom(let name, _): name
        }
    }

    /// The score of `sample` on `task`.
    public func score(_ sample: Sample, task: any RewardTask) throws -> RewardScore {
        let checks = task.check(sample.question, text: sample.text)
        switch self {
        case .rules(let weights):
            let reward = weights.reduce(0.0) { total, rule in
                total + rule.weight * (rule.name == "accuracy" ? checks.accuracy : checks.format)
            }
            return RewardScore(checks: checks, reward: reward)
        case .custom(let name, let function):
            let reward = try function(sample)
            guard reward.isFinite else { throw RewardError.invalid("the reward function \(name) returned \(reward) for \"\(sample.text)\"; it must return a finite number") }
            return RewardScore(checks: checks, reward: reward)
        }
    }
}

private func formatWeight(_ weight: Double) -> String {
    weight == weight.rounded() && abs(weight) < 1e6 ? String(Int(weight)) : String(weight)
}

/// A bad reward setting or value.
public enum RewardError: Error, CustomStringConvertible {
    case invalid(String)
    public var description: String { if case .invalid(let message) = self { message } else { "" } }
}
