// The semantics of operators, indexing, members and iteration on values. The compiler inlines
// the number fast paths; everything else comes here.

import Foundation

extension Machine {
    /// The most elements a range may expand to when turned into a list.
    static let materialisedRangeLimit = 10_000_000

    // MARK: - Binary operators

    /// `left op right` for every combination of operand types. `if case` on each operand rather
    /// than a switch over the pair, which copies (retains and releases) both values.
    func binary(_ operation: BinaryOperator, _ left: Value, _ right: Value, _ span: SourceSpan) throws -> Value {
        if case .number(let a) = left, case .number(let b) = right {
            return try Machine.arithmetic(operation, a, b, span)
        }
        // A native object on either side is asked first (the left one when both are).
        if case .object(let object) = left {
            if let result = try runNative(span, { try object.binary(operation, right, objectIsLeft: true) }) {
                return result
            }
        } else if case .object(let object) = right {
            if let result = try runNative(span, { try object.binary(operation, left, objectIsLeft: false) }) {
                return result
            }
        } else if case .string(let a) = left, case .string(let b) = right {
            switch operation {
            case .add: return .string(a + b)
            case .equal: return .bool(a == b)
            case .notEqual: return .bool(a != b)
            case .less: return .bool(a < b)
            case .lessEqual: return .bool(a <= b)
            case .greater: return .bool(a > b)
            case .greaterEqual: return .bool(a >= b)
            default: break
            }
        } else if operation == .add, case .list(let a) = left, case .list(let b) = right {
            let joined = ListObject(capacity: a.count + b.count)
            joined.appendElements(of: a)
            joined.appendElements(of: b)
            return .list(joined)
        } else if operation == .multiply, case .number(let count) = right {
            if case .string(let text) = left {
                return .string(String(repeating: text, count: try Machine.repeatCount(count, span)))
            }
            if case .list(let list) = left {
                let times = try Machine.repeatCount(count, span)
                guard times * list.count <= Machine.materialisedRangeLimit else {
                    throw RuntimeError.invalidIndex("a list of \(times * list.count) elements is too large "
                        + "(limit \(Machine.materialisedRangeLimit))", span)
                }
                // `[false] * n`: repeated without building an array of n arrays first.
                if list.count == 1, let element = list.element(at: 0) {
                    return .list(ListObject(repeating: element, count: times))
                }
                let repeated = ListObject(capacity: times * list.count)
                for _ in 0..<times { repeated.appendElements(of: list) }
                return .list(repeated)
            }
        }
        switch operation {
        case .equal: return .bool(left.isEqual(to: right))
        case .notEqual: return .bool(!left.isEqual(to: right))
        default:
            throw RuntimeError.unsupportedOperands(operator: operation.symbol, left: left.typeAndValue,
                                                   right: right.typeAndValue, span)
        }
    }

    /// `element in container`: an element of a list or range (by `==`), a key of a dict, a
    /// substring of a string, an element of a native object's iteration (a tensor's rows).
    func contains(_ container: Value, _ element: Value, _ span: SourceSpan) throws -> Bool {
        switch container {
        case .list(let list): return list.firstIndex { $0.isEqual(to: element) } != nil
        case .dict(let dict):
            guard case .string(let key) = element else {
                throw RuntimeError.unsupportedOperands(operator: "in", left: element.typeAndValue,
                                                       right: "dict (its keys are strings)", span)
            }
            return dict.contains(key)
        case .string(let text):
            guard case .string(let part) = element else {
                throw RuntimeError.unsupportedOperands(operator: "in", left: element.typeAndValue,
                                                       right: "string (only a string can be in a string)", span)
            }
            return part.isEmpty || StringBytes.contains(text, part)
        case .range(let range):
            guard case .number(let number) = element else { return false }
            let steps = (number - range.start) / range.step
            return steps == steps.rounded() && steps >= 0 && Int(exactly: steps).map { $0 < range.count } == true
        case .object(let object):
            return try runNative(span) { try object.iterationElements() }.contains { $0.isEqual(to: element) }
        default:
            throw RuntimeError.unsupportedOperands(operator: "in", left: element.typeAndValue,
                                                   right: container.typeAndValue + " (not a list, dict, string or range)", span)
        }
    }

    private static func repeatCount(_ count: Double, _ span: SourceSpan) throws -> Int {
        guard let times = Int(exactly: count), times >= 0, times <= 10_000_000 else {
            throw RuntimeError.invalidIndex("repeat count must be a whole number from 0 to 10000000, got \(Value.format(count))", span)
        }
        return times
    }

