// gpt_step: one training step of the micro-GPT, the work of shared/reference/gpt_step.py —
// vocab 16, context 32, d 64, 2 layers, 4 heads, pre-LayerNorm, learned positions, batch 32,
// AdamW lr 1e-3; dense (MLP 4·d, GELU) and MoE (8 experts d→64→d, top-2, one shared expert
// d→64→d, Switch aux loss 0.01). Data: a fixed random order-1 Markov chain over 16 symbols.
import Autograd
import Foundation
import NeuralNets
import Toys

/// Median step time of the micro-GPT, dense or MoE, as one JSON object.
func gptSteps(moe: Bool, warmup: Int = 20, steps: Int = 200, batch: Int = 32, time: Int = 32, vocabulary: Int = 16) throws -> String {
    var config = MicroGPTConfig(vocabulary: vocabulary)
    config.dimensions = 64; config.layers = 2; config.heads = 4; config.context = time
    config.norm = .layer; config.positions = .learned; config.seed = 0
    if moe {
        var experts = MicroGPTExperts()
        experts.experts = 8; experts.topK = 2; experts.shared = 1; experts.hidden = 64; experts.balance = .aux
        config.experts = experts
    }
    let model = try MicroGPT(config: config)
    let optimizer = AdamW(parameters: model.parameters(), learningRate: 1e-3)
    // The Markov chain: row-softmax of 3·N(0,1) transition scores, 20 000 steps from state 0.
    var generator = SeededGenerator(seed: 1)
    let scores = try Tensor.normal([vocabulary, vocabulary], generator: &generator) * 3
    let transitions = try scores.softmax(axis: -1).storage
    var sequence = [0]
    for _ in 0 ..< 20_000 {
        let row = transitions[(sequence[sequence.count - 1] * vocabulary) ..< ((sequence[sequence.count - 1] + 1) * vocabulary)]
        var threshold = generator.nextUnitFloat()
        var next = vocabulary - 1
        for (index, probability) in row.enumerated() {
            threshold -= probability
            if threshold < 0 { next = index; break }
        }
        sequence.append(next)
    }
    let batches = try (0 ..< 16).map { _ -> (Tensor, [Int]) in
        let starts = (0 ..< batch).map { _ in generator.nextInt(below: sequence.count - time - 1) }
        let inputs = starts.flatMap { start in (0 ..< time).map { Float(sequence[start + $0]) } }
        let targets = starts.flatMap { start in (1 ... time).map { sequence[start + $0] } }
        return (try Tensor(shape: [batch, time], values: inputs), targets)
    }
    model.setTraining(true)
    let modules = model.modules().map(\.module)
    var times: [Double] = [], cpuTimes: [Double] = []
    var loss = Tensor(0)
    for step in 0 ..< warmup + steps {
        let (inputs, targets) = batches[step % batches.count]
        let start = now(), cpuStart = cpuNow()
        let logits = try model(inputs)                                                    // (B, T, V)
        loss = try Tensor.crossEntropy(logits: logits.reshape([batch * time, vocabulary]), targets: targets)
        for module in modules { for (_, auxiliary) in module.auxiliaryLosses() { loss = try loss + auxiliary } }
        optimizer.zeroGrad()
        try loss.backward()
        optimizer.step()
        for module in modules { module.afterOptimizerStep() }
        if step >= warmup { times.append(now() - start); cpuTimes.append(cpuNow() - cpuStart) }
    }
    let milliseconds = median(times) * 1e3
    return "{\"params\": \(model.parameterCount), \"ms_per_step\": \(rounded(milliseconds, 3)), "
        + "\"tokens_per_s\": \(Int((Double(batch * time) / milliseconds * 1e3).rounded())), "
        + "\"cpu_ms_per_step\": \(rounded(median(cpuTimes) * 1e3, 3)), \"final_loss\": \(rounded(Double(try loss.item()), 4))}"
}

/// The gpt_step line: dense and MoE, and which build of the C kernels ran (MICROSEEK_PORTABLE_KERNELS=1
/// measures the portable one; "wide_tiles": the products' AVX-512 build, off with MICROSEEK_NARROW_TILES=1).
/// `MICROSEEK_GPT_STEP=dense` (or `moe`) runs one variant only, for profiling.
func gptStepCase(threads: Int) throws -> String {
    let only = ProcessInfo.processInfo.environment["MICROSEEK_GPT_STEP"]
    let dense = only == "moe" ? "null" : try gptSteps(moe: false)
    let moe = only == "dense" ? "null" : try gptSteps(moe: true)
    return "{\"bench\": \"gpt_step\", \"threads\": \(threads), \"kernels\": \"\(VectorKernels.level)\", "
        + "\"wide_tiles\": \(VectorKernels.level == .avx2FMA && VectorKernels.wideTiles), \"dense\": \(dense), \"moe\": \(moe)}"
}
