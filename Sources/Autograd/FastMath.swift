// Branch-free exp and tanh for Float32 written so the optimizer can vectorise the loops that
// call them (the libm calls cannot be inlined and cost ~15-20 ns each here; GELU over a MoE
// expert's activations was the slowest part of a training step). Accuracy, checked in
// FastMathTests against Double: exp within 4e-7 relative, tanh within 2e-7 absolute.

/// e^x by Cody-Waite range reduction (x = n·ln2 + r, |r| ≤ ln2/2) and a degree-7 Taylor
/// polynomial for e^r (truncation < 6e-9), scaled by 2^n through the exponent bits.
@inline(__always)
func fastExp(_ x: Float) -> Float {
    // Clamp to the finite range (below: result flushes toward 0; above: FLT_MAX territory).
    let clamped = x < -87.3 ? -87.3 : (x > 88.7 ? 88.7 : x)
    // Round x·log2(e) to the nearest integer with the 1.5·2^23 trick (no libm call).
    let shifter: Float = 12_582_912
    let shifted = clamped * 1.442_695_04 + shifter
    let n = shifted - shifter
    // The low mantissa bits of `shifted` hold n (offset by 0x4B40_0000): integer bits without a
    // trapping Float→Int conversion, so the loop stays branch-free.
    let exponentBits = (shifted.bitPattern &- 0x4B40_0000 &+ 127) &<< 23
    let r = (clamped - n * 0.693_145_75) - n * 1.428_606_8e-6   // ln2 split in high and low parts
    var p: Float = 1.0 / 5040
    p = p * r + 1.0 / 720
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    return p * Float(bitPattern: exponentBits)
}

/// tanh(x): an odd Taylor polynomial near 0 (where 1 − e^(−2|x|) would cancel) and
/// (1 − e^(−2|x|)) / (1 + e^(−2|x|)) elsewhere, both computed and one selected.
@inline(__always)
func fastTanh(_ x: Float) -> Float {
    let magnitude = x < 0 ? -x : x
    let decay = fastExp(-2 * magnitude)
    let far = (1 - decay) / (1 + decay)
    let square = x * x
    // x − x³/3 + 2x⁵/15 − 17x⁷/315; for |x| < 0.0625 the next term is below 1e-12.
    let near = magnitude * (1 + square * (-1.0 / 3 + square * (2.0 / 15 + square * (-17.0 / 315))))
    let value = magnitude < 0.0625 ? near : far
    return x < 0 ? -value : value
}

/// The logistic function 1 / (1 + e^(−x)).
@inline(__always)
func fastSigmoid(_ x: Float) -> Float { 1 / (1 + fastExp(-x)) }
