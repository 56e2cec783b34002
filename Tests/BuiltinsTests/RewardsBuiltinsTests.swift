// The reward builtins from Seek: every help example runs, a Seek reward function drives grpo,
// show_group prints a readable table, inspection members, and bad arguments name the problem.

import Builtins
import Script
import Testing

@Suite struct RewardsBuiltinsTests {
    @Test func helpExamplesRun() throws {
        for name in ["addition", "countdown", "mlp_policy", "reinforce", "grpo"] {
            let runner = ScriptRunner()
            let help = try runner.run("help(\"\(name)\")")
            let examples = help.split(separator: "\n").filter { $0.hasPrefix("  ") && $0.contains("(") && !$0.contains(":") }
            #expect(!examples.isEmpty, "\(name) has an example")
            for line in examples {
                #expect(runner.error(String(line)) == nil, "\(name) example runs: \(line) → \(runner.error(String(line)) ?? "")")
            }
        }
    }

    @Test func aSeekRewardFunctionDrivesGRPO() throws {
        // Reward only answers of 7 or more: the policy's mean answer must rise.
        let printed = try output(of: """
            add = addition()
            big = fn(question, sample) { if sample.tokens[1] >= 7 { return 1 } else { return 0 } }
            g = grpo(mlp_policy(add, hidden=16, seed=0), add, reward=big, seed=0)
            g.run(steps=30, every=0)
            print(g.history.reward[0], g.history.reward[-1])
            """)
        let numbers = printed.split(separator: "\n").last?.split(separator: " ").compactMap { Double($0) } ?? []
        #expect(numbers.count == 2)
        #expect((numbers.last ?? 0) > (numbers.first ?? 1) + 0.2, "reward rose: \(printed)")
    }

    @Test func showGroupPrintsAReadableTable() throws {
        let runner = ScriptRunner()
        let printed = try runner.run("""
            add = addition()
            g = grpo(mlp_policy(add, seed=0), add, seed=0)
            g.step()
            r = g.show_group(2)
            """)
        let lines = printed.split(separator: "\n")
        #expect(lines.first?.hasPrefix("question: ") == true)
        #expect(lines.count == 11, "question, header, 8 samples, the sum: \(printed)")
        for word in ["sample", "accuracy", "format", "reward", "advantage", "old logp", "new logp", "ratio"] {
            #expect(lines[1].contains(word), "header names \(word)")
        }
        #expect(try runner.echo("len(r.texts) == 8 and abs(sum(r.advantages)) < 1e-6") == "true")
        #expect(try runner.echo("len(g.last.rewards) == 256 and g.last.groups == 32") == "true")
        #expect(try runner.echo("len(g.policy_table(add.questions(3, seed=1))[0]) == 19") == "true")
    }

    @Test func stepRecordsCarryTheRewardMetrics() throws {
        let runner = ScriptRunner()
        try runner.run("add = addition(); g = grpo(mlp_policy(add, seed=0), add, kl=0.04, epochs=2, seed=0); s1 = g.step(); s2 = g.step()")
        for name in ["reward", "accuracy", "format", "zero_std", "clip_frac", "kl", "entropy", "adv_mean", "adv_std", "policy"] {
            #expect(try runner.echo("s2.names").contains("\"\(name)\""), "step records have \(name)")
        }
        // μ = 2: the second update reuses the batch, so its rewards are the same and its ratios moved off 1.
        #expect(try runner.echo("s1.reward == s2.reward") == "true")
        #expect(try runner.echo("s2.kl > 0") == "true")
    }

    @Test func rewardObjectsListTheirMembersInHelp() throws {
        let runner = ScriptRunner()
        try runner.run("add = addition(); p = mlp_policy(add, seed=0); g = grpo(p, add, seed=0); g.step()")
        for source in ["add", "countdown()", "add.question(3, 4)", "p", "p.sample(add.question(3, 4), n=2)", "g",
                       "reinforce(p, add)", "g.last", "g.show_group(0)"] {
            guard let value = try runner.interpreter.run(source) else { Issue.record("\(source) gave nil"); continue }
            let help = runner.interpreter.helpText(for: value)
            for member in runner.interpreter.memberNames(of: value) {
                #expect(help.contains(member), "help for \(source) mentions '\(member)'")
            }
        }
    }

    @Test func badArgumentsNameTheProblem() {
        let runner = ScriptRunner()
        _ = try? runner.run("add = addition(); cd = countdown(); p = mlp_policy(add, seed=0)")
        #expect(runner.error("grpo(p, cd)")?.contains("made for addition(digits=1), not countdown") == true)
        #expect(runner.error("grpo(p, add, loss=\"ppo\")")?.contains("loss must be") == true)
        #expect(runner.error("grpo(p, add, group=1)")?.contains("group = 1 must be at least 2") == true)
        #expect(runner.error("grpo(p, add, weights={\"length\": 1})")?.contains("no rule \"length\"") == true)
        #expect(runner.error("reinforce(p, add, baseline=\"ema\")")?.contains("baseline must be") == true)
        #expect(runner.error("addition(digits=7)")?.contains("digits = 7") == true)
        #expect(runner.error("g = grpo(p, add, reward=fn(q, s) { return \"yes\" }); g.step()")?.contains("must return a number") == true)
        #expect(runner.error("g = grpo(p, add); g.show_group(0)")?.contains("take a step first") == true)
    }
}
