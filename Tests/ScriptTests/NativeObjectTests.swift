// The embedding API: a native object with every optional capability, and one with none.
import Testing
@testable import Script

/// A tiny vector: members, a method, operators on both sides, indexing with slices, iteration,
/// length, calling, and a settable property.
final class Vector: NativeObject {
    var values: [Double]
    var label = "v"
    init(_ values: [Double]) { self.values = values }

    var typeName: String { "vector" }
    var help: String { "vector: a list of numbers.\n  v.total()" }
    var memberNames: [String] { ["label", "size", "total"] }
    var repr: String { "vector(\(values.map(Value.format).joined(separator: ", ")))" }
    var length: Int? { values.count }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "label": return .string(label)
        case "size": return .number(Double(values.count))
        case "total":
            return boundMethod("vector", "total", help: "v.total(): the sum") { arguments in
                try arguments.expectCount(0)
                return .number(self.values.reduce(0, +))
            }
        default: return nil
        }
    }

    func setMember(_ name: String, to value: Value) throws {
        guard name == "label", case .string(let text) = value else {
            throw NativeError("cannot set '\(name)' of a vector to \(value.typeAndValue)")
        }
        label = text
    }

    func binary(_ operation: BinaryOperator, _ other: Value, objectIsLeft: Bool) throws -> Value? {
        guard case .number(let scalar) = other else { return nil }
        switch operation {
        case .add: return .object(Vector(values.map { $0 + scalar }))
        case .subtract: return .object(Vector(values.map { objectIsLeft ? $0 - scalar : scalar - $0 }))
        case .multiply: return .object(Vector(values.map { $0 * scalar }))
        case .greater: return .object(Vector(values.map { (objectIsLeft ? $0 > scalar : scalar > $0) ? 1 : 0 }))
        default: return nil
        }
    }

    func negated() throws -> Value { .object(Vector(values.map { -$0 })) }

    func subscriptGet(_ indices: [IndexArgument]) throws -> Value {
        guard indices.count == 1 else { throw NativeError("a vector takes 1 index, got \(indices.count)") }
        if let range = indices[0].range(in: values.count) { return .object(Vector(Array(values[range]))) }
        return .number(values[try indices[0].position(in: values.count)])
    }

    func subscriptSet(_ indices: [IndexArgument], to value: Value) throws {
        guard indices.count == 1, case .number(let number) = value else { throw NativeError("bad vector assignment") }
        values[try indices[0].position(in: values.count)] = number
    }

    func iterationElements() throws -> [Value] { values.map(Value.number) }

    func call(_ arguments: Arguments) throws -> Value {
        try arguments.rejectUnknownNames(["scale"])
        let scale = try arguments.number(named: "scale", default: 1)
        return .number(values.reduce(0, +) * scale)
    }
}

/// An object that implements nothing optional.
final class Opaque: NativeObject {
    var typeName: String { "opaque" }
}

private func vectorHarness() -> Harness {
    let harness = Harness()
    harness.interpreter.define("vec", help: "vec(xs): a vector.\n  vec([1, 2])") { arguments in
        try arguments.expectCount(1)
        let numbers = try arguments.list(at: 0, named: "xs").map { value -> Double in
            guard case .number(let number) = value else { throw NativeError("vec() needs numbers") }
            return number
        }
        return .object(Vector(numbers))
    }
    harness.interpreter.define("opaque", .object(Opaque()))
    return harness
}

@Test func operatorsWorkWithTheObjectOnEitherSide() throws {
    let harness = vectorHarness()
    #expect(try harness.run("vec([1, 2]) + 1") == "vector(2, 3)")
    #expect(try harness.run("10 - vec([1, 2])") == "vector(9, 8)")
    #expect(try harness.run("2 * vec([1, 2])") == "vector(2, 4)")
    #expect(try harness.run("-vec([1, 2])") == "vector(-1, -2)")
    #expect(try harness.run("vec([1, 5]) > 2") == "vector(0, 1)")
    #expect(harness.failure("vec([1]) @ 2")?.message == "cannot apply '@' to vector and number 2")
}

@Test func membersMethodsAndPropertyAssignment() throws {
    let harness = vectorHarness()
    try harness.run("v = vec([1, 2, 3])")
    #expect(try harness.run("v.size") == "3")
    #expect(try harness.run("v.total()") == "6")
    try harness.run("v.label = \"weights\"")
    #expect(try harness.run("v.label") == "\"weights\"")
    #expect(harness.failure("v.totl()")?.message == "vector has no member 'totl'; did you mean 'total'?")
    #expect(harness.failure("v.label = 3")?.message == "cannot set 'label' of a vector to number 3")
    #expect(harness.interpreter.memberNames(of: try #require(harness.interpreter.global("v"))) == ["label", "size", "total"])
}

