// The reproducers of issue 9 (softmax-family precision, NaN propagation, ties and edges, answers
// where PyTorch answers), each pinned to PyTorch's value: float64 PyTorch (2.15) on the same
// float32 inputs, computed with ~/.cache/microseek-reference/bin/python and recorded here.

import Autograd
@testable import Builtins
import Foundation
import Script
import Testing
import TestSupport

/// The values a script's last expression evaluates to (a tensor or a number).
/// `nan` is defined for the script (Seek refuses 0 / 0 on numbers; log(-1) is NaN).
private func values(_ source: String, runner: ScriptRunner = ScriptRunner()) throws -> [Float] {
    switch try runner.interpreter.run("nan = log(-1)\n" + source) {
    case .object(let object as TensorObject)?: return object.tensor.storage
    case .number(let number)?: return [Float(number)]
    case let other: throw FixtureError("expected a tensor, got \(other?.repr ?? "nil")")
    }
}

/// Within `ulps` float32 ulp of each float64 reference element.
private func withinUlps(_ got: [Float], _ expected: [Double], _ ulps: Double = 2) -> Bool {
    got.count == expected.count && zip(got, expected).allSatisfy { value, reference in
        abs(Double(value) - reference) <= ulps * Double(Float(abs(reference)).ulp)
    }
}

@Suite("Numerics as PyTorch (issue 9 reproducers)")
struct TensorNumericsTests {
    // MARK: - The softmax family

    @Test func logSoftmaxIsExactToEachEntrysOwnSize() throws {
        // float64 log_softmax([1000, 990]) = [-4.5398899216870535e-05, -10.000045398899218].
        #expect(withinUlps(try values("log_softmax(tensor([1000.0, 990.0]))"), [-4.5398899216870535e-05, -10.000045398899218]))
        #expect(withinUlps(try values("tensor([1000.0, 990.0]).log_softmax()"), [-4.5398899216870535e-05, -10.000045398899218]))
    }

