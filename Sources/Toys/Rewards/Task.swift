// What a reward task is: seeded questions, the answers a token policy can give, how a sample is
// rendered as text, and the two rule checks on that text (R1-Zero's accuracy and format rules).
// Rules read only the text, so a sequence policy that writes characters is scored the same way.
import Autograd

/// One question of a task: its numbers, the value to reach, and a prompt for display.
public struct Question: Sendable, Hashable, CustomStringConvertible {
    /// Addition: [a, b]. Countdown: the numbers to combine.
    public let operands: [Int]
    /// Addition: a + b. Countdown: the target.
    public let target: Int
    /// How the question reads: "3 + 4", "[3, 5, 2] → 16".
    public let prompt: String

    public init(operands: [Int], target: Int, prompt: String) {
        self.operands = operands
        self.target = target
        self.prompt = prompt
    }

    public var description: String { prompt }
}

/// The two rule checks of one sample's text, each 0 or 1.
public struct RuleChecks: Sendable, Equatable {
    /// 1 when the answer is right (and well formatted).
    public var accuracy: Double
    /// 1 when the format is right.
    public var format: Double

    public init(accuracy: Double, format: Double) {
        self.accuracy = accuracy
        self.format = format
    }
}

/// A task a policy is rewarded on: seeded questions and the rule checks of a sample's text. Any
/// policy that writes text can be scored on it (the micro-GPT's `SequencePolicy` on arithmetic).
public protocol RewardTask: AnyObject {
    /// "addition(digits=1)".
    var summary: String { get }
    /// `count` questions drawn from `generator`.
    func questions(count: Int, generator: inout SeededGenerator) -> [Question]
    /// Every question the task can ask, when there are few enough to list (nil otherwise).
    var allQuestions: [Question]? { get }
    /// The rule checks of a sample's text.
    func check(_ question: Question, text: String) -> RuleChecks
    /// The rule weights this task uses by default: R1's equal weights for addition, TinyZero's
    /// 0.1 for format and 0.9 more for a right answer in countdown.
    var defaultWeights: [(name: String, weight: Double)] { get }
}

/// A task a token policy (the toy MLP) answers with two tokens: a format token (how the answer is
/// wrapped, `AnswerFormat`) and an answer token (one of `answerCount`).
public protocol TokenAnswerTask: RewardTask {
    /// Width of `features(_:)`.
    var inputDimensions: Int { get }
    /// The question as numbers for an MLP policy (one-hot codes).
    func features(_ question: Question) -> [Float]
    /// Number of answer tokens.
    var answerCount: Int { get }
    /// What answer token `token` writes for `question`: "7", "(3 + 4) * 2".
    func answerText(_ token: Int, for question: Question) -> String
}

extension TokenAnswerTask {
    /// The text of a two-token sample: the answer wrapped by the format token.
    public func render(format: Int, answer: Int, for question: Question) -> String {
        AnswerFormat.render(format, answerText(answer, for: question))
    }

    /// The answer tokens that are right for `question` (the correct answer, as the rules judge it).
    public func correctAnswers(for question: Question) -> [Int] {
        (0 ..< answerCount).filter { check(question, text: AnswerFormat.render(0, answerText($0, for: question))).accuracy == 1 }
    }
}

/// The five ways a token policy can wrap its answer. Only the first is R1's format; the others are
/// the mistakes the issue trackers report rule rewards meeting: no tags, an unclosed tag, two
/// answer blocks (open-r1#418), a label instead of tags.
public enum AnswerFormat {
    /// Number of format tokens.
    public static let count = 5

    /// The text of `answer` wrapped by format token `token` (0 is `<answer>…</answer>`).
    public static func render(_ token: Int, _ answer: String) -> String {
        switch token {
        case 0: "<answer>\(answer)</answer>"
        case 1: answer
        case 2: "<answer>\(answer)"
        case 3: "<answer>\(answer)</answer> <answer>\(answer)</answer>"
        default: "answer: \(answer)"
        }
    }
}
