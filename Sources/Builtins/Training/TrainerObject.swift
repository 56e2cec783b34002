// The `trainer` script object: step, run with a progress display, history, evaluate. Every idea's
// trainer (distiller, reinforce, grpo) is this object over another objective, so a learner learns
// the shape once.

import Autograd
import Foundation
import NeuralNets
import Script
import Toys

/// `trainer(model, data, …)` and the other ideas' trainers: one update per step.
final class TrainerObject: NativeObject {
    let trainer: Trainer
    /// The type name scripts see ("trainer", "distiller", "grpo").
    let kind: String
    let summary: String
    /// The help text's usage lines (what to call it with), specific to each kind of trainer.
    let usage: String

    init(_ trainer: Trainer, kind: String = "trainer", summary: String, usage: String? = nil) {
        self.trainer = trainer
        self.kind = kind
        self.summary = summary
        self.usage = usage ?? """
              t = trainer(model, train, opt=adam(model, lr=0.01), batch=64, seed=0)
              t.step(); t.run(steps=300); plot(t.history.loss); t.evaluate(test)
            """
    }

    var typeName: String { kind }
    var memberNames: [String] { ["step", "run", "history", "evaluate", "steps"] }
    var repr: String { "\(kind)(\(summary), \(trainer.stepCount) steps so far)" }
    var help: String {
        """
        \(kind): \(summary). One step is one update; the record names the loss, its parts and the metrics.
        \(usage)
        properties: history (one list per metric: \(trainer.history.names.isEmpty ? "after the first step" : trainer.history.names.joined(separator: ", "))), steps (taken so far)
        methods: step() (one update, returns its record), run(steps=, every=) (a live bar in a terminal with a line every
          `every` steps above it, else just the lines; Ctrl-C stops between steps), evaluate(data)
        A NaN or infinite loss or gradient stops the run with the step and the parameter named; the history is kept.
        """
    }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "history": return .object(HistoryObject(trainer.history))
        case "steps": return .number(Double(trainer.stepCount))
        case "step":
            return boundMethod(kind, "step", help: "t.step(): one update; returns its record (loss, its parts, metrics).\n  s = t.step(); s.loss") { arguments in
                try arguments.rejectUnknownNames([])
                try arguments.expectCount(0)
                return .object(StepRecordObject(try self.trainingCall("step") { try self.trainer.step() }))
            }
        case "run":
            return boundMethod(kind, "run", help: "t.run(steps=100, every=): runs steps and returns the last record; a live bar in a terminal with a line every `every` steps above it (default steps/10, 0 = only the last).\n  t.run(steps=300)") { arguments in
                try self.run(arguments)
            }
        case "evaluate":
            return boundMethod(kind, "evaluate", help: "t.evaluate(data): the share of data's rows the model classifies correctly (class data), else the loss on all of data.\n  t.evaluate(test)") { arguments in
                try arguments.rejectUnknownNames(["data"])
                let data = try arguments.object(at: 0, named: "data", as: DatasetObject.self, described: "a dataset")
                return .number(try self.trainingCall("evaluate") { try self.trainer.evaluate(data.dataset) })
            }
        default: return nil
        }
    }

    /// Runs `body`, naming the model in layer errors (`seq[0] linear(2 → 16): …`) and the
    /// builtin in the others.
    private func trainingCall<Result>(_ name: String, _ body: () throws -> Result) throws -> Result {
        try rethrowingNamed(name) {
            do { return try body() } catch let error as LayerError {
                throw NativeError(error.rooted(at: trainer.modelName).description)
            }
        }
    }

    /// `t.run(steps=, every=)`: stops between steps when the interpreter is interrupted (Ctrl-C)
    /// and raises "interrupted" so the script stops too; every finished step is kept. (Native
    /// calls are not interrupt points of the interpreter, so the run clears the flag itself.)
    private func run(_ arguments: Arguments) throws -> Value {
        try arguments.rejectUnknownNames(["steps", "every"])
        let steps = try arguments.integer(at: 0, named: "steps", default: 100)
        guard steps >= 0 else { throw NativeError("run: steps must be 0 or more, got \(steps)") }
        let every = try arguments.integer(named: "every", default: Swift.max(1, steps / 10))
        guard every >= 0 else { throw NativeError("run: every must be 0 or more, got \(every)") }
        let interpreter = arguments.interpreter
        var display = ProgressDisplay(output: { interpreter.output($0) }, live: isatty(STDOUT_FILENO) != 0, every: every)
        var last: StepRecord?
        let records: [StepRecord]
        do {
            records = try trainingCall("run") {
                try trainer.run(steps: steps, shouldStop: { interpreter.interruptFlag.isRequested }) { record, done, total in
                    last = record
                    display.update(record, done: done, total: total)
                }
            }
        } catch {
            display.finish()
            throw error
        }
        display.finish()
        if records.count < steps {
            _ = interpreter.interruptFlag.clear()
            throw NativeError("run: interrupted after \(records.count) of \(steps) steps (kept in the \(kind)'s history)")
        }
        return last.map { .object(StepRecordObject($0)) } ?? .null
    }
}
