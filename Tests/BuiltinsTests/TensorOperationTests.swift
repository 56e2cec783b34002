// The PyTorch-named tensor operations and layers from scripts: values and gradients pinned
// against PyTorch 2.15 (~/.cache/microseek-reference/bin/python, torch.nn.functional), errors
// that name shapes. Each test runs a fresh interpreter.

import Autograd
import Builtins
import Script
import TestSupport
import Testing

@Suite struct TensorOperationTests {
    /// The tensor a script's last expression evaluates to.
    private func tensor(_ source: String, runner: ScriptRunner = ScriptRunner()) throws -> Tensor {
        guard case .object(let object as TensorObject)? = try runner.interpreter.run(source) else {
            Issue.record("\(source) did not give a tensor")
            return try Tensor(shape: [0], values: [])
        }
        return object.tensor
    }

    /// `x = [[1, 2, 4], [0, -1, 3]]`, `w = [0.5, 1, 2]`, `b = [0.1, 0, -0.1]`, `c` the upstream gradient.
    private let inputs = """
        x = param([[1, 2, 4], [0, -1, 3]]); w = param([0.5, 1, 2]); b = param([0.1, 0, -0.1])
        c = tensor([[1, 2, 3], [-1, 0, 1]])
        """

    // MARK: - Normalisation

