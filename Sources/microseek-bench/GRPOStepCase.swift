// grpo_step: the work of shared/reference/grpo_step.py through the library's sequence-policy code
// path: the same micro-GPT (1 layer, d 32, 4 heads, vocab 16, context 32, pre-LayerNorm, learned
// positions), the same untimed supervised warm-up (300 AdamW steps at lr 3e-3 on 128 prompts
// "12+34=" followed by the answer and <eos> padding to 8 tokens), then per step: 16 prompts × G = 8
// samples of at most 8 new tokens at temperature 1 (`SequencePolicy.sample`: the key/value cache,
// each row stopping at its <eos> where the reference always draws 8 tokens and masks after the
// first <eos>), the exact-match reward and group advantages (`GRPOObjective.scoredBatch`), then
// the clipped per-token loss (ε 0.2) + 0.04·k3 KL to a frozen copy, each sequence's mean then the
// mean over sequences, and one AdamW step at lr 1e-3 (`GRPOObjective.loss(on:)`). Medians of 30
// steps after 3, in wall-clock ms, as the reference prints them.
import Autograd
import Foundation
import NeuralNets
import Toys

func grpoStepCase(threads: Int, warmup: Int = 3, steps: Int = 30) throws -> String {
    // 12 characters and 4 specials: a vocabulary of 16, as the reference's.
    let tokenizer = try CharTokenizer(text: "0123456789+=", specials: ["<eos>", "<think>", "</think>", "<answer>"])
    var config = MicroGPTConfig(vocabulary: tokenizer.size)
    config.dimensions = 32; config.layers = 1; config.heads = 4; config.context = 32
    config.norm = .layer; config.positions = .learned; config.seed = 0
    let model = try MicroGPT(config: config)
    let newTokens = 8
    let policy = try SequencePolicy(model: model, tokenizer: tokenizer, maxNew: newTokens)
    let task = try ArithmeticTask(digits: 2, exactDigits: true)
    var generator = SeededGenerator(seed: 0)
    try supervisedWarmup(policy, task: task, newTokens: newTokens, generator: &generator)

    // The reference's reward: the completion up to its first <eos> is exactly the answer's digits.
    let exactMatch = RewardFunction.custom(name: "exact") { sample in
        let text = sample.text.hasSuffix("<eos>") ? String(sample.text.dropLast(5)) : sample.text
        return text == String(sample.question.target) ? 1 : 0
    }
    var grpo = GRPOConfig()
    grpo.groupSize = 8; grpo.prompts = 16; grpo.clip = 0.2; grpo.klWeight = 0.04; grpo.normalisation = .grpo; grpo.seed = 0
    let objective = try GRPOObjective(policy: policy, task: task, reward: exactMatch, config: grpo)
    let optimizer = AdamW(parameters: model.parameters(), learningRate: 1e-3)
    var sampleTimes: [Double] = [], rewardTimes: [Double] = [], updateTimes: [Double] = [], rewards: [Double] = []
    for step in 0 ..< warmup + steps {
        let t0 = now()
        let completions = try withNoGrad {
            try policy.sample(task.questions(count: grpo.prompts, generator: &generator), perQuestion: grpo.groupSize,
                              temperature: 1, generator: &generator)
        }
        let t1 = now()
        let batch = try objective.scoredBatch(completions)
        let t2 = now()
        model.setTraining(true)
        let loss = try objective.loss(on: batch).loss
        optimizer.zeroGrad()
        try loss.backward()
        optimizer.step()
        model.setTraining(false)
        let t3 = now()
        if step >= warmup {
            sampleTimes.append(t1 - t0); rewardTimes.append(t2 - t1); updateTimes.append(t3 - t2)
            rewards.append(batch.rewards.reduce(0, +) / Double(batch.rewards.count))
        }
    }
    let ms = { (values: [Double]) in rounded(median(values) * 1e3, 3) }
    let totals = zip(zip(sampleTimes, rewardTimes), updateTimes).map { $0.0 + $0.1 + $1 }
    return "{\"bench\": \"grpo_step\", \"threads\": \(threads), \"sample_ms\": \(ms(sampleTimes)), "
        + "\"reward_ms\": \(ms(rewardTimes)), \"update_ms\": \(ms(updateTimes)), \"total_ms\": \(ms(totals)), "
        + "\"mean_reward_first\": \(rounded(rewards[0], 3)), \"mean_reward_last5\": \(rounded(rewards.suffix(5).reduce(0, +) / 5, 3))}"
}

/// The reference's `sft_warmup`: −mean log-probability of answer + <eos> padding (8 tokens) after
/// each prompt, 300 AdamW steps at lr 3e-3 on 128 fresh prompts each.
private func supervisedWarmup(_ policy: SequencePolicy, task: ArithmeticTask, newTokens: Int,
                              generator: inout SeededGenerator, steps: Int = 300, batch: Int = 128) throws {
    let optimizer = AdamW(parameters: policy.model.parameters(), learningRate: 3e-3)
    for _ in 0 ..< steps {
        let questions = task.questions(count: batch, generator: &generator)
        var tokens: [Int] = []
        for question in questions {
            let answer = try policy.tokenizer.encode(String(question.target))
            tokens += answer + [Int](repeating: policy.end, count: newTokens - answer.count)
        }
        let completions = Completions(questions: questions, width: newTokens, tokens: tokens,
                                      mask: [Float](repeating: 1, count: tokens.count),
                                      logProbabilities: [Float](repeating: 0, count: tokens.count))
        let loss = try -policy.logProbabilities(of: completions, temperature: 1).values.mean()
        optimizer.zeroGrad()
        try loss.backward()
        optimizer.step()
    }
}
