// Models, optimizers and gradcheck from scripts.

import Foundation
import Testing

@Suite struct ModelBuiltinsTests {
    @Test func layersAreCallableAndCountParameters() throws {
        let text = try output(of: """
            layer = linear(4, 2, seed=1)
            print(layer(ones(3, 4)).shape, layer.params, type(layer))
            m = mlp([2, 16, 3], seed=0)
            print(m.params, m(tensor([[0, 1]])).shape, len(m.parameters()))
            s = seq(linear(2, 8, seed=0), "tanh", linear(8, 1, seed=1))
            print(s.params, s([[1, 2]]).shape)
            print(layer)
            """)
        // Parameter counts by hand: 4·2+2 = 10; 2·16+16 + 16·3+3 = 99; 2·8+8 + 8·1+1 = 33.
        #expect(text == "[3, 2] 10 model\n99 [1, 3] 4\n33 [1, 1]\nlinear(4 → 2), 10 params\n")
    }

    @Test func modelErrorsNameTheValues() throws {
        #expect(ScriptRunner().error("mlp([2, 3], act=\"relux\")") == "mlp: unknown act 'relux'; did you mean 'relu'?")
        #expect(ScriptRunner().error("linear(4, 2)(ones(3, 5))") == "linear(4 → 2): expects inputs with 4 features on the last axis, got shape [3, 5]")
        #expect(ScriptRunner().error("seq(\"relu\", mlp([2, 3]))(ones(1, 3))")?.hasPrefix("seq(relu, mlp([2, 3], relu)): expects inputs with 2 features") == true)
        #expect(ScriptRunner().error("seq(linear(2, 2), 3)") == "seq: argument 1 must be a model or an activation name, got number 3")
    }

    @Test func sgdStepUpdatesThenClearsGradients() throws {
        let text = try output(of: """
            x = param([1, 2])
            opt = sgd([x], lr=0.5)
            (x * x).sum().backward()
            opt.step()
            print(x.tolist(), x.grad, opt.lr)
            opt.lr = 0.25
            print(opt)
            """)
        // x − 0.5·2x = 0 for every element.
        #expect(text == "[0, 0] nil 0.5\nsgd(lr=0.25, 1 tensors)\n")
        #expect(ScriptRunner().error("sgd([tensor([1])])") == "sgd: tensor 0 (shape [1]) is not a param; make it with param(…)")
    }

    @Test func tinyMLPTrainingLossGoesDown() throws {
        let text = try output(of: """
            x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]])
            y = [0, 1, 1, 0]
            m = mlp([2, 16, 2], seed=0)
            opt = adam(m, lr=0.05)
            losses = []
            for step in range(100) {
                loss = cross_entropy(m(x), y)
                loss.backward()
                opt.step()
                losses.append(loss.item())
            }
            print(losses[0] > 0.5, losses[-1] < 0.05, (m(x).argmax(axis=1) == tensor(y)).mean().item())
            """)
        #expect(text == "true true 1\n")
    }

    @Test func adamwAndZeroGrad() throws {
        let text = try output(of: """
            m = linear(2, 1, seed=3)
            opt = adamw(m, lr=0.1, weight_decay=0.5)
            m([[1, 1]]).sum().backward()
            print(m.parameters()[0].grad.shape)
            opt.zero_grad()
            print(m.parameters()[0].grad, opt)
            """)
        #expect(text == "[1, 2]\nnil adamw(lr=0.1, weight_decay=0.5, 2 tensors)\n")
    }

    @Test func gradcheckIsSmallForCorrectGradients() throws {
        let text = try output(of: """
            d = gradcheck(fn(v) { (v * v * v).sum() }, tensor([1, 2, 3]))
            e = gradcheck(fn(v) { softmax(v)[0] * 3 }, [0.5, -1, 2])
            print(d < 0.01, e < 0.01)
            """)
        #expect(text == "true true\n")
        // detach() hides one factor from autograd: backward gives v, the true derivative is 2v,
        // so the largest difference is |v| at v = 3.
        let wrong = try output(of: "print(round(gradcheck(fn(v) { (v.detach() * v).sum() }, [1, -2, 3]), 2))")
        #expect(wrong == "3\n")
        #expect(ScriptRunner().error("gradcheck(fn(v) { v * 2 }, [1, 2])")
                == "gradcheck: f must return a one-element tensor, got tensor of shape [2]")
    }
}
