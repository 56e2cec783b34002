// The training builtins as a learner uses them: their own data, regression and classification,
// a Seek loss, a Seek-function model with params=, history by name, layer-named errors, and a
// NaN that stops the run with the step and the parameter.

import Foundation
import Testing

@Suite struct TrainingBuiltinsTests {
    @Test func aRegressionMLPTrainsOnItsOwnData() throws {
        let runner = ScriptRunner()
        try runner.run("""
            xs = []; ys = []
            for i in range(64) { x = i / 32 - 1; xs.append([x]); ys.append(x * x) }
            data = dataset(xs, ys)
            m = mlp([1, 16, 1], act="tanh", seed=1)
            t = trainer(m, data, loss="mse", opt=adam(m, lr=0.02), batch=32, seed=0)
            first = t.step()
            t.run(steps=400, every=0)
            """)
        #expect(try runner.echo("type(data) == \"dataset\" and data.classes == 0 and data.n == 64") == "true")
        #expect(try runner.echo("first.names") == "[\"loss\", \"task\"]")
        let mse = try runner.echo("t.evaluate(data)")
        #expect(try runner.echo("t.evaluate(data) < 0.01 and t.evaluate(data) < first.loss / 5") == "true", "mse after training: \(mse)")
    }

    @Test func aClassifierTrainsOnItsOwnData() throws {
        let runner = ScriptRunner()
        try runner.run("""
            xs = []; ys = []
            for i in range(80) {
                a = (i % 9) / 4 - 1; b = (i % 7) / 3 - 1
                xs.append([a, b])
                if a * b > 0 { ys.append(1) } else { ys.append(0) }
            }
            data = dataset(tensor(xs), ys)
            m = mlp([2, 16, 2], act="tanh", seed=2)
            t = trainer(m, data, batch=40, seed=0)
            t.run(steps=300, every=0)
            """)
        #expect(try runner.echo("data.classes") == "2")
        #expect(try runner.echo("t.history.names") == "[\"loss\", \"task\", \"accuracy\"]")
        let accuracy = try runner.echo("t.evaluate(data)")
        #expect(try runner.echo("t.evaluate(data) > 0.9") == "true", "accuracy \(accuracy)")
    }

    @Test func aSeekLossAndASeekFunctionModelTrain() throws {
        let runner = ScriptRunner()
        try runner.run("""
            fit = dataset(tensor([[1], [2], [3], [4]]), tensor([[2], [4], [6], [8]]))
            w = param(zeros(1, 1))
            squared = fn(out, batch) { ((out - batch.y) ** 2).mean() }
            t = trainer(fn(x) { x @ w }, fit, loss=squared, params=[w], opt=sgd([w], lr=0.02), batch=4, seed=0)
            t.run(steps=200, every=0)
            """)
        let weight = try runner.echo("w.item()")
        #expect(try runner.echo("abs(w.item() - 2) < 0.01") == "true", "w = \(weight)")
        #expect(try runner.echo("t.history.loss[-1] < 1e-3") == "true")
        #expect(runner.error("trainer(fn(x) { x @ w }, fit)")?.contains("params=[w, b]") == true)
        #expect(runner.error("trainer(fn(x) { x @ w }, fit, params=[3])")?.contains("params[0] must be a tensor made with param") == true)
        #expect(runner.error("trainer(fn(x) { x @ w }, fit, loss=\"hinge\", params=[w])")?.contains("loss must be") == true)
        let bad = runner.error("trainer(fn(x) { 1 }, fit, params=[w], opt=sgd([w], lr=0.1)).step()")
        #expect(bad?.contains("must return a tensor") == true, "\(bad ?? "no error")")
    }

