// Weights to PyTorch and back, metrics to CSV: save/load, m.load, history.csv, csv_write/csv_read.

import Foundation
import Testing

@Suite struct InteropBuiltinsTests {
    /// The model of the round trip: trained 20 steps in Seek, then saved.
    static let trainAndSave = """
        d = clusters(n=200, classes=3, dim=4, seed=1)
        m = mlp([4, 8, 3], seed=0)
        t = trainer(m, d, batch=50, seed=0)
        t.run(steps=20, every=0)
        save(m, path)
        x = tensor([[0.5, -1, 2, 0.25], [-3, 0, 1, 1]])
        """

    @Test func aSavedModelGivesPyTorchsOutputs() throws {
        let folder = try temporaryFolder()
        let runner = ScriptRunner()
        try runner.run("path = \"\(folder.path)/mlp.safetensors\"\n" + Self.trainAndSave)
        // The saved file loaded into nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)) with
        // load_state_dict(safetensors.torch.load_file(path)) (torch 2.15, safetensors 0.8), applied to x:
        let pytorch: [[Double]] = [[-0.14905565977096558, -0.857949435710907, 0.2291194200515747],
                                   [-0.941409707069397, -0.10722457617521286, 0.15896326303482056]]
        let ours = try runner.echo("m(x).tolist()")
        let values = ours.dropFirst(2).dropLast(2).components(separatedBy: "], [")
            .map { $0.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) } }
        #expect(values.count == 2 && values.allSatisfy { $0.count == 3 }, "\(ours)")
        for (row, expected) in zip(values, pytorch) {
            for (value, reference) in zip(row, expected) { #expect(abs(value - reference) <= 1e-5, "\(value) vs \(reference)") }
        }
        #expect(try runner.echo("sorted(keys(load(path)))") == "[\"0.bias\", \"0.weight\", \"2.bias\", \"2.weight\"]")
        // Loading into a fresh model of the same shape reproduces the outputs exactly.
        #expect(try runner.echo("fresh = mlp([4, 8, 3], seed=9)\nfresh.load(path)\nfresh(x).tolist() == m(x).tolist()") == "true")
    }

    @Test func moeWeightsUseTheReferenceNames() throws {
        let folder = try temporaryFolder()
        let runner = ScriptRunner()
        try runner.run("save(moe(dim=4, experts=2, top_k=1, hidden=3, router_bias=true, seed=0), \"\(folder.path)/moe.safetensors\")")
        // list(MoE(4, n_exp=2, hidden=3).state_dict().keys()) of shared/reference/moe_step.py:
        let pytorch = ["router.weight", "router.bias", "experts.0.0.weight", "experts.0.0.bias", "experts.0.2.weight",
                       "experts.0.2.bias", "experts.1.0.weight", "experts.1.0.bias", "experts.1.2.weight", "experts.1.2.bias"]
        let names = try runner.echo("keys(load(\"\(folder.path)/moe.safetensors\"))")
        #expect(names == "[" + pytorch.map { "\"\($0)\"" }.joined(separator: ", ") + "]")
    }

    @Test func mismatchedWeightsAreRefusedWhole() throws {
        let folder = try temporaryFolder()
        let runner = ScriptRunner()
        try runner.run("""
            path = "\(folder.path)/w.safetensors"
            save(mlp([4, 8, 3], seed=0), path)
            other = mlp([4, 6, 3], seed=1)
            before = other.parameters()[0].tolist()
            """)
        #expect(runner.error("other.load(path)") == "load: \"0.weight\" has shape [8, 4] in the file but [6, 4] in the model; nothing was loaded")
        #expect(try runner.echo("other.parameters()[0].tolist() == before") == "true")
        #expect(runner.error("mlp([4, 8, 8, 3]).load(path)")?.contains("the file has no tensor \"4.weight\"") == true)
        #expect(runner.error("linear(4, 8).load(path)")?.contains("no tensor \"weight\" (shape [8, 4])") == true)
        try runner.run("save({\"a\": ones(2)}, \"\(folder.path)/d.safetensors\")")
        #expect(try runner.echo("load(\"\(folder.path)/d.safetensors\")[\"a\"].tolist()") == "[1, 1]")
        #expect(runner.error("save({\"a\": 3}, path)")?.contains("must be a tensor") == true)
        #expect(runner.error("load(\"\(folder.path)/missing.safetensors\")")?.contains("missing.safetensors") == true)
        try Data([1, 2, 3]).write(to: folder.appendingPathComponent("bad.safetensors"))
        #expect(runner.error("load(\"\(folder.path)/bad.safetensors\")")?.contains("8-byte header length") == true)
    }

    @Test func historyAndRowsGoToCSVAndBack() throws {
        let folder = try temporaryFolder()
        let runner = ScriptRunner()
        try runner.run("""
            d = clusters(n=60, classes=3, seed=1)
            model = seq(linear(2, 4, seed=1), moe(dim=4, experts=2, top_k=1, seed=0), linear(4, 3, seed=2))
            t = trainer(model, d, batch=20, seed=0)
            t.run(steps=3, every=0)
            t.history.csv("\(folder.path)/run.csv")
            rows = csv_read("\(folder.path)/run.csv")
            csv_write("\(folder.path)/mine.csv", [{"seed": 0, "note": "a, b"}, {"seed": 1, "note": "say \\"hi\\""}])
            mine = csv_read("\(folder.path)/mine.csv")
            """)
        let text = try String(contentsOf: folder.appendingPathComponent("run.csv"), encoding: .utf8)
        #expect(text.hasPrefix("step,loss,task,accuracy,load[0],load[1],imbalance,dropped\r\n1,"), "\(text)")
        #expect(try runner.echo("len(rows) == 3 and rows[2][\"step\"] == 3 and rows[0][\"loss\"] == t.history.loss[0]") == "true")
        #expect(try runner.echo("mine[1][\"note\"]") == "\"say \\\"hi\\\"\"")
        #expect(try runner.echo("mine[0][\"seed\"] + 1") == "1")
        #expect(runner.error("csv_write(\"\(folder.path)/x.csv\", [{\"a\": 1}, {\"b\": 2}])")?.contains("row 1 has no \"a\"") == true)
    }
}
