// Countdown in miniature (science.md §C.8 / §D.3 GRPO-3): combine the given numbers, each once,
// with + − × to reach the target. A token policy picks one expression from a template grammar
// (left-nested, every order of the numbers, every choice of operators); the reward is TinyZero's
// `compute_score` on the text: 0 with no <answer> block, 0.1 (format credit) for a block whose
// equation is wrong, 1.0 for a right one. As rules: format 0.1 + accuracy 0.9.
import Autograd

/// `countdown(numbers=3, max=9)`.
public final class CountdownTask: TokenAnswerTask {
    /// How many numbers each question gives (2 … 4).
    public let numberCount: Int
    /// The largest number (numbers are 1 … max).
    public let largest: Int
    /// Targets are kept in 1 … maxTarget so that two digits encode them.
    public let maxTarget = 99
    /// Each template: an order of the number positions and the operators between them.
    private let templates: [(order: [Int], operators: [Character])]

    public init(numbers: Int = 3, max: Int = 9) throws {
        guard (2 ... 4).contains(numbers) else {
            throw TensorError.invalidArgument(op: "countdown", reason: "numbers = \(numbers) must be 2, 3 or 4")
        }
        guard (2 ... 20).contains(max) else {
            throw TensorError.invalidArgument(op: "countdown", reason: "max = \(max) must be between 2 and 20")
        }
        numberCount = numbers
        largest = max
        var templates: [(order: [Int], operators: [Character])] = []
        let operatorChoices: [Character] = ["+", "-", "*"]
        for order in CountdownTask.permutations(Array(0 ..< numbers)) {
            var operators: [[Character]] = [[]]
            for _ in 1 ..< numbers { operators = operators.flatMap { prefix in operatorChoices.map { prefix + [$0] } } }
            templates += operators.map { (order, $0) }
        }
        self.templates = templates
    }

    public var summary: String { "countdown(numbers=\(numberCount), max=\(largest))" }

    /// The question with `numbers` and `target` (for a learner's own).
    public func question(numbers: [Int], target: Int) -> Question {
        Question(operands: numbers, target: target,
                 prompt: "[" + numbers.map(String.init).joined(separator: ", ") + "] → \(target)")
    }

    /// Numbers 1 … max, and the value of a random template on them as the target (kept in 1 … 99).
    public func questions(count: Int, generator: inout SeededGenerator) -> [Question] {
        var result: [Question] = []
        while result.count < count {
            let numbers = (0 ..< numberCount).map { _ in 1 + generator.nextInt(below: largest) }
            let token = generator.nextInt(below: templates.count)
            guard let value = CountdownTask.evaluate(expression(token, numbers)), value == value.rounded(),
                  value >= 1, value <= Double(maxTarget) else { continue }
            result.append(question(numbers: numbers, target: Int(value)))
        }
        return result
    }

    public var allQuestions: [Question]? { nil }

    /// One-hot of each number, then of the target's tens and units digits.
    public var inputDimensions: Int { numberCount * largest + 20 }

    public func features(_ question: Question) -> [Float] {
        var values = [Float](repeating: 0, count: inputDimensions)
        for (index, number) in question.operands.prefix(numberCount).enumerated() where (1 ... largest).contains(number) {
            values[index * largest + number - 1] = 1
        }
        let target = Swift.max(0, Swift.min(question.target, maxTarget))
        values[numberCount * largest + target / 10] = 1
        values[numberCount * largest + 10 + target % 10] = 1
        return values
    }

    public var answerCount: Int { templates.count }

    public func answerText(_ token: Int, for question: Question) -> String { expression(token, question.operands) }

    /// Template `token` written with `numbers`: "(3 + 4) * 2".
    private func expression(_ token: Int, _ numbers: [Int]) -> String {
        let template = templates[Swift.max(0, Swift.min(token, templates.count - 1))]
        var text = String(numbers[template.order[0]])
        for (index, position) in template.order.dropFirst().enumerated() {
            if index > 0 { text = "(" + text + ")" }
            text += " \(template.operators[index]) \(numbers[position])"
        }
        return text
    }

