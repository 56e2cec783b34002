// The reward builtins: addition(…), countdown(…), mlp_policy(…), reinforce(…), grpo(…). The objects
// they return are in RewardsObjects.swift, PolicyObject.swift and RewardTrainerObject.swift; the
// tasks, policy and objectives are in Toys/Rewards.

import Autograd
import Foundation
import NeuralNets
import Script
import Toys

enum RewardsBuiltins {
    static func install(_ context: BuiltinContext) {
        installTasks(context)
        installTrainers(context)
    }

    // MARK: - Tasks and the policy

    private static func installTasks(_ context: BuiltinContext) {
        context.define("addition", help: """
            addition(digits=1): questions a + b (science GRPO-1). A sample is a format token (0 = <answer>…</answer>,
            the others are wrong formats) and an answer token (the sum 0 … 18). Rules: accuracy (right format and
            a + b) and format (exactly one <answer> block), weighted 1 and 1 as in R1.
              add = addition(); q = add.question(3, 4); add.check(q, "<answer>7</answer>")
            """) { arguments in
            try arguments.rejectUnknownNames(["digits"])
            return .object(TaskObject(try AdditionTask(digits: try arguments.integer(at: 0, named: "digits", default: 1))))
        }
        context.define("countdown", help: """
            countdown(numbers=3, max=9): TinyZero in miniature (science GRPO-3): reach the target with each number once
            and + − ×. An answer token picks an expression from a template grammar. Reward as TinyZero's compute_score:
            0 without an <answer> block, 0.1 for a wrong equation in one, 1.0 for a right one (weights: format 0.1,
            accuracy 0.9).
              cd = countdown(); q = cd.question([3, 5, 2], 16); cd.check(q, "<answer>(3 + 5) * 2</answer>")
            """) { arguments in
            try arguments.rejectUnknownNames(["numbers", "max"])
            return .object(TaskObject(try CountdownTask(numbers: try arguments.integer(at: 0, named: "numbers", default: 3),
                                                        max: try arguments.integer(named: "max", default: 9))))
        }
        context.define("mlp_policy", help: """
            mlp_policy(task, hidden=64, seed=): the toy policy of science §D.3: a free vector of format logits and an MLP
            on the question's one-hot code (tanh hidden layer) for the answer logits; the output layer starts at zero,
            so at first every answer is equally likely. A model: adam(p, lr=0.01) trains it.
              p = mlp_policy(addition(), seed=0); s = p.sample(addition().question(3, 4), n=8, seed=1); s.texts
            """) { arguments in
            try arguments.rejectUnknownNames(["task", "hidden", "seed"])
            let object = try arguments.object(at: 0, named: "task", as: TaskObject.self, described: "a task (addition() or countdown())")
            guard let task = object.task as? any TokenAnswerTask else {
                throw NativeError("mlp_policy: \(object.task.summary) is answered in written text; train a gpt on it (grpo(gpt(…), task))")
            }
            return .object(PolicyObject(try MLPPolicy(task: task, hidden: try arguments.integer(named: "hidden", default: 64),
                                                      seed: try context.seed(arguments))))
        }
    }

    // MARK: - Trainers

