// The `dataset` script object: rows x with targets y (classes or values), and the ways a learner
// makes new datasets from one: split, take, shuffle, where_class, without_class, batches.

import Autograd
import Foundation
import Script
import Toys

/// `clusters(…)`, `dataset(x, y)`: labelled rows.
class DatasetObject: NativeObject {
    let dataset: Dataset
    init(_ dataset: Dataset) { self.dataset = dataset }

    var typeName: String { "dataset" }
    var memberNames: [String] {
        ["x", "y", "n", "dim", "classes", "split", "take", "shuffle", "where_class", "without_class", "batches"]
    }
    var repr: String {
        let rows = "\(dataset.count) rows × \(dataset.inputs.shape.dropFirst().map(String.init).joined(separator: "×"))"
        if dataset.isClassification { return "dataset(\(rows), \(dataset.classCount) classes)" }
        return "dataset(\(rows), targets \(dataset.values?.shape ?? []))"
    }
    var length: Int? { dataset.count }
    var help: String {
        """
        dataset: rows x [n, …] with targets y (class numbers, or values for regression).
          train, test = data.split(0.8)
          small = data.take(200).shuffle(seed=1); no3 = data.without_class(3)
          for b in data.batches(64, seed=0) { print(b.n) }
        properties: x (tensor), y (list of classes, or a tensor of values), n, dim, classes (0 for values)
        methods: split(fraction) ([first fraction, rest]), take(n), shuffle(seed=), where_class(fn(c) { … }),
          without_class(c), batches(size, seed=) (a list of datasets)
        len(data) is n.
        """
    }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "x": return Conversions.value(dataset.inputs)
        case "y": return dataset.values.map(Conversions.value) ?? integerList(dataset.labels)
        case "n": return .number(Double(dataset.count))
        case "dim": return .number(Double(dataset.dimensions))
        case "classes": return .number(Double(dataset.classCount))
        case "split":
            return method(name, "data.split(fraction): [the first fraction of the rows, the rest].\n  train, test = data.split(0.8)") { arguments in
                try arguments.rejectUnknownNames(["fraction"])
                let (first, second) = try self.dataset.split(try arguments.number(at: 0, named: "fraction"))
                return .list(ListObject([.object(DatasetObject(first)), .object(DatasetObject(second))]))
            }
        case "take":
            return method(name, "data.take(n): the first n rows (all when there are fewer).\n  small = data.take(200)") { arguments in
                try arguments.rejectUnknownNames(["n"])
                return .object(DatasetObject(try self.dataset.take(try arguments.integer(at: 0, named: "n"))))
            }
        case "shuffle":
            return method(name, "data.shuffle(seed=): the rows in a seeded random order (a new dataset).\n  mixed = data.shuffle(seed=1)") { arguments in
                try arguments.rejectUnknownNames(["seed"])
                let seed = try arguments.integer(at: 0, named: "seed")
                guard seed >= 0 else { throw NativeError("shuffle: seed must be 0 or more, got \(seed)") }
                return .object(DatasetObject(try self.dataset.shuffled(seed: UInt64(seed))))
            }
        case "where_class":
            return method(name, "data.where_class(fn(c) { … }): the rows whose class makes fn true.\n  low = data.where_class(fn(c) { c < 5 })") { arguments in
                try arguments.rejectUnknownNames(["fn"])
                let function = try arguments.callable(at: 0, named: "fn")
                let interpreter = arguments.interpreter
                return .object(DatasetObject(try self.dataset.filteringClasses("where_class") { label in
                    let verdict = try interpreter.call(function, [.number(Double(label))])
                    guard case .bool(let keep) = verdict else {
                        throw NativeError("where_class: the function must return true or false, got \(verdict.typeAndValue)")
                    }
                    return keep
                }))
            }
        case "without_class":
            return method(name, "data.without_class(c): every row whose class is not c.\n  no3 = data.without_class(3)") { arguments in
                try arguments.rejectUnknownNames(["c"])
                return .object(DatasetObject(try self.dataset.withoutClass(try arguments.integer(at: 0, named: "c"))))
            }
        case "batches":
            return method(name, "data.batches(size, seed=0): the rows shuffled with seed, cut into datasets of size rows (the last may be smaller).\n  for b in data.batches(64, seed=1) { print(b.n) }") { arguments in
                try arguments.rejectUnknownNames(["size", "seed"])
                let size = try arguments.integer(at: 0, named: "size")
                let seed = try arguments.integer(named: "seed", default: 0)
                guard seed >= 0 else { throw NativeError("batches: seed must be 0 or more, got \(seed)") }
                let parts = try self.dataset.batches(size, seed: UInt64(seed))
                return .list(ListObject(parts.map { .object(DatasetObject($0)) }))
            }
        default: return nil
        }
    }

    func iterationElements() throws -> [Value] {
        throw NativeError("a dataset is not iterated directly: use data.batches(64, seed=0), or data.x and data.y")
    }

    private func method(_ name: String, _ help: String, _ body: @escaping (Arguments) throws -> Value) -> Value {
        boundMethod("dataset", name, help: help) { arguments in try rethrowingNamed(name) { try body(arguments) } }
    }
}
