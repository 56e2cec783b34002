// `distill_sequences(teacher, student, prompts, …)`: R1-Distill in miniature. The teacher gpt
// samples completions of the prompts once, a filter keeps the ones the reward rules accept, and
// the student gpt is fine-tuned on the kept texts; the result is a trainer (step, run, history)
// with the samples to inspect. The library side is Toys/MicroGPT/SequenceDistillation.swift.

import Autograd
import Foundation
import NeuralNets
import Script
import Toys

enum SequenceDistillationBuiltin {
    static func install(_ context: BuiltinContext) {
        context.define("distill_sequences", help: """
            distill_sequences(teacher, student, prompts, samples=4, filter="rules", task=arith_task(), temperature=1,
            max_new=32, batch=32, opt=adam(student, lr=0.003), seed=): R1-Distill: the teacher gpt writes `samples`
            completions of each prompt (prompts: arith(…) problems or task.questions(…)) once, up front; filter="rules"
            keeps only those the task's rules accept (right answer and the whole template, as R1 kept correct samples),
            "none" keeps all, fn(question, text) { … } decides itself. Each step fine-tunes the student on a batch of kept
            completions by next-token cross-entropy on the completion tokens. Returns a trainer (step, run, history)
            with drawn, kept, rejected (counts), kept_texts and rejected_texts.
              tok = arith(n=1).tokenizer; t = gpt(vocab=tok, dim=16, heads=2, seed=0); s = gpt(vocab=tok, dim=16, heads=2, seed=1)
              d = distill_sequences(t, s, arith(n=20, seed=3), samples=2, filter="none", max_new=8, seed=0); d.run(steps=5, every=0); d.kept
            """) { arguments in
            try make(arguments, context)
        }
    }

    private static func make(_ arguments: Arguments, _ context: BuiltinContext) throws -> Value {
        try arguments.rejectUnknownNames(["teacher", "student", "prompts", "samples", "filter", "task", "temperature", "max_new",
                                          "batch", "opt", "seed"])
        let name = "distill_sequences"
        let teacherObject = try arguments.object(at: 0, named: "teacher", as: GPTObject.self, described: "a gpt model")
        let studentObject = try arguments.object(at: 1, named: "student", as: GPTObject.self, described: "a gpt model")
        var task: any RewardTask = try ArithmeticTask()
        if let given = try arguments.value(named: "task"), !given.isNull {
            task = try arguments.object(named: "task", as: TaskObject.self, described: "a task (arith_task())").task
        }
        let questions = try promptQuestions(try arguments.require(at: 2, named: "prompts"), task: task)
        let filter = try filterArgument(arguments, task: task)
        let maxNew = try arguments.integer(named: "max_new", default: 32)
        let temperature = Float(try arguments.number(named: "temperature", default: 1))
        let seed = try context.seed(arguments)
        let (teacher, student) = try rethrowingNamed(name) {
            (try SequencePolicy(model: teacherObject.model, tokenizer: try teacherObject.tokenizer ?? ArithmeticSet.tokenizer(), maxNew: maxNew),
             try SequencePolicy(model: studentObject.model, tokenizer: try studentObject.tokenizer ?? ArithmeticSet.tokenizer(), maxNew: maxNew))
        }
        let samples = try rethrowingNamed(name) {
            try SequenceDistillation.collect(teacher: teacher, questions: questions,
                                             samples: try arguments.integer(named: "samples", default: 4),
                                             temperature: temperature, filter: filter, seed: seed)
        }
        let objective = try rethrowingNamed(name) {
            try SequenceDistillationObjective(student: student, samples: samples, batchSize: try arguments.integer(named: "batch", default: 32),
                                              seed: seed)
        }
        let optimizer = try optimizerArgument(arguments, name, example: "adam(student, lr=0.003)") {
            Adam(parameters: studentObject.model.parameters(), learningRate: 0.003)
        }
        let trainer = Trainer(model: studentObject.model, objective: objective, optimizer: optimizer, modelName: "student")
        let base = TrainerObject(trainer, kind: name,
                                 summary: "\(studentObject.summary) on \(samples.kept.count) of \(samples.drawn) teacher completions (filter \(filter.summary)), batch \(objective.batchSize)",
                                 usage: "  d = distill_sequences(teacher, student, arith(n=500, seed=3), samples=4, seed=0); d.run(steps=300); plot(d.history.loss)")
        return .object(SequenceDistillationObject(base: base, samples: samples))
    }

    /// arith(…) problems or a list of questions (task.questions(…)).
    private static func promptQuestions(_ value: Value, task: any RewardTask) throws -> [Question] {
        if case .object(let arith as ArithObject) = value {
            guard let arithmetic = task as? ArithmeticTask else {
                throw NativeError("distill_sequences: arith(…) prompts need an arithmetic task (arith_task()), not \(task.summary)")
            }
            return arith.set.problems.map(arithmetic.question)
        }
        guard case .list = value else {
            throw NativeError("distill_sequences: prompts must be arith(…) problems or a list of questions (task.questions(n)), got \(value.typeAndValue)")
        }
        return try RewardValues.questions(value, "distill_sequences")
    }

    /// filter="rules" (default), "none", or fn(question, text).
    private static func filterArgument(_ arguments: Arguments, task: any RewardTask) throws -> DistillationFilter {
        guard let given = try arguments.value(named: "filter"), !given.isNull else { return .rules(task) }
        switch given {
        case .string("rules"): return .rules(task)
        case .string("none"): return .none
        case .function, .native:
            let interpreter = arguments.interpreter
            return .custom(name: "fn(question, text)") { question, text in
                let result = try interpreter.call(given, [.object(QuestionObject(question, task: task)), .string(text)])
                guard case .bool(let keep) = result else {
                    throw NativeError("distill_sequences: the filter must return true or false, got \(result.typeAndValue) for \"\(text)\"")
                }
                return keep
            }
        default:
            throw NativeError("distill_sequences: filter must be \"rules\", \"none\" or a function fn(question, text), got \(given.typeAndValue)")
        }
    }
}

/// The sequence-distillation trainer: a `TrainerObject` with the teacher's samples.
final class SequenceDistillationObject: NativeObject {
    let base: TrainerObject
    let samples: DistillationSamples

    init(base: TrainerObject, samples: DistillationSamples) {
        self.base = base
        self.samples = samples
    }

    var typeName: String { base.typeName }
    var memberNames: [String] { base.memberNames + ["drawn", "kept", "rejected", "kept_texts", "rejected_texts"] }
    var repr: String { base.repr }
    var help: String {
        base.help + """

        properties: drawn (teacher completions sampled), kept and rejected (how many the filter kept and dropped),
          kept_texts (the kept completions), rejected_texts (prompt + completion of each dropped one)
        """
    }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "drawn": return .number(Double(samples.drawn))
        case "kept": return .number(Double(samples.kept.count))
        case "rejected": return .number(Double(samples.rejected.count))
        case "kept_texts": return .list(ListObject(samples.keptTexts.map(Value.string)))
        case "rejected_texts": return .list(ListObject(samples.rejected.map { .string($0.prompt + $0.text) }))
        default: return try base.member(name)
        }
    }
}