    @Test func crossEntropyKeepsSmallLossesAndTheirGradients() throws {
        #expect(withinUlps(try values("cross_entropy(tensor([[10.0, 0.0]]), [0])"), [4.5398899216870535e-05]))
        // Logits 10000 apart from the class 10 below: loss 4.5398899e-05, gradient ±4.5397869e-05.
        let runner = ScriptRunner()
        #expect(withinUlps(try values("x = param(tensor([[10000.0, 9990.0]])); l = cross_entropy(x, [0]); l.backward(); l", runner: runner),
                           [4.5398899216870535e-05]))
        #expect(withinUlps(try values("x.grad", runner: runner), [-4.5397868702390376e-05, 4.5397868702434354e-05]))
    }

    @Test func softmaxGradientSidesAreEqualAndOpposite() throws {
        // float64: ±8.315273363e-07 (float32 PyTorch gives 8.3446434e-07 on the first).
        let runner = ScriptRunner()
        let gradient = try values("x = param(tensor([14.0, 0.0])); sum(softmax(x) * tensor([1.0, 0.0])).backward(); x.grad", runner: runner)
        #expect(withinUlps(gradient, [8.315273363282313e-07, -8.315273362252712e-07], 4))
    }

    @Test func klDivergenceAndItsGradientsAtTemperatureOneHalf() throws {
        // float64 PyTorch: 5.799187089854024e-04; ∂/∂p = ±1.1822149927e-03, ∂/∂q = ∓2.2390684845e-05.
        let runner = ScriptRunner()
        let value = try values("p = param(tensor([[38.0, 43.7]])); q = param(tensor([[20.8, 52.9]])); k = kl_div(p, q, T=0.5); k.backward(); k", runner: runner)
        #expect(withinUlps(value, [5.799187089854024e-04], 4))
        #expect(allClose(try values("p.grad", runner: runner), [0.0011822149927028847, -0.0011822149927025287], absolute: 0, relative: 1e-5))
        #expect(allClose(try values("q.grad", runner: runner), [-2.2390684845109337e-05, 2.239068484510831e-05], absolute: 0, relative: 1e-5))
    }

    @Test func softmaxOfAZeroDimensionalTensorIsOne() throws {
        #expect(try values("softmax(tensor(2))") == [1])
        #expect(try values("log_softmax(tensor(2))") == [0])
    }

    // MARK: - NaN propagates

    @Test func nanReachesTheOutput() throws {
        #expect(try values("relu(tensor([nan, -1, 2]))").map(\.isNaN) == [true, false, false])
        #expect(try values("relu(tensor([nan, -1, 2]))")[1 ... 2] == [0, 2])
        #expect(try values("maximum(tensor([nan, 1]), tensor([0, nan]))").allSatisfy(\.isNaN))
        #expect(try values("minimum(tensor([nan, 1]), tensor([0, nan]))").allSatisfy(\.isNaN))
        #expect(try values("max(tensor([1, nan, 3]))").allSatisfy(\.isNaN))
        // torch.max over all values sends the gradient to the NaN: [0, 1, 0].
        #expect(try values("t = param(tensor([1, nan, 3])); max(t).backward(); t.grad") == [0, 1, 0])
        // So a NaN reaches a loss, where the trainer's non-finite check can see it.
        #expect(try values("cross_entropy(relu(tensor([[nan, 1.0]])), [1])").allSatisfy(\.isNaN))
    }

    // MARK: - Edges

    @Test func powerZeroHasZeroGradientAtZero() throws {
        #expect(try values("z = param(tensor([0, 2])); (z ** 0).sum().backward(); z.grad") == [0, 0])
    }

    @Test func layerNormDoesNotOverflowOrLoseTheMean() throws {
        // float64: [0.2672612419124244, -1.3363062095621223, 1.0690449676496976].
        #expect(allClose(try values("layer_norm(tensor([[1e20, -1e20, 2e20]]))"),
                         [0.2672612419124244, -1.3363062095621223, 1.0690449676496976], absolute: 0, relative: 1e-6))
        // A large mean relative to the spread: 1000 + [-1, 0, 1] normalises to ±1.2247357 (eps 1e-5).
        #expect(allClose(try values("layer_norm(tensor([[999.0, 1000.0, 1001.0]]))"),
                         [-1.2247356859083902, 0, 1.2247356859083902], absolute: 1e-6, relative: 1e-6))
    }

    // MARK: - Ties as PyTorch

    @Test func tiesSplitTheGradientAsTorch() throws {
        #expect(try values("t = param(tensor([3, 1, 3])); max(t).backward(); t.grad") == [0.5, 0, 0.5])
        #expect(try values("t = param(tensor([3, 1, 3])); t.min().backward(); t.grad") == [0, 1, 0])
        // Over an axis: the first maximal index, as torch.max(t, dim) returns it.
        #expect(try values("t = param(tensor([[3, 1, 3]])); max(t, axis=1).sum().backward(); t.grad") == [1, 0, 0])
        let runner = ScriptRunner()
        #expect(try values("a = param(tensor([2])); b = param(tensor([2])); maximum(a, b).sum().backward(); a.grad", runner: runner) == [0.5])
        #expect(try values("b.grad", runner: runner) == [0.5])
        // clamp(0, 1) at [-1, 0, 0.5, 1, 2]: only the inside value passes, as torch: [0, 0, 1, 0, 0].
        #expect(try values("c = param(tensor([-1, 0, 0.5, 1, 2])); clamp(c, min=0, max=1).sum().backward(); c.grad") == [0, 0, 1, 0, 0])
    }

    @Test func negativeIndicesAreRefusedLikeTorch() {
        #expect(ScriptRunner().error("gather(tensor([1, 2, 3]), 0, [-1])")?.contains("out of range") == true)
        #expect(ScriptRunner().error("index_select(tensor([1, 2, 3]), 0, [-1])")?.contains("negatives are refused") == true)
        #expect(ScriptRunner().error("index_add(zeros(3), 0, [-1], ones(1))")?.contains("negatives are refused") == true)
        #expect(ScriptRunner().error("scatter_add(zeros(3), 0, [-1], tensor([1]))")?.contains("out of range") == true)
    }

    // MARK: - Answers where PyTorch answers

    @Test func emptyReductionsAnswerAsTorch() throws {
        #expect(try values("mean(zeros(0, 3), axis=0)").allSatisfy(\.isNaN))
        #expect(try values("zeros(0, 3).mean(axis=0)").count == 3)
        #expect(try values("logsumexp(zeros(3, 0), axis=1)") == [-.infinity, -.infinity, -.infinity])
        #expect(try values("cross_entropy(zeros(0, 3), [])").allSatisfy(\.isNaN))
        // max / argmax over an empty axis have no identity: refused, as in PyTorch.
        #expect(ScriptRunner().error("max(zeros(0, 3), axis=0)") == "max: cannot reduce an empty axis (t has shape [0, 3]); PyTorch refuses it too")
        #expect(try values("argmax(zeros(0, 3), axis=1)").isEmpty)
    }

    @Test func matmulBroadcastsBatchesAndTakesFourAxes() throws {
        #expect(try ScriptRunner().echo("(ones(2, 4, 3) @ ones(1, 3, 4)).shape") == "[2, 4, 4]")
        // torch.matmul(arange(24).reshape(2,1,3,4), arange(8).reshape(1,2,4,1)).
        #expect(try values("arange(24).reshape(2, 1, 3, 4) @ arange(8).reshape(1, 2, 4, 1)")
                == [14, 38, 62, 38, 126, 214, 86, 110, 134, 302, 390, 478])
        // The gradient sums over the broadcast batch: d/dB Σ(A @ B) with A ones(2, 4, 3) is 8 per entry.
        #expect(try values("b = param(ones(1, 3, 4)); (ones(2, 4, 3) @ b).sum().backward(); b.grad") == [Float](repeating: 8, count: 12))
    }

    @Test func divisionByZeroGivesInfinityAndNaN() throws {
        let result = try values("tensor([1, -1, 0]) / 0")
        #expect(result[0] == .infinity && result[1] == -.infinity && result[2].isNaN)
    }
}
