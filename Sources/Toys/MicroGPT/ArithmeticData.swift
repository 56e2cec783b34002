// Arithmetic problems in DeepSeek-R1's template: `12+34=<think>…</think><answer>46</answer><eos>`.
// The think part is an optional scratch line that works the columns from the right with their
// carries (or borrows), the way a person does it on paper: 47+38 → "7+8=15,4+3+1=8".
import Autograd

/// One problem: a op b, its prompt, worked columns and answer.
public struct ArithmeticProblem: Sendable, Equatable {
    /// Left operand.
    public let a: Int
    /// Right operand.
    public let b: Int
    /// "+" or "-".
    public let op: Character

    /// The exact result.
    public var result: Int { op == "+" ? a + b : a - b }
    /// "12+34=".
    public var prompt: String { "\(a)\(op)\(b)=" }
    /// The answer text ("46").
    public var answer: String { String(result) }

    /// The column-by-column scratch line: "7+8=15,4+3+1=8" for 47+38, "12-8=4,3-1-1=1" for 32-18.
    public var thought: String {
        let left = Array(String(a).reversed()), right = Array(String(b).reversed())
        var columns: [String] = []
        var carry = 0
        for column in 0 ..< Swift.max(left.count, right.count) {
            let x = column < left.count ? Int(String(left[column])) ?? 0 : 0
            let y = column < right.count ? Int(String(right[column])) ?? 0 : 0
            if op == "+" {
                let total = x + y + carry
                columns.append("\(x)+\(y)\(carry > 0 ? "+\(carry)" : "")=\(total)")
                carry = total / 10
            } else {
                var top = x - carry
                let borrow = top < y ? 10 : 0
                top += borrow
                columns.append("\(x + borrow)-\(y)\(carry > 0 ? "-\(carry)" : "")=\(top - y)")
                carry = borrow > 0 ? 1 : 0
            }
        }
        return columns.joined(separator: ",")
    }

    /// Whether some column carries (or borrows).
    public var hasCarry: Bool {
        var x = a, y = b
        while x > 0 || y > 0 {
            if op == "+" ? x % 10 + y % 10 >= 10 : x % 10 < y % 10 { return true }
            x /= 10; y /= 10
        }
        return false
    }

    /// The completion after the prompt, ending in `<eos>`.
    public func completion(think: Bool) -> String {
        (think ? "<think>\(thought)</think>" : "") + "<answer>\(answer)</answer><eos>"
    }
}

/// A set of arithmetic problems with their texts, and the next-token dataset they make.
public struct ArithmeticSet: Sendable {
    /// The characters arithmetic texts use (with the R1 specials this is the tokenizer's vocabulary).
    public static let alphabet = "0123456789+-=,"

    /// The problems, in the order drawn.
    public let problems: [ArithmeticProblem]
    /// Whether completions contain the think part.
    public let think: Bool

    /// `count` problems with operands of 1…`digits` digits (the right operand of a subtraction
    /// at most the left), operators drawn from `ops` ("+", "-" or "+-"), from `seed`.
    public init(count: Int, digits: Int = 2, ops: String = "+", think: Bool = false, seed: UInt64) throws {
        guard count >= 1 else { throw TensorError.invalidArgument(op: "arith", reason: "n = \(count) must be at least 1") }
        guard (1 ... 4).contains(digits) else {
            throw TensorError.invalidArgument(op: "arith", reason: "digits = \(digits) must be 1 to 4 (the sequence must fit a small context)")
        }
        let operators = Array(ops)
        guard !operators.isEmpty, operators.allSatisfy({ $0 == "+" || $0 == "-" }) else {
            throw TensorError.invalidArgument(op: "arith", reason: "ops \"\(ops)\" must be made of + and -")
        }
        var limit = 1
        for _ in 0 ..< digits { limit *= 10 }
        var generator = SeededGenerator(seed: seed)
        var problems: [ArithmeticProblem] = []
        for _ in 0 ..< count {
            let op = operators[generator.nextInt(below: operators.count)]
            var a = generator.nextInt(below: limit), b = generator.nextInt(below: limit)
            if op == "-" && b > a { swap(&a, &b) }
            problems.append(ArithmeticProblem(a: a, b: b, op: op))
        }
        self.problems = problems
        self.think = think
    }

    /// A set of given problems.
    public init(problems: [ArithmeticProblem], think: Bool) {
        self.problems = problems
        self.think = think
    }

    /// The prompts ("12+34=").
    public var prompts: [String] { problems.map(\.prompt) }
    /// The answers ("46").
    public var answers: [String] { problems.map(\.answer) }
    /// Prompt + completion of every problem.
    public var texts: [String] { problems.map { $0.prompt + $0.completion(think: think) } }

    /// The tokenizer over `alphabet` and the R1 specials.
    public static func tokenizer() throws -> CharTokenizer { try CharTokenizer(text: alphabet) }

    /// Next-token data: each text encoded and padded with `<eos>` to `length` + 1 tokens (the
    /// longest text when nil); inputs are tokens 0..<length, targets tokens 1...length.
    public func dataset(tokenizer: CharTokenizer, length: Int? = nil) throws -> Dataset {
        guard let end = tokenizer.id(of: "<eos>") else {
            throw TensorError.invalidArgument(op: "arith", reason: "the tokenizer has no <eos> token to pad with")
        }
        let encoded = try texts.map { try tokenizer.encode($0) }
        let longest = encoded.map(\.count).max() ?? 1
        let total = (length ?? longest - 1) + 1
        guard total >= longest else {
            throw TensorError.invalidArgument(op: "arith", reason: "length \(total - 1) is shorter than the longest text (\(longest) tokens)")
        }
        let padded = encoded.map { $0 + [Int](repeating: end, count: total - $0.count) }
        return try TextWindows.dataset(sequences: padded)
    }
}

/// Next-token datasets from token sequences.
public enum TextWindows {
    /// Equal-length sequences → inputs [n, L-1] and targets [n, L-1] (shifted by one).
    public static func dataset(sequences: [[Int]]) throws -> Dataset {
        guard let length = sequences.first?.count, length >= 2, sequences.allSatisfy({ $0.count == length }) else {
            throw TensorError.invalidArgument(op: "dataset", reason: "token sequences must be non-empty, of equal length, at least 2 tokens")
        }
        let inputs = sequences.flatMap { $0.dropLast().map(Float.init) }
        let targets = sequences.flatMap { $0.dropFirst().map(Float.init) }
        return try Dataset(inputs: Tensor(shape: [sequences.count, length - 1], values: inputs),
                           values: Tensor(shape: [sequences.count, length - 1], values: targets))
    }

    /// Every window of `context` + 1 tokens of `tokens` starting at multiples of `stride`.
    public static func dataset(tokens: [Int], context: Int, stride: Int = 1) throws -> Dataset {
        guard context >= 1, stride >= 1 else {
            throw TensorError.invalidArgument(op: "windows", reason: "context \(context) and stride \(stride) must be at least 1")
        }
        guard tokens.count >= context + 1 else {
            throw TensorError.invalidArgument(op: "windows", reason: "the text has \(tokens.count) tokens; a window needs context + 1 = \(context + 1)")
        }
        let windows = Swift.stride(from: 0, through: tokens.count - context - 1, by: stride).map { Array(tokens[$0 ... $0 + context]) }
        return try dataset(sequences: windows)
    }
}
