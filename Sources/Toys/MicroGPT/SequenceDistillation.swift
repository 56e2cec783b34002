// Sequence distillation as R1-Distill did it: the teacher writes `samples` completions of each
// prompt, a filter keeps the ones the reward rules accept (R1 kept only correct reasoning
// samples), and the student is fine-tuned on the kept prompt + completion texts by plain
// next-token cross-entropy on the completion tokens (the prompt is given, not learned). The
// teacher is sampled once, up front; each step then draws a batch of kept sequences.
import Autograd
import NeuralNets

/// The teacher's sampled completions, split by the filter.
public struct DistillationSamples {
    /// The kept completions (questions and masked tokens), what the student learns from.
    public let kept: Completions
    /// The text of each kept completion.
    public let keptTexts: [String]
    /// The text of each rejected completion, with its question's prompt.
    public let rejected: [(prompt: String, text: String)]
    /// The teacher's tokenizer (the kept tokens' meaning).
    public let tokenizer: CharTokenizer
    /// Completions drawn in all (kept + rejected).
    public var drawn: Int { kept.count + rejected.count }
}

/// Which of the teacher's completions the student learns from.
public enum DistillationFilter {
    /// Every completion.
    case none
    /// The completions whose rule checks are all 1 (accuracy and format): R1's rejection sampling.
    case rules(any RewardTask)
    /// A learner's own test of (question, text).
    case custom(name: String, (Question, String) throws -> Bool)

    public var summary: String {
        switch self {
        case .none: "none"
        case .rules(let task): "\(task.summary) rules"
        case .custom(let name, _): name
        }
    }

    func accepts(_ question: Question, _ text: String) throws -> Bool {
        switch self {
        case .none: return true
        case .rules(let task):
            let checks = task.check(question, text: text)
            return checks.accuracy == 1 && checks.format == 1
        case .custom(_, let test): return try test(question, text)
        }
    }
}

public enum SequenceDistillation {
    /// Samples `samples` completions of every question from `teacher` (evaluation mode, no
    /// gradients) and splits them with `filter`.
    public static func collect(teacher: SequencePolicy, questions: [Question], samples: Int, temperature: Float,
                               filter: DistillationFilter, seed: UInt64) throws -> DistillationSamples {
        guard !questions.isEmpty else { throw TensorError.invalidArgument(op: "distill_sequences", reason: "there are no prompts") }
        guard (1 ... 1000).contains(samples) else {
            throw TensorError.invalidArgument(op: "distill_sequences", reason: "samples = \(samples) must be 1 to 1000")
        }
        var generator = SeededGenerator(seed: seed)
        let all = try withNoGrad { try teacher.sample(questions, perQuestion: samples, temperature: temperature, generator: &generator) }
        var keptRows: [Int] = [], keptTexts: [String] = [], rejected: [(prompt: String, text: String)] = []
        for row in 0 ..< all.count {
            let text = teacher.text(of: all, row: row)
            if try filter.accepts(all.questions[row], text) {
                keptRows.append(row)
                keptTexts.append(text)
            } else {
                rejected.append((all.questions[row].prompt, text))
            }
        }
        return DistillationSamples(kept: all.selecting(keptRows), keptTexts: keptTexts, rejected: rejected, tokenizer: teacher.tokenizer)
    }
}

/// Next-token cross-entropy of the student on batches of the kept completions (completion
/// tokens only, each token weighted equally), with the share of those tokens it predicts best.
public final class SequenceDistillationObjective: Objective {
    public let student: SequencePolicy
    public let samples: DistillationSamples
    private var sampler: BatchSampler

    public init(student: SequencePolicy, samples: DistillationSamples, batchSize: Int = 32, seed: UInt64 = 0) throws {
        guard samples.kept.count > 0 else {
            throw TensorError.invalidArgument(op: "distill_sequences", reason:
                "the filter kept none of the teacher's \(samples.drawn) completions; there is nothing to learn from")
        }
        guard student.tokenizer == samples.tokenizer else {
            throw TensorError.invalidArgument(op: "distill_sequences", reason:
                "the student's tokenizer (\(student.tokenizer.size) tokens) is not the teacher's (\(samples.tokenizer.size)); their token ids would not mean the same")
        }
        self.student = student
        self.samples = samples
        sampler = try BatchSampler(rowCount: samples.kept.count, batchSize: Swift.min(batchSize, samples.kept.count), seed: seed)
    }

    public var name: String { "next_token" }
    /// Sequences per step.
    public var batchSize: Int { sampler.batchSize }

    public func loss(model: any Module, step: Int) throws -> ObjectiveLoss {
        let batch = samples.kept.selecting(sampler.next())
        let logProbabilities = try student.logProbabilities(of: batch, temperature: 1)
        let tokens = batch.mask.reduce(0, +)
        let loss = try -logProbabilities.values.sum() * (1 / Swift.max(tokens, 1))
        return ObjectiveLoss(loss: loss, metrics: [Metric("tokens", Double(tokens) / Double(batch.count))])
    }
}
