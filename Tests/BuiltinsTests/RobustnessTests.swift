// Every builtin and tensor method called with odd arguments: each call either returns or
// throws a ScriptError with a message; none may crash the process.

import Script
import Testing
import TestSupport

@Suite(.tags(.slow)) struct RobustnessTests {
    /// Odd argument values, as Seek source.
    static let pool = [
        "0", "-1", "3", "2.5", "1e300", "nan", "inf", "\"a\"", "nil", "true", "[]", "[[]]", "[1, [2]]",
        "[[1, 2], [3, 4]]", "zeros(0)", "zeros(2, 0)", "t", "p", "m", "f", "fn(v) { v }", "[-5, 7]",
    ]

    /// Callees: every builtin, and methods of tensors, models, optimizers and figures.
    static let callees = [
        "tensor", "param", "zeros", "ones", "randn", "rand", "arange", "eye", "softmax", "log_softmax", "relu",
        "gelu", "silu", "tanh", "sigmoid", "exp", "log", "sqrt", "abs", "topk", "cross_entropy", "kl_div",
        "concat", "stack", "where", "one_hot",
        "gradcheck", "linear", "mlp", "seq", "sgd", "adam", "adamw", "plot", "scatter", "bar", "hist", "heatmap",
        "figure", "show", "t.sum", "t.argmax", "t.reshape", "t.softmax", "t.item", "t.squeeze", "t.unsqueeze",
        "t.transpose", "t.pow", "t.clamp", "t.backward", "p.backward", "m", "m.parameters", "o.step", "f.plot",
        "f.heatmap", "f.save",
        "layer_norm", "rms_norm", "logsumexp", "mean", "argmax", "permute", "gather", "scatter_add", "index_select",
        "index_add", "embedding", "clamp", "pow", "minimum", "maximum", "sum", "max", "min", "embedding_layer", "layernorm",
        "rmsnorm",   // their method forms (t.gather, …) run the same bodies
        "addition", "countdown", "mlp_policy", "reinforce", "grpo",
    ]

    static let prelude = """
        t = tensor([[1, 2, 3], [4, 5, 6]]); p = param([1, 2]); m = linear(3, 2, seed=0)
        o = sgd(m); f = figure(rows=1, cols=2)
        nan = (tensor([0]).log() * 0).item(); inf = -tensor([0]).log().item()
        """

    @Test(arguments: callees)
    func oddArgumentsNeverCrash(callee: String) throws {
        let runner = ScriptRunner(outputDirectory: "/nonexistent-microseek-test")
        try runner.run(Self.prelude)
        var calls = ["\(callee)()"]
        for first in Self.pool {
            calls.append("\(callee)(\(first))")
            for second in Self.pool { calls.append("\(callee)(\(first), \(second))") }
            calls.append("\(callee)(\(first), seed=\(first))")
            calls.append("\(callee)(\(first), axis=\(first))")
        }
        var failures = 0
        for call in calls {
            // Reset the fixtures each time: a call may have filled the figure or changed a tensor.
            if failures % 50 == 0 { try runner.run(Self.prelude) }
            if let message = runner.error(call) {
                failures += 1
                #expect(!message.isEmpty, "\(call) failed with an empty message")
            }
        }
        #expect(failures > 0, "odd arguments to \(callee) should be refused at least once")
    }

    @Test func oddIndicesNeverCrash() throws {
        // Each index into a [2, 3] tensor: what reading gives (nil: refused with a message naming
        // the index), and whether assigning a number and a two-element list is accepted.
        let cases: [(index: String, read: String?, assignNumber: Bool, assignPair: Bool)] = [
            ("0", "[1, 2, 3]", true, false), ("-1", "[4, 5, 6]", true, false), ("5", nil, false, false),
            ("-7", nil, false, false), ("1:", "[[4, 5, 6]]", true, false), (":-1", "[[1, 2, 3]]", true, false),
            ("5:2", "[]", true, false), (":", "[[1, 2, 3], [4, 5, 6]]", true, false), ("0, 0", "1", true, false),
            ("0, 9", nil, false, false), (":, 1", "[2, 5]", true, true), (":, :, 0", nil, false, false),
            ("\"a\"", nil, false, false), ("2.5", nil, false, false), ("nil", nil, false, false),
        ]
        let runner = ScriptRunner()
        for (index, read, assignNumber, assignPair) in cases {
            try runner.run("t = tensor([[1, 2, 3], [4, 5, 6]])")
            if let read {
                #expect(try runner.run("r = t[\(index)]\nif type(r) == \"number\" { print(r) } else { print(r.tolist()) }")
                        == read + "\n", "t[\(index)]")
            } else {
                let message = runner.error("t[\(index)]")
                #expect(message?.hasPrefix("index:") == true, "t[\(index)] should be refused, got \(message ?? "a value")")
            }
            #expect((runner.error("t[\(index)] = 7") == nil) == assignNumber, "t[\(index)] = 7")
            try runner.run("t = tensor([[1, 2, 3], [4, 5, 6]])")
            let pairError = runner.error("t[\(index)] = [1, 2]")
            #expect((pairError == nil) == assignPair, "t[\(index)] = [1, 2]")
            if let pairError { #expect(pairError.hasPrefix("index"), "t[\(index)] = [1, 2]: \(pairError)") }
        }
        #expect(try runner.run("t = tensor([[1, 2, 3], [4, 5, 6]]); t[:, 1] = [8, 9]; print(t.tolist())") == "[[1, 8, 3], [4, 9, 6]]\n")
        #expect(try runner.run("print(t[1:, 1:].tolist())") == "[[9, 6]]\n")
    }
}