    @Test func layerNormValuesAndGradientsMatchPyTorch() throws {
        let runner = ScriptRunner()
        let result = try tensor(inputs + "\ny = layer_norm(x, weight=w, bias=b); (y * c).sum().backward(); y", runner: runner)
        // torch: F.layer_norm(x, (3,), w, b, eps=1e-5), then (y * c).sum().backward().
        #expect(allClose(result, shape: [2, 3], [-0.43452069, -0.26726028, 2.5726037, -0.09611578, -0.98057896, 2.6456213], absolute: 1e-5))
        #expect(allClose(try tensor("x.grad", runner: runner), shape: [2, 3],
                         [0.11452687, -0.17181361, 0.05728614, -0.36206070, 0.27154303, 0.09051764], absolute: 1e-5))
        #expect(allClose(try tensor("w.grad", runner: runner), shape: [3], [-0.67680979, -0.53452063, 5.3817158], absolute: 1e-5))
        #expect(allClose(try tensor("b.grad", runner: runner), shape: [3], [0, 2, 4], absolute: 1e-6))
        // The method form and the default eps give the same values.
        let method = try tensor(inputs + "\nx.layer_norm(w, b)")
        #expect(allClose(method.storage, result.storage))
    }

    @Test func layerNormWithBiasOnlyAddsTheBias() throws {
        // By hand: [1, 3] normalises to ±1/√(1 + 1e-5) ≈ ±0.999995, then + [10, 20].
        let result = try tensor("layer_norm(tensor([[1, 3]]), bias=tensor([10, 20]))")
        #expect(allClose(result, shape: [1, 2], [9.000005, 20.999995], absolute: 1e-5))
    }

    @Test func rmsNormValuesAndGradientsMatchPyTorch() throws {
        let runner = ScriptRunner()
        let result = try tensor(inputs + "\ny = rms_norm(x, weight=w, eps=1e-6); (y * c).sum().backward(); y", runner: runner)
        // torch: F.rms_norm(x, (3,), w, eps=1e-6).
        #expect(allClose(result, shape: [2, 3], [0.18898222, 0.75592887, 3.0237155, 0, -0.54772246, 3.2863348], absolute: 1e-5))
        #expect(allClose(try tensor("x.grad", runner: runner), shape: [2, 3],
                         [-0.32396945, -0.26997447, 0.21597981, -0.27386123, 0.32863337, 0.10954481], absolute: 1e-5))
        #expect(allClose(try tensor("w.grad", runner: runner), shape: [3], [0.37796444, 1.5118577, 6.1787405], absolute: 1e-5))
        // By hand: [3, 4] has mean square 12.5, so t.rms_norm() = [3, 4] / √12.5.
        #expect(allClose(try tensor("tensor([[3, 4]]).rms_norm()"), shape: [1, 2], [0.84852814, 1.1313708], absolute: 1e-5))
    }

    @Test func normalisationErrorsNameShapes() {
        #expect(ScriptRunner().error("layer_norm(zeros(2, 3), weight=ones(4))")
                == "layer_norm: weight has shape [4] but t [2, 3] needs [3] (its last axis)")
        #expect(ScriptRunner().error("rms_norm(zeros(2, 3), ones(2))") == "rms_norm: weight has shape [2] but t [2, 3] needs [3] (its last axis)")
        #expect(ScriptRunner().error("layer_norm(zeros(3), eps=0)") == "layer_norm: eps must be a positive number, got 0")
    }

    // MARK: - Reductions and elementwise

    @Test func logsumexpMatchesPyTorch() throws {
        // torch.logsumexp(x, 1), over all, and over axis 0 with keepdim=True.
        #expect(allClose(try tensor(inputs + "\nlogsumexp(x, axis=1)"), shape: [2], [4.1698461, 3.0658839], absolute: 1e-5))
        #expect(allClose(try tensor(inputs + "\nx.logsumexp()"), shape: [], [4.4561934], absolute: 1e-5))
        #expect(allClose(try tensor(inputs + "\nx.logsumexp(axis=0, keepdims=true)"), shape: [1, 3],
                         [1.3132616, 2.0485873, 4.3132615], absolute: 1e-5))
        // Gradient of logsumexp is the softmax: by hand for [0, 0], each 1/2.
        #expect(try output(of: "x = param([0, 0]); logsumexp(x).backward(); print(x.grad.tolist())") == "[0.5, 0.5]\n")
        #expect(ScriptRunner().error("logsumexp(zeros(2, 3), axis=2)") == "logsumexp: axis 2 is out of range for t of shape [2, 3]")
    }

    @Test func meanAndArgmaxFunctionsKeepDims() throws {
        #expect(try output(of: "t = tensor([[1, 2], [3, 4]]); print(mean(t, axis=0, keepdims=true).tolist(), mean(t).item(), argmax(t, axis=1).tolist())")
                == "[[2, 3]] 2.5 [1, 1]\n")
        #expect(try output(of: "print(tensor([[1, 5], [7, 2]]).max(axis=1, keepdims=true).shape)") == "[2, 1]\n")
    }

    @Test func sumMaxMinFunctionsTakeTensors() throws {
        // By hand: rows [1, 5] and [7, 2].
        #expect(try output(of: """
            t = tensor([[1, 5], [7, 2]])
            print(sum(t).item(), sum(t, axis=1).tolist(), max(t, axis=0, keepdims=true).tolist(), min(t).item())
            print(max(t, tensor([3, 3])).tolist(), min(tensor([1, 4]), tensor([2, 2])).tolist())
            print(sum([1, 2, 3]), max(3, 7), min([4, 2]))
            x = param([1, 2]); sum(x * x).backward(); print(x.grad.tolist())
            """) == "15 [6, 9] [[7, 5]] 1\n[[3, 5], [7, 3]] [1, 2]\n6 7 2\n[2, 4]\n")
        #expect(ScriptRunner().error("max(zeros(2, 3), 1)") == "max: for an axis write max(t, axis=…); for the elementwise maximum with a number write maximum(t, x)")
        // The help names both forms: the tensor one first, then the list one.
        let help = try ScriptRunner().run("help(max)")
        #expect(help.hasPrefix("max(t, axis=nil, keepdims=false): the largest value") && help.contains("max(a, b, …) or max(xs)"))
        #expect(ScriptRunner().error("sum(zeros(2), 0)") == "sum: for an axis write sum(t, axis=…)")
        #expect(ScriptRunner().error("min(zeros(2, 3), axis=-3)") == "min: axis -3 is out of range for t of shape [2, 3]")
    }

    @Test func powFunctionAndMethod() throws {
        // By hand: d/dx x³ = 3x² at [1, 2] is [3, 12].
        #expect(try output(of: "x = param([1, 2]); pow(x, 3).sum().backward(); print(pow(tensor([1, 2, 3]), 2).tolist(), x.pow(0.5).tolist()[0], pow(2, 10), x.grad.tolist())")
                == "[1, 4, 9] 1 1024 [3, 12]\n")
        #expect(ScriptRunner().error("pow(tensor([1]), tensor([2]))")
                == "pow: p must be a number, got tensor; for a tensor exponent write exp(p * log(t))")
    }

    @Test func clampMinimumMaximum() throws {
        #expect(try output(of: "print(clamp(tensor([-2, 0, 2]), min=-1, max=1).tolist(), clamp([-2, 3], max=0).tolist())")
                == "[-1, 0, 1] [-2, 0]\n")
        #expect(try output(of: "print(minimum(tensor([1, 5]), tensor([3, 2])).tolist(), maximum(tensor([[1], [5]]), [3, 4]).tolist())")
                == "[1, 2] [[3, 4], [5, 5]]\n")
        // Gradient goes to the chosen operand; a tie splits it 0.5 / 0.5 (torch.maximum).
        #expect(try output(of: "a = param([1, 5]); b = param([3, 5]); maximum(a, b).sum().backward(); print(a.grad.tolist(), b.grad.tolist())")
                == "[0, 0.5] [1, 0.5]\n")
        #expect(ScriptRunner().error("minimum(zeros(2), zeros(3))") == "minimum: shapes [2] and [3] do not broadcast")
    }

    // MARK: - Shape and indexing

    @Test func permuteMovesAxes() throws {
        let runner = ScriptRunner()
        // By hand: p[k, i, j] = t[i, j, k] = 12i + 4j + k, so p[3, 1, 2] = 12 + 8 + 3.
        #expect(try runner.run("t = arange(24).reshape(2, 3, 4); p = permute(t, [2, 0, 1]); print(p.shape, p[3, 1, 2], t.permute(1, 0, -1).shape)")
                == "[4, 2, 3] 23 [3, 2, 4]\n")
        #expect(runner.error("zeros(2, 3).permute(0, 0)") == "permute: dims [0, 0] are not a permutation of the 2 axes of t (shape [2, 3])")
    }

    @Test func gatherValuesAndGradientMatchPyTorch() throws {
        let runner = ScriptRunner()
        let result = try tensor(inputs + "\ng = gather(x, 1, [[2, 0], [1, 1]]); (g * tensor([[1, 2], [3, 4]])).sum().backward(); g", runner: runner)
        // torch.gather(x, 1, [[2, 0], [1, 1]]); the repeated index accumulates 3 + 4 in x.grad.
        #expect(allClose(result, shape: [2, 2], [4, 1, -1, -1]))
        #expect(allClose(try tensor("x.grad", runner: runner), shape: [2, 3], [2, 0, 1, 0, 7, 0]))
        #expect(try output(of: "print(tensor([[1, 2], [3, 4]]).gather(1, [[1], [0]]).tolist())") == "[[2], [3]]\n")
        #expect(ScriptRunner().error("gather(zeros(2, 3), 1, [0, 1])")
                == "gather: index has shape [2] but t has shape [2, 3]; index needs the same rank and the same sizes except along axis 1")
        #expect(ScriptRunner().error("gather(zeros(2, 3), 1, [[3], [0]])") == "gather: index 3 is out of range 0..<3")
    }

    @Test func indexSelectMatchesPyTorch() throws {
        // torch.index_select(x, 1, [2, 0]).
        #expect(allClose(try tensor(inputs + "\nindex_select(x, 1, [2, 0])"), shape: [2, 2], [4, 1, 3, 0]))
        #expect(try output(of: "print(tensor([[1, 2], [3, 4]]).index_select(0, [1, 1]).tolist())") == "[[3, 4], [3, 4]]\n")
        #expect(ScriptRunner().error("index_select(zeros(2, 3), 0, [0, 2])")
                == "index_select: indices[1] = 2 is out of range for axis 0 of size 2 (t has shape [2, 3]; indices run 0..<2, negatives are refused as in PyTorch)")
    }

    @Test func indexAddValuesAndGradientsMatchPyTorch() throws {
        let runner = ScriptRunner()
        let result = try tensor("""
            t = param([[1, 2], [3, 4], [5, 6]]); s = param([[1, 1], [2, 2], [3, 3]])
            o = index_add(t, 0, [0, 2, 0], s, alpha=2); (o * tensor([[1, -1], [2, 0], [0.5, 3]])).sum().backward(); o
            """, runner: runner)
        // torch: t.index_add(0, [0, 2, 0], s, alpha=2), then the weighted sum's backward.
        #expect(allClose(result, shape: [3, 2], [9, 10, 3, 4, 9, 10]))
        #expect(allClose(try tensor("t.grad", runner: runner), shape: [3, 2], [1, -1, 2, 0, 0.5, 3]))
        #expect(allClose(try tensor("s.grad", runner: runner), shape: [3, 2], [2, -2, 1, 6, 2, -2]))
        #expect(try output(of: "print(zeros(3, 2).index_add(0, [2], ones(1, 2), alpha=5).tolist())") == "[[0, 0], [0, 0], [5, 5]]\n")
        #expect(ScriptRunner().error("index_add(zeros(3, 2), 0, [0, 1], ones(3, 2))")
                == "index_add: source has shape [3, 2] but t [3, 2] with 2 indices along axis 0 needs [2, 2]")
    }

    @Test func scatterAddMatchesPyTorch() throws {
        // torch.zeros(2, 3).scatter_add(1, [[0, 2, 0], [1, 1, 2]], [[1, 2, 3], [4, 5, 6]]).
        #expect(allClose(try tensor("scatter_add(zeros(2, 3), 1, [[0, 2, 0], [1, 1, 2]], tensor([[1, 2, 3], [4, 5, 6]]))"),
                         shape: [2, 3], [4, 0, 2, 0, 9, 6]))
        #expect(try output(of: "print(zeros(3).scatter_add(0, [0, 2, 0], [1, 2, 3]).tolist())") == "[4, 0, 2]\n")
        #expect(ScriptRunner().error("scatter_add(zeros(3), 0, [0, 1], [1, 2, 3])")
                == "scatter_add: source has shape [3] but index has shape [2]; they must match")
    }

    @Test func embeddingLookupMatchesPyTorch() throws {
        // F.embedding([[0, 2], [1, 0]], [[1, 2], [3, 4], [5, 6]]).
        #expect(allClose(try tensor("embedding([[0, 2], [1, 0]], tensor([[1, 2], [3, 4], [5, 6]]))"),
                         shape: [2, 2, 2], [1, 2, 5, 6, 3, 4, 1, 2]))
        #expect(ScriptRunner().error("embedding([3], zeros(3, 2))") == "embedding: index 3 is not a row of table (shape [3, 2], rows 0..<3)")
        #expect(ScriptRunner().error("embedding([0], zeros(3))") == "embedding: table must be [count, dim], got shape [3]")
    }

    // MARK: - Losses against PyTorch

    @Test func crossEntropyAndKLMatchPyTorch() throws {
        // torch: F.cross_entropy(logits, [0, 2]) = 0.17545640; numpy log-softmax by hand: 0.17545638.
        let loss = try tensor("cross_entropy(tensor([[2, 0.5, -1], [0.1, 0.2, 3]]), [0, 2])")
        #expect(allClose(loss, shape: [], [0.1754564], absolute: 1e-6))
        // torch: F.kl_div(log_softmax(q/T), log_softmax(p/T), log_target=True, reduction="batchmean")
        // = 0.08450549 for T = 2 and 0.27370548 for T = 1 (numpy: 0.08450555, 0.27370552).
        let p = "p = tensor([[1, 2, 0.5], [0, -1, 2]]); q = tensor([[0.5, 1, 1], [1, 0, 1]])\n"
        #expect(allClose(try tensor(p + "kl_div(p, q, T=2)"), shape: [], [0.0845055], absolute: 1e-6))
        #expect(allClose(try tensor(p + "kl_div(p, q)"), shape: [], [0.2737055], absolute: 1e-6))
    }

    // MARK: - Layers

    @Test func layersTrainInsideSeqWithAnOptimizer() throws {
        let text = try output(of: """
            e = embedding_layer(5, 4, seed=0)
            m = seq(e, layernorm(4), linear(4, 3, seed=1), rmsnorm(3))
            opt = adam(m, lr=0.05)
            first = nil; last = nil
            for step in range(30) {
                loss = cross_entropy(m([0, 1, 2, 3, 4]), [0, 1, 2, 0, 1])
                if step == 0 { first = loss.item() }
                last = loss.item()
                loss.backward(); opt.step()
            }
            print(e.params, m.params, e([[1, 2]]).shape, last < first * 0.5)
            """)
        // params: 5·4 table; then layernorm 4 + 4, linear 4·3 + 3, rmsnorm 3.
        #expect(text == "20 46 [1, 2, 4] true\n")
    }

    @Test func normLayersStartAsTheFunctions() throws {
        // Weight ones and bias zeros: the layer equals the function with PyTorch's defaults.
        let runner = ScriptRunner()
        let layer = try tensor("x = randn(2, 4, seed=3); layernorm(4)(x)", runner: runner)
        #expect(allClose(layer.storage, try tensor("layer_norm(x, eps=1e-5)", runner: runner).storage))
        let rms = try tensor("rmsnorm(4, eps=0.5)(x)", runner: runner)
        #expect(allClose(rms.storage, try tensor("rms_norm(x, eps=0.5)", runner: runner).storage))
        #expect(runner.error("layernorm(4)(zeros(2, 3))") == "layernorm(4): expects inputs with 4 features on the last axis, got shape [2, 3]")
        #expect(runner.error("embedding_layer(3, 2)([1.5])") == "embedding_layer(3, 2): index 1.5 is not a row of the table (0..<3)")
    }
}

/// The three- and four-argument operations with odd values in every position: each call returns
/// or throws a message; none may crash (RobustnessTests covers one and two arguments).
@Suite struct TensorOperationRobustnessTests {
    static let pool = ["t", "0", "-1", "5", "2.5", "nil", "[[0, 1, 2], [2, 1, 0]]", "[1e300]", "zeros(2, 0)"]

    @Test(arguments: ["gather", "scatter_add", "index_select", "index_add", "layer_norm", "embedding", "t.index_add"])
    func oddArgumentsNeverCrash(callee: String) throws {
        let runner = ScriptRunner()
        try runner.run("t = tensor([[1, 2, 3], [4, 5, 6]])")
        var failures = 0
        for first in Self.pool {
            for second in Self.pool {
                for third in Self.pool {
                    if let message = runner.error("\(callee)(t, \(first), \(second), \(third))") {
                        failures += 1
                        #expect(!message.isEmpty)
                    }
                }
            }
        }
        #expect(failures > 0, "odd arguments to \(callee) should be refused at least once")
    }
}
