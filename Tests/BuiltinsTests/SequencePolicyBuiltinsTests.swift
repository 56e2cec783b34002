// The R1 recipe's builtins from Seek: every help example runs, grpo and reinforce train a gpt on
// arith_task with the MLP policy's metrics plus length, distill_sequences counts what its filter
// drops, and bad arguments name the problem.

import Builtins
import Script
import Testing

@Suite struct SequencePolicyBuiltinsTests {
    @Test func helpExamplesRun() throws {
        for name in ["arith_task", "arith_pretraining", "distill_sequences"] {
            let runner = ScriptRunner()
            let help = try runner.run("help(\"\(name)\")")
            let examples = help.split(separator: "\n").filter { $0.hasPrefix("  ") && $0.contains("(") && !$0.contains(": ") }
            #expect(!examples.isEmpty, "\(name) has an example")
            for line in examples {
                #expect(runner.error(String(line)) == nil, "\(name) example runs: \(line) → \(runner.error(String(line)) ?? "")")
            }
        }
    }

    @Test func grpoAndReinforceTrainAGptWithTheSameMetrics() throws {
        let runner = ScriptRunner()
        let printed = try runner.run("""
            t = arith_task(digits=1)
            m = gpt(vocab=arith(n=1).tokenizer, dim=16, heads=2, context=16, seed=0)
            g = grpo(m, t, prompts=4, group=4, max_new=8, seed=0)
            g.run(steps=2, every=0)
            print(g.history.names)
            print(len(g.last.texts), g.policy == m)
            r = reinforce(m, t, prompts=4, samples=2, max_new=8, seed=0)
            r.run(steps=2, every=0)
            print(r.history.names)
            """)
        let lines = printed.split(separator: "\n").map(String.init)
        for metric in ["reward", "accuracy", "format", "zero_std", "length", "clip_frac", "kl", "entropy"] {
            #expect(lines.first { $0.hasPrefix("[\"loss\"") }?.contains("\"\(metric)\"") == true, "grpo records \(metric): \(printed)")
        }
        #expect(lines.contains("16 true"))
        #expect(lines.last?.contains("\"length\"") == true)
    }

    @Test func distillSequencesCountsWhatTheFilterDrops() throws {
        let runner = ScriptRunner()
        let printed = try runner.run("""
            tok = arith(n=1).tokenizer
            teacher = gpt(vocab=tok, dim=16, heads=2, context=24, seed=0)
            student = gpt(vocab=tok, dim=16, heads=2, context=24, seed=1)
            ended = fn(question, text) { return text.contains("<eos>") }
            d = distill_sequences(teacher, student, arith(n=20, digits=1, seed=3), samples=3, filter=ended, max_new=8, seed=0)
            d.run(steps=3, every=0)
            print(d.drawn, d.kept + d.rejected, len(d.kept_texts), d.kept, len(d.history.loss))
            """)
        let numbers = printed.split(separator: "\n").last?.split(separator: " ").compactMap { Int($0) } ?? []
        #expect(numbers.count == 5 && numbers[0] == 60 && numbers[1] == 60 && numbers[2] == numbers[3] && numbers[4] == 3, "\(printed)")
    }

    @Test func badArgumentsNameTheProblem() {
        let runner = ScriptRunner()
        #expect(runner.error("grpo(gpt(vocab=16, dim=8, heads=2, seed=0), addition())")?.contains("arith_task") == true)
        #expect(runner.error("mlp_policy(arith_task())")?.contains("gpt") == true)
        #expect(runner.error("arith_task(digits=7)")?.contains("digits = 7") == true)
        #expect(runner.error("distill_sequences(gpt(vocab=arith(n=1).tokenizer, seed=0), gpt(vocab=arith(n=1).tokenizer, seed=1), arith(n=4, seed=0), filter=\"some\")")?.contains("filter") == true)
        #expect(runner.error("arith_pretraining(n=10, careless=2)")?.contains("careless") == true)
    }
}