    /// Number arithmetic and comparison; `%` is floored like Python's (the result takes the divisor's sign).
    @inline(__always)
    static func arithmetic(_ operation: BinaryOperator, _ a: Double, _ b: Double, _ span: SourceSpan) throws -> Value {
        switch operation {
        case .add: return .number(a + b)
        case .subtract: return .number(a - b)
        case .multiply: return .number(a * b)
        case .divide:
            if b == 0 { throw RuntimeError.divisionByZero(span) }
            return .number(a / b)
        case .modulo: return .number(try modulo(a, b, span))
        case .power: return .number(Foundation.pow(a, b))
        case .matmul:
            throw RuntimeError.unsupportedOperands(operator: operation.symbol, left: "number", right: "number", span)
        case .equal: return .bool(a == b)
        case .notEqual: return .bool(a != b)
        case .less: return .bool(a < b)
        case .lessEqual: return .bool(a <= b)
        case .greater: return .bool(a > b)
        case .greaterEqual: return .bool(a >= b)
        }
    }

    /// A comparison of two numbers or two strings (Swift's canonical equivalence and ordering for
    /// strings): the same answers as `binary`, without a `.bool` to build and test. Inlined, so
    /// each call site is specialised to its type.
    @inline(__always)
    static func compare<Operand: Comparable>(_ operation: BinaryOperator, _ a: Operand, _ b: Operand) -> Bool {
        switch operation {
        case .equal: return a == b
        case .notEqual: return a != b
        case .less: return a < b
        case .lessEqual: return a <= b
        case .greater: return a > b
        case .greaterEqual: return a >= b
        default: preconditionFailure("compare called with non-comparison '\(operation.symbol)'")
        }
    }

    /// The Bool inside a condition's value; anything else is an error.
    @inline(__always)
    static func truth(_ value: Value, _ span: SourceSpan) throws -> Bool {
        guard case .bool(let flag) = value else { throw RuntimeError.conditionNotBoolean(got: value.typeAndValue, span) }
        return flag
    }

    @inline(__always)
    static func modulo(_ a: Double, _ b: Double, _ span: SourceSpan) throws -> Double {
        if b == 0 { throw RuntimeError.divisionByZero(span) }
        return flooredRemainder(a, b)
    }

    /// `x` as an Int when it is a whole number in Int's range. `Int(exactly:)` calls the C
    /// library's `trunc` (a call per list index); converting there and back is two instructions.
    @inline(__always)
    static func wholeNumber(_ x: Double) -> Int? {
        // 2^63 is the first Double past Int.max; NaN fails both comparisons.
        guard x >= -9_223_372_036_854_775_808.0, x < 9_223_372_036_854_775_808.0 else { return nil }
        let integer = Int(x)
        return Double(integer) == x ? integer : nil
    }

    /// `a % b` for a nonzero `b`, floored like Python's.
    @inline(__always)
    static func flooredRemainder(_ a: Double, _ b: Double) -> Double {
        // Whole numbers (the common case: counters, indices) take the exact, faster integer path.
        if let x = Machine.wholeNumber(a), let y = Machine.wholeNumber(b) {
            // (`Int64.min % -1` overflows: its remainder is 0.)
            var remainder = x.remainderReportingOverflow(dividingBy: y).partialValue
            if remainder != 0, (remainder < 0) != (y < 0) { remainder += y }
            return Double(remainder)
        }
        var remainder = a.truncatingRemainder(dividingBy: b)
        if remainder != 0, (remainder < 0) != (b < 0) { remainder += b }
        return remainder
    }

    // MARK: - Unary operators

    func negate(_ value: Value, _ span: SourceSpan) throws -> Value {
        switch value {
        case .number(let number): return .number(-number)
        case .object(let object): return try runNative(span) { try object.negated() }
        default: throw RuntimeError.unsupportedOperand(operator: "-", operand: value.typeAndValue, span)
        }
    }

    // MARK: - Indexing

    /// `xs[i]`, `d[k]`, `s[i]` when the element exists (a whole number in range, a present key);
    /// nil sends everything else to `indexGet`, which reports the error.
    @inline(__always)
    static func quickIndexGet(_ object: Value, _ position: Value) -> Value? {
        // `if case` on each value rather than a switch over a tuple of both: the tuple copies
        // (retains) them.
        if case .list(let list) = object {
            guard case .number(let number) = position, let integer = Machine.wholeNumber(number) else { return nil }
            return list.element(at: integer)
        }
        if case .dict(let dict) = object {
            guard case .string(let key) = position else { return nil }
            return dict[key]
        }
        if case .string(let text) = object, case .number(let number) = position, let integer = Machine.wholeNumber(number) {
            return character(of: text, at: integer)
        }
        return nil
    }

