// One token's trip through the layer, step by step: scores → gate → top-k → renormalised weights →
// each chosen expert's output → the weighted sum, and how many parameters actually ran.
import Foundation

/// The step-by-step routing of a single token.
public struct TokenExplanation: CustomStringConvertible, Sendable {
    /// Router logits, one per expert.
    public let scores: [Float]
    /// Gate values (softmax probabilities or sigmoid affinities), one per expert.
    public let gateValues: [Float]
    /// The gate function used.
    public let gate: GateFunction
    /// The balancing bias added for selection only (nil unless balancing is `bias`).
    public let bias: [Float]?
    /// The K chosen experts, best first.
    public let chosen: [Int]
    /// Their gate values before renormalising.
    public let chosenGateValues: [Float]
    /// Their weights after renormalising (what multiplies each expert's output).
    public let weights: [Float]
    /// Each chosen expert's output for this token, in the order of `chosen`.
    public let expertOutputs: [[Float]]
    /// The sum of the shared experts' outputs (nil when there are none).
    public let sharedOutput: [Float]?
    /// The layer's output: Σ weight · expert output (+ shared output).
    public let output: [Float]
    /// Parameters that ran for this token: router + K routed experts + shared experts.
    public let activeParameters: Int
    /// All parameters of the layer.
    public let totalParameters: Int
    /// DeepSeek-V3's routed scaling factor already in `weights` (1 when off).
    public var routeScale: Float = 1
    /// Whether the token itself was added to the output (the residual path).
    public var residual = false

    /// One line: the chosen experts and their weights (what the REPL echoes; `description` is the trace).
    public var summary: String {
        "explanation: experts \(chosen), weights " + "[" + weights.map { String(format: "%.3f", $0) }.joined(separator: ", ") + "]"
    }

    public var description: String {
        func list(_ values: [Float], limit: Int = 8) -> String {
            let shown = values.prefix(limit).map { String(format: "%.3f", $0) }
            return "[" + shown.joined(separator: ", ") + (values.count > limit ? ", … (\(values.count))" : "") + "]"
        }
        var lines = ["1. router scores  \(list(scores))",
                     "2. \(gate.rawValue) gate   \(list(gateValues))"]
        if let bias {
            let biased = zip(gateValues, bias).map { $0 + $1 }
            lines.append("   + bias = scores for selection \(list(biased))")
            lines.append("   selection uses the bias; the weights do not (they come from the gate values)")
        }
        lines.append("3. top-\(chosen.count) experts \(chosen)  gate values \(list(chosenGateValues))")
        let scaleNote = routeScale == 1 ? "" : String(format: " × route scale %g", routeScale)
        lines.append("4. weights        \(list(weights))"
                     + (chosen.count > 1 ? "  (renormalised to sum 1\(scaleNote))" : "  (top-1 keeps the gate value\(scaleNote))"))
        for (index, expert) in chosen.enumerated() {
            lines.append(String(format: "5. expert %d output (weight %.3f): ", expert, weights[index]) + list(expertOutputs[index]))
        }
        if let sharedOutput { lines.append("   shared experts: " + list(sharedOutput)) }
        lines.append("6. output = " + (residual ? "token + " : "") + "Σ weight · expert" + (sharedOutput == nil ? "" : " + shared")
                     + ": " + list(output))
        let percent = 100 * Double(activeParameters) / Double(Swift.max(totalParameters, 1))
        lines.append(String(format: "parameters run: %d of %d (%.1f%%)", activeParameters, totalParameters, percent))
        return lines.joined(separator: "\n")
    }
}
