// Layer normalisation and RMS normalisation over the last axis, fused into one op each so the
// backward pass is one loop over each row (the closed forms are below). Row sums run in Double
// (see the README's numerics) with four-lane Double accumulators, and the per-element loops read
// and write through pointers with the weight and bias cases hoisted out, so each loop vectorises.
// Layer norm's forward loop and the shared backward run in CKernels (AVX2 + FMA where available).
import CKernels

/// Σ (x − centre)² over `count` Floats, in Double.
@inline(__always)
func squaredDeviationsInDouble(_ x: UnsafePointer<Float>, count: Int, centre: Double) -> Double {
    var low = SIMD4<Double>(), high = SIMD4<Double>()
    let centres = SIMD4<Double>(repeating: centre)
    var index = 0
    while index + 8 <= count {
        let lanes = UnsafeRawPointer(x + index).loadUnaligned(as: SIMD8<Float>.self)
        let first = SIMD4<Double>(lanes.lowHalf) - centres, second = SIMD4<Double>(lanes.highHalf) - centres
        low += first * first
        high += second * second
        index += 8
    }
    var total = (low + high).sum()
    while index < count { let centred = Double(x[index]) - centre; total += centred * centred; index += 1 }
    return total
}

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
        // Every entry is written below: no zero-fill.
        var normalized = [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        var inverseDeviation = [Float](repeating: 0, count: rows)
        var output = [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        // Ones and zeros stand in for an absent weight or bias: x·1 + 0 is exact, so one loop serves all.
        let weightValues = weight?.storage ?? [Float](repeating: 1, count: width)
        let biasValues = bias?.storage ?? [Float](repeating: 0, count: width)
        storage.withUnsafeBufferPointer { inputBuffer in
            normalized.withUnsafeMutableBufferPointer { normalizedBuffer in
                output.withUnsafeMutableBufferPointer { outputBuffer in
                    weightValues.withUnsafeBufferPointer { weightBuffer in
                        biasValues.withUnsafeBufferPointer { biasBuffer in
                            guard let input = inputBuffer.baseAddress, let normal = normalizedBuffer.baseAddress,
                                  let out = outputBuffer.baseAddress, let scale = weightBuffer.baseAddress,
                                  let shift = biasBuffer.baseAddress else { return }
                            // Two passes in Double per row (CKernels): a mean far from the spread keeps its
                            // digits, and the squares of values near Float's limit (1e20) do not overflow.
                            inverseDeviation.withUnsafeMutableBufferPointer { inverseBuffer in
                                guard let inverse = inverseBuffer.baseAddress else { return }
                                ck_layer_norm_forward(VectorKernels.c, input, scale, shift, rows, width, epsilon, normal, inverse, out)
                            }
                        }
                    }
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
        var output = [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
        let weightValues = weight?.storage ?? [Float](repeating: 1, count: width)
        storage.withUnsafeBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                weightValues.withUnsafeBufferPointer { weightBuffer in
                    guard let input = inputBuffer.baseAddress, let out = outputBuffer.baseAddress,
                          let scale = weightBuffer.baseAddress else { return }
                    for row in 0 ..< rows {
                        let base = row * width
                        // Double: no overflow of x² and no lost digits.
                        let meanSquare = squaredDeviationsInDouble(input + base, count: width, centre: 0) / Double(width)
                        let inverse = 1 / (meanSquare + Double(epsilon)).squareRoot()
                        inverseRoot[row] = inverse
                        let source = input + base, outRow = out + base
                        for column in 0 ..< width {
                            outRow[column] = Float(Double(source[column]) * inverse * Double(scale[column]))
                        }
                    }
                }
            }
        }
        let inputs = [self] + [weight].compactMap { $0 }
        return Tensor.result(shape: shape, storage: output, inputs: inputs, .rmsNorm(inverseRootMeanSquare: inverseRoot))
    }
}

// MARK: - Backward

extension DerivativeRules {
    /// Shared backward of layer-norm (centered) and RMS-norm: with x̂ the normalised input and
    /// ĝ = g ⊙ weight, dx = inverse · (ĝ − [mean ĝ] − x̂ · mean(ĝ ⊙ x̂)); dweight = Σ g ⊙ x̂; dbias = Σ g.
    /// x̂ is the saved Float `normalized` (layer norm) or x · inverse in Double (RMS norm).
    static func normalizationGradients(_ inputs: [Tensor], gradient: Tensor, normalized: [Float]?,
                                       inverse: [Double], centered: Bool) -> [Tensor?] {
        let x = inputs[0]
        let width = x.shape.last ?? 0
        let rows = inverse.count
        let weightValues = inputs.count > 1 ? inputs[1].storage : [Float](repeating: 1, count: width)
        // The kernel writes every row of dx (rows · width = x.count): no zero-fill.
        var dx = [Float](unsafeUninitializedCapacity: x.count) { _, initialized in initialized = x.count }
        var dWeight = [Float](repeating: 0, count: width), dBias = [Float](repeating: 0, count: width)
        // x̂ and ĝ of the current row, in Double.
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: 2 * Swift.max(width, 1))
        defer { scratch.deallocate() }
        gradient.storage.withUnsafeBufferPointer { gradientBuffer in
        x.storage.withUnsafeBufferPointer { xBuffer in
        weightValues.withUnsafeBufferPointer { weightBuffer in
        (normalized ?? []).withUnsafeBufferPointer { normalizedBuffer in
        inverse.withUnsafeBufferPointer { inverseBuffer in
        dx.withUnsafeMutableBufferPointer { dxBuffer in
        dWeight.withUnsafeMutableBufferPointer { dWeightBuffer in
        dBias.withUnsafeMutableBufferPointer { dBiasBuffer in
            guard let g = gradientBuffer.baseAddress, let input = xBuffer.baseAddress, let scale = weightBuffer.baseAddress,
                  let rowInverses = inverseBuffer.baseAddress, let out = dxBuffer.baseAddress,
                  let weightSums = dWeightBuffer.baseAddress, let biasSums = dBiasBuffer.baseAddress else { return }
            // (An empty array may still have a base address: test the optional, not the pointer.)
            // The row means accumulate in Double: they cancel against ĝ, and a Float sum's
            // rounding showed up as whole-percent errors in small gradient entries.
            ck_norm_backward(VectorKernels.c, g, input, scale, normalized == nil ? nil : normalizedBuffer.baseAddress, rowInverses,
                             rows, width, centered ? 1 : 0, out, weightSums, biasSums, scratch)
        }
        }
        }
        }
        }
        }
        }
        }
        var result: [Tensor?] = [Tensor(shape: x.shape, storage: dx)]
        if inputs.count > 1 { result.append(Tensor(shape: [width], storage: dWeight)) }
        if inputs.count > 2 { result.append(Tensor(shape: [width], storage: dBias)) }
        return result
    }
}
