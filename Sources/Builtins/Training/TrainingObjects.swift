// The script objects of training: datasets, trainers, step records and histories. The builtins
// that create them are in TrainingBuiltins.swift.

import Autograd
import Foundation
import NeuralNets
import Script
import Toys

// MARK: - Datasets

/// `clusters(…)`: labelled rows.
final class DatasetObject: NativeObject {
    let dataset: Dataset
    init(_ dataset: Dataset) { self.dataset = dataset }

    var typeName: String { "dataset" }
    var memberNames: [String] { ["x", "y", "n", "dim", "classes", "split"] }
    var repr: String { "dataset(\(dataset.count) rows × \(dataset.dimensions), \(dataset.classCount) classes)" }
    var length: Int? { dataset.count }
    var help: String {
        """
        dataset: rows x [n, dim] with class labels y.
          train, test = data.split(0.8)  # or: parts = data.split(0.8); train = parts[0]
        properties: x (tensor), y (list of class numbers), n, dim, classes
        methods: split(fraction) ([first fraction, rest])
        """
    }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "x": return Conversions.value(dataset.inputs)
        case "y": return integerList(dataset.labels)
        case "n": return .number(Double(dataset.count))
        case "dim": return .number(Double(dataset.dimensions))
        case "classes": return .number(Double(dataset.classCount))
        case "split":
            return boundMethod("dataset", "split", help: "data.split(fraction): [the first fraction of the rows, the rest].\n  parts = data.split(0.8); train = parts[0]; test = parts[1]") { arguments in
                try arguments.rejectUnknownNames(["fraction"])
                let fraction = try arguments.number(at: 0, named: "fraction")
                let (first, second) = try rethrowingNamed("split") { try self.dataset.split(fraction) }
                return .list(ListObject([.object(DatasetObject(first)), .object(DatasetObject(second))]))
            }
        default: return nil
        }
    }
}

// MARK: - The trainer object

/// `trainer(model, data, …)`: steps, runs with a progress display, history, evaluation.
final class TrainerObject: NativeObject {
    let trainer: Trainer
    let summary: String

    init(_ trainer: Trainer, summary: String) {
        self.trainer = trainer
        self.summary = summary
    }

