// A reusable gradient checker: reverse-mode gradients against central finite differences.
//
// The scalar probed is L = Σ wᵢ · f(x)ᵢ with fixed random weights w (so every output element
// matters and errors cannot cancel by symmetry). L is accumulated in Double from the Float32
// outputs, which leaves only the outputs' own rounding (~6e-8 relative each) in the difference
// quotient. With ε = 1e-3 that rounding contributes about 3e-5·√n to the numeric derivative and
// truncation O(ε²) about 1e-6, so the default tolerance |analytic − numeric| ≤ 2e-3 + 1e-2·|numeric|
// leaves a wide margin while still catching any wrong rule (errors of a factor or a sign are O(1)).
// Inputs must stay away from kinks (relu at 0, abs at 0, clamp bounds, ties in max).
import Autograd

/// One input element whose two gradients disagree.
public struct GradientMismatch: CustomStringConvertible, Sendable {
    /// Position of the input in the list passed to `check`.
    public let input: Int
    /// Flat (row-major) index of the element within that input.
    public let element: Int
    /// The reverse-mode derivative.
    public let analytic: Double
    /// The central-difference estimate.
    public let numeric: Double

    public var description: String {
        "input \(input) element \(element): analytic \(analytic) vs numeric \(numeric)"
    }
}

/// Central finite differences against `backward()`.
public enum GradientChecker {
    /// The documented defaults (see the file comment for why they are safe for Float32).
    public static let defaultEpsilon: Float = 1e-3
    public static let defaultAbsoluteTolerance = 2e-3
    public static let defaultRelativeTolerance = 1e-2

    /// Returns every mismatch between reverse-mode and numeric gradients of `function` at `inputs`
    /// (inputs with `requiresGrad == false` are held fixed). An empty result means the check passed.
    public static func check(_ inputs: [Tensor],
                             epsilon: Float = defaultEpsilon,
                             absoluteTolerance: Double = defaultAbsoluteTolerance,
                             relativeTolerance: Double = defaultRelativeTolerance,
                             seed: UInt64 = 2024,
                             _ function: ([Tensor]) throws -> Tensor) throws -> [GradientMismatch] {
        for input in inputs { input.zeroGrad() }
        let output = try function(inputs)
        var generator = SeededGenerator(seed: seed)
        let weights = try Tensor.uniform(output.shape, low: 0.5, high: 1.5, generator: &generator)
        let loss = try (output * weights).sum()
        try loss.backward()

        func probe() throws -> Double {
            let values = try withNoGrad { try function(inputs) }.storage
            var total = 0.0
            for (value, weight) in zip(values, weights.storage) { total += Double(value) * Double(weight) }
            return total
        }

        var mismatches: [GradientMismatch] = []
        for (inputIndex, input) in inputs.enumerated() where input.requiresGrad {
            let analytic = input.grad?.storage ?? [Float](repeating: 0, count: input.count)
            for element in 0 ..< input.count {
                let original = input.storage[element]
                input.withUnsafeMutableValues { $0[element] = original + epsilon }
                let plus = try probe()
                input.withUnsafeMutableValues { $0[element] = original - epsilon }
                let minus = try probe()
                input.withUnsafeMutableValues { $0[element] = original }
                // Divide by the step actually taken in Float32, not the nominal one.
                let step = Double(original + epsilon) - Double(original - epsilon)
                let numeric = (plus - minus) / step
                let reverse = Double(analytic[element])
                if Swift.abs(reverse - numeric) > absoluteTolerance + relativeTolerance * Swift.abs(numeric) {
                    mismatches.append(GradientMismatch(input: inputIndex, element: element, analytic: reverse, numeric: numeric))
                }
            }
        }
        return mismatches
    }
}
