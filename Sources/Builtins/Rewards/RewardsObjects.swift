// The script objects of the reward builtins: tasks and their questions, the policy and its
// samples, and the reward trainers (reinforce, grpo) with their inspection members. The builtins
// that create them are in RewardsBuiltins.swift; the library is Toys/Rewards.

import Autograd
import Foundation
import NeuralNets
import Script
import Toys

// MARK: - Questions and tasks

/// One question of a task.
final class QuestionObject: NativeObject {
    let question: Question
    let task: any RewardTask
    init(_ question: Question, task: any RewardTask) {
        self.question = question
        self.task = task
    }

    var typeName: String { "question" }
    var memberNames: [String] { ["prompt", "operands", "target", "answers"] }
    var repr: String { "question(\(question.prompt))" }
    var help: String {
        """
        question: one question of \(task.summary).
          q = add.question(3, 4); q.prompt; q.target; q.answers
        properties: prompt, operands (the numbers), target (the sum, or countdown's value to reach),
          answers (the texts the rules accept as right)
        """
    }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "prompt": return .string(question.prompt)
        case "operands": return integerList(question.operands)
        case "target": return .number(Double(question.target))
        case "answers":
            guard let task = task as? any TokenAnswerTask else { return .list(ListObject([.string(String(question.target))])) }
            return .list(ListObject(task.correctAnswers(for: question).map { .string(task.answerText($0, for: question)) }))
        default: return nil
        }
    }
}

/// `addition(…)`, `countdown(…)`.
final class TaskObject: NativeObject {
    let task: any RewardTask
    init(_ task: any RewardTask) { self.task = task }

    var typeName: String { "task" }
    var memberNames: [String] { ["questions", "question", "all", "check", "render", "answer_count", "formats", "weights"] }
    var repr: String {
        guard let task = task as? any TokenAnswerTask else { return "\(task.summary): answers written as text in R1's template" }
        return "\(task.summary): \(task.answerCount) answers × \(AnswerFormat.count) formats"
    }
    var help: String {
        """
        task \(task.summary): seeded questions, the rule checks of an answer's text, and how a sample reads.
          qs = add.questions(32, seed=0); add.check(qs[0], "<answer>7</answer>"); add.render(qs[0], 0, 7)
        properties: all (every question, when few enough), answer_count, formats (the 5 ways to wrap an answer;
          only the first is the right format), weights (the default reward weights)
        methods: questions(n, seed=), question(a, b) (addition) / question(numbers, target) (countdown),
          check(question, text) (a dict: accuracy, format, reward), render(question, format, answer)
        """
    }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "answer_count": return (task as? any TokenAnswerTask).map { .number(Double($0.answerCount)) } ?? .null
        case "formats": return .list(ListObject((0 ..< AnswerFormat.count).map { .string(AnswerFormat.render($0, "X")) }))
        case "weights": return .dict(DictObject(task.defaultWeights.map { ($0.name, .number($0.weight)) }))
        case "all":
            guard let all = task.allQuestions else { return .null }
            return questionList(all)
        case "questions":
            return boundMethod("task", "questions", help: "task.questions(n, seed=): n questions drawn with seed.\n  qs = add.questions(8, seed=1)") { arguments in
                try arguments.rejectUnknownNames(["n", "seed"])
                let count = try arguments.integer(at: 0, named: "n")
                guard count >= 0, count <= 100_000 else { throw NativeError("questions: n must be between 0 and 100000, got \(count)") }
                var generator = SeededGenerator(seed: UInt64(try arguments.integer(named: "seed", default: 0).magnitude))
                return self.questionList(self.task.questions(count: count, generator: &generator))
            }
        case "question":
            return boundMethod("task", "question", help: "add.question(a, b) or cd.question(numbers, target): a question of your own.\n  q = add.question(3, 4)") { arguments in
                try arguments.rejectUnknownNames([])
                try arguments.expectCount(2)
                return .object(QuestionObject(try self.ownQuestion(arguments), task: self.task))
            }
        case "check":
            return boundMethod("task", "check", help: "task.check(question, text): the rule checks of an answer's text and the default reward.\n  add.check(add.question(3, 4), \"<answer>7</answer>\")") { arguments in
                try arguments.rejectUnknownNames([])
                try arguments.expectCount(2)
                let question = try RewardValues.question(try arguments.require(at: 0, named: "question"), "check")
                let text = try arguments.string(at: 1, named: "text")
                let score = try RewardFunction.weighted(self.task.defaultWeights)
                    .score(Sample(question: question, tokens: [], text: text), task: self.task)
                return RewardValues.scoreDict(score)
            }
        case "render":
            return boundMethod("task", "render", help: "task.render(question, format, answer): the text of a sample with that format token (0 … 4) and answer token.\n  add.render(add.question(3, 4), 0, 7)") { arguments in
                try arguments.rejectUnknownNames([])
                try arguments.expectCount(3)
                let question = try RewardValues.question(try arguments.require(at: 0, named: "question"), "render")
                let format = try arguments.integer(at: 1, named: "format")
                let answer = try arguments.integer(at: 2, named: "answer")
                guard let task = self.task as? any TokenAnswerTask else {
                    throw NativeError("render: \(self.task.summary) has no answer tokens; its samples are written text")
                }
                guard (0 ..< AnswerFormat.count).contains(format) else { throw NativeError("render: format must be 0 … 4, got \(format)") }
                guard (0 ..< task.answerCount).contains(answer) else {
                    throw NativeError("render: answer must be 0 … \(task.answerCount - 1), got \(answer)")
                }
                return .string(task.render(format: format, answer: answer, for: question))
            }
        default: return nil
        }
    }

    func questionList(_ questions: [Question]) -> Value {
        .list(ListObject(questions.map { .object(QuestionObject($0, task: task)) }))
    }

    private func ownQuestion(_ arguments: Arguments) throws -> Question {
        switch task {
        case let addition as AdditionTask:
            let a = try arguments.integer(at: 0, named: "a"), b = try arguments.integer(at: 1, named: "b")
            guard addition.accepts(a, b) else { throw NativeError("question: \(a) and \(b) are not operands of \(task.summary)") }
            return addition.question(a, b)
        case let countdown as CountdownTask:
            let numbers = try Conversions.integers(try arguments.require(at: 0, named: "numbers"), "question", "numbers")
            guard numbers.count == countdown.numberCount, numbers.allSatisfy({ (1 ... countdown.largest).contains($0) }) else {
                throw NativeError("question: numbers must be \(countdown.numberCount) numbers in 1 … \(countdown.largest), got \(numbers)")
            }
            return countdown.question(numbers: numbers, target: try arguments.integer(at: 1, named: "target"))
        case let arithmetic as ArithmeticTask:
            let a = try arguments.integer(at: 0, named: "a"), b = try arguments.integer(at: 1, named: "b")
            let op: Character = arithmetic.ops == "-" ? "-" : "+"
            guard a >= 0, b >= 0, op == "+" || b <= a else {
                throw NativeError("question: \(a) and \(b) are not operands of \(task.summary) (whole numbers ≥ 0\(op == "-" ? ", b ≤ a" : ""))")
            }
            return arithmetic.question(ArithmeticProblem(a, op, b))
        default:
            throw NativeError("question: \(task.summary) has no questions of your own")
        }
    }
}

