// The reward rules: R1's anchored format rule, the addition task's accuracy, TinyZero's countdown
// compute_score (0 / 0.1 / 1.0), and the weighted sum.
import Autograd
import Toys
import Testing
import TestSupport

@Suite struct RewardsRulesTests {
    @Test func formatRuleIsAnchoredWhitespaceTolerantAndRejectsTwoTags() {
        #expect(FormatRule.answer(in: "<answer>7</answer>") == "7")
        #expect(FormatRule.answer(in: "  \n<answer> 7 \n</answer>\n ") == "7", "whitespace and newlines around and inside")
        #expect(FormatRule.answer(in: "<answer>1\n2</answer>") == "1\n2", "newlines inside (the DOTALL pitfall)")
        #expect(FormatRule.answer(in: "so <answer>7</answer>") == nil, "anchored at the start")
        #expect(FormatRule.answer(in: "<answer>7</answer> done") == nil, "anchored at the end")
        #expect(FormatRule.answer(in: "<answer>7</answer> <answer>7</answer>") == nil, "two answer blocks")
        #expect(FormatRule.answer(in: "<answer><answer>7</answer>") == nil, "a nested tag")
        #expect(FormatRule.answer(in: "<answer>7") == nil, "unclosed")
        #expect(FormatRule.answer(in: "<answer>  </answer>") == nil, "empty")
        #expect(FormatRule.answer(in: "7") == nil)
        #expect(FormatRule.answer(in: "") == nil)
    }

    @Test func everyFormatTokenButTheFirstFailsTheRule() {
        #expect((0 ..< AnswerFormat.count).map { FormatRule.score(AnswerFormat.render($0, "7")) } == [1, 0, 0, 0, 0])
    }

    @Test func additionChecksAndRendersAnswers() throws {
        let task = try AdditionTask()
        let question = task.question(3, 4)
        #expect(task.render(format: 0, answer: 7, for: question) == "<answer>7</answer>")
        #expect(task.check(question, text: "<answer>7</answer>") == RuleChecks(accuracy: 1, format: 1))
        #expect(task.check(question, text: "<answer>8</answer>") == RuleChecks(accuracy: 0, format: 1))
        #expect(task.check(question, text: "7") == RuleChecks(accuracy: 0, format: 0), "a right number in the wrong format earns nothing")
        #expect(task.correctAnswers(for: question) == [7])
        #expect(task.answerCount == 19)
        #expect(task.features(question).enumerated().filter { $0.element == 1 }.map(\.offset) == [3, 14])
        var generator = SeededGenerator(seed: 1)
        let questions = task.questions(count: 500, generator: &generator)
        #expect(questions.allSatisfy { $0.operands.allSatisfy { (0 ... 9).contains($0) } && $0.target == $0.operands.reduce(0, +) })
        #expect(task.allQuestions?.count == 100)
        #expect(throws: (any Error).self) { try AdditionTask(digits: 0) }
    }

    @Test func rewardWeightsCombineTheRules() throws {
        let task = try AdditionTask()
        let sample = Sample(question: task.question(2, 2), tokens: [0, 4], text: "<answer>4</answer>")
        #expect(try RewardFunction.weighted(task.defaultWeights).score(sample, task: task).reward == 2)
        #expect(try RewardFunction.weighted([("accuracy", 3), ("format", 0.5)]).score(sample, task: task).reward == 3.5)
        #expect(throws: (any Error).self) { try RewardFunction.weighted([("length", 1)]) }
    }

    @Test func countdownScoresAsTinyZero() throws {
        let numbers = [3, 5, 2]
        func score(_ text: String) -> Double { CountdownTask.computeScore(text, numbers: numbers, target: 16) }
        #expect(score("<answer>(3 + 5) * 2</answer>") == 1)
        #expect(score("<answer>2 * (5 + 3)</answer>") == 1, "any order of the numbers")
        #expect(score("<answer>(3 + 5) - 2</answer>") == 0.1, "a wrong value earns the format score")
        #expect(score("<answer>(3 + 5) * 2 * 1</answer>") == 0.1, "an extra number")
        #expect(score("<answer>8 * 2</answer>") == 0.1, "numbers not given")
        #expect(score("<answer>hello</answer>") == 0.1)
        #expect(score("(3 + 5) * 2") == 0, "no answer block")
        #expect(score("<answer>(3 + 5) * 2</answer>\nthanks") == 0, "only the last line is read")
        #expect(score("<answer>1</answer> <answer>(3 + 5) * 2</answer>") == 1, "TinyZero takes the last block of the line")
        #expect(CountdownTask.computeScore("<answer>6 / (5 - 5) + 1</answer>", numbers: [6, 5, 5, 1], target: 1) == 0.1, "division by zero")
        #expect(CountdownTask.evaluate("(3 + 5) * 2 - 10 / 4") == 13.5)
    }

    @Test func countdownRulesSumToComputeScoreAndEveryQuestionIsSolvable() throws {
        let task = try CountdownTask()
        #expect(task.answerCount == 54, "6 orders × 9 operator pairs")
        var generator = SeededGenerator(seed: 2)
        let weights = try RewardFunction.weighted(task.defaultWeights)
        for question in task.questions(count: 50, generator: &generator) {
            #expect(!(task.correctAnswers(for: question).isEmpty), "\(question) has an answer in the grammar")
            #expect((1 ... 99).contains(question.target))
            for format in 0 ..< AnswerFormat.count {
                for answer in [0, 17, 53] {
                    let text = task.render(format: format, answer: answer, for: question)
                    let reward = try weights.score(Sample(question: question, tokens: [format, answer], text: text), task: task).reward
                    #expect(abs((reward) - (CountdownTask.computeScore(text, numbers: question.operands, target: question.target))) <= 1e-12, "\(text)")
                }
            }
        }
    }
}
