// Load balancing (science.md §A.5, §A.6, §A.8): the Switch auxiliary loss, the router z-loss and
// DeepSeek-V3's auxiliary-loss-free bias update, each a function of its inputs only.
import Autograd

/// The balancing formulas.
public enum Balancing {
    // MARK: - Switch auxiliary loss

    /// Switch load-balancing loss `α · N · Σᵢ fᵢ · Pᵢ` with top-k:
    /// fᵢ = share of the T·K assignments that chose expert i (hard counts, no gradient),
    /// Pᵢ = mean over tokens of the gate probability of expert i over ALL experts (the gradient path;
    /// HF bug #28021 took it from the top-k only). Sigmoid affinities are first normalised per token
    /// (s'ᵢ = sᵢ / Σⱼ sⱼ, DeepSeek-V3 eq. 19) so Pᵢ is a distribution too. Minimum α at uniform load.
    public static func switchLoss(gateValues: Tensor, chosen: [Int], gate: GateFunction, weight: Float) throws -> Tensor {
        let tokens = gateValues.shape[0], experts = gateValues.shape[1]
        var counts = [Float](repeating: 0, count: experts)
        for expert in chosen { counts[expert] += 1 }
        let fractions = try Tensor(counts.map { $0 / Float(chosen.count) })                  // (N,)
        let probabilities = gate == .softmax
            ? gateValues
            : try gateValues / gateValues.sum(axis: 1, keepDims: true)                        // (T, N)
        let meanProbability = try probabilities.mean(axis: 0)                                // (T, N) -> (N,)
        precondition(meanProbability.count == experts && tokens > 0, "switchLoss needs tokens")
        return try (meanProbability * fractions).sum() * (weight * Float(experts))           // ()
    }

    // MARK: - DeepSeek-V3's sequence-wise loss

    /// DeepSeek-V3's complementary sequence-wise balance loss (eqs. 17–20), averaged over sequences:
    /// for each run of `sequenceLength` consecutive tokens (all tokens when nil),
    /// `α · Σᵢ fᵢ · Pᵢ` with fᵢ = N/(K·T) · #{t : i ∈ Topk(sₜ, K)} from the UNBIASED gate values
    /// (eq. 18; no gradient) and Pᵢ = (1/T) Σₜ sᵢₜ / Σⱼ sⱼₜ (the gradient path). Its value is α at
    /// uniform load with uniform scores, whatever N and K.
    public static func sequenceLoss(gateValues: Tensor, k: Int, sequenceLength: Int?, weight: Float) throws -> Tensor {
        let tokens = gateValues.shape[0], experts = gateValues.shape[1]
        let length = Swift.min(sequenceLength ?? tokens, tokens)
        precondition(tokens > 0 && length > 0, "sequenceLoss needs tokens")
        let normalised = try gateValues / gateValues.sum(axis: 1, keepDims: true)                // (T, N)
        let chosen = Gate.select(gateValues: gateValues.storage, tokens: tokens, experts: experts, k: k)
        var total: Tensor?
        var sequences = 0
        for start in stride(from: 0, to: tokens, by: length) {
            let end = Swift.min(start + length, tokens), count = end - start
            var counts = [Float](repeating: 0, count: experts)
            for expert in chosen[(start * k) ..< (end * k)] { counts[expert] += 1 }
            let fractions = try Tensor(counts.map { $0 * Float(experts) / Float(k * count) })       // (N,)
            let meanScore = try normalised.slice(axis: 0, start: start, end: end).mean(axis: 0)    // (t, N) -> (N,)
            let loss = try (meanScore * fractions).sum()                                            // ()
            total = try total.map { try $0 + loss } ?? loss
            sequences += 1
        }
        guard let total else { return Tensor(0) }
        return total * (weight / Float(sequences))
    }

    // MARK: - Router z-loss

    /// ST-MoE router z-loss `weight · (1/T) · Σₜ (log Σⱼ exp(scoreₜⱼ))²`: keeps router logits small.
    public static func zLoss(scores: Tensor, weight: Float) throws -> Tensor {
        try scores.logSumExp(axis: 1).pow(2).mean() * weight                                 // (T, N) -> ()
    }

    // MARK: - Auxiliary-loss-free bias

    /// DeepSeek-V3's bias update after a step: `bᵢ ← bᵢ + γ · sign(c̄ − cᵢ)` with cᵢ the assignments
    /// expert i received and c̄ their mean. An overloaded expert (cᵢ > c̄) loses γ, an underloaded
    /// one gains γ. The opposite sign (cᵢ − c̄) drives the router to maximal imbalance (§A.8).
    public static func updatedBias(_ bias: [Float], loads: [Int], rate: Float) -> [Float] {
        precondition(bias.count == loads.count, "bias \(bias.count) and loads \(loads.count) differ in length")
        let mean = Float(loads.reduce(0, +)) / Float(Swift.max(loads.count, 1))
        return zip(bias, loads).map { value, load in
            let error = mean - Float(load)                    // positive = underloaded
            return value + rate * (error > 0 ? 1 : error < 0 ? -1 : 0)
        }
    }

    /// Assignments per expert in `chosen` (ids below `experts`).
    public static func counts(_ chosen: [Int], experts: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: experts)
        for expert in chosen { counts[expert] += 1 }
        return counts
    }
}
