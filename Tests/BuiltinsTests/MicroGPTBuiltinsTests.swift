// The micro-GPT builtins from a script: tokenizer, model, generation, arithmetic data, training
// through trainer(…, loss="next_token"), routing_text, and every help example running.

import Foundation
import Plotting
import Script
import Toys
import Testing
import TestSupport
@testable import Builtins

@Suite("Micro-GPT builtins")
struct MicroGPTBuiltinsTests {
    @Test func tokenizerAndModelFromAScript() throws {
        let runner = ScriptRunner()
        #expect(try runner.echo("tok = chars(\"ab+=\"); tok.size") == "9")
        #expect(try runner.echo("tok.decode(tok.encode(\"ab=<eos>\"))") == "\"ab=<eos>\"")
        #expect(try runner.echo("m = gpt(vocab=tok, dim=16, heads=2, context=8, seed=0); m(tensor([[0, 1, 2]])).shape") == "[1, 3, 9]")
        #expect(try runner.echo("len(m.generate([0, 1], max_new=5, seed=1))") == "5")
        #expect(try runner.echo("len(tok.encode(m.generate(\"ab\", max_new=5, seed=1)))") == "5")
        #expect(try runner.echo("m.generate(\"ab\", max_new=5, seed=1) == m.generate(\"ab\", max_new=5, seed=1, cache=false)") == "true")
        #expect(try runner.echo("m.logprobs(\"ab\", \"ba\").shape") == "[2]")
        #expect(runner.error("tok.encode(\"abc\")")?.contains("\"c\"") == true)
        #expect(runner.error("gpt(vocab=tok, dim=10, heads=4)")?.contains("heads") == true)
        #expect(runner.error("gpt(vocab=tok, moe={\"expert\": 4})")?.contains("unknown key") == true)
        #expect(runner.error("m(tensor([[0, 1, 2, 3, 4, 5, 6, 7, 8]]))")?.contains("context") == true)
    }

    @Test func arithmeticTrainsThroughTheTrainer() throws {
        let runner = ScriptRunner()
        try runner.run("""
            a = arith(n=64, think=true, seed=0)
            m = gpt(vocab=a.tokenizer, dim=16, heads=2, moe={"experts": 4, "top_k": 2, "shared": 1}, seed=0)
            t = trainer(m, a, loss="next_token", opt=adam(m, lr=0.01), batch=16, seed=0)
            t.run(steps=5)
            """)
        #expect(try runner.echo("len(t.history.loss)") == "5")
        #expect(try runner.echo("len(t.history[\"aux\"]) == 5") == "true")
        #expect(try runner.echo("a.prompts[0] + a.answers[0]").hasPrefix("\""))
        #expect(try runner.echo("s = a.take(4); s.n") == "4")
        #expect(try runner.echo("score = arith(n=5, seed=9).accuracy(m); score.tokens > 0") == "true")
        let routing = try runner.run("r = routing_text(m, \"12+34=\", layer=1); print(r.locality >= 0)")
        #expect(routing.contains("true"))
        #expect(try runner.echo("len(r.experts)") == "6")
        #expect(runner.error("routing_text(m, \"1\", layer=2)")?.contains("layer 2") == true)
    }

    @Test func routingFigureShowsTheTextOnTheTerminalsColours() throws {
        let runner = ScriptRunner()
        try runner.run("""
            tok = chars(corpus("all"))
            m = gpt(vocab=tok, dim=16, heads=2, moe={"experts": 4, "top_k": 1}, seed=0)
            r = routing_text(m, "def f(x):\\n  return x", show=false)
            """)
        guard case .object(let object)? = try runner.interpreter.run("r.figure"), let figure = object as? FigureObject else {
            Issue.record("r.figure is not a figure"); return
        }
        // The first panel is the text itself, each token on its first-choice expert's colour.
        guard case .tokenText(let text) = figure.figure.panels[0].series.first else {
            Issue.record("the first panel is not the token text"); return
        }
        #expect(text.tokens.joined() == "def f(x):\n  return x")
        #expect(text.categoryNames == (0 ..< 4).map { "expert \($0)" })
        // The figure's boxes and the terminal's backgrounds are the same colour for every expert.
        for expert in 0 ..< 10 {
            let box = TokenTextSeries.tint(of: Palette.color(expert))
            let (red, green, blue) = TokenRouting.colour(expert)
            #expect(Int(box.red) == red && Int(box.green) == green && Int(box.blue) == blue)
        }
        // And the scatter of first choices colours expert i with palette colour i, whatever order they appear in.
        guard case .scatter(let scatter) = figure.figure.panels[2].series.first else {
            Issue.record("the third panel is not the scatter"); return
        }
        #expect(scatter.colors == (0 ..< 4).map { Palette.color($0) })
    }

    @Test func helpExamplesRun() throws {
        for name in ["chars", "gpt", "arith", "corpus", "routing_text"] {
            let runner = ScriptRunner()
            let help = try runner.run("help(\"\(name)\")")
            let examples = help.split(separator: "\n").filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }
            #expect(!examples.isEmpty, "\(name) has an example")
            for line in examples { #expect(runner.error(String(line)) == nil, "\(name): \(line) → \(runner.error(String(line)) ?? "")") }
        }
    }
}
