// The arguments of a native call: positional and `name=value`, with typed accessors whose
// errors name the function, the parameter and the value received.

/// The arguments a native function receives.
public struct Arguments {
    /// The callee's name, for messages: `linear`.
    public let functionName: String
    /// Positional arguments in order.
    public let positional: [Value]
    /// `name=value` arguments in the order written.
    public let named: [(name: String, value: Value)]
    /// The running interpreter (to call back into Seek functions, or write output).
    public let interpreter: Interpreter

    /// Creates an argument list.
    public init(functionName: String, positional: [Value], named: [(name: String, value: Value)] = [],
                interpreter: Interpreter) {
        self.functionName = functionName
        self.positional = positional
        self.named = named
        self.interpreter = interpreter
    }

    /// The number of positional arguments.
    public var count: Int { positional.count }

    /// The positional argument at `index`, if given.
    public subscript(index: Int) -> Value? { positional.indices.contains(index) ? positional[index] : nil }

    // MARK: - Checks

    /// Throws unless the number of positional arguments is in `range`.
    public func expectCount(_ range: ClosedRange<Int>) throws {
        guard range.contains(count) else {
            let expected = range.lowerBound == range.upperBound
                ? "\(range.lowerBound) argument\(range.lowerBound == 1 ? "" : "s")"
                : "\(range.lowerBound) to \(range.upperBound) arguments"
            throw NativeError("\(functionName)() takes \(expected), got \(count)")
        }
    }

    /// Throws unless exactly `count` positional arguments were given.
    public func expectCount(_ count: Int) throws { try expectCount(count...count) }

    /// Throws for a keyword not in `allowed`, suggesting the nearest allowed one.
    public func rejectUnknownNames(_ allowed: [String]) throws {
        for (name, _) in named where !allowed.contains(name) {
            let valid = allowed.isEmpty ? "takes no keyword arguments"
                : "accepts \(allowed.map { "'\($0)'" }.joined(separator: ", "))"
            let suggestion = nearestName(to: name, in: allowed)
            throw NativeError("\(functionName)() has no parameter '\(name)'"
                + (suggestion.map { "; did you mean '\($0)'?" } ?? "; it \(valid)"))
        }
    }

    // MARK: - Lookup

    /// The argument at `position` (if given positionally) or named `name`; nil if absent.
    /// Throws if given both ways.
    public func value(at position: Int? = nil, named name: String) throws -> Value? {
        let byName = named.last { $0.name == name }?.value
        if let position, let value = self[position] {
            if byName != nil { throw NativeError("\(functionName)() got two values for '\(name)'") }
            return value
        }
        return byName
    }

    /// A required argument of any type.
    public func require(at position: Int? = nil, named name: String) throws -> Value {
        guard let value = try value(at: position, named: name) else {
            throw NativeError("\(functionName)() is missing argument '\(name)'")
        }
        return value
    }

    private func mismatch(_ name: String, _ expected: String, _ got: Value) -> NativeError {
        NativeError("\(functionName)() expects '\(name)' to be \(expected), got \(got.typeAndValue)")
    }

    // MARK: - Typed accessors

    /// A required number.
    public func number(at position: Int? = nil, named name: String) throws -> Double {
        let value = try require(at: position, named: name)
        guard case .number(let number) = value else { throw mismatch(name, "a number", value) }
        return number
    }

    /// An optional number with a default.
    public func number(at position: Int? = nil, named name: String, default fallback: Double) throws -> Double {
        try value(at: position, named: name) == nil ? fallback : number(at: position, named: name)
    }

    /// A number that may be absent (nil, or an explicit `nil`).
    public func optionalNumber(at position: Int? = nil, named name: String) throws -> Double? {
        guard let value = try value(at: position, named: name), !value.isNull else { return nil }
        return try number(at: position, named: name)
    }

    /// A required whole number.
    public func integer(at position: Int? = nil, named name: String) throws -> Int {
        let number = try number(at: position, named: name)
        guard let integer = Int(exactly: number) else {
            throw mismatch(name, "a whole number", .number(number))
        }
        return integer
    }

    /// An optional whole number with a default.
    public func integer(at position: Int? = nil, named name: String, default fallback: Int) throws -> Int {
        try value(at: position, named: name) == nil ? fallback : integer(at: position, named: name)
    }

    /// A whole number that may be absent (nil, or an explicit `nil`).
    public func optionalInteger(at position: Int? = nil, named name: String) throws -> Int? {
        guard let value = try value(at: position, named: name), !value.isNull else { return nil }
        return try integer(at: position, named: name)
    }

    /// A required string.
    public func string(at position: Int? = nil, named name: String) throws -> String {
        let value = try require(at: position, named: name)
        guard case .string(let text) = value else { throw mismatch(name, "a string", value) }
        return text
    }

    /// An optional string with a default.
    public func string(at position: Int? = nil, named name: String, default fallback: String) throws -> String {
        try value(at: position, named: name) == nil ? fallback : string(at: position, named: name)
    }

    /// A boolean with a default.
    public func bool(at position: Int? = nil, named name: String, default fallback: Bool) throws -> Bool {
        guard let value = try value(at: position, named: name) else { return fallback }
        guard case .bool(let flag) = value else { throw mismatch(name, "a boolean", value) }
        return flag
    }

    /// A required list's elements (a range is accepted and expanded).
    public func list(at position: Int? = nil, named name: String) throws -> [Value] {
        let value = try require(at: position, named: name)
        switch value {
        case .list(let list): return list.elements
        case .range: return try interpreter.elements(of: value)
        default: throw mismatch(name, "a list", value)
        }
    }

    /// A required native object of a given Swift type.
    public func object<T: NativeObject>(at position: Int? = nil, named name: String, as type: T.Type,
                                        described: String) throws -> T {
        let value = try require(at: position, named: name)
        guard case .object(let object) = value, let typed = object as? T else {
            throw mismatch(name, described, value)
        }
        return typed
    }

    /// A required callable (Seek function, native function or callable object).
    public func callable(at position: Int? = nil, named name: String) throws -> Value {
        let value = try require(at: position, named: name)
        switch value {
        case .function, .native, .object: return value
        default: throw mismatch(name, "a function", value)
        }
    }
}

extension Value {
    /// True for `nil`.
    public var isNull: Bool { if case .null = self { return true } else { return false } }
}
