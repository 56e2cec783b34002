// How tensors print: at most 6 significant digits (as PyTorch shows them), whole numbers bare,
// Float32 values that read back as typed (0.26, not the 0.25999999 a Double conversion shows).
import Autograd
import Testing

@Test func tensorsPrintAtMostSixSignificantDigits() throws {
    let t = try Tensor(shape: [6], values: [0.29, 0.26, -0.34, 1.0 / 3.0, 123456.789, 1e-9])
    #expect(t.description == "tensor([0.29, 0.26, -0.34, 0.333333, 123457, 1e-09], shape=[6])")
    let whole = try Tensor(shape: [2, 2], values: [1, -2, 3e6, 0])
    #expect(whole.description == "tensor([[1, -2], [3000000, 0]], shape=[2, 2])")
}

@Test func float32ValuesPrintTheirShortestFloat32Form() throws {
    // 0.1 + 0.2 in Float32 is 0.3 exactly as Float32 reads "0.3"; the sum of ten 0.026s drifts
    // to the next Float32 above 0.26 and prints as such with six digits: "0.26".
    let sum = try Tensor(shape: [1], values: [Float(0.1) + Float(0.2)])
    #expect(sum.description == "tensor([0.3], shape=[1])")
    var drift: Float = 0
    for _ in 0..<10 { drift += 0.026 }
    #expect(drift != Float(0.26))
    #expect(try Tensor(shape: [1], values: [drift]).description == "tensor([0.26], shape=[1])")
}
