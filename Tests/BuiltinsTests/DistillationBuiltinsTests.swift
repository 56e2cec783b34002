// The distillation builtins as a learner uses them: the distiller's trainer shape and records,
// soft targets from a model, kd_loss against PyTorch, kl / reverse_kl / entropy with gradients,
// every help example running, and errors that name the shapes and the values.

import Foundation
import Testing

@Suite struct DistillationBuiltinsTests {
    static let names = ["blobs", "distiller", "soft_targets", "kd_loss", "kl", "reverse_kl", "entropy"]

    @Test func everyHelpExampleRuns() throws {
        for name in Self.names {
            let runner = ScriptRunner()
            let help = try runner.run("help(\"\(name)\")")
            let examples = help.split(separator: "\n").filter { $0.hasPrefix("  ") }
            #expect(!examples.isEmpty, "\(name) has an example")
            for line in examples {
                let code = String(line.split(separator: "#", maxSplits: 1)[0])
                #expect(runner.error(code) == nil, "\(name): `\(code)` fails with \(runner.error(code) ?? "")")
            }
        }
    }

    @Test func theDistillerHasTheTrainerShape() throws {
        let runner = ScriptRunner()
        try runner.run("""
            data = blobs(n=300, seed=0)
            teacher = mlp([10, 32, 10], seed=0)
            student = mlp([10, 8, 10], seed=1)
            d = distiller(teacher, student, data, T=2, alpha=0.5, opt=adam(student, lr=0.01), batch=32, seed=0)
            first = d.step()
            d.run(steps=30, every=0)
            """)
        #expect(try runner.echo("type(d)") == "\"distiller\"")
        #expect(try runner.echo("d.steps") == "31")
        #expect(try runner.echo("d.history.names") == "[\"loss\", \"soft\", \"hard\", \"agreement\", \"accuracy\", \"teacher_accuracy\"]")
        #expect(try runner.echo("abs(first.loss - first.soft - first.hard) < 1e-5") == "true")
        #expect(try runner.echo("len(d.history.agreement) == 31 and d.evaluate(data) >= 0") == "true")
        #expect(try runner.echo("d").hasPrefix("distiller(mlp([10, 32, 10], relu) → mlp([10, 8, 10], relu), T 2, alpha 0.5, batch 32"))
        #expect(try runner.run("help(d)").contains("distiller("))
    }

    @Test func labelFreeDistillationTakesBareInputs() throws {
        let runner = ScriptRunner()
        try runner.run("""
            data = blobs(n=200, seed=0)
            teacher = mlp([10, 32, 10], seed=0)
            student = mlp([10, 8, 10], seed=1)
            d = distiller(teacher, student, data.x, labels=false, seed=0)
            s = d.step()
            """)
        #expect(try runner.echo("s.names") == "[\"loss\", \"soft\", \"agreement\"]")
        #expect(try runner.echo("s.loss == s.soft") == "true")
    }

    /// Same numbers as the PyTorch reference in ToysTests/DistillationTests.swift.
    @Test func kdLossAndTheDivergencesMatchPyTorch() throws {
        let runner = ScriptRunner()
        try runner.run("""
            s = param(tensor([[1.0, -0.5, 2.0, 0.3], [0.2, 0.1, -1.0, 1.5], [-0.7, 2.2, 0.4, -0.3]]))
            t = tensor([[3.0, -1.0, 0.5, 1.0], [0.0, 2.0, -2.0, 1.0], [1.0, 4.0, -1.0, 0.0]])
            loss = kd_loss(s, t, [2, 3, 1], T=4, alpha=0.9)
            soft = kd_loss(s, t, nil, T=10)
            loss.backward()
            p = tensor([[0.7, 0.2, 0.1], [0.05, 0.05, 0.9]])
            q = param(tensor([[0.3, 0.4, 0.3], [0.2, 0.5, 0.3]]))
            r = reverse_kl(p, q)
            r.backward()
            """)
        #expect(try runner.echo("abs(loss.item() - 0.7435452263) < 2e-6") == "true")
        // T² = 100 scales the Float32 rounding of the KL: 5e-6 is about 1e-5 relative.
        #expect(try runner.echo("abs(soft.item() - 0.7843951224) < 5e-6") == "true")
        #expect(try runner.echo("abs(s.grad[0, 0] + 0.1557424795) < 2e-6") == "true")
        #expect(try runner.echo("abs(kl(p, q).item() - 0.5744624622) < 1e-6 and abs(r.item() - 0.7258104664) < 1e-6") == "true")
        #expect(try runner.echo("abs(q.grad[0, 1] - 0.8465735903) < 1e-5") == "true")
        #expect(try runner.echo("abs(entropy(p).item() - 0.5981081220) < 1e-6") == "true")
    }

    @Test func softTargetsFromAModelAreTargets() throws {
        let runner = ScriptRunner()
        try runner.run("""
            m = mlp([10, 8, 10], seed=0)
            x = blobs(n=4, seed=0).x
            cool = soft_targets(m, x, T=1)
            hot = soft_targets(m, x, T=20)
            """)
        #expect(try runner.echo("cool.shape") == "[4, 10]")
        #expect(try runner.echo("abs(hot.sum().item() - 4) < 1e-5 and entropy(hot).item() > entropy(cool).item()") == "true")
        #expect(try runner.echo("cool.requires_grad") == "false")
        #expect(try runner.echo("(cool - softmax(m(x))).abs().max().item() < 1e-6") == "true")
    }

    @Test func errorsNameTheShapesAndTheValues() throws {
        let runner = ScriptRunner()
        try runner.run("teacher = mlp([10, 8, 10], seed=0); data = blobs(n=20, seed=0)")
        let classes = runner.error("distiller(teacher, mlp([10, 8, 4], seed=1), data)") ?? ""
        #expect(classes.contains("[1, 10]") && classes.contains("[1, 4]"), "\(classes)")
        #expect(runner.error("distiller(teacher, mlp([10, 8, 10]), data, T=0)")?.contains("T = 0") == true)
        #expect(runner.error("distiller(teacher, mlp([10, 8, 10]), data, T=-2.5)")?.contains("T = -2.5") == true)
        #expect(runner.error("distiller(teacher, mlp([10, 8, 10]), data, alpha=1.5)")?.contains("alpha = 1.5") == true)
        #expect(runner.error("distiller(teacher, mlp([10, 8, 10]), data, alpha=-0.1)")?.contains("alpha = -0.1") == true)
        #expect(runner.error("kd_loss(tensor([[1, 0]]), tensor([[0, 1]]), [0], alpha=2)")?.contains("alpha = 2") == true)
        #expect(runner.error("kd_loss(tensor([[1, 0]]), tensor([[0, 1]]), [0], T=0)")?.contains("T = 0") == true)
        #expect(runner.error("soft_targets(teacher, data.x, T=-1)")?.contains("T = -1") == true)
        #expect(runner.error("distiller(teacher, teacher, data)")?.contains("share parameters") == true)
        #expect(runner.error("distiller(teacher, mlp([10, 8, 10]), data.x)")?.contains("labels=false") == true)
        #expect(runner.error("kl(tensor([2, -1]), tensor([0.5, 0.5]))")?.contains("probabilities") == true)
        #expect(runner.error("kl(tensor([0.5, 0.5]), tensor([0.2, 0.3, 0.5]))")?.contains("[2]") == true)
        #expect(runner.error("distiller(teacher, mlp([10, 8, 10]), 3)")?.contains("dataset") == true)
        #expect(runner.error("blobs(n=0)") != nil)
    }
}
