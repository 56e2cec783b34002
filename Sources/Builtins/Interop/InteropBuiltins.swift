// Weights and metrics out of (and back into) microseek: save/load in safetensors, csv_write and
// csv_read. The model's `m.load(path)` and the history's `h.csv(path)` members are in
// ModelBuiltins.swift and TrainingRecords.swift and call the helpers here.

import Autograd
import Foundation
import Interop
import NeuralNets
import Script

enum InteropBuiltins {
    static func install(_ context: BuiltinContext) {
        context.define("save", help: """
            save(model_or_dict, path): writes the model's parameters (or a dict of tensors) to a safetensors file, named
            as PyTorch names the same model (0.weight, 2.bias, experts.3.0.weight …), so
            model.load_state_dict(safetensors.torch.load_file(path)) works on the matching PyTorch model.
              m = mlp([2, 8, 2], seed=0); save(m, out_dir + "/m.safetensors")
            """) { arguments in
            try arguments.rejectUnknownNames(["model", "path"])
            try arguments.expectCount(2)
            let path = try arguments.string(at: 1, named: "path")
            let tensors: [(name: String, tensor: Tensor)]
            switch try arguments.require(at: 0, named: "model") {
            case .object(let model as ModuleObject):
                tensors = StateDict.tensors(of: model.module)
            case .dict(let dict):
                tensors = try dict.keys.map { key in
                    guard case .object(let tensor as TensorObject)? = dict[key] else {
                        throw NativeError("save: the dict's value for \"\(key)\" must be a tensor, got \((dict[key] ?? .null).typeAndValue)")
                    }
                    return (key, tensor.tensor)
                }
            case let other:
                throw NativeError("save: expects a model or a dict of tensors, got \(other.typeAndValue)")
            }
            try interopCall("save") { try SafeTensors.write(tensors, metadata: ["format": "pt"], to: path) }
            return .null
        }
        context.define("load", help: """
            load(path): the tensors of a safetensors file, as a dict by name (m.load(path) loads into a model instead).
              w = load(out_dir + "/m.safetensors"); w["0.weight"].shape
            """) { arguments in
            try arguments.rejectUnknownNames(["path"])
            try arguments.expectCount(1)
            let path = try arguments.string(at: 0, named: "path")
            let contents = try interopCall("load") { try SafeTensors.read(from: path) }
            let dict = DictObject()
            for (name, tensor) in contents.tensors { dict[name] = Conversions.value(tensor) }
            return .dict(dict)
        }
        context.define("csv_write", help: """
            csv_write(path, rows, header=): writes rows to a CSV file (RFC 4180). rows are dicts (the header is their
            keys, in order, unless given) or lists (with header= as the first line).
              csv_write(out_dir + "/runs.csv", [{"seed": 0, "acc": 0.9}, {"seed": 1, "acc": 0.92}])
            """) { arguments in
            try arguments.rejectUnknownNames(["path", "rows", "header"])
            let path = try arguments.string(at: 0, named: "path")
            let rows = try arguments.require(at: 1, named: "rows")
            let header = try arguments.value(named: "header").flatMap { $0.isNull ? nil : $0 }
                .map { try Conversions.strings($0, "csv_write", "header") }
            let table = try csvTable(rows, header: header)
            try interopCall("csv_write") { try AtomicFile.write(Data(CSV.text(table).utf8), to: path) }
            return .null
        }
        context.define("csv_read", help: """
            csv_read(path): the rows of a CSV file with a header line, as a list of dicts; fields that read as numbers
            become numbers.
              rows = csv_read(out_dir + "/runs.csv"); rows[0]["acc"]
            """) { arguments in
            try arguments.rejectUnknownNames(["path"])
            try arguments.expectCount(1)
            let path = try arguments.string(at: 0, named: "path")
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw NativeError("csv_read: cannot read \(path): no such file, or not UTF-8 text")
            }
            let records = try interopCall("csv_read") {
                do { return try CSV.parse(text) } catch let error as CSV.ParseError { throw NativeError("\(path): \(error.description)") }
            }
            guard let header = records.first else { return .list(ListObject()) }
            var rows: [Value] = []
            for (index, record) in records.dropFirst().enumerated() {
                guard record.count == header.count else {
                    throw NativeError("csv_read: \(path) line \(index + 2) has \(record.count) fields, the header has \(header.count)")
                }
                let dict = DictObject()
                for (key, field) in zip(header, record) { dict[key] = csvValue(field) }
                rows.append(.dict(dict))
            }
            return .list(ListObject(rows))
        }
    }

    /// Rows as CSV records: dicts (header from the first row's keys unless given) or lists.
    static func csvTable(_ rows: Value, header: [String]?) throws -> [[String]] {
        guard case .list(let list) = rows else {
            throw NativeError("csv_write: rows must be a list of dicts or of lists, got \(rows.typeAndValue)")
        }
        var table: [[String]] = []
        var columns = header
        for (index, row) in list.elements.enumerated() {
            switch row {
            case .dict(let dict):
                let keys = columns ?? dict.keys
                columns = keys
                table.append(try keys.map { key in
                    guard let value = dict[key] else {
                        throw NativeError("csv_write: row \(index) has no \"\(key)\" (the header is \(keys.joined(separator: ", ")))")
                    }
                    return csvField(value)
                })
            case .list(let values):
                table.append(values.elements.map(csvField))
            default:
                throw NativeError("csv_write: row \(index) must be a dict or a list, got \(row.typeAndValue)")
            }
        }
        return (columns.map { [$0] } ?? []) + table
    }

    /// A value as a CSV field: numbers in their shortest form, strings as they are.
    static func csvField(_ value: Value) -> String {
        if case .string(let text) = value { return text }
        if case .null = value { return "" }
        return value.repr
    }

    /// A CSV field as a value: a number when it reads as one, else the string.
    static func csvValue(_ field: String) -> Value {
        let trimmed = field.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty, let number = Double(trimmed) { return .number(number) }
        return .string(field)
    }
}

/// Runs `body`, turning Interop's errors into Seek errors prefixed with the builtin's name.
func interopCall<Result>(_ name: String, _ body: () throws -> Result) throws -> Result {
    do {
        return try body()
    } catch let error as SafeTensors.FormatError {
        throw NativeError("\(name): \(error.description)")
    } catch let error as StateDict.MismatchError {
        throw NativeError("\(name): \(error.description)")
    }
}
