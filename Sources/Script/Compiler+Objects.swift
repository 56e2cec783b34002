// Compiling dict literals and the callees of calls: records and objects made of dicts
// (`{"label": l, "children": c}`, `s["push"](x)`, `v["add"](w)`) and functions held in locals.

extension Compiler {
    // MARK: - Dict literals

    /// `{k: v, …}`. Constant, distinct string keys (records, objects: the usual literal) are
    /// hashed here, once, and the entries appended in order (`DictObject.literal`); the values
    /// are read in place when they are locals or constants. Any other literal evaluates key,
    /// value, key, value, … and stores each pair (a repeated key keeps its first position and
    /// its last value), reporting a key that is not a string at the literal.
    func dictLiteral(_ entries: [(ResolvedExpression, ResolvedExpression)], _ span: SourceSpan) -> Evaluate {
        var names: [String] = []
        for (key, _) in entries {
            guard case .constant(.string(let name)) = key else { break }
            names.append(name)
        }
        if names.count == entries.count, let keys = ConstantKeys(names) {
            let values = OperandList(entries.map { operand($0.1) })
            return { machine in
                .dict(try DictObject.literal(keys) { index in try values.run(index, machine) })
            }
        }
        let codes = entries.map { (operand($0.0), operand($0.1)) }
        return { machine in
            let dict = DictObject(capacity: codes.count)
            for (keyCode, valueCode) in codes {
                let key = try keyCode.run(machine)
                guard case .string(let text) = key else {
                    throw RuntimeError.invalidIndex("dict keys are strings, got \(key.typeAndValue)", span)
                }
                dict[text] = try valueCode.run(machine)
            }
            return .dict(dict)
        }
    }

    // MARK: - Constant keys

    /// `node["children"]`, `self["x"]`: the key hashed once, here. A dict in a plain local is read
    /// where it lies (no copy of the slot's `Value`: a retain, a release and the outlined copy
    /// and destroy). Anything but a dict holding the key takes the general path, which reports it.
    func constantKeyIndex(_ target: Operand, _ key: String, _ span: SourceSpan, global: Int? = nil) -> Evaluate {
        let hash = DictObject.hash(key)
        if let global {
            // A dict in a global, read where it lies (a constant key runs no Seek code).
            return { machine in
                if case .dict(let dict)? = machine.globals[global], let value = dict.value(forKey: key, hash: hash) { return value }
                return try machine.indexGet(try target.run(machine), [.value(.string(key))], span)
            }
        }
        if target.slot >= 0 {
            let slot = target.slot
            return { machine in
                if case .dict(let dict)? = (machine.stack + (machine.base + slot)).pointee,
                   let value = dict.value(forKey: key, hash: hash) { return value }
                return try machine.indexGet(try target.run(machine), [.value(.string(key))], span)
            }
        }
        return { machine in
            let object = try target.run(machine)
            if case .dict(let dict) = object, let value = dict.value(forKey: key, hash: hash) { return value }
            return try machine.indexGet(object, [.value(.string(key))], span)
        }
    }

    // MARK: - Callees

    /// Where a call's function comes from, read without copying a `Value` when it is a Seek
    /// function: a global (`fib(n)`), a plain local (`f(x)` on a parameter or a closure held in a
    /// local), or a constant key of a dict in a global or plain local (`s["push"](i)`,
    /// `self["add"](w)`: a dict of closures used as an object). `general` evaluates the callee
    /// as any expression: the path for everything else, and for every error.
    func callee(_ expression: ResolvedExpression) -> Callee {
        let general = operand(expression)
        if case .variable(.global(let index), _, _) = expression {
            return Callee(kind: .global, index: index, key: "", hash: 0, general: general)
        }
        if let local = plainLocal(expression) {
            return Callee(kind: .local, index: local.slot, key: "", hash: 0, general: general)
        }
        // A function captured by a closure (`fn compose(f, g) { fn(x) { f(g(x)) } }`).
        if case .variable(.local(let local), _, _) = expression, local.isCaptured {
            return Callee(kind: .cell, index: local.cellIndex, key: "", hash: 0, general: general)
        }
        if case .variable(.upvalue(let index), _, _) = expression {
            return Callee(kind: .upvalue, index: index, key: "", hash: 0, general: general)
        }
        // Reading the dict twice (here, then in `general` when this finds no function) is safe
        // because reading a global or a plain local has no effects.
        if case .index(let target, let indices, _) = expression, indices.count == 1,
           case .value(.constant(.string(let key))) = indices[0] {
            if case .variable(.global(let index), _, _) = target {
                return Callee(kind: .globalDictEntry, index: index, key: key, hash: DictObject.hash(key), general: general)
            }
            if let local = plainLocal(target) {
                return Callee(kind: .localDictEntry, index: local.slot, key: key, hash: DictObject.hash(key), general: general)
            }
        }
        return Callee(kind: .other, index: -1, key: "", hash: 0, general: general)
    }
}