    var typeName: String { "trainer" }
    var memberNames: [String] { ["step", "run", "history", "evaluate", "steps"] }
    var repr: String { "trainer(\(summary), \(trainer.stepCount) steps so far)" }
    var help: String {
        """
        trainer: trains a classifier (model(x) gives class scores) on a dataset, adding every moe layer's
        auxiliary loss and applying its bias update after each step.
          t = trainer(model, train, opt=adam(model, lr=0.01), batch=64, seed=0)
          t.step(); t.run(steps=300); plot(t.history.imbalance); t.evaluate(test)
        properties: history (per-step lists: loss, task, aux, accuracy, imbalance, load), steps (taken so far)
        methods: step() (one update, returns its record), run(steps=, every=) (progress bar in a terminal,
          otherwise a line every `every` steps; Ctrl-C stops between steps), evaluate(data) (accuracy)
        """
    }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "history": return .object(historyObject(trainer.history))
        case "steps": return .number(Double(trainer.stepCount))
        case "step":
            return boundMethod("trainer", "step", help: "t.step(): one update; returns its record (loss, task, aux, accuracy, load, imbalance).\n  s = t.step(); s.loss") { arguments in
                try arguments.rejectUnknownNames([])
                try arguments.expectCount(0)
                return .object(stepRecordObject(try rethrowingNamed("step") { try self.trainer.step() }))
            }
        case "run":
            return boundMethod("trainer", "run", help: "t.run(steps=100, every=): runs steps and returns the last record; a progress bar in a terminal, else a line every `every` steps (default steps/10, 0 = only the last).\n  t.run(steps=300)") { arguments in
                try self.run(arguments)
            }
        case "evaluate":
            return boundMethod("trainer", "evaluate", help: "t.evaluate(data): the share of data's rows the model classifies correctly.\n  t.evaluate(test)") { arguments in
                try arguments.rejectUnknownNames(["data"])
                let data = try arguments.object(at: 0, named: "data", as: DatasetObject.self, described: "a dataset")
                return .number(try rethrowingNamed("evaluate") { try self.trainer.evaluate(data.dataset) })
            }
        default: return nil
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
        let terminal = isatty(STDOUT_FILENO) != 0
        let start = Date()
        var last: StepRecord?
        let records = try rethrowingNamed("run") {
            try trainer.run(steps: steps, shouldStop: { interpreter.interruptFlag.isRequested }) { record, done, total in
                last = record
                if terminal {
                    interpreter.output("\r" + TrainerObject.progressBar(done: done, total: total, loss: record.loss,
                                                                         elapsed: Date().timeIntervalSince(start)))
                } else if done == total || (every > 0 && done % every == 0) {
                    interpreter.output(record.description + "\n")
                }
            }
        }
        if terminal && !records.isEmpty { interpreter.output("\n") }
        if records.count < steps {
            _ = interpreter.interruptFlag.clear()
            throw NativeError("run: interrupted after \(records.count) of \(steps) steps (kept in the trainer's history)")
        }
        return last.map { .object(stepRecordObject($0)) } ?? .null
    }

    /// "[██████····] 120/300 loss 0.4123 ETA 3s"
    static func progressBar(done: Int, total: Int, loss: Double, elapsed: TimeInterval) -> String {
        let width = 24
        let filled = total > 0 ? width * done / total : width
        let remaining = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        return "[\(bar)] \(done)/\(total) loss " + String(format: "%.4f", loss) + " ETA " + String(format: "%.0fs", remaining)
    }
}

// MARK: - Training records

/// `t.step()`: one training step.
func stepRecordObject(_ record: StepRecord) -> RecordObject {
    RecordObject(typeName: "step", repr: record.description, help: """
        step: one training update.
          s = t.step(); s.loss; s.imbalance
        properties: step, loss (task + aux), task, aux, accuracy (on the batch), load (per expert, first moe layer),
          imbalance (max/mean load, worst moe layer), dropped
        """, fields: [
            ("step", { .number(Double(record.step)) }),
            ("loss", { .number(record.loss) }),
            ("task", { .number(record.taskLoss) }),
            ("aux", { .number(record.auxiliaryLoss) }),
            ("accuracy", { .number(record.accuracy) }),
            ("load", { numberList(record.load) }),
            ("imbalance", { .number(record.imbalance) }),
            ("dropped", { .number(Double(record.dropped)) }),
        ])
}

/// `t.history`: per-step lists ready for `plot`.
func historyObject(_ history: TrainingHistory) -> RecordObject {
    let experts = history.load.first?.count ?? 0
    // experts × steps: plot(h.load) draws one line per expert.
    let loadByExpert = (0 ..< experts).map { expert in history.load.map { $0.count > expert ? $0[expert] : 0 } }
    return RecordObject(typeName: "history", repr: "history(\(history.count) steps: loss, task, aux, accuracy, imbalance, load)", help: """
        history: one list per quantity, one entry per step, ready for plot.
          plot(t.history.loss); plot(t.history.load, labels=["e0", "e1", "e2", "e3"])
        properties: loss, task, aux, accuracy, imbalance (lists over steps), load (one list per expert), steps
        """, fields: [
            ("loss", { numberList(history.loss) }),
            ("task", { numberList(history.taskLoss) }),
            ("aux", { numberList(history.auxiliaryLoss) }),
            ("accuracy", { numberList(history.accuracy) }),
            ("imbalance", { numberList(history.imbalance) }),
            ("load", { nestedList(loadByExpert) { .number($0) } }),
            ("steps", { .number(Double(history.count)) }),
        ])
}