    @Test func historyAndRecordsAreReadByName() throws {
        let runner = ScriptRunner()
        try runner.run("""
            d = clusters(n=90, classes=3, seed=1)
            m = moe(dim=8, experts=4, top_k=1, balance="aux", aux_weight=0.5, seed=0)
            model = seq(linear(2, 8, seed=1), m, linear(8, 3, seed=2))
            t = trainer(model, d, batch=30, seed=0)
            s = t.step()
            t.run(steps=4, every=0)
            """)
        #expect(try runner.echo("s.names") == "[\"loss\", \"task\", \"aux\", \"accuracy\", \"load\", \"imbalance\", \"dropped\"]")
        #expect(try runner.echo("s[\"imbalance\"] == s.imbalance and abs(s.loss - (s.task + s.aux)) < 1e-5") == "true")
        #expect(try runner.echo("t.history.names == s.names and len(t.history[\"accuracy\"]) == 5") == "true")
        #expect(try runner.echo("len(t.history.load) == 4 and len(t.history.load[0]) == 5") == "true")
        #expect(runner.error("t.history[\"kl\"]")?.contains("the metrics are: loss, task, aux") == true)
        #expect(try runner.echo("s").contains(" = task "), "the record line shows the loss's parts")
    }

    @Test func datasetMethodsWorkOnEveryDataset() throws {
        let runner = ScriptRunner()
        try runner.run("""
            d = clusters(n=100, classes=5, seed=2)
            parts = d.split(0.8)
            small = d.take(20)
            mixed = d.shuffle(seed=3)
            low = d.where_class(fn(c) { c < 2 })
            no3 = d.without_class(3)
            bs = d.batches(32, seed=1)
            """)
        #expect(try runner.echo("[parts[0].n, parts[1].n, small.n, len(mixed), low.n, no3.n]") == "[80, 20, 20, 100, 40, 80]")
        #expect(try runner.echo("map(fn(b) { b.n }, bs)") == "[32, 32, 32, 4]")
        #expect(try runner.echo("sorted(mixed.y) == sorted(d.y) and mixed.y != d.y") == "true")
        #expect(try runner.echo("d.shuffle(seed=3).y == mixed.y") == "true")
        #expect(try runner.echo("filter(fn(c) { c == 3 }, no3.y)") == "[]")
        #expect(runner.error("d.where_class(fn(c) { 1 })")?.contains("must return true or false") == true)
        #expect(runner.error("dataset([[1, 2], [3, 4]], [0, 1, 1])")?.contains("x has shape [2, 2] but y has 3 labels") == true)
        #expect(runner.error("dataset([[1, 2]], tensor([[1], [2]]))")?.contains("same number of rows") == true)
        #expect(runner.error("for r in d { }")?.contains("data.batches") == true)
    }

    @Test func aShapeErrorInsideTheModelNamesTheLayer() throws {
        let runner = ScriptRunner()
        try runner.run("""
            d = clusters(n=64, classes=4, dim=5, seed=0)
            model = seq(linear(2, 16, seed=0), "relu", linear(16, 4, seed=1))
            t = trainer(model, d, seed=0)
            """)
        #expect(runner.error("t.step()") == "seq[0] linear(2 → 16): input has 5 features, the layer takes 2")
        #expect(runner.error("t.run(steps=3)") == "seq[0] linear(2 → 16): input has 5 features, the layer takes 2")
    }

    @Test func aModelRiggedToProduceNaNStopsNamingTheStepAndTheParameter() throws {
        let runner = ScriptRunner()
        // sqrt(w) has an infinite gradient at w = 0 while the output stays finite.
        try runner.run("""
            fit = dataset(tensor([[1], [2]]), tensor([[1], [2]]))
            w = param(tensor([[1.0]]))
            t = trainer(fn(x) { x @ sqrt(w) }, fit, loss="mse", params=[w], opt=sgd([w], lr=0.5), batch=2, seed=0)
            """)
        try runner.run("""
            t.step()
            w2 = param(tensor([[0.0]]))
            t2 = trainer(fn(x) { x @ sqrt(w2) }, fit, loss="mse", params=[w2], opt=sgd([w2], lr=0.5), batch=2, seed=0)
            """)
        let message = runner.error("t2.run(steps=5)")
        #expect(message == "run: step 1: the gradient of model[0] has -inf (no finite loss yet); the run stopped before updating, and the history so far is kept",
                "\(message ?? "no error")")
        #expect(try runner.echo("t2.steps") == "0")
        #expect(try runner.echo("t.steps") == "1")
    }
}