// MARK: - Samples

/// One sampled completion.
func sampleObject(_ sample: Sample, logProbability: Double, task: any RewardTask) -> RecordObject {
    RecordObject(typeName: "sample", repr: "sample(\"\(sample.text)\", log_prob \(StepRecord.format(logProbability)))", help: """
        sample: one completion a policy wrote.
          s = samples[0]; s.text; s.tokens; s.log_prob
        properties: text, tokens ([format, answer] for an mlp policy), log_prob (of the whole completion when sampled), question
        """, fields: [
            ("text", { .string(sample.text) }),
            ("tokens", { integerList(sample.tokens) }),
            ("log_prob", { .number(logProbability) }),
            ("question", { .object(QuestionObject(sample.question, task: task)) }),
        ])
}

/// `p.sample(question, n=8)`: completions of one policy, indexable and iterable.
final class SamplesObject: NativeObject {
    let completions: Completions
    let policy: any Policy
    let task: any RewardTask
    let temperature: Float

    init(_ completions: Completions, policy: any Policy, task: any RewardTask, temperature: Float) {
        self.completions = completions
        self.policy = policy
        self.task = task
        self.temperature = temperature
    }

    var typeName: String { "samples" }
    var memberNames: [String] { ["texts", "log_probs", "tokens"] }
    var length: Int? { completions.count }
    var repr: String { "samples(" + (0 ..< completions.count).map { "\"\(policy.text(of: completions, row: $0))\"" }.joined(separator: ", ") + ")" }
    var help: String {
        """
        samples: completions a policy wrote; s[i] is one sample, `for x in s` walks them.
          s = p.sample(q, n=8, seed=1); s.texts; s.log_probs; p.log_prob(s)
        properties: texts, log_probs (each completion's log-probability when sampled), tokens
        """
    }

    func sample(_ row: Int) -> Sample {
        Sample(question: completions.questions[row], tokens: completions.tokens(row: row), text: policy.text(of: completions, row: row))
    }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "texts": return .list(ListObject((0 ..< completions.count).map { .string(policy.text(of: completions, row: $0)) }))
        case "log_probs": return numberList((0 ..< completions.count).map { completions.sequenceSum(completions.logProbabilities, row: $0) })
        case "tokens": return nestedList((0 ..< completions.count).map { completions.tokens(row: $0) }) { .number(Double($0)) }
        default: return nil
        }
    }

    func subscriptGet(_ indices: [IndexArgument]) throws -> Value {
        guard indices.count == 1, case .value(.number(let number)) = indices[0], number == number.rounded() else {
            throw NativeError("index samples with one whole number, such as s[0]")
        }
        var row = Int(number)
        if row < 0 { row += completions.count }
        guard (0 ..< completions.count).contains(row) else { throw NativeError("sample \(Int(number)) is not in 0..<\(completions.count)") }
        return .object(sampleObject(sample(row), logProbability: completions.sequenceSum(completions.logProbabilities, row: row), task: task))
    }

    func iterationElements() throws -> [Value] { try (0 ..< completions.count).map { try subscriptGet([.value(.number(Double($0)))]) } }
}

// MARK: - Shared conversions

enum RewardValues {
    /// A question argument.
    static func question(_ value: Value, _ function: String) throws -> Question {
        guard case .object(let object as QuestionObject) = value else {
            throw NativeError("\(function): expected a question (task.questions(…)[0] or task.question(…)), got \(value.typeAndValue)")
        }
        return object.question
    }

    /// One question or a list of them.
    static func questions(_ value: Value, _ function: String) throws -> [Question] {
        if case .list(let list) = value { return try list.elements.map { try question($0, function) } }
        return [try question(value, function)]
    }

    static func scoreDict(_ score: RewardScore) -> Value {
        .dict(DictObject([("accuracy", .number(score.checks.accuracy)), ("format", .number(score.checks.format)),
                          ("reward", .number(score.reward))]))
    }
}
