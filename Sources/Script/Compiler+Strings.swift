// Compiling string building: interpolation written into a stack buffer and made a string once,
// and a string variable extended in place (`s = s + t`, `s = s + a + b`, `s += t`), as CPython
// does when the variable holds the only reference, instead of copying the whole text per step.

extension Compiler {
    // MARK: - Interpolation

    /// `"row \(i), tag \(t)"`: the parts run in order and their texts (strings bare, anything
    /// else as `print` shows it) are written one after another into a stack buffer, whole
    /// numbers as digits, and made a string once. Appending part by part paid about 320
    /// instructions per piece in `String.append` (its growth and flag checks), and each number
    /// made a string first.
    func interpolation(_ parts: [ResolvedExpression]) -> Evaluate {
        let site = InterpolationSite(parts: parts.map(operand))
        return { machine in try site.run(machine) }
    }

    // MARK: - Appending to a variable

    /// `x = x + e1 + … + en` where `x` is a global or a plain local: when `x` holds a string and
    /// every `e` is a string, the variable's own reference is dropped before the append, so a
    /// text nobody else holds grows in place (amortised, as `String.append` doubles its
    /// capacity) instead of being copied whole every time. Anything else gives the values and
    /// errors of the pairwise evaluation; a value `x` does not hold a string goes to `general`
    /// before any operand runs. nil when the statement has another shape.
    func stringAppendAssignment(_ reference: VariableReference, _ name: String, _ value: ResolvedExpression,
                                general: @escaping Execute) -> Execute? {
        var operands: [ResolvedExpression] = [], spans: [SourceSpan] = []
        var current = value
        while case .binary(.add, let inner, let operand, let span) = current {
            operands.append(operand)
            spans.append(span)
            current = inner
        }
        guard !operands.isEmpty, case .variable(let first, _, _) = current, let target = AppendTarget(reference),
              AppendTarget(first) == target else { return nil }
        let site = StringAppendSite(target: target, operands: operands.reversed().map(operand), spans: spans.reversed(),
                                    store: store(reference, name), general: general)
        return { machine in try site.run(machine) }
    }
}

/// An operand of a string site (`ch == " "`, `"aeiou".contains(ch)`, `ch in "aeiou"`): a global
/// is read from its slot without the load closure (a top-level loop's `ch`), anything else (and
/// an unassigned global, for its error) through the operand.
struct StringOperand {
    /// The global's index, else -1.
    let global: Int
    let operand: Operand

    @inline(__always)
    func run(_ machine: Machine) throws -> Value {
        if global >= 0, let value = (machine.globals + global).pointee { return value }
        return try operand.run(machine)
    }
}

extension Compiler {
    func stringOperand(_ expression: ResolvedExpression) -> StringOperand {
        if case .variable(.global(let index), _, _) = expression { return StringOperand(global: index, operand: operand(expression)) }
        return StringOperand(global: -1, operand: operand(expression))
    }
}

/// A variable whose slot a string append may take its value out of: a global or a plain
/// (uncaptured) local.
enum AppendTarget: Equatable {
    case global(Int)
    case local(Int)

    init?(_ reference: VariableReference) {
        switch reference {
        case .global(let index): self = .global(index)
        case .local(let local) where !local.isCaptured: self = .local(local.slot)
        default: return nil
        }
    }

    /// Where the variable's value lies now (read again after operands ran: the globals grow).
    @inline(__always)
    func pointer(_ machine: Machine) -> UnsafeMutablePointer<Value?> {
        switch self {
        case .global(let index): return machine.globals + index
        case .local(let slot): return machine.stack + (machine.base + slot)
        }
    }

    /// Appends `piece` to the string at `pointer`: the slot's reference is dropped first, so a
    /// string held nowhere else is extended where it lies. False (nothing done) when the slot
    /// does not hold a string.
    @inline(__always)
    static func append(_ piece: String, to pointer: UnsafeMutablePointer<Value?>) -> Bool {
        guard case .string(var text)? = pointer.pointee else { return false }
        pointer.pointee = nil
        text += piece
        pointer.pointee = .string(text)
        return true
    }
}