    /// The list a plain local's slot holds, borrowed: no retain and release (about 50
    /// instructions with the outlined copy and destroy of the `Value`, a third of an `append`).
    /// Valid while the slot keeps the list, which is while the caller runs no Seek code: only
    /// the statements of the slot's own frame write it (closures write cells, calls write
    /// frames above), and what a list operation may free (an old element, an old buffer) runs
    /// no Seek code either.
    @inline(__always)
    static func borrowedList(at slot: UnsafeMutablePointer<Value?>) -> Unmanaged<ListObject>? {
        guard case .list(let list)? = slot.pointee else { return nil }
        return Unmanaged.passUnretained(list)
    }

    /// The dict a plain local's slot holds, borrowed (as `borrowedList(at:)`).
    @inline(__always)
    static func borrowedDict(at slot: UnsafeMutablePointer<Value?>) -> Unmanaged<DictObject>? {
        guard case .dict(let dict)? = slot.pointee else { return nil }
        return Unmanaged.passUnretained(dict)
    }

    /// `body` on the list or dict a plain local's slot holds, passed without a retain (as
    /// `borrowedList(at:)`); nil for anything else. `body` must run no Seek code.
    @inline(__always)
    static func withBorrowedContainer(at slot: UnsafeMutablePointer<Value?>, _ body: (Value) -> Value?) -> Value? {
        if let list = borrowedList(at: slot) { return list._withUnsafeGuaranteedRef { body(.list($0)) } }
        if let dict = borrowedDict(at: slot) { return dict._withUnsafeGuaranteedRef { body(.dict($0)) } }
        return nil
    }

    /// `slot.pointee = value`, without the generic destroy of the old value when there is nothing
    /// in it to release (empty, nil, a boolean or a number): a call's arguments go into stale
    /// frame slots this way, and a loop counting through a range writes its variable this way.
    @inline(__always)
    static func store(_ value: Value, over slot: UnsafeMutablePointer<Value?>) {
        switch slot.pointee {
        case .none, .null?, .bool?, .number?: slot.initialize(to: value)
        default: slot.pointee = value
        }
    }

    /// `slot.pointee = element.pointee`. A number, boolean or nil is rebuilt from its payload
    /// rather than copied by the generic (outlined) copy, there for values that hold references,
    /// and goes through `store(_:over:)`.
    @inline(__always)
    static func store(_ element: UnsafePointer<Value>, into slot: UnsafeMutablePointer<Value?>) {
        switch element.pointee {
        case .number(let x): store(.number(x), over: slot)
        case .bool(let flag): store(.bool(flag), over: slot)
        case .null: store(.null, over: slot)
        default: slot.pointee = element.pointee
        }
    }

    /// `quickIndexGet` on the value in a plain local's slot, read where it lies: a list is not
    /// copied out (a retain and a release, and the generic copy and destroy of a `Value`). Only
    /// the statements of the slot's own frame write it, so evaluating the position first is safe.
    @inline(__always)
    static func quickIndexGet(at target: UnsafeMutablePointer<Value?>, _ position: Value) -> Value? {
        if let borrowed = borrowedList(at: target) {
            guard case .number(let number) = position, let integer = wholeNumber(number) else { return nil }
            // A number is matched where it lies, without the generic copy of the element.
            return borrowed._withUnsafeGuaranteedRef { $0.element(at: integer) }
        }
        guard let object = target.pointee else { return nil }
        return quickIndexGet(object, position)
    }

    /// `quickIndexSet` on the value in a plain local's slot, read where it lies (see above).
    @inline(__always)
    static func quickIndexSet(at target: UnsafeMutablePointer<Value?>, _ position: Value, _ value: Value) -> Bool {
        if let borrowed = borrowedList(at: target) {
            guard case .number(let number) = position, let integer = wholeNumber(number) else { return false }
            return borrowed._withUnsafeGuaranteedRef { $0.set(value, at: integer) }
        }
        guard let object = target.pointee else { return false }
        return quickIndexSet(object, position, value)
    }

