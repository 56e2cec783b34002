// The embedding API: native functions and native objects (how tensors, models, figures appear).

// MARK: - Errors from natives

/// The error a native function or object throws; the interpreter adds the call site's span.
public struct NativeError: Error, CustomStringConvertible {
    /// What went wrong, with the values involved: "reshape: 6 elements cannot become (4, 2)".
    public let message: String
    /// Creates the error.
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

// MARK: - Native functions

/// A function written in Swift and callable from Seek.
public final class NativeFunction {
    /// The name used in messages and by `help`.
    public let name: String
    /// One-line summary, then an example: "relu(t): max(t, 0) elementwise.\n  relu(tensor([-1, 2]))".
    public let help: String
    /// The body; throws `NativeError` (or errors from calling back into the interpreter).
    public let body: (Arguments) throws -> Value
    /// The same function for exactly one positional argument, without an `Arguments` bundle
    /// (`len(xs)` in a loop); nil declines and `body` runs (and reports any error).
    let oneArgument: ((Value) -> Value?)?
    /// Whether this is the standard library's `len`: fused number code reads `len(xs)` of a
    /// variable as the element count where the value lies (`NumberCodeBuilder.length`), after
    /// checking the global `len` still holds this function.
    let isLength: Bool

    /// Creates a native function.
    public convenience init(_ name: String, help: String, body: @escaping (Arguments) throws -> Value) {
        self.init(name, help: help, oneArgument: nil, body: body)
    }

    init(_ name: String, help: String, oneArgument: ((Value) -> Value?)?, isLength: Bool = false,
         body: @escaping (Arguments) throws -> Value) {
        self.name = name
        self.help = help
        self.oneArgument = oneArgument
        self.isLength = isLength
        self.body = body
    }
}

// MARK: - Methods of built-in types

/// A method on a built-in type (`xs.append(3)`), registered by a library.
public struct BuiltinMethod {
    /// One-line summary and an example.
    public let help: String
    /// Receives the value the method was called on.
    public let body: (Value, Arguments) throws -> Value
    /// The same method for exactly one positional argument, without an `Arguments` bundle
    /// (`xs.append(i)`, `d.has(k)` in a loop). It returns nil to decline (an argument of the
    /// wrong type), and the general body then runs and reports the error.
    let oneArgument: ((Value, Value) -> Value?)?
    /// The same for a call without arguments (`items.pop()`, `s.upper()`).
    let zeroArguments: ((Value) -> Value?)?

    /// Creates a method.
    public init(help: String, body: @escaping (Value, Arguments) throws -> Value) {
        self.init(help: help, oneArgument: nil, body: body)
    }

    init(help: String, oneArgument: ((Value, Value) -> Value?)?, zeroArguments: ((Value) -> Value?)? = nil,
         body: @escaping (Value, Arguments) throws -> Value) {
        self.help = help
        self.oneArgument = oneArgument
        self.zeroArguments = zeroArguments
        self.body = body
    }
}

// MARK: - Native objects

/// One index inside `[...]`: a value (`t[0]`, `t[-1]`, `d["k"]`) or a slice (`1:3`, `:`, `:2`).
public enum IndexArgument {
    /// A plain index value.
    case value(Value)
    /// A slice; a missing bound is nil.
    case slice(start: Int?, stop: Int?)

    /// Resolves a plain integer index against a length, counting negatives from the end.
    public func position(in count: Int) throws -> Int {
        guard case .value(let value) = self else { throw NativeError("expected an index, got a slice") }
        guard case .number(let number) = value, let index = Int(exactly: number) else {
            throw NativeError("index must be an integer, got \(value.typeAndValue)")
        }
        let resolved = index < 0 ? index + count : index
        guard resolved >= 0, resolved < count else {
            throw NativeError("index \(index) out of range for length \(count)")
        }
        return resolved
    }

    /// Resolves a slice (or a plain index as a one-element range) against a length, Python style:
    /// negative bounds count from the end and out-of-range bounds are clipped.
    public func range(in count: Int) -> Range<Int>? {
        guard case .slice(let start, let stop) = self else { return nil }
        func clip(_ bound: Int?, _ fallback: Int) -> Int {
            guard let bound else { return fallback }
            return min(max(bound < 0 ? bound + count : bound, 0), count)
        }
        let lower = clip(start, 0)
        return lower..<max(lower, clip(stop, count))
    }
}

/// A Swift object exposed to scripts. Only `typeName` is required; every capability has a
/// default that reports "not supported" with the type's name.
public protocol NativeObject: AnyObject {
    /// The name `type(x)` returns and messages use: "tensor", "model".
    var typeName: String { get }
    /// Text for `help(x)`: a one-line summary, then properties and methods with examples.
    var help: String { get }
    /// Property and method names (Tab completion, `help`, did-you-mean).
    var memberNames: [String] { get }
    /// How the REPL echoes the object and `print` shows it.
    var repr: String { get }
    /// A property value or a bound method (a `.native` function); nil if there is no such member.
    func member(_ name: String) throws -> Value?
    /// Assigns `object.name = value`.
    func setMember(_ name: String, to value: Value) throws
    /// `object(arguments)`, e.g. a model applied to an input.
    func call(_ arguments: Arguments) throws -> Value
    /// `object op other` (`objectIsLeft`) or `other op object`; nil when unsupported for that operand.
    func binary(_ operation: BinaryOperator, _ other: Value, objectIsLeft: Bool) throws -> Value?
    /// `-object`.
    func negated() throws -> Value
    /// `object[indices]`.
    func subscriptGet(_ indices: [IndexArgument]) throws -> Value
    /// `object[indices] = value`.
    func subscriptSet(_ indices: [IndexArgument], to value: Value) throws
    /// The elements `for x in object` visits (a tensor: slices along its first axis).
    func iterationElements() throws -> [Value]
    /// What `len(object)` returns; nil when the object has no length.
    var length: Int? { get }
}

extension NativeObject {
    public var help: String { "\(withArticle(typeName)) (no help available)" }
    public var memberNames: [String] { [] }
    public var repr: String { "<\(typeName)>" }
    public func member(_ name: String) throws -> Value? { nil }
    public func setMember(_ name: String, to value: Value) throws {
        throw NativeError("cannot assign to '\(name)' of \(withArticle(typeName))")
    }
    public func call(_ arguments: Arguments) throws -> Value {
        throw NativeError("\(withArticle(typeName)) is not callable")
    }
    public func binary(_ operation: BinaryOperator, _ other: Value, objectIsLeft: Bool) throws -> Value? { nil }
    public func negated() throws -> Value { throw NativeError("cannot negate \(withArticle(typeName))") }
    public func subscriptGet(_ indices: [IndexArgument]) throws -> Value {
        throw NativeError("\(withArticle(typeName)) cannot be indexed")
    }
    public func subscriptSet(_ indices: [IndexArgument], to value: Value) throws {
        throw NativeError("\(withArticle(typeName)) does not support index assignment")
    }
    public func iterationElements() throws -> [Value] { throw NativeError("cannot iterate over \(withArticle(typeName))") }
    public var length: Int? { nil }
}

/// "a tensor", "an optimizer": the type name with its indefinite article, for messages.
public func withArticle(_ noun: String) -> String {
    guard let first = noun.lowercased().first else { return noun }
    return ("aeiou".contains(first) ? "an " : "a ") + noun
}

/// Makes a bound method for `NativeObject.member`: `.native` named `type.method`.
public func boundMethod(_ owner: String, _ name: String, help: String,
                        _ body: @escaping (Arguments) throws -> Value) -> Value {
    .native(NativeFunction("\(owner).\(name)", help: help, body: body))
}
