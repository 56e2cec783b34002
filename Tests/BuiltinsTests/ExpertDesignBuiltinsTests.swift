// The DeepSeek-V3 options of moe(…) from a script (issue 13): presets shown in help and m.config,
// refusals of settings that would be ignored or that cannot fit, the routing record under bias
// balancing, explain printing once, and the V3 preset training inside seq(…).

import Testing
@testable import Builtins

@Test func presetsAppearInHelpAndConfigAndOptionsOverrideThem() throws {
    let runner = ScriptRunner()
    let help = try runner.run("help(moe)")
    for text in ["\"deepseek-v3\": gate=\"sigmoid\"", "route_scale=2.5", "seq_aux=1e-4", "\"switch\":", "\"mixtral\":",
                 "Switch", "Mixtral", "DeepSeek-V3", "ST-MoE"] {
        #expect(help.contains(text), "help(moe) lacks \(text)")
    }
    try runner.run("v3 = moe(preset=\"deepseek-v3\", dim=8, experts=8, top_k=2, seed=0)")
    #expect(try runner.echo("[v3.config[\"gate\"], v3.config[\"balance\"], v3.config[\"bias_rate\"], v3.config[\"seq_aux\"]]")
            == "[\"sigmoid\", \"bias\", 0.001, 0.0001]")
    #expect(try runner.echo("[v3.config[\"expert\"], v3.config[\"shared\"], v3.config[\"route_scale\"], v3.config[\"router_bias\"]]")
            == "[\"swiglu\", 1, 2.5, false]")
    // 8 · 8 router + 9 SwiGLU experts of 3 · 8 · 16.
    #expect(try runner.echo("v3.params") == "\(64 + 9 * 3 * 8 * 16)")
    #expect(try runner.echo("moe(preset=\"switch\", dim=4, seed=0).config[\"top_k\"]") == "1")
    #expect(try runner.echo("moe(preset=\"switch\", dim=4, capacity=nil, seed=0).config[\"capacity\"]") == "nil")
    #expect(try runner.echo("moe(preset=\"deepseek-v3\", dim=4, experts=4, top_k=1, route_scale=1, seed=0).config[\"route_scale\"]") == "1")
    #expect(runner.error("moe(preset=\"v4\", dim=4)")?.contains("preset must be") == true)
}

@Test func ignoredSettingsAreRefusedNamingTheBalanceTheyNeed() {
    let runner = ScriptRunner()
    #expect(runner.error("moe(dim=4, aux_weight=0.1)") == "moe: aux_weight= is used only with balance=\"aux\" (balance is \"none\")")
    #expect(runner.error("moe(dim=4, balance=\"aux\", bias_rate=0.01)")
            == "moe: bias_rate= is used only with balance=\"bias\" (balance is \"aux\")")
    #expect(runner.error("moe(preset=\"deepseek-v3\", dim=4, aux_weight=0.01)")?.contains("balance is \"bias\"") == true)
    #expect(runner.error("moe(dim=4, top_groups=2)")?.contains("top_groups= needs groups=") == true)
    #expect(runner.error("moe(dim=4, seq_len=8)")?.contains("seq_len= is used only with seq_aux=") == true)
    #expect(runner.error("moe(dim=4, groups=3)")?.contains("groups = 3 must divide experts = 8") == true)
    #expect(runner.error("moe(dim=4, expert=\"relu\")")?.contains("expert must be") == true)
    #expect(runner.error("moe(dim=4, balance=\"aux\", aux_weight=0.1)") == nil)
    #expect(runner.error("moe(dim=4, balance=\"bias\", bias_rate=0.1)") == nil)
}

@Test func layersTooLargeAreRefusedWithTheirSize() {
    let runner = ScriptRunner()
    let message = runner.error("moe(dim=2048, experts=512)")
    #expect(message?.hasPrefix("moe: ") == true && message?.contains("parameters") == true
            && message?.contains("GB") == true, "\(message ?? "no error")")
    #expect(runner.error("moe(dim=100000, experts=2)")?.contains("tensor size limit") == true)
}

@Test func routingRecordNamesGateValuesAndSelectionScores() throws {
    let runner = ScriptRunner()
    try runner.run("""
        m = moe(dim=4, experts=4, top_k=2, gate="sigmoid", balance="bias", seed=0)
        m.set_bias([0, 0, 0.5, -0.5])
        x = randn(6, 4, seed=1)
        r = m.route(x)
        """)
    #expect(try runner.echo("(r.scores_for_selection - r.probs - tensor([[0, 0, 0.5, -0.5]])).abs().max().item() < 1e-6") == "true")
    // chosen ranks the biased scores; weights are the chosen gate values renormalised.
    try runner.run("""
        ok = true
        for t in range(6) {
            s = r.scores_for_selection[t].tolist()
            c = r.chosen[t]
            for e in range(4) { if e != c[0] and e != c[1] and s[e] > s[c[1]] { ok = false } }
            p = r.probs[t].tolist()
            if abs(r.weights[t][0] - p[c[0]] / (p[c[0]] + p[c[1]])) > 1e-6 { ok = false }
        }
        """)
    #expect(try runner.echo("ok") == "true")
    #expect(try runner.run("help(r)").contains("Selection uses the bias; the weights do not"))
    #expect(try runner.run("help(m.route)").contains("Selection uses the bias; the weights do not"))
}

@Test func explainPrintsItsTraceOnceAndEchoesOneLine() throws {
    let runner = ScriptRunner()
    try runner.run("m = moe(dim=4, experts=4, top_k=2, balance=\"bias\", seed=0); x = randn(2, 4, seed=1)")
    let printed = try runner.run("e = m.explain(x[0])")
    #expect(printed.components(separatedBy: "1. router scores").count == 2, "trace printed once: \(printed)")
    #expect(printed.contains("selection uses the bias; the weights do not"))
    let echo = try runner.echo("m.explain(x[0])")
    #expect(!echo.contains("\n") && echo.hasPrefix("explanation: experts ["), "\(echo)")
    #expect(try runner.echo("e.trace").contains("router scores"))
}

@Test func deepSeekPresetTrainsInsideSeq() throws {
    let runner = ScriptRunner()
    try runner.run("""
        d = clusters(n=200, classes=4, dim=2, spread=0.5, seed=1)
        m = moe(preset="deepseek-v3", dim=8, experts=8, top_k=2, hidden=4, seed=0)
        model = seq(linear(2, 8, seed=1), m, linear(8, 4, seed=2))
        t = trainer(model, d, batch=64, seed=0)
        first = t.step()
        t.run(steps=60, every=0)
        """)
    // The step record carries the sequence loss (α = 1e-4 of a value near 1) and the bias moved by γ.
    #expect(try runner.echo("abs(first.loss - (first.task + first.seq_aux)) < 1e-5 and first.seq_aux > 0 and first.seq_aux < 1e-3") == "true")
    #expect(try runner.echo("max(map(fn(v) { abs(v) }, m.bias)) > 0.0009") == "true")
    #expect(try runner.echo("t.history.loss[-1] < t.history.loss[0]") == "true")
    #expect(try runner.echo("t.evaluate(d) > 0.8") == "true")
    #expect(try runner.echo("model(randn(3, 5, 2, seed=0)).shape") == "[3, 5, 4]")
}