/// A call's callee (see `Compiler.callee`).
struct Callee {
    enum Kind { case global, local, cell, upvalue, globalDictEntry, localDictEntry, other }
    let kind: Kind
    /// The global index, the stack slot, the frame's cell or the closure's capture.
    let index: Int
    /// The constant key of a dict entry, and its hash.
    let key: String
    let hash: Int
    let general: Operand

    /// The Seek function called, taken out with one retain; nil sends the call to `value`.
    @inline(__always)
    func function(_ machine: Machine) -> FunctionObject? {
        // The usual callee first, without the jump through the switch's table.
        if kind == .global { return Callee.function(at: machine.globals + index) }
        switch kind {
        case .global: return Callee.function(at: machine.globals + index)
        case .local: return Callee.function(at: machine.stack + (machine.base + index))
        case .cell: return Callee.function(in: machine.cell(index))
        case .upvalue: return Callee.function(in: machine.upvalue(index))
        case .globalDictEntry: return Callee.function(at: machine.globals + index, key: key, hash: hash)
        case .localDictEntry: return Callee.function(at: machine.stack + (machine.base + index), key: key, hash: hash)
        case .other: return nil
        }
    }

    /// The Seek function called, or nil with `other` set to what is called instead (a native,
    /// an object, or a value whose call reports the error): the 3-or-more-argument calls' start.
    @inline(__always)
    func script(_ machine: Machine, other: inout Value) throws -> FunctionObject? {
        if let found = function(machine) { return found }
        let value = try self.value(machine)
        if case .function(let found) = value { return found }
        other = value
        return nil
    }

    /// The callee's value, by the general code (natives, objects, and errors: an undefined
    /// name, a missing key, a value that cannot be called).
    @inline(__always)
    func value(_ machine: Machine) throws -> Value {
        if kind == .global, let value = machine.globals[index] { return value }
        return try general.run(machine)
    }

    /// A native with a one-argument body (`len`, `str`, `abs`) in a global slot, not retained
    /// (see `Compiler.withGlobalNative`); nil for anything else.
    @inline(__always)
    static func borrowedOneArgumentNative(at slot: UnsafeMutablePointer<Value?>) -> Unmanaged<NativeFunction>? {
        guard case .native(let native)? = slot.pointee, native.oneArgument != nil else { return nil }
        return Unmanaged.passUnretained(native)
    }

    /// The Seek function in `slot`, not retained (see `Compiler.withGlobalFunction`).
    @inline(__always)
    static func borrowedFunction(at slot: UnsafeMutablePointer<Value?>) -> Unmanaged<FunctionObject>? {
        guard case .function(let function)? = slot.pointee else { return nil }
        return Unmanaged.passUnretained(function)
    }

    /// Not inlined: inlined, the optimiser kept a copy of the whole `Value` and destroyed it
    /// through the generic outlined destroy after the call; returned, the caller releases
    /// just the object.
    @inline(never)
    static func function(at slot: UnsafeMutablePointer<Value?>) -> FunctionObject? {
        guard case .function(let function)? = slot.pointee else { return nil }
        return function
    }

    @inline(never)
    static func function(in cell: Cell) -> FunctionObject? {
        guard case .function(let function)? = cell.value else { return nil }
        return function
    }

    @inline(never)
    static func function(at slot: UnsafeMutablePointer<Value?>, key: String, hash: Int) -> FunctionObject? {
        guard case .dict(let dict)? = slot.pointee else { return nil }
        return dict.function(forKey: key, hash: hash)
    }
}

/// Operands kept in one object and run by position (a dict literal's values, a call's
/// arguments): iterating an `[Operand]` copied each one out, a retain and release of its
/// closure's context and the outlined copy of its constant.
final class OperandList {
    let operands: [Operand]
    init(_ operands: [Operand]) { self.operands = operands }
    var count: Int { operands.count }

    @inline(__always)
    func run(_ index: Int, _ machine: Machine) throws -> Value {
        try operands.withUnsafeBufferPointer { try $0[index].run(machine) }
    }
}
