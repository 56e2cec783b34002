// Addition with a format token (science.md §D.3, GRPO-1): questions a + b with a, b of `digits`
// digits; the answer tokens are the sums 0 … 2·(10^digits − 1). Reward rules: accuracy is 1 when
// the format is right and the answer is a + b; format is 1 for exactly one <answer> block.
import Autograd

/// `addition(digits=1)`.
public final class AdditionTask: TokenAnswerTask {
    /// Digits per operand (1 … 3).
    public let digits: Int
    private let limit: Int

    /// Operands of `digits` digits (1 … 3).
    public init(digits: Int = 1) throws {
        guard (1 ... 3).contains(digits) else {
            throw TensorError.invalidArgument(op: "addition", reason: "digits = \(digits) must be 1, 2 or 3")
        }
        self.digits = digits
        var power = 1
        for _ in 0 ..< digits { power *= 10 }
        limit = power
    }

    public var summary: String { "addition(digits=\(digits))" }

    /// The question a + b.
    public func question(_ a: Int, _ b: Int) -> Question {
        Question(operands: [a, b], target: a + b, prompt: "\(a) + \(b)")
    }

    /// Whether a and b are operands of this task.
    public func accepts(_ a: Int, _ b: Int) -> Bool { (0 ..< limit).contains(a) && (0 ..< limit).contains(b) }

    public func questions(count: Int, generator: inout SeededGenerator) -> [Question] {
        (0 ..< count).map { _ in
            let a = generator.nextInt(below: limit)
            return question(a, generator.nextInt(below: limit))
        }
    }

    public var allQuestions: [Question]? {
        limit * limit > 10_000 ? nil : (0 ..< limit).flatMap { a in (0 ..< limit).map { question(a, $0) } }
    }

    /// One-hot of every digit of a, then of b: 20 numbers for one digit, as in the reference.
    public var inputDimensions: Int { 2 * digits * 10 }

    public func features(_ question: Question) -> [Float] {
        var values = [Float](repeating: 0, count: inputDimensions)
        for (operandIndex, operand) in question.operands.prefix(2).enumerated() {
            var rest = operand
            for digit in 0 ..< digits {
                values[(operandIndex * digits + digit) * 10 + rest % 10] = 1
                rest /= 10
            }
        }
        return values
    }

    public var answerCount: Int { 2 * (limit - 1) + 1 }

    public func answerText(_ token: Int, for question: Question) -> String { String(token) }

    public func check(_ question: Question, text: String) -> RuleChecks {
        guard let answer = FormatRule.answer(in: text) else { return RuleChecks(accuracy: 0, format: 0) }
        return RuleChecks(accuracy: Int(answer) == question.target ? 1 : 0, format: 1)
    }

    public var defaultWeights: [(name: String, weight: Double)] { [("accuracy", 1), ("format", 1)] }
}
