// Every builtin documents itself: a one-line summary, then an indented example; every native
// object's help names all its members.

import Builtins
import Script
import Testing

@Suite struct HelpTests {
    /// The names `Builtins.install` adds beyond the standard library.
    static func builtinNames() -> [String] {
        let plain = Interpreter()
        StandardLibrary.install(into: plain)
        let full = Interpreter()
        Builtins.install(into: full, settings: BuiltinSettings())
        return full.globalNames.filter { plain.global($0) == nil || $0 == "abs" }
    }

    @Test func expectedBuiltinsAreInstalled() {
        let names = Set(Self.builtinNames())
        let expected: Set<String> = [
            "tensor", "zeros", "ones", "randn", "rand", "arange", "eye", "param",
            "softmax", "log_softmax", "relu", "gelu", "silu", "tanh", "sigmoid", "exp", "log", "sqrt", "abs",
            "topk", "cross_entropy", "kl_div", "concat", "stack", "where", "one_hot", "gradcheck", "linear", "mlp", "seq", "sgd", "adam", "adamw",
            "plot", "scatter", "bar", "hist", "heatmap", "figure", "show", "out_dir",
            "area", "regions", "chart_style", "ema", "moving_average", "animate",
            // PyTorch-named operations and layers (TensorOperations*.swift, LayerBuiltins.swift).
            "layer_norm", "rms_norm", "logsumexp", "mean", "argmax", "permute", "gather", "scatter_add", "pow",
            "index_select", "index_add", "embedding", "clamp", "minimum", "maximum",
            "embedding_layer", "layernorm", "rmsnorm",
            "cumsum", "tril", "triu", "floor", "ceil", "int", "detach", "no_grad", "multinomial",
            "moe", "clusters", "dataset", "trainer", "specialization",   // Training/, Experts/
            "save", "load", "csv_write", "csv_read",                    // Interop/
            "blobs", "distiller", "soft_targets", "kd_loss", "kl", "reverse_kl", "entropy",   // Distillation/
            "addition", "countdown", "mlp_policy", "reinforce", "grpo",   // Rewards/
            "chars", "gpt", "arith", "corpus", "routing_text",           // MicroGPT/
            "arith_task", "arith_pretraining", "distill_sequences",       // MicroGPT/ (the R1 recipe)
        ]
        #expect(names == expected)
    }

    @Test func everyBuiltinHasASummaryAndAnExample() throws {
        let runner = ScriptRunner()
        for name in Self.builtinNames() where name != "out_dir" {
            let text = try runner.run("help(\"\(name)\")")
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count >= 3, "help(\(name)) has a summary and an example: \(text)")
            #expect(lines.first?.hasPrefix(name + "(") == true, "help(\(name)) starts with its signature: \(text)")
            #expect(lines.dropFirst().contains { $0.hasPrefix("  ") }, "help(\(name)) has an indented example: \(text)")
            #expect(try runner.run("help(\(name))") == text)
        }
    }

    @Test func nativeObjectsListTheirMembers() throws {
        let runner = ScriptRunner()
        for source in ["tensor([1, 2])", "mlp([2, 2])", "adam(linear(2, 1))", "figure()"] {
            guard let value = try runner.interpreter.run(source) else { Issue.record("\(source) gave nil"); continue }
            let help = runner.interpreter.helpText(for: value)
            for member in runner.interpreter.memberNames(of: value) {
                #expect(help.contains(member), "help for \(source) mentions '\(member)'")
            }
            #expect(help.split(separator: "\n").count >= 2)
        }
        // Methods have their own help.
        #expect(try runner.run("help(tensor([1]).sum)").hasPrefix("t.sum(axis=nil, keepdims=false):"))
    }
}
