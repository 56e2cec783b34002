// Layer normalisation and RMS normalisation over the last axis, fused into one op each so the
// backward pass is one loop (the closed forms are in DerivativeRules.swift).

extension Tensor {
    /// (x − mean) / √(variance + ε) over the last axis, then × weight + bias when given ([D] each).
    public func layerNorm(weight: Tensor? = nil, bias: Tensor? = nil, epsilon: Float = 1e-5) throws -> Tensor {
        guard rank >= 1 else { throw TensorError.invalidShape(op: "layerNorm", shape: shape, reason: "has no last axis") }
        let width = shape[rank - 1]
        if bias != nil && weight == nil {
            throw TensorError.invalidArgument(op: "layerNorm", reason: "a bias needs a weight (pass ones for no scaling)")
        }
        for parameter in [weight, bias].compactMap({ $0 }) where parameter.shape != [width] {
            throw TensorError.shapeMismatch(op: "layerNorm", lhs: shape, rhs: parameter.shape)
        }
        let rows = width == 0 ? 0 : count / width
        var normalized = [Float](repeating: 0, count: count)
        var inverseDeviation = [Float](repeating: 0, count: rows)
        var output = [Float](repeating: 0, count: count)
        let weightValues = weight?.storage, biasValues = bias?.storage
        storage.withUnsafeBufferPointer { input in
            for row in 0 ..< rows {
                let base = row * width
                // Two passes in Double: a mean far from the spread keeps its digits, and the
                // squares of values near Float's limit (1e20) do not overflow to a zero output.
                var mean = 0.0
                for column in 0 ..< width { mean += Double(input[base + column]) }
                mean /= Double(width)
                var variance = 0.0
                for column in 0 ..< width { let centered = Double(input[base + column]) - mean; variance += centered * centered }
                variance /= Double(width)
                let inverse = 1 / (variance + Double(epsilon)).squareRoot()
                inverseDeviation[row] = Float(inverse)
                for column in 0 ..< width {
                    let value = (Double(input[base + column]) - mean) * inverse
                    normalized[base + column] = Float(value)
                    output[base + column] = Float(value * Double(weightValues?[column] ?? 1) + Double(biasValues?[column] ?? 0))
                }
            }
        }
        let inputs = [self] + [weight, bias].compactMap { $0 }
        return Tensor.result(shape: shape, storage: output, inputs: inputs,
                             .layerNorm(normalized: normalized, inverseDeviation: inverseDeviation))
    }

    /// x / √(mean(x²) + ε) over the last axis, then × weight when given ([D]).
    public func rmsNorm(weight: Tensor? = nil, epsilon: Float = 1e-6) throws -> Tensor {
        guard rank >= 1 else { throw TensorError.invalidShape(op: "rmsNorm", shape: shape, reason: "has no last axis") }
        let width = shape[rank - 1]
        if let weight, weight.shape != [width] {
            throw TensorError.shapeMismatch(op: "rmsNorm", lhs: shape, rhs: weight.shape)
        }
        let rows = width == 0 ? 0 : count / width
        var inverseRoot = [Double](repeating: 0, count: rows)
        var output = [Float](repeating: 0, count: count)
        let weightValues = weight?.storage
        storage.withUnsafeBufferPointer { input in
            for row in 0 ..< rows {
                let base = row * width
                var meanSquare = 0.0   // Double: no overflow of x² and no lost digits
                for column in 0 ..< width { meanSquare += Double(input[base + column]) * Double(input[base + column]) }
                meanSquare /= Double(width)
                let inverse = 1 / (meanSquare + Double(epsilon)).squareRoot()
                inverseRoot[row] = inverse
                for column in 0 ..< width {
                    output[base + column] = Float(Double(input[base + column]) * inverse * Double(weightValues?[column] ?? 1))
                }
            }
        }
        let inputs = [self] + [weight].compactMap { $0 }
        return Tensor.result(shape: shape, storage: output, inputs: inputs, .rmsNorm(inverseRootMeanSquare: inverseRoot))
    }
}
