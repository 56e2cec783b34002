// The MoE toy builtins from a script's point of view, lesson 02 run headless (every assert must
// pass), and Examples/experts.seek writing its charts.

import Foundation
import Script
import Testing
import TestSupport
@testable import Builtins

/// The package root, found from this file's path.
private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The ```seek cells of a lesson, in order.
private func seekCells(_ markdown: String) -> [String] {
    var cells: [String] = [], current: [String]?
    for line in markdown.components(separatedBy: "\n") {
        let fence = line.trimmingCharacters(in: .whitespaces)
        if let lines = current {
            if fence == "```" {
                cells.append(lines.joined(separator: "\n"))
                current = nil
            } else {
                current = lines + [line]
            }
        } else if fence == "```seek" {
            current = []
        }
    }
    return cells
}

// MARK: - Lesson and example

@Test func lessonTwoRunsAndEveryAssertPasses() throws {
    let text = try String(contentsOf: packageRoot.appendingPathComponent("Lessons/02-experts.md"), encoding: .utf8)
    let cells = seekCells(text)
    #expect(cells.count >= 10)
    #expect(text.hasPrefix("# "), "the first line is the title")
    let runner = ScriptRunner(outputDirectory: try temporaryFolder().path)
    for (index, cell) in cells.enumerated() {
        do {
            try runner.run(cell)
        } catch {
            Issue.record("cell \(index + 1) failed: \(error)\n\(cell)")
            return
        }
    }
    #expect(runner.figures.count >= 2, "the heatmap and the imbalance chart")
}

@Test func expertsExampleWritesItsFourCharts() throws {
    let folder = try temporaryFolder()
    let source = try String(contentsOf: packageRoot.appendingPathComponent("Examples/experts.seek"), encoding: .utf8)
    let printed = try ScriptRunner(outputDirectory: folder.path).run(source)
    for name in ["experts-router", "experts-specialization", "experts-load", "experts-imbalance"] {
        let data = try Data(contentsOf: folder.appendingPathComponent("\(name).png"))
        #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(name).png is a PNG")
        #expect(data.count > 5_000, "\(name).png has content: \(data.count) bytes")
    }
    #expect(printed.contains("none: imbalance") && printed.contains("aux α=1: imbalance"))
}

// MARK: - moe

@Test func moeTakesTheIssueKeywordsAndReportsItsShape() throws {
    let runner = ScriptRunner()
    try runner.run("""
        m = moe(dim=4, experts=6, top_k=2, hidden=5, shared=1, gate="sigmoid", balance="bias",
                z_weight=0.001, bias_rate=0.01, capacity=1.5, noise=0.1, seed=3)
        """)
    // router 4·6 (no bias) = 24; expert 4·5+5 + 5·4+4 = 49; total 24 + 7·49; active 24 + 3·49.
    #expect(try runner.echo("m.params") == "367")
    #expect(try runner.echo("m.active_params") == "171")
    #expect(try runner.echo("[m.dim, m.top_k, m.gate, m.balance]") == "[4, 2, \"sigmoid\", \"bias\"]")
    #expect(try runner.echo("m.bias") == "[0, 0, 0, 0, 0, 0]")
    #expect(try runner.echo("len(m.experts) + len(m.shared)") == "7")
    #expect(runner.error("moe(dim=4, gate=\"relu\")")?.contains("gate must be") == true)
    #expect(runner.error("moe(dim=4, experts=2, top_k=3)")?.contains("top_k = 3") == true)
    #expect(runner.error("moe(dim=4, balanse=\"aux\")")?.contains("balance") == true)
    #expect(runner.error("m.set_bias([1, 2])")?.contains("2 values for 6 experts") == true)
}

@Test func moeIsAModelInsideSeqAndDefaultsAreTheIssues() throws {
    let runner = ScriptRunner()
    try runner.run("m = moe(dim=8, seed=0); model = seq(linear(2, 8, seed=1), m, \"relu\", linear(8, 3, seed=2))")
    #expect(try runner.echo("model(randn(5, 2, seed=0)).shape") == "[5, 3]")
    #expect(try runner.echo("len(m.experts)") == "8")
    #expect(try runner.echo("[m.top_k, m.gate, m.balance]") == "[2, \"softmax\", \"none\"]")
    // The load of the last forward pass: 5 tokens × top-2 assignments.
    #expect(try runner.echo("round(sum(m.load), 6)") == "1")
    #expect(runner.error("m(randn(5, 3, seed=0))")?.contains("8") == true)
}

@Test func routeAndExplainExposeTheirFields() throws {
    let runner = ScriptRunner()
    try runner.run("m = moe(dim=4, experts=4, top_k=2, seed=0); x = randn(10, 4, seed=1); r = m.route(x)")
    #expect(try runner.echo("r.probs.shape") == "[10, 4]")
    #expect(try runner.echo("len(r.chosen) == 10 and len(r.chosen[0]) == 2") == "true")
    #expect(try runner.echo("round(sum(r.weights[0]), 5)") == "1")
    #expect(try runner.echo("round(sum(r.load), 6)") == "1")
    #expect(try runner.echo("r.imbalance >= 1 and r.entropy > 0 and r.dropped == 0") == "true")
    let printed = try runner.run("e = m.explain(x[0])")
    #expect(printed.contains("1. router scores") && printed.contains("parameters run: "))
    #expect(try runner.echo("e.chosen == r.chosen[0]") == "true")
    #expect(try runner.echo("e.active_params == m.active_params and e.total_params == m.params") == "true")
    #expect(runner.error("m.explain(randn(3, seed=0))")?.contains("dim 4") == true)
}

