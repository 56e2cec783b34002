// The vectorisable exp/tanh used by GELU, SiLU, sigmoid and tanh, against Double-precision libm
// over a dense grid. Bounds: exp within 4e-7 relative (a few Float ulps), tanh within 2e-7 absolute.
@testable import Autograd
import Foundation
import Testing

@Suite("Fast math")
struct FastMathTests {
    @Test func expIsAccurateOverTheFiniteRange() {
        var worst = 0.0
        for step in 0 ... 35_000 {
            let x = Float(-87 + Double(step) * 0.005)
            let exact = Foundation.exp(Double(x))
            worst = max(worst, Swift.abs(Double(fastExp(x)) - exact) / exact)
        }
        #expect(worst < 4e-7, "worst relative error \(worst)")
        #expect(fastExp(-200) < 1e-37 && fastExp(-200) >= 0)
    }

    @Test func tanhAndSigmoidAreAccurate() {
        var worstTanh = 0.0, worstSigmoid = 0.0
        for step in 0 ... 40_000 {
            let x = Float(-20 + Double(step) * 0.001)
            worstTanh = max(worstTanh, Swift.abs(Double(fastTanh(x)) - Foundation.tanh(Double(x))))
            worstSigmoid = max(worstSigmoid, Swift.abs(Double(fastSigmoid(x)) - 1 / (1 + Foundation.exp(-Double(x)))))
        }
        #expect(worstTanh < 2e-7, "worst tanh error \(worstTanh)")
        #expect(worstSigmoid < 2e-7, "worst sigmoid error \(worstSigmoid)")
        // Small arguments keep their relative accuracy (the polynomial branch).
        #expect(Swift.abs(fastTanh(1e-5) - 1e-5) < 1e-12)
    }
}
