// How values print: the shortest form that reads back (`3`, `3.5`, `1e-08`, `[1, 2]`, `{"k": 2}`).

extension Value: CustomStringConvertible {
    /// The form `print` and string interpolation use: strings bare.
    public var description: String {
        switch self {
        case .string(let text): return text
        // Numbers (interpolation, `str`, `print`) without `repr`'s set of visited containers.
        case .number(let number): return Value.format(number)
        default: return repr
        }
    }

    /// The form the REPL echoes and containers use: strings quoted.
    public var repr: String {
        var visited: Set<ObjectIdentifier> = []
        return render(&visited)
    }

    private func render(_ visited: inout Set<ObjectIdentifier>) -> String {
        switch self {
        case .null: return "nil"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return Value.format(number)
        case .string(let text): return Value.quote(text)
        case .list(let list):
            // A list that contains itself prints `[...]` instead of recursing forever.
            guard visited.insert(ObjectIdentifier(list)).inserted else { return "[...]" }
            defer { visited.remove(ObjectIdentifier(list)) }
            return "[" + list.elements.map { $0.render(&visited) }.joined(separator: ", ") + "]"
        case .dict(let dict):
            guard visited.insert(ObjectIdentifier(dict)).inserted else { return "{...}" }
            defer { visited.remove(ObjectIdentifier(dict)) }
            let entries = dict.keys.map { key in
                Value.quote(key) + ": " + (dict[key]?.render(&visited) ?? "nil")
            }
            return "{" + entries.joined(separator: ", ") + "}"
        case .range(let range):
            let step = range.step == 1 ? "" : ", \(Value.format(range.step))"
            return "range(\(Value.format(range.start)), \(Value.format(range.stop))\(step))"
        case .function(let function):
            return "<fn \(function.name)(\(function.parameters.joined(separator: ", ")))>"
        case .native(let native): return "<native fn \(native.name)>"
        case .object(let object): return object.repr
        }
    }

    /// Integers without a decimal point, everything else in Swift's shortest round-trip form.
    public static func format(_ number: Double) -> String {
        if number.isNaN { return "nan" }
        if number.isInfinite { return number < 0 ? "-inf" : "inf" }
        // (`Machine.wholeNumber`, not `number == number.rounded()`: that is a call to libm's
        // `round` per number interpolated or printed.)
        if abs(number) < 1e16, let integer = Machine.wholeNumber(number) {
            return number == 0 ? (number.sign == .minus ? "-0" : "0") : integerText(Int64(integer))
        }
        return number.description
    }

    /// The decimal digits of a whole number below 1e16 in magnitude, written straight into the
    /// string's storage (`String(Int64)` goes through the generic integer printer).
    private static func integerText(_ value: Int64) -> String {
        let length = integerLength(value)
        return String(unsafeUninitializedCapacity: length) { buffer in
            guard let base = buffer.baseAddress else { return 0 }
            writeInteger(value, length: length, to: base)
            return length
        }
    }

    /// The whole number `format` writes as digits (below 1e16 in magnitude, not zero), else nil.
    @inline(__always)
    static func formattedInteger(_ number: Double) -> Int64? {
        guard number != 0, abs(number) < 1e16, let integer = Machine.wholeNumber(number) else { return nil }
        return Int64(integer)
    }

    /// How many bytes `value`'s decimal digits (and sign) take.
    @inline(__always)
    static func integerLength(_ value: Int64) -> Int {
        var digits = 1
        var rest = value.magnitude / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        return digits + (value < 0 ? 1 : 0)
    }

    /// Writes `value`'s digits (`length` bytes, from `integerLength`) at `target`.
    @inline(__always)
    static func writeInteger(_ value: Int64, length: Int, to target: UnsafeMutablePointer<UInt8>) {
        var position = length
        var rest = value.magnitude
        repeat {
            position -= 1
            target[position] = UInt8(truncatingIfNeeded: 0x30 &+ rest % 10)
            rest /= 10
        } while rest > 0
        if value < 0 { target[0] = 0x2D }
    }

    /// A double-quoted string literal with escapes, as it would be typed.
    public static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            case "\0": result += "\\0"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
