// Small shared pieces every area's objects use: number lists and the read-only record object
// (step records, routing records, histories).

import Script

// MARK: - Small conversions

func numberList(_ values: [Double]) -> Value { .list(ListObject(values.map { .number($0) })) }
func numberList(_ values: [Float]) -> Value { .list(ListObject(values.map { .number(Conversions.number($0)) })) }
func integerList(_ values: [Int]) -> Value { .list(ListObject(values.map { .number(Double($0)) })) }
func nestedList<T>(_ rows: [[T]], _ element: (T) -> Value) -> Value {
    .list(ListObject(rows.map { .list(ListObject($0.map(element))) }))
}

/// A read-only record object: named fields, a one-line (or multi-line) echo, and help.
class RecordObject: NativeObject {
    let typeName: String
    let repr: String
    let help: String
    let fields: [(String, () -> Value)]

    init(typeName: String, repr: String, help: String, fields: [(String, () -> Value)]) {
        self.typeName = typeName
        self.repr = repr
        self.help = help
        self.fields = fields
    }

    var memberNames: [String] { fields.map(\.0) }
    func member(_ name: String) throws -> Value? { fields.first { $0.0 == name }?.1() }
}
