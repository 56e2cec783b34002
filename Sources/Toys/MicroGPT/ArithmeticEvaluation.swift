// Held-out accuracy of a micro-GPT on arithmetic: greedy completions of each prompt, the answer
// read from the <answer> tag, and the tokens each answer cost (the inference compute that
// thinking spends).
import Autograd

/// How a model did on a set of arithmetic prompts.
public struct ArithmeticScore: Sendable, CustomStringConvertible {
    /// Each completion's text (up to and including <eos>, or cut at the token limit).
    public let completions: [String]
    /// Whether each answer tag held the right number.
    public let correct: [Bool]
    /// Whether each completion followed the template (answer tag closed, then <eos>).
    public let wellFormed: [Bool]
    /// Tokens generated for each completion.
    public let tokens: [Int]

    /// Share of correct answers.
    public var accuracy: Double { share(correct) }
    /// Share of completions in the template.
    public var formatRate: Double { share(wellFormed) }
    /// Mean tokens generated per answer.
    public var meanTokens: Double { tokens.isEmpty ? 0 : Double(tokens.reduce(0, +)) / Double(tokens.count) }

    private func share(_ flags: [Bool]) -> Double {
        flags.isEmpty ? 0 : Double(flags.filter { $0 }.count) / Double(flags.count)
    }

    public var description: String {
        "accuracy \(StepRecord.format(accuracy)) on \(correct.count) problems, format \(StepRecord.format(formatRate)), "
            + "\(StepRecord.format(meanTokens)) tokens per answer"
    }
}

extension ArithmeticProblem {
    /// The text inside the first <answer>…</answer> of `completion`, or nil.
    public static func answer(in completion: String) -> String? {
        guard let open = completion.range(of: "<answer>"),
              let close = completion.range(of: "</answer>", range: open.upperBound ..< completion.endIndex) else { return nil }
        return String(completion[open.upperBound ..< close.lowerBound])
    }

    /// Whether `completion` is `[<think>…</think>]<answer>…</answer><eos>` with nothing else.
    public static func isWellFormed(_ completion: String) -> Bool {
        var rest = Substring(completion)
        if rest.hasPrefix("<think>") {
            guard let close = rest.range(of: "</think>") else { return false }
            rest = rest[close.upperBound...]
        }
        guard rest.hasPrefix("<answer>"), let close = rest.range(of: "</answer>") else { return false }
        return rest[close.upperBound...] == "<eos>"
    }
}

extension ArithmeticSet {
    /// Greedy completions of every prompt by `model` (at most `maxNew` tokens each, stopping at <eos>).
    public func evaluate(model: MicroGPT, tokenizer: CharTokenizer, maxNew: Int? = nil) throws -> ArithmeticScore {
        guard let end = tokenizer.id(of: "<eos>") else {
            throw TensorError.invalidArgument(op: "accuracy", reason: "the tokenizer has no <eos> token")
        }
        var completions: [String] = [], correct: [Bool] = [], wellFormed: [Bool] = [], tokens: [Int] = []
        for problem in problems {
            let prompt = try tokenizer.encode(problem.prompt)
            let limit = maxNew ?? Swift.max(1, model.config.context + 1 - prompt.count)
            let produced = try model.generate(prompt: prompt, maxNew: limit,
                                              options: SamplingOptions(temperature: 0, stop: end), seed: 0)
            let text = try tokenizer.decode(produced)
            completions.append(text)
            correct.append(ArithmeticProblem.answer(in: text) == problem.answer)
            wellFormed.append(ArithmeticProblem.isWellFormed(text))
            tokens.append(produced.count)
        }
        return ArithmeticScore(completions: completions, correct: correct, wellFormed: wellFormed, tokens: tokens)
    }

    /// The problems for which `keep` holds (e.g. those with a carry).
    public func filter(_ keep: (ArithmeticProblem) -> Bool) -> ArithmeticSet {
        ArithmeticSet(problems: problems.filter(keep), think: think)
    }
}
