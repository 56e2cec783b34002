// Sequence distillation (R1-Distill in miniature): the filter keeps exactly the completions it
// accepts and drops the rest (counted independently), the student's loss on the kept texts
// falls, and the same seed gives the same run; the careless pretraining text has no right answer
// in a tag.
import Foundation
import Autograd
import NeuralNets
import Testing
import TestSupport
@testable import Toys

private func gpt(_ tokenizer: CharTokenizer, dim: Int = 16, seed: UInt64) throws -> MicroGPT {
    var config = MicroGPTConfig(vocabulary: tokenizer.size)
    config.dimensions = dim; config.layers = 1; config.heads = 2; config.context = 24; config.seed = seed
    return try MicroGPT(config: config)
}

private func questions(_ count: Int, seed: UInt64) throws -> (ArithmeticTask, [Question]) {
    let task = try ArithmeticTask(digits: 1)
    var generator = SeededGenerator(seed: seed)
    return (task, task.questions(count: count, generator: &generator))
}

@Suite("Sequence distillation")
struct SequenceDistillationTests {
    @Test func theFilterKeepsWhatItAcceptsAndCountsWhatItDrops() throws {
        let tokenizer = try ArithmeticSet.tokenizer()
        let teacher = try SequencePolicy(model: gpt(tokenizer, seed: 1), tokenizer: tokenizer, maxNew: 8)
        let (task, prompts) = try questions(20, seed: 2)
        // A filter whose verdict is easy to recount: the completion ended with <eos>.
        let ended = try SequenceDistillation.collect(teacher: teacher, questions: prompts, samples: 3, temperature: 1,
                                                     filter: .custom(name: "ended") { _, text in text.hasSuffix("<eos>") }, seed: 4)
        let all = try SequenceDistillation.collect(teacher: teacher, questions: prompts, samples: 3, temperature: 1, filter: .none, seed: 4)
        #expect(all.drawn == 60 && all.kept.count == 60 && all.rejected.isEmpty)
        let expectedKept = all.keptTexts.filter { $0.hasSuffix("<eos>") }.count
        #expect(ended.kept.count == expectedKept && ended.rejected.count == 60 - expectedKept)
        #expect(ended.kept.count > 0 && !ended.rejected.isEmpty, "an untrained teacher's completions fall on both sides")
        #expect(ended.keptTexts.allSatisfy { $0.hasSuffix("<eos>") })
        #expect(ended.rejected.allSatisfy { !$0.text.hasSuffix("<eos>") })
        // The kept rows are the teacher's tokens, unchanged.
        for row in 0 ..< ended.kept.count { #expect(try tokenizer.decode(ended.kept.tokens(row: row)) == ended.keptTexts[row]) }
        // The rules filter on an untrained teacher keeps nothing it should not.
        let ruled = try SequenceDistillation.collect(teacher: teacher, questions: prompts, samples: 3, temperature: 1, filter: .rules(task), seed: 4)
        for (row, text) in ruled.keptTexts.enumerated() {
            #expect(task.check(ruled.kept.questions[row], text: text) == RuleChecks(accuracy: 1, format: 1))
        }
        #expect(ruled.kept.count + ruled.rejected.count == 60)
    }

    @Test func theRulesFilterKeepsOnlyRightAnswersInTheTemplate() throws {
        // A teacher that learnt the template from 1-digit sums: some answers right, some not.
        let tokenizer = try ArithmeticSet.tokenizer()
        let model = try gpt(tokenizer, dim: 32, seed: 3)
        let data = try ArithmeticSet(count: 400, digits: 1, seed: 5).dataset(tokenizer: tokenizer)
        let trainer = Trainer(model: model, objective: try SupervisedObjective(data: data, loss: .nextToken, batchSize: 32, seed: 1),
                              optimizer: Adam(parameters: model.parameters(), learningRate: 0.003))
        try trainer.run(steps: 150)
        let teacher = try SequencePolicy(model: model, tokenizer: tokenizer, maxNew: 12)
        let (task, prompts) = try questions(40, seed: 9)
        let samples = try SequenceDistillation.collect(teacher: teacher, questions: prompts, samples: 4, temperature: 1, filter: .rules(task), seed: 2)
        var right = 0
        let all = try SequenceDistillation.collect(teacher: teacher, questions: prompts, samples: 4, temperature: 1, filter: .none, seed: 2)
        for row in 0 ..< all.kept.count where task.check(all.kept.questions[row], text: all.keptTexts[row]) == RuleChecks(accuracy: 1, format: 1) {
            right += 1
        }
        #expect(samples.kept.count == right, "kept exactly the completions with a right answer in the template")
        #expect(samples.rejected.count == 160 - right)
        #expect(right > 0 && right < 160, "right \(right) of 160")
    }

    @Test func theStudentsLossFallsAndTheSameSeedGivesTheSameRun() throws {
        let tokenizer = try ArithmeticSet.tokenizer()
        let teacher = try SequencePolicy(model: gpt(tokenizer, seed: 1), tokenizer: tokenizer, maxNew: 8)
        let (_, prompts) = try questions(30, seed: 2)
        func run(seed: UInt64) throws -> [Double] {
            let samples = try SequenceDistillation.collect(teacher: teacher, questions: prompts, samples: 4, temperature: 1, filter: .none, seed: seed)
            let student = try SequencePolicy(model: gpt(tokenizer, seed: 7), tokenizer: tokenizer, maxNew: 8)
            let objective = try SequenceDistillationObjective(student: student, samples: samples, batchSize: 16, seed: seed)
            let trainer = Trainer(model: student.model, objective: objective, optimizer: Adam(parameters: student.model.parameters(), learningRate: 0.01))
            try trainer.run(steps: 60)
            return trainer.history.loss
        }
        let losses = try run(seed: 3)
        let first = losses.prefix(10).reduce(0, +) / 10, last = losses.suffix(10).reduce(0, +) / 10
        #expect(last < first - 0.3, "loss \(first) → \(last)")
        #expect(try run(seed: 3) == losses, "same seed, same run")
        #expect(try run(seed: 4) != losses, "another seed draws other samples and batches")
    }

    @Test func carelessPretrainingTextNeverHoldsARightAnswerInATag() throws {
        let set = try ArithmeticSet(count: 300, digits: 2, think: true, seed: 1)
        let texts = try ArithmeticPretraining.texts(set.problems, careless: 0.5, seed: 2)
        let problem = ArithmeticProblem(47, "+", 38)
        #expect(problem.carelessColumns?.thought == "7+8=15,4+3=7" && problem.carelessColumns?.answer == "75")
        #expect(ArithmeticProblem(32, "+", 41).carelessColumns?.thought == "2+1=3,3+4+1=8")
        #expect(ArithmeticProblem(95, "+", 7).carelessColumns?.answer == "92")
        #expect(ArithmeticProblem(3, "+", 4).carelessColumns == nil)
        var tagged = 0
        for (problem, text) in zip(set.problems, texts) {
            if let answer = ArithmeticProblem.answer(in: text) {
                tagged += 1
                #expect(answer != problem.answer, "\(text) has the right answer in its tag")
                #expect(abs((Int(answer) ?? 0) - problem.result) == 10, "\(text): the slip is ten off")
            } else {
                #expect(text == "\(problem.prompt)<think>\(problem.thought)</think>\(problem.answer)<eos>")
            }
        }
        #expect(tagged > 100 && tagged < 200, "about half the problems are written in the template: \(tagged)")
    }
}
