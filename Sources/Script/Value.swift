// Values: what a Seek expression evaluates to. Numbers and booleans are unboxed;
// containers are reference types (a list passed to a function is the same list).

/// A Seek value.
public enum Value {
    /// `nil`.
    case null
    /// `true` / `false`.
    case bool(Bool)
    /// Every number is a Double.
    case number(Double)
    /// An immutable string.
    case string(String)
    /// A mutable list, shared by reference.
    case list(ListObject)
    /// A mutable dictionary with string keys in insertion order, shared by reference.
    case dict(DictObject)
    /// `range(start, stop, step)`: iterated without building a list.
    case range(RangeObject)
    /// A function or closure written in Seek.
    case function(FunctionObject)
    /// A function written in Swift.
    case native(NativeFunction)
    /// An opaque object from Swift (tensors, models, figures).
    case object(any NativeObject)
}

extension Value {
    /// The list this value holds, not retained: valid only while the value itself is alive
    /// (hold it with `withExtendedLifetime`). Hot paths that only read through the list use it
    /// to skip the retain and release that binding `case .list(let list)` out of an owned value costs.
    @inline(__always)
    var unretainedList: Unmanaged<ListObject>? {
        if case .list(let list) = self { return Unmanaged.passUnretained(list) }
        return nil
    }

    /// The dict this value holds, not retained (as `unretainedList`).
    @inline(__always)
    var unretainedDict: Unmanaged<DictObject>? {
        if case .dict(let dict) = self { return Unmanaged.passUnretained(dict) }
        return nil
    }
}

// MARK: - Containers

// `ListObject` (the storage of a Seek list) is in ListObject.swift.
// `DictObject` (the storage of a Seek dictionary) is in DictObject.swift.

/// A half-open arithmetic progression, `range(start, stop, step)`.
public final class RangeObject {
    public let start: Double
    public let stop: Double
    public let step: Double

    /// Creates a range; `step` must not be zero (callers check).
    public init(start: Double, stop: Double, step: Double) {
        precondition(step != 0, "range step must not be zero")
        self.start = start
        self.stop = stop
        self.step = step
    }

    /// How many values the range yields.
    public var count: Int {
        let steps = ((stop - start) / step).rounded(.up)
        guard steps.isFinite, steps > 0 else { return 0 }
        return steps >= Double(Int32.max) ? Int(Int32.max) : Int(steps)
    }

    /// The `index`-th value (no bounds check).
    public func value(at index: Int) -> Double { start + Double(index) * step }
}

/// A Seek function value: compiled code plus the variables it captured.
public final class FunctionObject {
    let prototype: FunctionPrototype
    /// The captured cells, one per `prototype.captureSources` (nil when there are none). A
    /// buffer of its own rather than an array: calls point the machine's registers at it.
    let captureBase: UnsafeMutablePointer<Cell>?
    let captureCount: Int
    // Copies of the prototype's hot fields: a call then touches one object, not two.
    let body: Evaluate
    let frameSize: Int
    let parameterCount: Int
    let usesClosureState: Bool

    /// Creates a closure whose captures `capture` produces, in `captureSources` order.
    init(prototype: FunctionPrototype, capture: (CompiledCapture) -> Cell) {
        self.prototype = prototype
        captureCount = prototype.captureSources.count
        if captureCount > 0 {
            let buffer = CellBuffer.allocate(captureCount)
            for (index, source) in prototype.captureSources.enumerated() { (buffer + index).initialize(to: capture(source)) }
            captureBase = buffer
        } else {
            captureBase = nil
        }
        body = prototype.body
        frameSize = prototype.frameSize
        parameterCount = prototype.parameterCount
        usesClosureState = prototype.usesClosureState
    }

    deinit {
        if let captureBase {
            captureBase.deinitialize(count: captureCount)
            CellBuffer.deallocate(captureBase)
        }
    }

    /// Runs the body. A method, so `self` is guaranteed alive and the immutable `body`
    /// closure can be called without retaining its context.
    @inline(__always)
    func runBody(_ machine: Machine) throws -> Value { try body(machine) }

    /// The declared name (`<anonymous>` for `fn(x) { … }`).
    public var name: String { prototype.name }
    /// The parameter names, in order.
    public var parameters: [String] { prototype.parameterNames }
}

/// A captured variable shared between a frame and the closures that captured it.
final class Cell {
    var value: Value?

    /// The number the cell holds, or nil (fused number code's read).
    var number: Double? {
        @inline(__always) get {
            if case .number(let x)? = value { return x }
            return nil
        }
    }
    init(_ value: Value? = nil) { self.value = value }
}

// MARK: - Identity and truth

extension Value {
    /// The name `type(x)` returns: `number`, `string`, `bool`, `nil`, `list`, `dict`, `range`,
    /// `function`, or a native object's type name.
    public var typeName: String {
        switch self {
        case .null: return "nil"
        case .bool: return "bool"
        case .number: return "number"
        case .string: return "string"
        case .list: return "list"
        case .dict: return "dict"
        case .range: return "range"
        case .function, .native: return "function"
        case .object(let object): return object.typeName
        }
    }

    /// The type name followed by a short rendering of the value, for error messages: `string "a"`.
    public var typeAndValue: String {
        switch self {
        case .null: return "nil"
        case .number, .bool: return "\(typeName) \(repr)"
        case .string(let text):
            return text.count <= 20 ? "string \(repr)" : "string \(Value.string(String(text.prefix(20)) + "…").repr)"
        default: return typeName
        }
    }

    /// Structural equality for plain values, identity for functions and objects.
    public func isEqual(to other: Value) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.list(let a), .list(let b)):
            guard a !== b else { return true }
            guard a.count == b.count else { return false }
            for index in 0..<a.count {
                guard let left = a.element(at: index), let right = b.element(at: index), left.isEqual(to: right) else {
                    return false
                }
            }
            return true
        case (.dict(let a), .dict(let b)):
            return a === b || (a.keys == b.keys && a.keys.allSatisfy { key in
                guard let left = a[key], let right = b[key] else { return false }
                return left.isEqual(to: right)
            })
        case (.range(let a), .range(let b)): return a.start == b.start && a.stop == b.stop && a.step == b.step
        case (.function(let a), .function(let b)): return a === b
        case (.native(let a), .native(let b)): return a === b
        case (.object(let a), .object(let b)): return a === b
        default: return false
        }
    }
}