    private static func installTrainers(_ context: BuiltinContext) {
        context.define("reinforce", help: """
            reinforce(policy, task, baseline="none"|"mean", prompts=32, samples=8, temperature=1, reward=, weights=, opt=, seed=, max_new=):
            REINFORCE: loss = −mean over samples of (reward − b) · log π(sample). baseline "none" uses the raw reward,
            "mean" subtracts the batch's mean reward. reward=fn(question, sample) { … } returns your own number;
            weights={"accuracy": 1, "format": 1} re-weights the rules. opt defaults to Adam at lr 0.01 for the MLP and 0.1
            for the format logits (at 0.01 they take ~200 steps to learn the format). A gpt on arith_task() works too
            (max_new=32 tokens, stopping at <eos>; the sum runs over the tokens up to <eos>).
              add = addition(); r = reinforce(mlp_policy(add, seed=0), add, seed=0); r.run(steps=50, every=0); r.history.accuracy[-1]
            """) { arguments in
            try arguments.rejectUnknownNames(["policy", "task", "baseline", "prompts", "samples", "temperature", "reward",
                                              "weights", "opt", "seed", "max_new"])
            let (policy, task) = try policyAndTask(arguments, "reinforce")
            let baselineName = try arguments.string(named: "baseline", default: "none")
            guard let baseline = ReinforceBaseline(rawValue: baselineName) else {
                throw NativeError("reinforce: baseline must be \"none\" or \"mean\", got \"\(baselineName)\"")
            }
            let temperature = Float(try arguments.number(named: "temperature", default: 1))
            let objective = try rethrowingNamed("reinforce") {
                try ReinforceObjective(policy: policy.policy, task: task, reward: try rewardArgument(arguments, task: task, "reinforce"),
                                       baseline: baseline, prompts: try arguments.integer(named: "prompts", default: 32),
                                       samples: try arguments.integer(named: "samples", default: 8),
                                       temperature: temperature, seed: try context.seed(arguments))
            }
            let trainer = Trainer(model: policy.module, objective: objective, optimizer: try optimizer(arguments, policy, "reinforce"),
                                  modelName: "policy")
            let base = TrainerObject(trainer, kind: "reinforce",
                                     summary: "\(policy.policy.summary), baseline \(baseline.rawValue), \(objective.prompts)×\(objective.samples) samples, reward \(objective.reward.summary)",
                                     usage: "  r = reinforce(p, add, baseline=\"none\", seed=0); r.run(steps=300); plot(r.history.accuracy)")
            return .object(RewardTrainerObject(base: base, policy: policy.policy, policyValue: policy.value, temperature: temperature) { [weak objective] in objective?.last })
        }
        context.define("grpo", help: """
            grpo(policy, task, group=8, prompts=32, clip=0.2, kl=0, ref=nil, epochs=1, loss="grpo"|"dapo"|"dr_grpo",
            scale="std"|"none", temperature=1, dynamic=false, reward=, weights=, opt=, seed=, max_new=): Group Relative Policy
            Optimization. Each step samples `group` answers to each of `prompts` questions, scores them, takes
            advantage = (reward − group mean) / (group std + 1e-4) (scale="none": no division), and minimises the
            clipped-ratio loss + kl · k3(π, ref) (ref: a frozen copy of the policy made now unless given). epochs = μ
            updates per sampled batch. loss picks the normalisation (grpo: per-sequence mean; dapo: per-token mean;
            dr_grpo: a constant, with scale="none" by default). dynamic=true drops groups whose rewards are all equal
            and samples more (DAPO). opt defaults to Adam at lr 0.01 for the MLP and 0.1 for the format logits.
            Metrics: reward, accuracy, format, zero_std, adv_mean, adv_std, clip_frac, kl, entropy. The policy may be a gpt
            on arith_task(): it writes up to max_new=32 tokens, stopping at <eos>; ratios, clip and KL are per token up to
            <eos> (then a length metric too), and opt defaults to Adam at lr 0.001.
              add = addition(); g = grpo(mlp_policy(add, seed=0), add, seed=0); g.run(steps=50, every=0); g.show_group(0)
              m = gpt(vocab=arith(n=1).tokenizer, dim=16, heads=2, seed=0); g = grpo(m, arith_task(digits=1), prompts=4, max_new=8, seed=0); g.step()
            """) { arguments in
            try arguments.rejectUnknownNames(["policy", "task", "group", "prompts", "clip", "kl", "ref", "epochs", "loss", "scale",
                                              "temperature", "dynamic", "reward", "weights", "opt", "seed", "max_new"])
            let (policy, task) = try policyAndTask(arguments, "grpo")
            var config = GRPOConfig()
            config.groupSize = try arguments.integer(named: "group", default: 8)
            config.prompts = try arguments.integer(named: "prompts", default: 32)
            config.clip = Float(try arguments.number(named: "clip", default: 0.2))
            config.klWeight = Float(try arguments.number(named: "kl", default: 0))
            config.epochs = try arguments.integer(named: "epochs", default: 1)
            let lossName = try arguments.string(named: "loss", default: "grpo")
            guard let normalisation = LossNormalisation(rawValue: lossName) else {
                throw NativeError("grpo: loss must be \"grpo\", \"dapo\" or \"dr_grpo\", got \"\(lossName)\"")
            }
            config.normalisation = normalisation
            let scaleName = try arguments.string(named: "scale", default: normalisation == .drGRPO ? "none" : "std")
            guard let scale = AdvantageScale(rawValue: scaleName) else {
                throw NativeError("grpo: scale must be \"std\" or \"none\", got \"\(scaleName)\"")
            }
            config.scale = scale
            config.temperature = Float(try arguments.number(named: "temperature", default: 1))
            config.dynamicSampling = try arguments.bool(named: "dynamic", default: false)
            config.seed = try context.seed(arguments)
            var reference: (any Policy)?
            if let given = try arguments.value(named: "ref"), !given.isNull {
                reference = try referenceArgument(given, policy: policy, task: task)
            }
            let objective = try rethrowingNamed("grpo") {
                try GRPOObjective(policy: policy.policy, task: task, reward: try rewardArgument(arguments, task: task, "grpo"),
                                  config: config, reference: reference)
            }
            let trainer = Trainer(model: policy.module, objective: objective, optimizer: try optimizer(arguments, policy, "grpo"),
                                  modelName: "policy")
            var settings = ["G=\(config.groupSize)", "\(config.prompts) prompts", "clip \(config.clip)", "kl \(config.klWeight)",
                            "μ=\(config.epochs)", "loss \(normalisation.rawValue)", "scale \(scale.rawValue)"]
            if config.temperature != 1 { settings.append("temperature \(config.temperature)") }
            if config.dynamicSampling { settings.append("dynamic sampling") }
            let base = TrainerObject(trainer, kind: "grpo",
                                     summary: "\(policy.policy.summary), \(settings.joined(separator: ", ")), reward \(objective.reward.summary)",
                                     usage: "  g = grpo(p, add, group=8, seed=0); g.run(steps=300); plot(g.history.reward); g.show_group(0)")
            return .object(RewardTrainerObject(base: base, policy: policy.policy, policyValue: policy.value, temperature: config.temperature) { [weak objective] in objective?.last })
        }
    }

