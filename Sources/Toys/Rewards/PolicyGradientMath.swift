// The formulas of science.md §C, each a small function the objectives compose and the tests pin:
// group advantages (r − mean)/(std + 1e-4) with Bessel's std as TRL, the PPO clipped surrogate
// with per-token ratios (TRL and verl; R1's paper writes sequence ratios), the k3 KL estimator,
// and the three loss normalisations of §C.7 as per-token weights.
import Autograd

/// How group advantages are scaled (TRL's `scale_rewards`).
public enum AdvantageScale: String, Sendable, CaseIterable {
    /// (r − mean) / (std + 1e-4): GRPO.
    case std
    /// r − mean: Dr. GRPO.
    case none
}

/// How the per-token terms are averaged into the loss (§C.7).
public enum LossNormalisation: String, Sendable, CaseIterable {
    /// −(1/G) Σᵢ (1/|oᵢ|) Σₜ l: each sequence's mean, then the mean over sequences.
    case grpo
    /// −(1/Σᵢ|oᵢ|) Σᵢ Σₜ l: one mean over every token of the batch.
    case dapo
    /// −(1/(G·L_max)) Σᵢ Σₜ l: a constant normaliser (L_max = the completions' width).
    case drGRPO = "dr_grpo"
}

public enum PolicyGradientMath {
    /// Bessel-corrected standard deviation (n − 1), as `torch.std`.
    public static func standardDeviation(_ values: [Double]) -> Double {
        guard values.count > 1 else { return 0 }
        let mean = values.reduce(0, +) / Double(values.count)
        return (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)).squareRoot()
    }

    /// Whether every reward of the group is the same (then it teaches nothing).
    public static func isZeroStd(_ group: ArraySlice<Double>) -> Bool {
        guard let first = group.first else { return true }
        return group.allSatisfy { $0 == first }
    }

    /// Advantages of consecutive groups of `groupSize` rewards: r − group mean, divided by
    /// (std + 1e-4) when `scale` is .std. A group whose rewards are all equal gets exactly 0.
    public static func groupAdvantages(_ rewards: [Double], groupSize: Int, scale: AdvantageScale) -> [Double] {
        precondition(groupSize >= 1 && rewards.count % groupSize == 0, "rewards come in whole groups")
        var result: [Double] = []
        result.reserveCapacity(rewards.count)
        for start in stride(from: 0, to: rewards.count, by: groupSize) {
            let group = rewards[start ..< start + groupSize]
            if isZeroStd(group) {
                result += Array(repeating: 0, count: groupSize)
                continue
            }
            let mean = group.reduce(0, +) / Double(groupSize)
            let divisor = scale == .std ? standardDeviation(Array(group)) + 1e-4 : 1
            result += group.map { ($0 - mean) / divisor }
        }
        return result
    }

    /// Share of groups whose rewards are all equal (TRL's `frac_reward_zero_std`).
    public static func zeroStdShare(_ rewards: [Double], groupSize: Int) -> Double {
        let groups = rewards.count / Swift.max(groupSize, 1)
        guard groups > 0 else { return 0 }
        let zero = (0 ..< groups).filter { isZeroStd(rewards[$0 * groupSize ..< ($0 + 1) * groupSize]) }.count
        return Double(zero) / Double(groups)
    }

    /// Per token: min(ρ·A, clip(ρ, 1 − ε, 1 + ε)·A) with ρ = exp(logp − old). logp [n, T], old [n, T]
    /// (constant), advantages [n, 1] (constant). Outside the interval on the side the advantage
    /// pushes toward, the clipped term is the minimum and its gradient is 0.
    public static func clippedSurrogate(logProbabilities: Tensor, old: Tensor, advantages: Tensor, epsilon: Float) throws -> Tensor {
        let ratio = try (logProbabilities - old).exp()
        let unclipped = try ratio * advantages
        let clipped = try ratio.clamp(min: 1 - epsilon, max: 1 + epsilon) * advantages
        return try Tensor.minimum(unclipped, clipped)
    }

    /// The k3 estimate of KL(π ‖ π_ref) per token: π_ref/π − log(π_ref/π) − 1, always ≥ 0.
    public static func k3(logProbabilities: Tensor, reference: Tensor) throws -> Tensor {
        let difference = try reference - logProbabilities
        return try difference.exp() - difference - 1
    }

    /// The weight of each token in the loss's sum, so that loss = −Σ weight · term (the mask included).
    public static func tokenWeights(mask: [Float], width: Int, normalisation: LossNormalisation) -> [Float] {
        let rows = mask.count / Swift.max(width, 1)
        var weights = [Float](repeating: 0, count: mask.count)
        switch normalisation {
        case .grpo:
            for row in 0 ..< rows {
                var length: Float = 0
                for column in 0 ..< width { length += mask[row * width + column] }
                guard length > 0 else { continue }
                for column in 0 ..< width { weights[row * width + column] = mask[row * width + column] / (length * Float(rows)) }
            }
        case .dapo:
            var total: Float = 0
            for value in mask { total += value }
            if total > 0 { for index in mask.indices { weights[index] = mask[index] / total } }
        case .drGRPO:
            let normaliser = Float(rows * width)
            for index in mask.indices { weights[index] = mask[index] / normaliser }
        }
        return weights
    }

    /// The masked mean of per-token values.
    public static func maskedMean(_ values: [Float], mask: [Float]) -> Double {
        let total = mask.reduce(0, +)
        guard total > 0 else { return 0 }
        return zip(values, mask).reduce(0.0) { $0 + Double($1.0 * $1.1) } / Double(total)
    }

    /// Mean and population std of a list.
    public static func meanAndStd(_ values: [Double]) -> (mean: Double, std: Double) {
        guard !values.isEmpty else { return (0, 0) }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        return (mean, variance.squareRoot())
    }
}