    /// `xs[i] = v` for a whole number in range, `d[k] = v`; false sends the rest to `indexSet`.
    @inline(__always)
    static func quickIndexSet(_ object: Value, _ position: Value, _ value: Value) -> Bool {
        if case .list(let list) = object {
            guard case .number(let number) = position, let integer = Machine.wholeNumber(number) else { return false }
            return list.set(value, at: integer)
        }
        if case .dict(let dict) = object, case .string(let key) = position {
            dict.store(value, forKey: key)
            return true
        }
        return false
    }

    /// The one-character strings of the 128 ASCII bytes, made once (`for ch in text` and `s[i]`
    /// on ASCII text hand these out instead of building a string per character).
    /// (Immutable once made, so sharing it between threads is safe.)
    nonisolated(unsafe) static let asciiCharacters: [Value] = (0..<128).map { .string(String(UnicodeScalar(UInt8($0)))) }

    /// True when every byte is a character of its own: ASCII without "\r" ("\r\n" is one
    /// character, as `len` counts it). Eight bytes at a time.
    static func isOneBytePerCharacter(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var index = 0
        while index + 8 <= bytes.count {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            if word & 0x8080_8080_8080_8080 != 0 { return false }
            // A byte equal to 0x0D is a zero byte of `word ^ 0x0D…`: the usual has-zero-byte test.
            let shifted = word ^ 0x0D0D_0D0D_0D0D_0D0D
            if (shifted &- 0x0101_0101_0101_0101) & ~shifted & 0x8080_8080_8080_8080 != 0 { return false }
            index += 8
        }
        while index < bytes.count {
            if base[index] >= 0x80 || base[index] == 0x0D { return false }
            index += 1
        }
        return true
    }

    /// The character at `index` (negative counts from the end) as a string, or nil when out of
    /// range. Long strings are indexed through their cached layout (`TextLayout`): O(1) per
    /// index for any text, where walking the characters was O(n).
    static func character(of text: String, at index: Int) -> Value? {
        TextLayout.with(text) { bytes, layout in
            let resolved = index < 0 ? index + layout.count : index
            guard resolved >= 0, resolved < layout.count else { return nil }
            return Machine.text(bytes, layout.byteRange(of: resolved))
        }
    }

    /// The text of `bytes[range]` (whole characters): one of the shared one-character strings
    /// for a single ASCII byte.
    @inline(__always)
    static func text(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Value {
        if range.count == 1, bytes[range.lowerBound] < 0x80 { return asciiCharacters[Int(bytes[range.lowerBound])] }
        return .string(String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self))
    }

    func indexGet(_ target: Value, _ indices: [IndexArgument], _ span: SourceSpan) throws -> Value {
        switch target {
        case .list(let list):
            let position = try singleIndex(indices, count: list.count, type: "list", span)
            switch position {
            case .element(let index): return list.element(at: index) ?? .null
            case .range(let range): return .list(list.copy(range))
            }
        case .string(let text):
            if indices.count == 1, case .value(.number(let number)) = indices[0], let integer = Int(exactly: number),
               let character = Machine.character(of: text, at: integer) {
                return character
            }
            // Slices too go through the layout: a byte range, no array of characters.
            return try TextLayout.with(text) { bytes, layout in
                switch try singleIndex(indices, count: layout.count, type: "string", span) {
                case .element(let index): return Machine.text(bytes, layout.byteRange(of: index))
                case .range(let range):
                    return .string(String(decoding: UnsafeBufferPointer(rebasing: bytes[layout.byteRange(of: range)]), as: UTF8.self))
                }
            }
        case .range(let rangeObject):
            switch try singleIndex(indices, count: rangeObject.count, type: "range", span) {
            case .element(let index): return .number(rangeObject.value(at: index))
            case .range(let range):
                guard range.count <= Machine.materialisedRangeLimit else {
                    throw RuntimeError.invalidIndex("a slice of \(range.count) range elements is too many for a list", span)
                }
                return .list(ListObject(range.map { .number(rangeObject.value(at: $0)) }))
            }
        case .dict(let dict):
            let key = try dictKey(indices, span)
            guard let value = dict[key] else {
                throw RuntimeError.keyNotFound(key, suggestion: nearestName(to: key, in: dict.keys), span)
            }
            return value
        case .object(let object):
            return try runNative(span) { try object.subscriptGet(indices) }
        default:
            throw RuntimeError.notIndexable(target.typeAndValue, span)
        }
    }