@Test func clustersAndSplitBehaveAsDocumented() throws {
    let runner = ScriptRunner()
    try runner.run("d = clusters(n=100, classes=5, dim=3, spread=0.2, seed=4); parts = d.split(0.8)")
    #expect(try runner.echo("[d.x.shape, len(d.y), d.classes, d.dim, d.n]") == "[[100, 3], 100, 5, 3, 100]")
    #expect(try runner.echo("[parts[0].n, parts[1].n]") == "[80, 20]")
    #expect(try runner.echo("d.y == clusters(n=100, classes=5, dim=3, spread=0.2, seed=4).y") == "true")
    #expect(runner.error("d.split(1.5)")?.contains("1.5") == true)
}

@Test func trainerStepsRunsAndKeepsHistory() throws {
    let runner = ScriptRunner()
    try runner.run("""
        d = clusters(n=120, classes=3, seed=1)
        m = moe(dim=8, experts=4, top_k=1, balance="aux", aux_weight=0.5, seed=0)
        model = seq(linear(2, 8, seed=1), m, linear(8, 3, seed=2))
        t = trainer(model, d, opt=adam(model, lr=0.01), batch=32, seed=0)
        s = t.step()
        """)
    #expect(try runner.echo("s.step") == "1")
    #expect(try runner.echo("abs(s.loss - (s.task + s.aux)) < 1e-5 and s.aux > 0") == "true")
    #expect(try runner.echo("len(s.load) == 4 and s.imbalance >= 1") == "true")
    let printed = try runner.run("last = t.run(steps=20, every=10)")
    #expect(printed.components(separatedBy: "\n").filter { $0.hasPrefix("step ") }.count == 2, "\(printed)")
    #expect(try runner.echo("last.step") == "21")
    #expect(try runner.echo("len(t.history.loss) == 21 and len(t.history.imbalance) == 21") == "true")
    #expect(try runner.echo("len(t.history.load) == 4 and len(t.history.load[0]) == 21") == "true")
    #expect(try runner.echo("t.evaluate(d) > 0.5") == "true")
    #expect(try runner.echo("len(specialization(model, d)) == 3") == "true")
    #expect(runner.error("trainer(model, d, opt=3)")?.contains("opt must be an optimizer") == true)
    #expect(runner.error("specialization(linear(2, 3, seed=0), d)")?.contains("no moe layer") == true)
}

@Test func trainerRunStopsOnInterrupt() throws {
    let runner = ScriptRunner()
    try runner.run("""
        d = clusters(n=60, classes=3, seed=1)
        model = seq(linear(2, 8, seed=1), moe(dim=8, experts=4, seed=0), linear(8, 3, seed=2))
        t = trainer(model, d, seed=0)
        """)
    // Ctrl-C arrives from another thread while the run is going (a 5000-step run takes seconds).
    let flag = runner.interpreter.interruptFlag   // Sendable, as a signal handler needs
    let thread = Thread { Thread.sleep(forTimeInterval: 0.3); flag.request() }
    thread.start()
    // The run stops between steps and raises, so the rest of the script does not run.
    let message = runner.error("t.run(steps=5000)\nprint(\"not reached\")")
    #expect(message?.hasPrefix("run: interrupted after ") == true, "\(message ?? "no error")")
    #expect(!runner.output.contains("not reached"), "\(runner.output)")
    let steps = try runner.echo("t.steps")
    #expect(Int(steps).map { $0 > 0 && $0 < 5000 } == true, "stopped between steps after \(steps)")
    #expect(try runner.echo("len(t.history.loss)") == steps, "every finished step is kept")
}

@Test func toyBuiltinsHaveHelp() throws {
    let runner = ScriptRunner()
    for name in ["moe", "clusters", "trainer", "specialization"] {
        let text = try runner.run("help(\(name))")
        #expect(text.contains("\(name)("), "help(\(name)): \(text)")
    }
    try runner.run("m = moe(dim=4, seed=0)")
    #expect(try runner.run("help(m)").contains("route(x)"))
}

@Test func toyObjectsNameEveryMemberInTheirHelp() throws {
    let runner = ScriptRunner()
    try runner.run("""
        d = clusters(n=40, classes=2, seed=0)
        m = moe(dim=2, experts=4, seed=0)
        t = trainer(seq(m, linear(2, 2, seed=1)), d, seed=0)
        s = t.step(); h = t.history; r = m.route(d.x); e = m.explain(d.x[0])
        """)
    for name in ["d", "m", "t", "s", "h", "r", "e"] {
        guard case .object(let object)? = runner.interpreter.global(name) else {
            Issue.record("\(name) is not a native object")
            continue
        }
        for member in object.memberNames {
            #expect(object.help.contains(member), "help of \(object.typeName) does not name '\(member)'")
        }
    }
}

@Test func explicitSeedsMatchSwiftAndUnseededDrawsDiffer() throws {
    let runner = ScriptRunner()
    try runner.run("a = moe(dim=4, seed=3); b = moe(dim=4, seed=3); c = moe(dim=4); e = moe(dim=4)")
    #expect(try runner.echo("a.router.parameters()[0].tolist() == b.router.parameters()[0].tolist()") == "true")
    #expect(try runner.echo("c.router.parameters()[0].tolist() == e.router.parameters()[0].tolist()") == "false")
    #expect(runner.error("moe(dim=4, seed=-1)")?.contains("seed must be 0 or more") == true)
}
