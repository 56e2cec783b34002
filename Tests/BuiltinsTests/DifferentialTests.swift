// Replays the PyTorch differential fixture (Tests/Differential/cases.bin, made by generate.py in
// that folder) through the Seek builtins: every case's value and every element of every gradient
// must agree with PyTorch's float64 answer within 1e-4·|ref| + 1e-6·max|ref| (times the case's
// factor where float32 PyTorch itself misses that bound), and within a few float32 ulp for the
// forward values of the softmax family. A case PyTorch refuses must raise a Seek error.
// CI needs no Python: only the committed fixture is read.

import Autograd
@testable import Builtins
import Foundation
import Script
import Testing
import TestSupport

// MARK: - Fixture

/// One recorded case: a Seek expression over x0, x1, … and PyTorch's answer.
struct DifferentialCase {
    let expression: String
    let inputs: [Tensor]
    /// nil when PyTorch raises for these inputs.
    let expected: (shape: [Int], values: [Double], factor: Double)?
    /// The functional's weights and, per input that tracks gradients, PyTorch's gradient.
    let weights: [Float]?
    let gradients: [(values: [Double], factor: Double)]
}

struct DifferentialOperation {
    let name: String
    let ulpCheck: Bool
    let cases: [DifferentialCase]
}

/// Reads the little-endian format written by Tests/Differential/generate.py.
struct FixtureReader {
    private let data: [UInt8]
    private var offset = 0

    init(_ data: [UInt8]) { self.data = data }

    private mutating func bytes(_ count: Int) throws -> ArraySlice<UInt8> {
        guard offset + count <= data.count else { throw FixtureError("fixture ends early at byte \(offset)") }
        defer { offset += count }
        return data[offset ..< offset + count]
    }

    private mutating func integer<T: FixedWidthInteger>(_: T.Type) throws -> T {
        var value: T = 0
        for (shift, byte) in try bytes(MemoryLayout<T>.size).enumerated() { value |= T(byte) << (8 * shift) }
        return value
    }

    private mutating func string() throws -> String {
        let length = Int(try integer(UInt16.self))
        return String(decoding: try bytes(length), as: UTF8.self)
    }

    private mutating func shape() throws -> [Int] {
        let rank = Int(try integer(UInt8.self))
        return try (0 ..< rank).map { _ in Int(try integer(UInt32.self)) }
    }

    private mutating func floats(_ count: Int) throws -> [Float] {
        try (0 ..< count).map { _ in Float(bitPattern: try integer(UInt32.self)) }
    }

    private mutating func doubles(_ count: Int) throws -> [Double] {
        try (0 ..< count).map { _ in Double(bitPattern: try integer(UInt64.self)) }
    }

    mutating func operations() throws -> [DifferentialOperation] {
        guard String(decoding: try bytes(8), as: UTF8.self) == "MSDIFF01" else { throw FixtureError("not a MSDIFF01 fixture") }
        let count = Int(try integer(UInt32.self))
        return try (0 ..< count).map { _ in
            let name = try string()
            let ulpCheck = try integer(UInt8.self) == 1
            let caseCount = Int(try integer(UInt32.self))
            return DifferentialOperation(name: name, ulpCheck: ulpCheck, cases: try (0 ..< caseCount).map { _ in try readCase() })
        }
    }

