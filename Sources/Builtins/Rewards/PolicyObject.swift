// `mlp_policy(task, …)` in a script: a model (adam(p) trains it) that samples answers, gives the
// log-probability of samples (recorded for gradients, for an update written by hand), and its
// table of answer probabilities per question (for a heatmap).

import Autograd
import Foundation
import NeuralNets
import Script
import Toys

/// The toy MLP policy.
final class PolicyObject: ModuleObject {
    let policy: MLPPolicy
    init(_ policy: MLPPolicy) { self.policy = policy }

    var module: any Module { policy.module }
    var typeName: String { "policy" }
    var memberNames: [String] { ["sample", "log_prob", "table", "format_probs", "task", "params", "parameters", "zero_grad"] }
    var repr: String { "\(policy.summary), \(policy.module.parameterCount) params" }
    var help: String {
        """
        policy \(policy.summary): a free format-logit vector and an MLP on the question for the answer logits
        (output layer zero at the start). A sample is two tokens: [format, answer].
          s = p.sample(q, n=8, seed=1); s.texts; lp = p.log_prob(s); heatmap(p.table(qs))
        properties: format_probs (probability of each format token), task, params
        methods: sample(question, n=8, temperature=1, seed=), log_prob(samples) (a tensor [n] of sequence
          log-probabilities, recorded for gradients), table(questions) (answer probabilities, one row per question),
          parameters(), zero_grad()
        """
    }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "params": return .number(Double(policy.module.parameterCount))
        case "task": return .object(TaskObject(policy.task))
        case "format_probs": return numberList(policy.formatProbabilities())
        case "parameters":
            return boundMethod("policy", "parameters", help: "p.parameters(): format logits, hidden weight and bias, output weight and bias.\n  p.parameters()[0]") { arguments in
                try arguments.expectCount(0)
                return .list(ListObject(self.policy.module.parameters().map(Conversions.value)))
            }
        case "zero_grad":
            return boundMethod("policy", "zero_grad", help: "p.zero_grad(): clear the gradients.\n  p.zero_grad()") { arguments in
                try arguments.expectCount(0)
                self.policy.module.zeroGrad()
                return .null
            }
        case "sample":
            return boundMethod("policy", "sample", help: "p.sample(question, n=8, temperature=1, seed=): n completions for one question (or each of a list).\n  s = p.sample(add.question(3, 4), n=8, seed=1)") { arguments in
                try arguments.rejectUnknownNames(["question", "n", "temperature", "seed"])
                let questions = try RewardValues.questions(try arguments.require(at: 0, named: "question"), "sample")
                let count = try arguments.integer(named: "n", default: 8)
                guard (1 ... 10_000).contains(count) else { throw NativeError("sample: n must be between 1 and 10000, got \(count)") }
                let temperature = Float(try arguments.number(named: "temperature", default: 1))
                var generator = SeededGenerator(seed: UInt64(try arguments.integer(named: "seed", default: 0).magnitude))
                let completions = try rethrowingNamed("sample") {
                    try self.policy.sample(questions, perQuestion: count, temperature: temperature, generator: &generator)
                }
                return .object(SamplesObject(completions, policy: self.policy, task: self.policy.task, temperature: temperature))
            }
        case "log_prob":
            return boundMethod("policy", "log_prob", help: "p.log_prob(samples): each completion's log-probability now, a tensor [n] recorded for gradients.\n  loss = -(tensor(adv) * p.log_prob(s)).mean(); loss.backward()") { arguments in
                try arguments.rejectUnknownNames([])
                try arguments.expectCount(1)
                let given = try arguments.require(at: 0, named: "samples")
                guard case .object(let samples as SamplesObject) = given else {
                    throw NativeError("log_prob: expected samples from p.sample(…), got \(given.typeAndValue)")
                }
                return Conversions.value(try rethrowingNamed("log_prob") {
                    let perToken = try self.policy.logProbabilities(of: samples.completions, temperature: samples.temperature).values
                    return try perToken.sum(axis: 1)                                     // (n, T) -> (n)
                })
            }
        case "table":
            return boundMethod("policy", "table", help: "p.table(questions): answer probabilities, one row per question (columns: answers 0 …).\n  heatmap(p.table(add.questions(10, seed=3)))") { arguments in
                try arguments.rejectUnknownNames([])
                try arguments.expectCount(1)
                return try PolicyObject.table(self.policy, try arguments.require(at: 0, named: "questions"))
            }
        default: return nil
        }
    }

    static func table(_ policy: MLPPolicy, _ value: Value) throws -> Value {
        let questions = try RewardValues.questions(value, "table")
        return nestedList(try policy.answerProbabilities(questions)) { .number($0) }
    }
}
