// The records of training as script objects: one step (`t.step()`) and the per-step lists of a
// run (`t.history`), both keyed by metric name, so every idea's quantities appear without this
// file knowing them.

import Foundation
import Interop
import NeuralNets
import Script
import Toys

/// A metric value as a Seek value: a number or a list of numbers.
func metricValue(_ value: MetricValue) -> Value {
    switch value {
    case .scalar(let number): .number(number)
    case .vector(let numbers): numberList(numbers)
    }
}

/// `t.step()`: one training update, its metrics as properties (`s.loss`, `s.accuracy`) and by name
/// (`s["imbalance"]`).
final class StepRecordObject: NativeObject {
    let record: StepRecord
    init(_ record: StepRecord) { self.record = record }

    var typeName: String { "step" }
    var memberNames: [String] { ["step", "names"] + record.names }
    var repr: String { record.description }
    var help: String {
        """
        step: one training update: the loss, its parts, and what the objective and the model report.
          s = t.step(); s.loss; s["accuracy"]; s.names
        properties: step (1 for the first), names (the metric names, in order), and one per metric: \(record.names.joined(separator: ", "))
        """
    }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "step": return .number(Double(record.step))
        case "names": return .list(ListObject(record.names.map { .string($0) }))
        default: return record[name].map(metricValue)
        }
    }

    func subscriptGet(_ indices: [IndexArgument]) throws -> Value {
        try metricByName(indices, names: record.names) { record[$0].map(metricValue) }
    }
}

/// `t.history`: one list per metric, one entry per step, ready for `plot`. A metric with a list
/// per step (an MoE layer's load) reads as one list per entry over the steps (experts × steps),
/// so `plot(h.load)` draws one line per expert.
final class HistoryObject: NativeObject {
    let history: TrainingHistory
    init(_ history: TrainingHistory) { self.history = history }

    var typeName: String { "history" }
    var memberNames: [String] { history.names + ["names", "steps", "csv"] }
    var repr: String { "history(\(history.count) steps: \(history.names.joined(separator: ", ")))" }
    var length: Int? { history.count }
    var help: String {
        """
        history: one list per metric, one entry per step, ready for plot.
          plot(t.history.loss); t.history["accuracy"][-1]; t.history.names
          plot(t.history.load)   # an moe model's load: one line per expert
        properties: names (the metric names), steps (the count), and one list per metric: \(history.names.joined(separator: ", "))
        methods: csv(path) (one column per metric, one row per step; a list metric such as load gives load[0], load[1], …)
        """
    }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "names": return .list(ListObject(history.names.map { .string($0) }))
        case "steps": return .number(Double(history.count))
        case "csv":
            return boundMethod("history", "csv", help: "h.csv(path): writes the history as CSV, one column per metric and one row per step.\n  t.history.csv(out_dir + \"/run.csv\")") { arguments in
                try arguments.rejectUnknownNames(["path"])
                try arguments.expectCount(1)
                let path = try arguments.string(at: 0, named: "path")
                try interopCall("csv") { try AtomicFile.write(Data(CSV.text(self.csvTable()).utf8), to: path) }
                return .null
            }
        default: return column(name)
        }
    }

    func subscriptGet(_ indices: [IndexArgument]) throws -> Value {
        try metricByName(indices, names: history.names) { column($0) }
    }

    /// The header ("step", then each metric, lists spread over name[0], name[1], …) and one row per step.
    func csvTable() -> [[String]] {
        var header = ["step"]
        var columns: [[Double]] = []          // one list of per-step values per CSV column
        for name in history.names {
            let lists = history.vectors(name)
            let width = lists.map(\.count).max() ?? 0
            if width > 0 {
                for entry in 0 ..< width {
                    header.append("\(name)[\(entry)]")
                    columns.append(lists.map { entry < $0.count ? $0[entry] : .nan })
                }
            } else {
                header.append(name)
                columns.append(history.scalars(name))
            }
        }
        let rows = (0 ..< history.count).map { step in
            ["\(step + 1)"] + columns.map { $0[step].isNaN ? "" : Value.number($0[step]).repr }
        }
        return [header] + rows
    }

    private func column(_ name: String) -> Value? {
        guard let values = history[name] else { return nil }
        if values.contains(where: { $0.vector != nil }) {
            let rows = history.vectors(name)
            let width = rows.map(\.count).max() ?? 0
            let byEntry = (0 ..< width).map { entry in rows.map { entry < $0.count ? $0[entry] : .nan } }
            return nestedList(byEntry) { .number($0) }
        }
        return numberList(history.scalars(name))
    }
}

/// `record["name"]`: one string index naming a metric, else an error listing the names.
private func metricByName(_ indices: [IndexArgument], names: [String], _ lookup: (String) -> Value?) throws -> Value {
    guard indices.count == 1, case .value(.string(let name)) = indices[0] else {
        throw NativeError("index a training record with a metric name, such as [\"loss\"]; its metrics: \(names.joined(separator: ", "))")
    }
    guard let value = lookup(name) else {
        throw NativeError("no metric \"\(name)\"; the metrics are: \(names.joined(separator: ", "))")
    }
    return value
}
