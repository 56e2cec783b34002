// The Policy abstraction every reward trainer works through: sample completions with their
// per-token log-probabilities, and give the log-probabilities of given completions (recorded for
// gradients). A completion is a token sequence with a mask of the positions that count, so a
// sequence policy (a micro-GPT writing characters until it stops) fits the same shape as the toy
// MLP policy, whose completions are always two tokens: [format token, answer token].
import Autograd
import NeuralNets

/// Sampled completions: `count` rows of `width` token positions, row-major.
public struct Completions {
    /// The question each row answers (rows of one question are consecutive: a group).
    public var questions: [Question]
    /// Token positions per row (the longest completion).
    public let width: Int
    /// [count · width] token ids (0 where masked).
    public var tokens: [Int]
    /// [count · width] 1 for a position the completion has, 0 for padding after it ends.
    public var mask: [Float]
    /// [count · width] log-probability of each token under the policy that sampled it (0 where masked).
    public var logProbabilities: [Float]

    public init(questions: [Question], width: Int, tokens: [Int], mask: [Float], logProbabilities: [Float]) {
        precondition(tokens.count == questions.count * width && mask.count == tokens.count
                     && logProbabilities.count == tokens.count, "completions: one row of width tokens per question")
        self.questions = questions
        self.width = width
        self.tokens = tokens
        self.mask = mask
        self.logProbabilities = logProbabilities
    }

    /// Number of completions.
    public var count: Int { questions.count }

    /// Row `row`'s tokens (only the unmasked positions).
    public func tokens(row: Int) -> [Int] {
        (0 ..< width).filter { mask[row * width + $0] > 0 }.map { tokens[row * width + $0] }
    }

    /// Row `row`'s length (unmasked positions).
    public func length(row: Int) -> Int { (0 ..< width).filter { mask[row * width + $0] > 0 }.count }

    /// The sequence log-probability of row `row` (the sum over its tokens) from `perToken` values.
    public func sequenceSum(_ perToken: [Float], row: Int) -> Double {
        (0 ..< width).reduce(0) { $0 + Double(perToken[row * width + $1] * mask[row * width + $1]) }
    }

    /// The rows at `rows`, in that order.
    public func selecting(_ rows: [Int]) -> Completions {
        let pick: ([Float]) -> [Float] = { values in rows.flatMap { values[$0 * width ..< ($0 + 1) * width] } }
        return Completions(questions: rows.map { questions[$0] }, width: width,
                           tokens: rows.flatMap { tokens[$0 * width ..< ($0 + 1) * width] },
                           mask: pick(mask), logProbabilities: pick(logProbabilities))
    }

    /// These rows followed by `other`'s (same width).
    public func appending(_ other: Completions) -> Completions {
        precondition(other.width == width, "completions of different widths")
        return Completions(questions: questions + other.questions, width: width, tokens: tokens + other.tokens,
                           mask: mask + other.mask, logProbabilities: logProbabilities + other.logProbabilities)
    }
}

/// The per-token log-probabilities of completions under a policy, and the entropy of each
/// position's distribution (for the entropy metric).
public struct TokenLogProbabilities {
    /// [count, width], recorded for gradients when grad mode is on (0 where masked).
    public let values: Tensor
    /// [count · width] entropy in nats of the distribution each token was drawn from.
    public let entropy: [Float]

    public init(values: Tensor, entropy: [Float]) {
        self.values = values
        self.entropy = entropy
    }
}

/// A policy trained from rewards.
public protocol Policy: AnyObject {
    /// The module holding the trained parameters (what the trainer and optimizer see).
    var module: any Module { get }
    /// "mlp_policy(addition(digits=1), hidden=64)".
    var summary: String { get }
    /// Whether completions vary in length (then the trainers report `length`).
    var hasVariableLength: Bool { get }
    /// `perQuestion` completions for each question, group-major, drawn at `temperature`.
    func sample(_ questions: [Question], perQuestion: Int, temperature: Float,
                generator: inout SeededGenerator) throws -> Completions
    /// The log-probabilities of `completions`' tokens under the current parameters at `temperature`.
    func logProbabilities(of completions: Completions, temperature: Float) throws -> TokenLogProbabilities
    /// The text row `row` of `completions` reads as (what the reward rules check).
    func text(of completions: Completions, row: Int) -> String
    /// A copy that does not train: the frozen reference of the KL term.
    func frozenCopy() throws -> any Policy
}