    // MARK: - Arguments

    /// The trained policy: the toy MLP, or a micro-GPT writing text (a `SequencePolicy`).
    struct PolicyArgument {
        let policy: any Policy
        let module: any Module
        /// The script value given (what `g.policy` gives back).
        let value: Value
        /// The default optimizer: the MLP's grouped Adam, or Adam at lr 0.001 for a gpt.
        let defaultOptimizer: () -> any Optimizer
    }

    private static func policyAndTask(_ arguments: Arguments, _ name: String) throws -> (PolicyArgument, any RewardTask) {
        let given = try arguments.require(at: 0, named: "policy")
        let task = try arguments.object(at: 1, named: "task", as: TaskObject.self,
                                        described: "a task (addition(), countdown() or arith_task())").task
        switch given {
        case .object(let object as PolicyObject):
            guard let tokenTask = task as? any TokenAnswerTask, object.policy.task.inputDimensions == tokenTask.inputDimensions,
                  object.policy.task.answerCount == tokenTask.answerCount, object.policy.task.summary == task.summary else {
                throw NativeError("\(name): the policy was made for \(object.policy.task.summary), not \(task.summary)")
            }
            return (PolicyArgument(policy: object.policy, module: object.module, value: given,
                                   defaultOptimizer: { object.policy.defaultOptimizer() }), task)
        case .object(let object as GPTObject):
            guard task is ArithmeticTask else {
                throw NativeError("\(name): a gpt writes text; give it a task whose answers are text (arith_task()), not \(task.summary)")
            }
            let maxNew = try arguments.integer(named: "max_new", default: 32)
            let tokenizer = try object.tokenizer ?? ArithmeticSet.tokenizer()
            let policy = try rethrowingNamed(name) { try SequencePolicy(model: object.model, tokenizer: tokenizer, maxNew: maxNew) }
            return (PolicyArgument(policy: policy, module: object.model, value: given,
                                   defaultOptimizer: { Adam(parameters: object.model.parameters(), learningRate: 0.001) }), task)
        default:
            throw NativeError("\(name): policy must be a policy (mlp_policy(task)) or a gpt model (gpt(vocab=tok, …)), got \(given.typeAndValue)")
        }
    }