    private mutating func readCase() throws -> DifferentialCase {
        let expression = try string()
        var inputs: [Tensor] = []
        for _ in 0 ..< Int(try integer(UInt8.self)) {
            let tracks = try integer(UInt8.self) & 1 == 1
            let shape = try shape()
            let values = try floats(shape.reduce(1, *))
            inputs.append(try Tensor(shape: shape, values: values, requiresGrad: tracks))
        }
        guard try integer(UInt8.self) == 0 else {
            return DifferentialCase(expression: expression, inputs: inputs, expected: nil, weights: nil, gradients: [])
        }
        let shape = try shape()
        let values = try doubles(shape.reduce(1, *))
        let factor = Double(Float(bitPattern: try integer(UInt32.self)))
        guard try integer(UInt8.self) == 1 else {
            return DifferentialCase(expression: expression, inputs: inputs, expected: (shape, values, factor), weights: nil, gradients: [])
        }
        let weights = try floats(values.count)
        var gradients: [(values: [Double], factor: Double)] = []
        for input in inputs where input.requiresGrad {
            let gradient = try doubles(input.count)
            gradients.append((gradient, Double(Float(bitPattern: try integer(UInt32.self)))))
        }
        return DifferentialCase(expression: expression, inputs: inputs, expected: (shape, values, factor),
                                weights: weights, gradients: gradients)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum DifferentialFixture {
    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Differential/cases.bin")

    static func load() throws -> [DifferentialOperation] {
        var reader = FixtureReader([UInt8](try Data(contentsOf: url)))
        return try reader.operations()
    }
}

// MARK: - Comparison

/// The worst error of `got` against `reference` in units of the allowed error (≤ 1 passes):
/// 1e-4·|ref| + 1e-6·max|ref| per element, or `ulps` float32 ulp of each element. NaN must
/// meet NaN and ±inf the same infinity (infinite error otherwise).
func differentialError(_ got: [Float], _ reference: [Double], ulps: Bool) -> Double {
    worstError(got, reference) { difference, expected, scale in
        let allowed = ulps ? Double(Float(abs(expected)).ulp) : 1e-4 * abs(expected) + 1e-6 * scale
        return allowed > 0 ? difference / allowed : .infinity
    }
}

/// The relative error reported per operation: |got − ref| / (|ref| + 1e-3·max|ref|), mismatched
/// NaN/Inf as infinity.
func relativeError(_ got: [Float], _ reference: [Double]) -> Double {
    worstError(got, reference) { difference, expected, scale in difference / (abs(expected) + 1e-3 * scale) }
}

/// The largest `measure(|got − ref|, ref, max|ref|)` over the elements that differ; NaN must meet
/// NaN and ±inf the same infinity, and a different count or a non-finite value where the reference
/// is finite is an infinite error.
private func worstError(_ got: [Float], _ reference: [Double],
                        measure: (_ difference: Double, _ expected: Double, _ scale: Double) -> Double) -> Double {
    guard got.count == reference.count else { return .infinity }
    var scale = 0.0
    for value in reference where value.isFinite { scale = max(scale, abs(value)) }
    var worst = 0.0
    for (value, expected) in zip(got, reference) {
        if expected.isNaN { if !value.isNaN { return .infinity }; continue }
        if expected.isInfinite { if Double(value) != expected { return .infinity }; continue }
        guard value.isFinite else { return .infinity }
        let difference = abs(Double(value) - expected)
        if difference > 0 { worst = max(worst, measure(difference, expected, scale)) }
    }
    return worst
}

/// The outcome of replaying one operation's cases.
struct ReplayReport {
    var failures: [String] = []
    var worstRelative = 0.0
}

func replay(_ operation: DifferentialOperation) -> ReplayReport {
    var report = ReplayReport()
    let runner = ScriptRunner()
    func fail(_ index: Int, _ testCase: DifferentialCase, _ message: String) {
        report.failures.append("\(operation.name) case \(index) `\(testCase.expression)` "
            + "inputs \(testCase.inputs.map(\.shape)): \(message)")
    }
    for (index, testCase) in operation.cases.enumerated() {
        // Fresh leaves each time, so no gradient is left over from an earlier replay.
        guard let inputs = try? testCase.inputs.map({ try Tensor(shape: $0.shape, values: $0.storage, requiresGrad: $0.requiresGrad) }) else {
            fail(index, testCase, "inputs do not make tensors")
            continue
        }
        for (position, input) in inputs.enumerated() {
            runner.interpreter.setGlobal("x\(position)", .object(TensorObject(input)))
        }
        let value: Value?
        do {
            value = try runner.interpreter.run("__result = \(testCase.expression)\n__result")
        } catch {
            if testCase.expected != nil { fail(index, testCase, "raised \(error.message)") }
            continue
        }
        guard let expected = testCase.expected else {
            fail(index, testCase, "PyTorch refuses these inputs but Seek returned \(value?.repr ?? "nil")")
            continue
        }
        let result: Tensor
        switch value {
        case .number(let number)?: result = Tensor(Float(number))
        case .bool(let flag)?: result = Tensor(flag ? 1 : 0)
        case .object(let object as TensorObject)?: result = object.tensor
        default:
            fail(index, testCase, "gave \(value?.repr ?? "nil"), not a tensor")
            continue
        }
        guard result.shape == expected.shape || result.count == 1 && expected.values.count == 1 else {
            fail(index, testCase, "shape \(result.shape), PyTorch \(expected.shape)")
            continue
        }
        let outputError = differentialError(result.storage, expected.values, ulps: operation.ulpCheck)
        report.worstRelative = max(report.worstRelative, relativeError(result.storage, expected.values))
        if !(outputError <= expected.factor) {
            fail(index, testCase, "value off by \(outputError) × the allowed error (factor \(expected.factor)): "
                + "got \(result.storage.prefix(8)), PyTorch \(expected.values.prefix(8))")
        }
        guard let weights = testCase.weights else { continue }
        let tracked = inputs.filter(\.requiresGrad)
        if result.requiresGrad {
            do {
                let functional = try (result * Tensor(shape: result.shape, values: weights)).sum()
                try functional.backward()
            } catch {
                fail(index, testCase, "backward raised \(error)")
                continue
            }
        }
        for (position, (input, gradient)) in zip(tracked, testCase.gradients).enumerated() {
            let got = input.grad?.storage ?? [Float](repeating: 0, count: input.count)
            let error = differentialError(got, gradient.values, ulps: false)
            report.worstRelative = max(report.worstRelative, relativeError(got, gradient.values))
            if !(error <= gradient.factor) {
                fail(index, testCase, "gradient of tracked input \(position) off by \(error) × the allowed error "
                    + "(factor \(gradient.factor)): got \(got.prefix(8)), PyTorch \(gradient.values.prefix(8))")
            }
        }
    }
    return report
}

// MARK: - Tests

@Suite("Differential replay against PyTorch", .tags(.slow))
struct DifferentialTests {
    /// Loaded once; an unreadable fixture leaves this empty and `fixtureLoads` fails. Shared
    /// read-only across the parallel cases (each replay copies its inputs into fresh tensors).
    nonisolated(unsafe) static let operations: [DifferentialOperation] = (try? DifferentialFixture.load()) ?? []
    static let names = operations.map(\.name)

    @Test("the fixture loads and has at least 100 cases per operation")
    func fixtureLoads() throws {
        let operations = try DifferentialFixture.load()
        #expect(operations.count >= 60)
        for operation in operations {
            #expect(operation.cases.count >= 100, "\(operation.name) has only \(operation.cases.count) cases")
        }
    }

    /// One operation per test case, so the replay runs in parallel.
    @Test("every fixture case agrees with PyTorch float64", arguments: names)
    func replayFixture(name: String) throws {
        let operation = try #require(Self.operations.first { $0.name == name })
        let report = replay(operation)
        print("\(operation.name): worst relative error \(report.worstRelative), "
            + "\(report.failures.count) of \(operation.cases.count) cases fail")
        for failure in report.failures.prefix(5) { Issue.record(Comment(rawValue: failure)) }
        #expect(report.failures.isEmpty, "\(report.failures.count) cases of \(name) disagree with PyTorch")
    }

    /// What the fixture need not cover, and why.
    static let exempt: [String: String] = [
        "tensor": "creator", "param": "creator", "zeros": "creator", "ones": "creator", "randn": "creator",
        "rand": "creator", "arange": "creator", "eye": "creator", "one_hot": "creator",
        "multinomial": "random draws: TensorNewBuiltinsTests checks seeding and frequencies",
        "item": "reads a value out (every replay does)", "tolist": "reads values out",
        "backward": "every replay calls it", "zero_grad": "clears a gradient",
    ]

    @Test("every tensor operation the builtins offer has fixture cases")
    func everyOperationHasCases() throws {
        let covered = Set(try DifferentialFixture.load().map(\.name))
        // The functions the tensor area installs, and every tensor method.
        let interpreter = Interpreter()
        let before = Set(interpreter.globalNames)
        TensorBuiltins.install(BuiltinContext(interpreter: interpreter, settings: BuiltinSettings()))
        let functions = Set(interpreter.globalNames).subtracting(before)
        #expect(functions.count >= 40)
        for name in functions.union(TensorObject.methodHelp.keys).sorted() where Self.exempt[name] == nil {
            #expect(covered.contains(name),
                    "tensor operation '\(name)' has no differential cases: add it to Tests/Differential/generate.py and regenerate")
        }
    }
}
