// `reinforce(…)` and `grpo(…)` in a script: the shared trainer object (step, run, history) plus
// what a learner inspects in a reward trainer: the last batch, one group as a table, and the
// policy's probability table.

import Autograd
import Foundation
import NeuralNets
import Script
import Toys

/// A reward trainer: a `TrainerObject` with `last`, `show_group(i)` and `policy_table(questions)`.
final class RewardTrainerObject: NativeObject {
    let base: TrainerObject
    let policy: any Policy
    /// The policy as the script gave it (an mlp_policy or a gpt), for `g.policy`.
    let policyValue: Value
    /// The last batch of the objective.
    let lastBatch: () -> RolloutBatch?
    let temperature: Float

    init(base: TrainerObject, policy: any Policy, policyValue: Value, temperature: Float, lastBatch: @escaping () -> RolloutBatch?) {
        self.base = base
        self.policy = policy
        self.policyValue = policyValue
        self.temperature = temperature
        self.lastBatch = lastBatch
    }

    var typeName: String { base.typeName }
    var memberNames: [String] { base.memberNames + ["last", "show_group", "policy_table", "policy"] }
    var repr: String { base.repr }
    var help: String {
        base.help + """

        properties: last (the last step's batch: questions, texts, rewards, advantages, …), policy
        methods: show_group(i) (prints group i of the last batch: sample, reward parts, advantage, old and new
          log-probability, ratio), policy_table(questions) (answer probabilities per question, for a heatmap)
        """
    }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "policy": return policyValue
        case "last":
            guard let batch = lastBatch() else { return .null }
            return .object(batchObject(batch))
        case "show_group":
            return boundMethod(typeName, "show_group", help: "g.show_group(i): prints group i of the last step's batch as a table and returns its rows.\n  g.step(); g.show_group(0)") { arguments in
                try arguments.rejectUnknownNames([])
                try arguments.expectCount(1)
                let group = try arguments.integer(at: 0, named: "i")
                guard let batch = self.lastBatch() else { throw NativeError("show_group: no batch yet; take a step first (g.step())") }
                let table = try rethrowingNamed("show_group") {
                    try GroupTable(batch: batch, group: group, policy: self.policy, temperature: self.temperature)
                }
                arguments.interpreter.output(table.description + "\n")
                return .object(self.groupObject(table, group: group))
            }
        case "policy_table":
            return boundMethod(typeName, "policy_table", help: "g.policy_table(questions): the policy's answer probabilities, one row per question.\n  heatmap(g.policy_table(add.questions(10, seed=3)))") { arguments in
                try arguments.rejectUnknownNames([])
                try arguments.expectCount(1)
                guard let mlp = self.policy as? MLPPolicy else { throw NativeError("policy_table: this policy has no answer table") }
                return try PolicyObject.table(mlp, try arguments.require(at: 0, named: "questions"))
            }
        default: return try base.member(name)
        }
    }

    private func batchObject(_ batch: RolloutBatch) -> RecordObject {
        let completions = batch.completions
        let old = batch.oldLogProbabilities ?? completions.logProbabilities
        let task: (any RewardTask)? = (policy as? MLPPolicy)?.task
        return RecordObject(typeName: "batch", repr: "batch(\(batch.groupCount) groups of \(batch.groupSize), mean reward \(StepRecord.format(batch.rewards.reduce(0, +) / Double(Swift.max(batch.rewards.count, 1)))))", help: """
            batch: the last step's rollouts, one row per sample, groups of `group` consecutive rows.
              b = g.last; b.rewards[0:8]; b.advantages[0:8]; g.show_group(0)
            properties: questions (one prompt per group), texts, rewards, accuracy, format, advantages,
              old_log_probs (each sample's log-probability under π_old), group (samples per question), groups,
              groups_drawn (groups sampled to fill it; more than groups with dynamic sampling)
            """, fields: [
                ("questions", {
                    let prompts = (0 ..< batch.groupCount).map { completions.questions[$0 * batch.groupSize] }
                    if let task { return .list(ListObject(prompts.map { .object(QuestionObject($0, task: task)) })) }
                    return .list(ListObject(prompts.map { .string($0.prompt) }))
                }),
                ("texts", { .list(ListObject(batch.texts.map { .string($0) })) }),
                ("rewards", { numberList(batch.rewards) }),
                ("accuracy", { numberList(batch.scores.map(\.checks.accuracy)) }),
                ("format", { numberList(batch.scores.map(\.checks.format)) }),
                ("advantages", { numberList(batch.advantages) }),
                ("old_log_probs", { numberList((0 ..< completions.count).map { completions.sequenceSum(old, row: $0) }) }),
                ("group", { .number(Double(batch.groupSize)) }),
                ("groups", { .number(Double(batch.groupCount)) }),
                ("groups_drawn", { .number(Double(batch.groupsDrawn)) }),
            ])
    }

    private func groupObject(_ table: GroupTable, group: Int) -> RecordObject {
        RecordObject(typeName: "group", repr: "group \(group): \(table.question.prompt), \(table.rows.count) samples", help: """
            group: one question's samples from the last batch (printed as a table by show_group).
              r = g.show_group(0); r.advantages; r.ratio
            properties: question, texts, rewards, accuracy, format, advantages, old_log_probs, new_log_probs, ratio
            """, fields: [
                ("question", { .string(table.question.prompt) }),
                ("texts", { .list(ListObject(table.rows.map { .string($0.text) })) }),
                ("rewards", { numberList(table.rows.map(\.reward)) }),
                ("accuracy", { numberList(table.rows.map(\.accuracy)) }),
                ("format", { numberList(table.rows.map(\.format)) }),
                ("advantages", { numberList(table.rows.map(\.advantage)) }),
                ("old_log_probs", { numberList(table.rows.map(\.oldLogProbability)) }),
                ("new_log_probs", { numberList(table.rows.map(\.newLogProbability)) }),
                ("ratio", { numberList(table.rows.map(\.ratio)) }),
            ])
    }
}