    /// `ref=`: a policy of the same kind, frozen now.
    private static func referenceArgument(_ given: Value, policy: PolicyArgument, task: any RewardTask) throws -> any Policy {
        switch (given, policy.policy) {
        case (.object(let object as PolicyObject), let mlp as MLPPolicy):
            guard object.policy.task.inputDimensions == mlp.task.inputDimensions, object.policy.task.answerCount == mlp.task.answerCount else {
                throw NativeError("grpo: ref is a policy for \(object.policy.task.summary), not \(task.summary)")
            }
            return try object.policy.frozenCopy()
        case (.object(let object as GPTObject), let sequence as SequencePolicy):
            guard object.model.config.vocabulary == sequence.model.config.vocabulary else {
                throw NativeError("grpo: ref has a vocabulary of \(object.model.config.vocabulary) tokens, the policy \(sequence.model.config.vocabulary)")
            }
            return try rethrowingNamed("grpo") {
                try SequencePolicy(model: object.model.copy(), tokenizer: sequence.tokenizer, maxNew: sequence.maxNew)
            }
        default:
            throw NativeError("grpo: ref must be the same kind of policy as the one trained (mlp_policy(…) or gpt(…)), got \(given.typeAndValue)")
        }
    }

    private static func optimizer(_ arguments: Arguments, _ policy: PolicyArgument, _ name: String) throws -> any Optimizer {
        try optimizerArgument(arguments, name, example: "adam(p, lr=0.01)") { policy.defaultOptimizer() }
    }

    /// `reward=fn(question, sample)` or `weights={…}` (not both); nil for the task's default rules.
    private static func rewardArgument(_ arguments: Arguments, task: any RewardTask, _ name: String) throws -> RewardFunction? {
        let function = try arguments.value(named: "reward")
        let weights = try arguments.value(named: "weights")
        if let weights, !weights.isNull {
            if let function, !function.isNull { throw NativeError("\(name): give reward= or weights=, not both") }
            guard case .dict(let dict) = weights else {
                throw NativeError("\(name): weights must be a dict such as {\"accuracy\": 1, \"format\": 1}, got \(weights.typeAndValue)")
            }
            let pairs = try dict.keys.map { key -> (name: String, weight: Double) in
                guard case .number(let weight) = dict[key] ?? .null else { throw NativeError("\(name): weights[\"\(key)\"] must be a number") }
                return (key, weight)
            }
            return try RewardFunction.weighted(pairs)
        }
        guard let function, !function.isNull else { return nil }
        switch function {
        case .function, .native: break
        default: throw NativeError("\(name): reward must be a function fn(question, sample) { … }, got \(function.typeAndValue)")
        }
        let interpreter = arguments.interpreter
        return .custom(name: "fn(question, sample)") { sample in
            let result = try interpreter.call(function, [.object(QuestionObject(sample.question, task: task)),
                                                         .object(sampleObject(sample, logProbability: .nan, task: task))])
            switch result {
            case .number(let value): return value
            case .bool(let flag): return flag ? 1 : 0
            default: throw NativeError("\(name): the reward function must return a number, got \(result.typeAndValue) for \"\(sample.text)\"")
            }
        }
    }
}