    public func check(_ question: Question, text: String) -> RuleChecks {
        let score = CountdownTask.computeScore(text, numbers: question.operands, target: question.target)
        return RuleChecks(accuracy: score == 1 ? 1 : 0, format: score > 0 ? 1 : 0)
    }

    public var defaultWeights: [(name: String, weight: Double)] { [("accuracy", 0.9), ("format", 0.1)] }

    // MARK: - TinyZero's compute_score

    /// 0 when the last line has no <answer>…</answer>; 0.1 when its last block's equation does not
    /// use each number exactly once, has other characters, does not evaluate or misses the target;
    /// 1.0 when it reaches the target (within 1e-5).
    public static func computeScore(_ text: String, numbers: [Int], target: Int, formatScore: Double = 0.1) -> Double {
        guard let equation = lastAnswer(in: text) else { return 0 }
        let used = equation.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        guard used.sorted() == numbers.sorted(),
              equation.allSatisfy({ $0.isNumber || "+-*/(). ".contains($0) || $0.isWhitespace }),
              let value = evaluate(equation), abs(value - Double(target)) < 1e-5 else { return formatScore }
        return 1
    }

    /// The trimmed content of the last `<answer>…</answer>` (shortest match) on the text's last line.
    static func lastAnswer(in text: String) -> String? {
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        var found: String?
        var rest = Substring(line)
        while let open = rest.range(of: "<answer>"), let close = rest[open.upperBound...].range(of: "</answer>") {
            found = String(rest[open.upperBound ..< close.lowerBound]).trimmingWhitespace()
            rest = rest[close.upperBound...]
        }
        return found
    }

    // MARK: - Arithmetic

    /// The value of an expression of numbers, + − * /, parentheses and spaces; nil when it does not parse
    /// or divides by zero.
    public static func evaluate(_ expression: String) -> Double? {
        var parser = ExpressionParser(Array(expression.filter { !$0.isWhitespace }))
        guard let value = parser.sum(), parser.atEnd, value.isFinite else { return nil }
        return value
    }

    private static func permutations(_ items: [Int]) -> [[Int]] {
        guard items.count > 1 else { return [items] }
        return items.indices.flatMap { index -> [[Int]] in
            var rest = items
            let first = rest.remove(at: index)
            return permutations(rest).map { [first] + $0 }
        }
    }
}

/// sum → product (("+" | "-") product)* ; product → factor (("*" | "/") factor)* ;
/// factor → number | "(" sum ")" | "-" factor
private struct ExpressionParser {
    let characters: [Character]
    var position = 0
    init(_ characters: [Character]) { self.characters = characters }

    var atEnd: Bool { position == characters.count }

    mutating func sum() -> Double? {
        guard var value = product() else { return nil }
        while position < characters.count, characters[position] == "+" || characters[position] == "-" {
            let symbol = characters[position]
            position += 1
            guard let right = product() else { return nil }
            value = symbol == "+" ? value + right : value - right
        }
        return value
    }

    mutating func product() -> Double? {
        guard var value = factor() else { return nil }
        while position < characters.count, characters[position] == "*" || characters[position] == "/" {
            let symbol = characters[position]
            position += 1
            guard let right = factor() else { return nil }
            if symbol == "/" && right == 0 { return nil }
            value = symbol == "*" ? value * right : value / right
        }
        return value
    }

    mutating func factor() -> Double? {
        guard position < characters.count else { return nil }
        if characters[position] == "(" {
            position += 1
            guard let value = sum(), position < characters.count, characters[position] == ")" else { return nil }
            position += 1
            return value
        }
        if characters[position] == "-" {
            position += 1
            return factor().map { -$0 }
        }
        let start = position
        while position < characters.count, characters[position].isNumber || characters[position] == "." { position += 1 }
        return position > start ? Double(String(characters[start ..< position])) : nil
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}