@Test func indexingSlicingIterationLengthAndCalls() throws {
    let harness = vectorHarness()
    try harness.run("v = vec([10, 20, 30, 40])")
    #expect(try harness.run("v[-1]") == "40")
    #expect(try harness.run("v[1:3]") == "vector(20, 30)")
    #expect(try harness.run("v[:]") == "vector(10, 20, 30, 40)")
    try harness.run("v[0] = 5\nv[1] += 1")
    #expect(try harness.run("v[0] + v[1]") == "26")
    try harness.run("for x in v { print(x) }")
    #expect(harness.output == "5\n21\n30\n40\n")
    #expect(try harness.run("len(v)") == "4")
    #expect(try harness.run("v(scale=2)") == "192")
    #expect(harness.failure("v(scal=2)")?.message == "vector() has no parameter 'scal'; did you mean 'scale'?")
    let outOfRange = harness.failure("v[9]")
    #expect(outOfRange?.message == "index 9 out of range for length 4")
    #expect(outOfRange?.diagnostics.first?.span.column == 1)
}

@Test func missingCapabilitiesSayNotSupported() {
    let harness = vectorHarness()
    #expect(harness.failure("opaque(1)")?.message == "an opaque is not callable")
    #expect(harness.failure("opaque[0]")?.message == "an opaque cannot be indexed")
    #expect(harness.failure("for x in opaque { }")?.message == "cannot iterate over an opaque")
    #expect(harness.failure("len(opaque)")?.message == "an opaque has no length")
    #expect(harness.failure("-opaque")?.message == "cannot negate an opaque")
    #expect(harness.failure("opaque + 1")?.message == "cannot apply '+' to opaque and number 1")
    #expect(harness.failure("opaque.x = 1")?.message == "cannot assign to 'x' of an opaque")
}

@Test func helpUsesTheObjectsText() throws {
    let harness = vectorHarness()
    try harness.run("help(vec([1]))\nhelp(\"vec\")")
    #expect(harness.output == "vector: a list of numbers.\n  v.total()\nvec(xs): a vector.\n  vec([1, 2])\n")
    #expect(harness.failure("help(\"vek\")")?.message == "help: no global named 'vek'; did you mean 'vec'?")
    try harness.run("help()")
    #expect(harness.output.contains("  vec"))
    #expect(harness.output.contains("a vector."))
}

@Test func nativesCallBackIntoSeekFunctions() throws {
    let harness = vectorHarness()
    harness.interpreter.define("twice", help: "twice(f, x): f(f(x))") { arguments in
        let function = try arguments.callable(at: 0, named: "f")
        let once = try arguments.interpreter.call(function, [try arguments.require(at: 1, named: "x")])
        return try arguments.interpreter.call(function, [once])
    }
    #expect(try harness.run("twice(fn(x) { x * 3 }, 2)") == "18")
    // An error inside the callback keeps its own location.
    let error = harness.failure("f = fn(x) {\n  x + \"a\"\n}\ntwice(f, 1)")
    #expect(error?.diagnostics.first?.span.line == 2)
}

@Test func argumentAccessorsExplainMismatches() {
    let harness = Harness()
    harness.interpreter.define("linear", help: "linear(in, out, seed=0)") { arguments in
        try arguments.rejectUnknownNames(["in", "out", "seed"])
        _ = try arguments.integer(at: 0, named: "in")
        _ = try arguments.integer(at: 1, named: "out")
        _ = try arguments.integer(named: "seed", default: 0)
        return .null
    }
    #expect(harness.failure("linear(2, 3, seed=\"x\")")?.message == "linear() expects 'seed' to be a number, got string \"x\"")
    #expect(harness.failure("linear(2.5, 3)")?.message == "linear() expects 'in' to be a whole number, got number 2.5")
    #expect(harness.failure("linear(2)")?.message == "linear() is missing argument 'out'")
    #expect(harness.failure("linear(2, 3, sed=1)")?.message == "linear() has no parameter 'sed'; did you mean 'seed'?")
    #expect(harness.failure("linear(2, 3, out=4)")?.message == "linear() got two values for 'out'")
}
