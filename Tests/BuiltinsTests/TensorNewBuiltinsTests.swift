// The tensor builtins added for the next ideas (issue 10 item 6) and the one operation table
// behind tensor methods and functions (item 7): values pinned to PyTorch or worked by hand.

import Autograd
@testable import Builtins
import Script
import Testing

@Suite("New tensor builtins and the one operation table")
struct TensorNewBuiltinsTests {
    @Test func cumsumTrilTriuMatchTorch() throws {
        // torch.cumsum([[3, 1, 3], [2, 2, 0]], 1) = [[3, 4, 7], [2, 4, 4]]; torch.tril(…, -1) = [[0, 0, 0], [2, 0, 0]].
        #expect(try output(of: """
            t = tensor([[3, 1, 3], [2, 2, 0]])
            print(cumsum(t, axis=1).tolist(), t.cumsum(axis=0).tolist())
            print(tril(t, diagonal=-1).tolist(), t.triu().tolist(), triu(ones(2, 3), diagonal=1).tolist())
            """) == "[[3, 4, 7], [2, 4, 4]] [[3, 1, 3], [5, 3, 3]]\n[[0, 0, 0], [2, 0, 0]] [[3, 1, 3], [0, 2, 0]] [[0, 1, 1], [0, 0, 1]]\n")
        // d/dx Σ w·cumsum(x) is the running sum of w from the end: w = [1, 2, 3] gives [6, 5, 3].
        #expect(try output(of: "x = param([1, 1, 1]); (cumsum(x, axis=0) * tensor([1, 2, 3])).sum().backward(); print(x.grad.tolist())")
                == "[6, 5, 3]\n")
        #expect(try output(of: "x = param(ones(2, 2)); tril(x).sum().backward(); print(x.grad.tolist())") == "[[1, 0], [1, 1]]\n")
        #expect(ScriptRunner().error("tril(tensor([1, 2]))") == "tril: t must have at least 2 axes (a matrix or a batch of them), got shape [2]")
    }

    @Test func floorCeilIntOnNumbersAndTensors() throws {
        #expect(try output(of: "print(floor(tensor([-1.5, 0.5, 2])).tolist(), ceil(tensor([-1.5, 0.5])).tolist(), int(tensor([-1.7, 2.9])).tolist())")
                == "[-2, 0, 2] [-1, 1] [-1, 2]\n")
        #expect(try output(of: "print(floor(2.5), ceil(2.1), int(-3.9), int(3.9), tensor([1.5]).floor().tolist())") == "2 3 -3 3 [1]\n")
        // No gradient: PyTorch's is zero everywhere.
        #expect(try output(of: "x = param([1.5]); print(floor(x).requires_grad)") == "false\n")
        #expect(ScriptRunner().error("int(log(-1))")?.hasPrefix("int: cannot convert") == true)
    }

    @Test func detachAndNoGradCutTheGraph() throws {
        // d/dx Σ detach(x)·x = x.
        #expect(try output(of: "x = param([1, 2]); (detach(x) * x).sum().backward(); print(x.grad.tolist(), x.detach().requires_grad)")
                == "[1, 2] false\n")
        #expect(try output(of: "x = param([1, 2]); y = no_grad(fn() { x * 2 }); print(y.requires_grad, y.tolist())") == "false [2, 4]\n")
        #expect(try output(of: "x = param([1, 2]); y = no_grad(fn() { [x * 2, 3] }); print(y[0].requires_grad, y[1])") == "false 3\n")
        #expect(ScriptRunner().error("no_grad(3)") == "no_grad: fn must be a function of no arguments, got number 3")
    }

    @Test func multinomialIsSeededAndFollowsTheWeights() throws {
        let first = try output(of: "print(multinomial(tensor([0.2, 0.3, 0.5]), n=8, seed=7).tolist())")
        #expect(first == (try output(of: "print(multinomial(tensor([0.2, 0.3, 0.5]), n=8, seed=7).tolist())")))
        // Zero weight is never drawn; unnormalised rows are fine; [N, C] gives [N, n].
        #expect(try output(of: "print(multinomial(tensor([[0, 5], [3, 0]]), 4, seed=1).tolist())") == "[[1, 1, 1, 1], [0, 0, 0, 0]]\n")
        // Without replacement every class appears once.
        #expect(try output(of: "print(sum(multinomial(tensor([1, 1, 1, 1]), n=4, replacement=false, seed=3).tolist()))") == "6\n")
        // Frequencies follow the weights: 20 000 draws of [0.2, 0.3, 0.5] land within 0.02 of each.
        let runner = ScriptRunner()
        _ = try runner.run("s = multinomial(tensor([0.2, 0.3, 0.5]), n=20000, seed=11)")
        for (index, weight) in [0.2, 0.3, 0.5].enumerated() {
            let share = try #require(Double(try runner.echo("mean(s == \(index)).item()")))
            #expect(abs(share - weight) < 0.02, "class \(index): \(share)")
        }
        #expect(ScriptRunner().error("multinomial(tensor([1, -1]))") == "multinomial: probs[0, 1] = -1; weights must be finite and 0 or more")
        #expect(ScriptRunner().error("multinomial(tensor([1, 1]), n=3, replacement=false)") == "multinomial: cannot draw 3 samples from 2 classes without replacement")
    }

    @Test func argmaxKeepsDimsAsTorch() throws {
        // torch.argmax([[1, 5], [7, 2]], 1, keepdim=True) = [[1], [0]].
        #expect(try output(of: "t = tensor([[1, 5], [7, 2]]); print(argmax(t, axis=1, keepdims=true).tolist(), t.argmax(axis=1, keepdims=true).tolist(), t.argmax().item())")
                == "[[1], [0]] [[1], [0]] 2\n")
    }

    @Test func methodAndFunctionFormsShareTheirBodyAndErrors() {
        for (function, method) in [("mean(zeros(2, 3), axis=2)", "zeros(2, 3).mean(axis=2)"),
                                   ("argmax(zeros(2, 3), axis=-3)", "zeros(2, 3).argmax(axis=-3)"),
                                   ("max(zeros(0), axis=0)", "zeros(0).max(axis=0)"),
                                   ("softmax(zeros(2), axis=1)", "zeros(2).softmax(axis=1)"),
                                   ("cumsum(zeros(2), axis=1)", "zeros(2).cumsum(axis=1)")] {
            let functionError = ScriptRunner().error(function), methodError = ScriptRunner().error(method)
            #expect(functionError != nil && functionError == methodError, "\(function): \(functionError ?? "nil") vs \(methodError ?? "nil")")
        }
        // Every tensor method comes from one of the two tables (no second implementation).
        let tensor = TensorObject(Tensor(0))
        for name in tensor.memberNames where !TensorObject.properties.contains(name) {
            #expect(TensorOperations.methods[name] != nil || Elementwise.named(name) != nil, "method \(name) outside the tables")
        }
    }
}
