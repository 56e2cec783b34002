// Arithmetic in R1's template as a reward task for a policy that writes text (the micro-GPT's
// SequencePolicy): a question is the prompt "12+34=", and R1-Zero's two rules read the sampled
// completion — accuracy: the first <answer>…</answer> holds the exact result; format: the whole
// completion is the template `[<think>…</think>]<answer>…</answer><eos>` with nothing around it.
import Autograd

/// `arith_task(digits=2, ops="+", exact=false)`.
public final class ArithmeticTask: RewardTask {
    /// Digits per operand (at most).
    public let digits: Int
    /// The operators drawn ("+", "-" or "+-").
    public let ops: String
    /// Whether every operand has exactly `digits` digits (10…99 for 2), so every prompt has the
    /// same length; otherwise operands are 0 ..< 10^digits, as `arith(…)` draws them.
    public let exactDigits: Bool
    private let operators: [Character]
    private let limit: Int

    public init(digits: Int = 2, ops: String = "+", exactDigits: Bool = false) throws {
        guard (1 ... 4).contains(digits) else {
            throw TensorError.invalidArgument(op: "arith_task", reason: "digits = \(digits) must be 1 to 4 (the sequence must fit a small context)")
        }
        let operators = Array(ops)
        guard !operators.isEmpty, operators.allSatisfy({ $0 == "+" || $0 == "-" }) else {
            throw TensorError.invalidArgument(op: "arith_task", reason: "ops \"\(ops)\" must be made of + and -")
        }
        self.digits = digits
        self.ops = ops
        self.exactDigits = exactDigits
        self.operators = operators
        var limit = 1
        for _ in 0 ..< digits { limit *= 10 }
        self.limit = limit
    }

    public var summary: String { "arith_task(digits=\(digits), ops=\"\(ops)\"\(exactDigits ? ", exact=true" : ""))" }

    /// The question of one problem: operands [a, b], target the result, prompt "a op b=".
    public func question(_ problem: ArithmeticProblem) -> Question {
        Question(operands: [problem.a, problem.b], target: problem.result, prompt: problem.prompt)
    }

    /// The problem a question asks (the operator is read from the prompt).
    public func problem(_ question: Question) -> ArithmeticProblem? {
        guard question.operands.count == 2 else { return nil }
        let op: Character = question.prompt.contains("-") ? "-" : "+"
        return ArithmeticProblem(a: question.operands[0], b: question.operands[1], op: op)
    }

    public func questions(count: Int, generator: inout SeededGenerator) -> [Question] {
        let low = exactDigits && digits > 1 ? limit / 10 : 0
        return (0 ..< count).map { _ in
            let op = operators[generator.nextInt(below: operators.count)]
            var a = low + generator.nextInt(below: limit - low), b = low + generator.nextInt(below: limit - low)
            if op == "-" && b > a { swap(&a, &b) }
            return question(ArithmeticProblem(a: a, b: b, op: op))
        }
    }

    public var allQuestions: [Question]? { nil }

    /// Accuracy: the first answer tag holds the exact result. Format: the whole completion is the template.
    public func check(_ question: Question, text: String) -> RuleChecks {
        RuleChecks(accuracy: ArithmeticProblem.answer(in: text) == String(question.target) ? 1 : 0,
                   format: ArithmeticProblem.isWellFormed(text) ? 1 : 0)
    }

    /// R1-Zero's equal weights.
    public var defaultWeights: [(name: String, weight: Double)] { [("accuracy", 1), ("format", 1)] }
}

extension ArithmeticProblem {
    /// The problem a op b (op "+" or "-").
    public init(_ a: Int, _ op: Character, _ b: Int) {
        self.init(a: a, b: b, op: op)
    }
}
