// What the router did with a batch, as plain numbers a learner can print and chart
// (science.md §A.9): gate values, choices, load per expert, imbalance, entropy, drops.
import Autograd
import Foundation

/// The routing of one batch.
public struct RoutingRecord: CustomStringConvertible, Sendable {
    /// tokens × experts gate values: softmax probabilities or sigmoid affinities.
    public let probabilities: [[Float]]
    /// tokens × experts scores the selection ranked: gate values + balancing bias (equal to
    /// `probabilities` without bias balancing). Selection uses the bias; the weights do not.
    public let selectionScores: [[Float]]
    /// tokens × K chosen expert ids, best first.
    public let chosen: [[Int]]
    /// tokens × K weights of the chosen experts (renormalised when K > 1).
    public let weights: [[Float]]
    /// Share of the tokens·K assignments each expert was chosen for (sums to 1; before dropping).
    public let load: [Double]
    /// max load ÷ mean load: 1 is perfectly even, N/K is everything on K experts.
    public let imbalance: Double
    /// Mean over tokens of the entropy (nats) of the gate distribution; at most log N.
    public let entropy: Double
    /// Assignments dropped for lack of capacity.
    public let dropped: Int

    /// The record of `decision`, with `dropped` assignments lost to capacity.
    public init(decision: RoutingDecision, dropped: Int) {
        let tokens = decision.tokenCount, experts = decision.gateValues.shape[1], k = decision.topK
        let values = decision.gateValues.storage, weightValues = decision.weights.storage
        probabilities = (0 ..< tokens).map { Array(values[($0 * experts) ..< ($0 * experts + experts)]) }
        chosen = (0 ..< tokens).map { Array(decision.chosen[($0 * k) ..< ($0 * k + k)]) }
        selectionScores = (0 ..< tokens).map { Array(decision.selectionScores[($0 * experts) ..< ($0 * experts + experts)]) }
        weights = (0 ..< tokens).map { Array(weightValues[($0 * k) ..< ($0 * k + k)]) }
        let counts = Balancing.counts(decision.chosen, experts: experts)
        load = counts.map { Double($0) / Double(Swift.max(decision.chosen.count, 1)) }
        imbalance = RoutingRecord.imbalance(load)
        entropy = RoutingRecord.meanEntropy(probabilities)
        self.dropped = dropped
    }

    /// max ÷ mean of `load` (any nonnegative loads; 0 when all are 0).
    public static func imbalance(_ load: [Double]) -> Double {
        let mean = load.reduce(0, +) / Double(Swift.max(load.count, 1))
        return mean > 0 ? (load.max() ?? 0) / mean : 0
    }

    /// Mean per-row entropy in nats of rows normalised to sum 1 (sigmoid affinities need it).
    static func meanEntropy(_ rows: [[Float]]) -> Double {
        guard !rows.isEmpty else { return 0 }
        var total = 0.0
        for row in rows {
            let sum = row.reduce(0) { $0 + Double($1) }
            guard sum > 0 else { continue }
            for value in row where value > 0 {
                let share = Double(value) / sum
                total -= share * Foundation.log(share)
            }
        }
        return total / Double(rows.count)
    }

    /// Number of tokens routed.
    public var tokenCount: Int { probabilities.count }
    /// Number of routed experts.
    public var expertCount: Int { load.count }

    public var description: String {
        let shares = load.map { String(format: "%.2f", $0) }.joined(separator: " ")
        return "routing of \(tokenCount) tokens over \(expertCount) experts: load [\(shares)]  "
            + String(format: "imbalance %.2f  entropy %.3f nats (max %.3f)  dropped %d",
                     imbalance, entropy, Foundation.log(Double(expertCount)), dropped)
    }
}
