// grpo_toy_step: the work of shared/reference/grpo_toy_step.py (science §D.3 GRPO-1) with the
// library's pieces: the same MLP policy (20 → 64 tanh → 19, zero output layer, 5 free format
// logits), 32 questions × G = 8 samples, advantages (r − mean)/(std + 1e-4), one Adam step (lr 1e-2)
// on the clipped objective (ε 0.2, ratio 1), no KL. Times sampling, rewards and the update
// separately (median over 300 steps after 3), then the whole `Trainer.step()` of `GRPOObjective`
// (which also scores the frozen reference for the kl metric), and the sampled accuracy / format
// rate over the first and last 20 steps, as the reference prints them.
import Autograd
import Foundation
import NeuralNets
import Toys

func grpoToyStepCase(threads: Int, steps: Int = 300) throws -> String {
    let task = try AdditionTask(digits: 1)
    let policy = try MLPPolicy(task: task, hidden: 64, seed: 0)
    let optimizer = Adam(parameters: policy.module.parameters(), learningRate: 1e-2)
    let rewardFunction = try RewardFunction.weighted(task.defaultWeights)
    var generator = SeededGenerator(seed: 0)
    let questionsPerStep = 32, groupSize = 8
    var sampleTimes: [Double] = [], rewardTimes: [Double] = [], updateTimes: [Double] = []
    var accuracy: [Double] = [], format: [Double] = []
    for _ in 0 ..< steps {
        let t0 = now()
        let questions = task.questions(count: questionsPerStep, generator: &generator)
        let completions = try withNoGrad {
            try policy.sample(questions, perQuestion: groupSize, temperature: 1, generator: &generator)
        }
        let t1 = now()
        let scored = try RolloutBatch.scored(completions, groupSize: groupSize, policy: policy, task: task, reward: rewardFunction)
        let advantages = PolicyGradientMath.groupAdvantages(scored.scores.map(\.reward), groupSize: groupSize, scale: .std)
        let t2 = now()
        let n = completions.count, width = completions.width
        let logProbabilities = try policy.logProbabilities(of: completions, temperature: 1).values       // (n, 2)
        let old = try Tensor(shape: [n, width], values: logProbabilities.storage)
        let surrogate = try PolicyGradientMath.clippedSurrogate(
            logProbabilities: logProbabilities, old: old,
            advantages: try Tensor(shape: [n, 1], values: advantages.map(Float.init)), epsilon: 0.2)
        let weights = try Tensor(shape: [n, width], values: PolicyGradientMath.tokenWeights(mask: completions.mask, width: width,
                                                                                          normalisation: .grpo))
        let loss = try -(surrogate * weights).sum()
        optimizer.zeroGrad()
        try loss.backward()
        optimizer.step()
        let t3 = now()
        sampleTimes.append(t1 - t0); rewardTimes.append(t2 - t1); updateTimes.append(t3 - t2)
        accuracy.append(scored.scores.map(\.checks.accuracy).reduce(0, +) / Double(n))
        format.append(scored.scores.map(\.checks.format).reduce(0, +) / Double(n))
    }
    let ms = { (values: [Double]) in rounded(median(Array(values.dropFirst(3))) * 1e3, 4) }
    let mean = { (values: ArraySlice<Double>) in rounded(values.reduce(0, +) / Double(values.count), 3) }

    // The same step through the trainer and the objective a script uses.
    var config = GRPOConfig()
    config.seed = 0
    let trainerPolicy = try MLPPolicy(task: task, hidden: 64, seed: 0)
    let trainer = Trainer(model: trainerPolicy.module, objective: try GRPOObjective(policy: trainerPolicy, task: task, config: config),
                          optimizer: Adam(parameters: trainerPolicy.module.parameters(), learningRate: 1e-2))
    var trainerTimes: [Double] = []
    for _ in 0 ..< 103 {
        let start = now()
        try trainer.step()
        trainerTimes.append(now() - start)
    }
    return "{\"bench\": \"grpo_toy_step\", \"threads\": \(threads), \"sample_ms\": \(ms(sampleTimes)), "
        + "\"reward_ms\": \(ms(rewardTimes)), \"update_ms\": \(ms(updateTimes)), "
        + "\"ms_per_step\": \(rounded(ms(sampleTimes) + ms(rewardTimes) + ms(updateTimes), 4)), "
        + "\"trainer_ms_per_step\": \(ms(trainerTimes)), "
        + "\"accuracy_first20\": \(mean(accuracy.prefix(20))), \"accuracy_last20\": \(mean(accuracy.suffix(20))), "
        + "\"format_first20\": \(mean(format.prefix(20))), \"format_last20\": \(mean(format.suffix(20)))}"
}