/// A compiled `x = x + e1 + … + en` (see `Compiler.stringAppendAssignment`).
final class StringAppendSite {
    let target: AppendTarget
    let operands: [Operand]
    /// `spans[i]`: the span of the `+` that adds `operands[i]`.
    let spans: [SourceSpan]
    let store: StoreCode
    let general: Execute

    init(target: AppendTarget, operands: [Operand], spans: [SourceSpan], store: @escaping StoreCode,
         general: @escaping Execute) {
        self.target = target
        self.operands = operands
        self.spans = spans
        self.store = store
        self.general = general
    }

    func run(_ machine: Machine) throws -> Flow {
        // A copy of the text as it is now: the operands may read or change the variable, and
        // pairwise `+` would use the value read before them.
        guard case .string(var text)? = target.pointer(machine).pointee else { return try general(machine) }
        var tail = ""
        var index = 0
        while index < operands.count {
            let item = try operands[index].run(machine)
            guard case .string(let piece) = item else {
                // Not a string: the rest pairwise, as `+` by `+` would go on from here.
                var value = try machine.binary(.add, .string(text + tail), item, spans[index])
                index += 1
                while index < operands.count {
                    value = try machine.binary(.add, value, try operands[index].run(machine), spans[index])
                    index += 1
                }
                try store(machine, value)
                return .normal
            }
            if index == 0 { tail = piece } else { tail += piece }
            index += 1
        }
        // The variable's reference goes before the append, so `text` is the only one left when
        // nothing else holds the string and grows in place. (An operand that gave the variable
        // another value loses it here, as the store of the pairwise sum would.)
        let pointer = target.pointer(machine)
        pointer.pointee = nil
        text += tail
        pointer.pointee = .string(text)
        return .normal
    }
}

/// A compiled string interpolation (see `Compiler.interpolation`).
final class InterpolationSite {
    let parts: [Operand]

    /// The bytes written on the stack before the text becomes a string; a longer text goes on
    /// by appending (rare: a line of output is shorter).
    static let scratchBytes = 256

    init(parts: [Operand]) { self.parts = parts }

    /// Each part's text is written into a stack buffer as soon as it is evaluated (whole numbers
    /// as digits), and the string is made once at the end: no array of values or texts.
    func run(_ machine: Machine) throws -> Value {
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.scratchBytes) { scratch in
            guard let base = scratch.baseAddress else { return try appending(machine, from: 0, to: "") }
            var written = 0
            // By index: `for part in parts` copies each operand out (a retain of its closure).
            for index in parts.indices {
                let value = try parts[index].run(machine)
                if case .number(let number) = value, let integer = Value.formattedInteger(number) {
                    let digits = Value.integerLength(integer)
                    if written + digits <= scratch.count {
                        Value.writeInteger(integer, length: digits, to: base + written)
                        written += digits
                        continue
                    }
                }
                let text: String
                if case .string(let string) = value { text = string } else { text = value.description }
                if text.utf8.count <= scratch.count - written {
                    written += StringBytes.copyUTF8(of: text, to: base + written)
                    continue
                }
                // Past the buffer: what is written so far, this text, then the rest appended.
                let prefix = String(decoding: UnsafeBufferPointer(start: base, count: written), as: UTF8.self)
                return try appending(machine, from: index + 1, to: prefix + text)
            }
            return .string(String(decoding: UnsafeBufferPointer(start: base, count: written), as: UTF8.self))
        }
    }

    /// `text` followed by the texts of the parts from `start` on, appended one by one.
    private func appending(_ machine: Machine, from start: Int, to text: String) throws -> Value {
        var result = text
        for index in start ..< parts.count { result += try parts[index].run(machine).description }
        return .string(result)
    }
}