    func indexSet(_ target: Value, _ indices: [IndexArgument], _ value: Value, _ span: SourceSpan) throws {
        switch target {
        case .list(let list):
            guard case .element(let index) = try singleIndex(indices, count: list.count, type: "list", span)
            else { throw RuntimeError.invalidIndex("cannot assign to a slice of a list", span) }
            _ = list.set(value, at: index)
        case .dict(let dict):
            dict.store(value, forKey: try dictKey(indices, span))
        case .object(let object):
            try runNative(span) { try object.subscriptSet(indices, to: value) }
        default:
            throw RuntimeError.invalidIndex("\(target.typeAndValue) does not support index assignment", span)
        }
    }

    private enum Position {
        case element(Int)
        case range(Range<Int>)
    }

    private func singleIndex(_ indices: [IndexArgument], count: Int, type: String, _ span: SourceSpan) throws -> Position {
        guard indices.count == 1, let index = indices.first else {
            throw RuntimeError.invalidIndex("a \(type) takes one index, got \(indices.count)", span)
        }
        if let range = index.range(in: count) { return .range(range) }
        guard case .value(let value) = index, case .number(let number) = value else {
            if case .value(let value) = index {
                throw RuntimeError.invalidIndex("\(type) index must be a number, got \(value.typeAndValue)", span)
            }
            preconditionFailure("an index is a value or a slice")
        }
        guard let integer = Int(exactly: number) else {
            throw RuntimeError.invalidIndex("\(type) index must be a whole number, got \(Value.format(number))", span)
        }
        let resolved = integer < 0 ? integer + count : integer
        guard resolved >= 0, resolved < count else {
            throw RuntimeError.indexOutOfRange(index: integer, count: count, span)
        }
        return .element(resolved)
    }

    private func dictKey(_ indices: [IndexArgument], _ span: SourceSpan) throws -> String {
        guard indices.count == 1, case .value(let value)? = indices.first else {
            throw RuntimeError.invalidIndex("a dict takes one string key", span)
        }
        guard case .string(let key) = value else {
            throw RuntimeError.invalidIndex("dict keys are strings, got \(value.typeAndValue)", span)
        }
        return key
    }

    // MARK: - Members

    func memberGet(_ target: Value, _ name: String, _ span: SourceSpan) throws -> Value {
        if case .object(let object) = target {
            if let value = try runNative(span, { try object.member(name) }) { return value }
            throw RuntimeError.noSuchMember(type: object.typeName, name: name,
                                            suggestion: nearestName(to: name, in: object.memberNames), span)
        }
        let methods = interpreter.methods[target.typeName] ?? [:]
        guard let method = methods[name] else {
            throw RuntimeError.noSuchMember(type: target.typeName, name: name,
                                            suggestion: nearestName(to: name, in: methods.keys), span)
        }
        return .native(NativeFunction("\(target.typeName).\(name)", help: method.help) { arguments in
            try method.body(target, arguments)
        })
    }

    func memberSet(_ target: Value, _ name: String, _ value: Value, _ span: SourceSpan) throws {
        guard case .object(let object) = target else {
            throw RuntimeError.noSuchMember(type: target.typeName, name: name, suggestion: nil, span)
        }
        try runNative(span) { try object.setMember(name, to: value) }
    }

    // MARK: - Iteration

    /// The elements `for` visits (ranges are handled by the loop itself without a list).
    func elements(of value: Value, _ span: SourceSpan) throws -> [Value] {
        switch value {
        case .list(let list): return list.elements
        case .dict(let dict): return dict.keys.map(Value.string)
        case .string(let text):
            // ASCII text (the usual case) by byte: walking Characters runs grapheme breaking.
            var bytes = text
            if let characters = bytes.withUTF8({ utf8 -> [Value]? in
                guard Machine.isOneBytePerCharacter(utf8) else { return nil }
                return utf8.map { Machine.asciiCharacters[Int($0)] }
            }) {
                return characters
            }
            return text.map { .string(String($0)) }
        case .range(let range):
            // A loop counts through a range lazily; only materialising one can exhaust memory.
            guard range.count <= Machine.materialisedRangeLimit else {
                throw RuntimeError.invalidIndex("\(value.repr) has \(range.count) elements, too many for a list "
                    + "(limit \(Machine.materialisedRangeLimit)); loop over it with 'for' instead", span)
            }
            return (0..<range.count).map { .number(range.value(at: $0)) }
        case .object(let object): return try runNative(span) { try object.iterationElements() }
        default: throw RuntimeError.notIterable(value.typeAndValue, span)
        }
    }
}
