// Compiling calls and function bodies: arity-specialised calls that evaluate arguments straight
// into the new frame, and bodies compiled in tail form.

extension Compiler {
    // MARK: - Calls

    /// A call. The callee's function is taken out of a global, a plain local or a dict entry
    /// without copying its `Value` (`Callee`, Compiler+Objects.swift); anything else, and every
    /// error, goes through the callee's general code.
    func call(_ callee: Callee, _ positional: [Operand], _ named: [(String, Operand)], _ span: SourceSpan) -> Evaluate {
        guard named.isEmpty else {
            let site = KeywordCallSite(positional: positional, named: named, span: span)
            return { machine in
                if let script = callee.function(machine), site.binds(script) { return try site.invoke(machine, script) }
                let function = try callee.value(machine)
                if case .function(let script) = function, site.binds(script) { return try site.invoke(machine, script) }
                return try site.general(machine, function)
            }
        }
        // Seek functions get their arguments evaluated straight into the new frame; one closure
        // per arity up to five, each argument captured on its own, so running it copies nothing
        // (iterating an `[Operand]` copied each one out: 260 instructions of a 3-argument call).
        switch positional.count {
        case 0:
            return { machine in
                if let result = try Compiler.withGlobalFunction(machine, callee, { try Compiler.invoke0(machine, $0, span) }) {
                    return result
                }
                if let script = callee.function(machine) { return try Compiler.invoke0(machine, script, span) }
                let function = try callee.value(machine)
                guard case .function(let script) = function else { return try machine.call(function, [], [], span) }
                return try Compiler.invoke0(machine, script, span)
            }
        case 1:
            let first = positional[0]
            return { machine in
                if let result = try Compiler.withGlobalFunction(machine, callee, { try Compiler.invoke1(machine, $0, first, span) }) {
                    return result
                }
                if let script = callee.function(machine) { return try Compiler.invoke1(machine, script, first, span) }
                if let result = try Compiler.withGlobalNative(machine, callee, { try Compiler.callNative1(machine, $0, first, span) }) {
                    return result
                }
                let function = try callee.value(machine)
                guard case .function(let script) = function else {
                    return try Compiler.callOther1(machine, function, first, span)
                }
                return try Compiler.invoke1(machine, script, first, span)
            }
        case 2:
            let first = positional[0], second = positional[1]
            return { machine in
                if let result = try Compiler.withGlobalFunction(machine, callee, { try Compiler.invoke2(machine, $0, first, second, span) }) {
                    return result
                }
                if let script = callee.function(machine) {
                    return try Compiler.invoke2(machine, script, first, second, span)
                }
                let function = try callee.value(machine)
                guard case .function(let script) = function else {
                    return try machine.call(function, [try first.run(machine), try second.run(machine)], [], span)
                }
                return try Compiler.invoke2(machine, script, first, second, span)
            }
        case 3:
            let a = positional[0], b = positional[1], c = positional[2]
            return { machine in
                try Compiler.callScript(machine, callee, positional, 3, span) { frame in
                    frame[0] = try a.run(machine)
                    frame[1] = try b.run(machine)
                    frame[2] = try c.run(machine)
                }
            }
        case 4:
            let a = positional[0], b = positional[1], c = positional[2], d = positional[3]
            return { machine in
                try Compiler.callScript(machine, callee, positional, 4, span) { frame in
                    frame[0] = try a.run(machine)
                    frame[1] = try b.run(machine)
                    frame[2] = try c.run(machine)
                    frame[3] = try d.run(machine)
                }
            }
        case 5:
            let a = positional[0], b = positional[1], c = positional[2], d = positional[3], e = positional[4]
            return { machine in
                try Compiler.callScript(machine, callee, positional, 5, span) { frame in
                    frame[0] = try a.run(machine)
                    frame[1] = try b.run(machine)
                    frame[2] = try c.run(machine)
                    frame[3] = try d.run(machine)
                    frame[4] = try e.run(machine)
                }
            }
        default:
            // Any arity: the same path, arguments written into the frame in order.
            let arguments = OperandList(positional)
            return { machine in
                try Compiler.callScript(machine, callee, positional, arguments.count, span) { frame in
                    for index in 0..<arguments.count { frame[index] = try arguments.run(index, machine) }
                }
            }
        }
    }

    /// A call with three or more positional arguments: `fill` writes them into the new frame of
    /// the Seek function called (borrowed when it is a global's); anything else is called with
    /// the arguments evaluated into an array.
    @inline(__always)
    static func callScript(_ machine: Machine, _ callee: Callee, _ positional: [Operand], _ count: Int, _ span: SourceSpan,
                           _ fill: (UnsafeMutablePointer<Value?>) throws -> Void) throws -> Value {
        if let result = try withGlobalFunction(machine, callee, { try invoke(machine, $0, count, span, fill) }) { return result }
        var other = Value.null
        guard let script = try callee.script(machine, other: &other) else {
            return try callOther(machine, other, positional, span)
        }
        return try invoke(machine, script, count, span, fill)
    }

    /// Runs `call` with the Seek function held in the callee's global borrowed, not retained (two
    /// atomic operations, a fifth of a one-argument call's time), or answers nil when the callee
    /// is not a global or its slot holds anything else. Safe because a function displaced from a
    /// global while such a call runs is kept alive until the last one returns
    /// (`Machine.storeGlobal`).
    @inline(__always)
    static func withGlobalFunction(_ machine: Machine, _ callee: Callee, _ call: (FunctionObject) throws -> Value) rethrows -> Value? {
        guard callee.kind == .global,
              let borrowed = Callee.borrowedFunction(at: machine.globals + callee.index) else { return nil }
        machine.beginBorrowedCall()
        defer { machine.endBorrowedCall() }
        return try borrowed._withUnsafeGuaranteedRef(call)
    }

    /// `withGlobalFunction` for a native with a one-argument body held in a global (`len(xs)`,
    /// `str(x)`): borrowed, not retained, under the same keeping (`Machine.storeGlobal` keeps a
    /// displaced native as it keeps a displaced function).
    @inline(__always)
    static func withGlobalNative(_ machine: Machine, _ callee: Callee, _ call: (NativeFunction) throws -> Value) rethrows -> Value? {
        guard callee.kind == .global,
              let borrowed = Callee.borrowedOneArgumentNative(at: machine.globals + callee.index) else { return nil }
        machine.beginBorrowedCall()
        defer { machine.endBorrowedCall() }
        return try borrowed._withUnsafeGuaranteedRef(call)
    }

    /// A call of anything but a Seek function with evaluated arguments (natives, objects; what
    /// cannot be called is reported by `Machine.call`).
    @inline(never)
    static func callOther(_ machine: Machine, _ function: Value, _ positional: [Operand], _ span: SourceSpan) throws -> Value {
        var values: [Value] = []
        values.reserveCapacity(positional.count)
        for argument in positional { values.append(try argument.run(machine)) }
        return try machine.call(function, values, [], span)
    }

    // MARK: - Function bodies

    func prototype(_ function: ResolvedFunction) -> FunctionPrototype {
        FunctionPrototype(
            name: function.name,
            parameterNames: function.parameters.map(\.name),
            frameSize: function.locals.filter { $0.slot >= 0 }.count,
            cellCount: function.locals.filter(\.isCaptured).count,
            capturedParameters: function.parameters.filter(\.isCaptured).map { ($0.slot, $0.cellIndex) },
            captureSources: function.captures.map { source in
                switch source {
                case .local(let local):
                    precondition(local.cellIndex >= 0, "a captured variable must have a cell")
                    return .cell(local.cellIndex)
                case .upvalue(let index): return .upvalue(index)
                }
            },
            body: functionBody(function.body))
    }

    /// A function body as one closure producing the return value, compiled in "tail" form:
    /// a final `return e` or trailing `if`/`else` yields its value directly, and guard
    /// statements `if c { return e }` become `c ? e : rest` — no trip through the machine's
    /// return register on the common paths (this is most of a recursive call's cost).
    func functionBody(_ statements: [ResolvedStatement]) -> Evaluate {
        guard let last = statements.last else { return { _ in .null } }
        var rest = tailValue(last)
        var pending: [ResolvedStatement] = []
        // Walk backwards: guards wrap the rest directly; other statements run as one sequence.
        func flush() {
            guard !pending.isEmpty else { return }
            let block = sequence(pending.reversed().map { Step(run: statement($0)) })
            let next = rest
            rest = { machine in try block(machine) == .returned ? machine.takeReturnValue() : try next(machine) }
            pending.removeAll()
        }
        for statement in statements.dropLast().reversed() {
            if case .ifStatement(let condition, let thenBranch, let elseBranch, let span) = statement,
               elseBranch.isEmpty, thenBranch.count == 1, case .returnStatement(let value) = thenBranch[0] {
                // `if c { return e }` then the rest: the same branch as a trailing if/else.
                flush()
                rest = branch(condition, span, then: value.map(valueSource) ?? .constant(.null), otherwise: rest)
            } else {
                pending.append(statement)
            }
        }
        flush()
        return rest
    }

    /// The value the last statement of a function body produces.
    func tailValue(_ statement: ResolvedStatement) -> Evaluate {
        switch statement {
        case .returnStatement(let value):
            return returnValue(value)
        case .ifStatement(let condition, let thenBranch, let elseBranch, let span):
            // `if c { a } else { b }` as a body's value: a branch whose arms read locals and
            // constants inline (`if n < 2 { n } else { … }` costs what the guard shape costs).
            return branch(condition, span, then: tailSource(thenBranch), otherwise: functionBody(elseBranch))
        default:
            let code = self.statement(statement)
            return { machine in try code(machine) == .returned ? machine.takeReturnValue() : .null }
        }
    }

    func returnValue(_ value: ResolvedExpression?) -> Evaluate {
        // Not `value.map(expression)`: a closure passed through Optional comes back wrapped in
        // two reabstraction thunks.
        if let value { return expression(value) }
        return { _ in .null }
    }
}

/// A call with keyword arguments (`step(4, rate=0.25)`). The order of parameters each argument
/// fills is worked out once per callee (the last one seen at this site); the arguments are then
/// evaluated in source order straight into the frame. Anything the binding rejects (unknown or
/// repeated names, a wrong count) and non-Seek callees take the general path, which reports it.
final class KeywordCallSite {
    let positional: [Operand]
    let named: [(String, Operand)]
    /// The positional operands, then the named ones: the source order.
    private let arguments: [Operand]
    let span: SourceSpan
    private var cachedPrototype: FunctionPrototype?
    /// For each argument in source order (positional, then named), its parameter position.
    private var cachedOrder: [Int] = []

    init(positional: [Operand], named: [(String, Operand)], span: SourceSpan) {
        self.positional = positional
        self.named = named
        self.arguments = positional + named.map(\.1)
        self.span = span
    }

    /// Whether the arguments bind `function` exactly (working the order out once per callee).
    @inline(__always)
    func binds(_ function: FunctionObject) -> Bool {
        if cachedPrototype === function.prototype { return true }
        let parameters = function.parameters
        guard positional.count + named.count == parameters.count else { return false }
        var order = Array(positional.indices)
        for (name, _) in named {
            guard let position = parameters.firstIndex(of: name), position >= positional.count,
                  !order.contains(position) else { return false }
            order.append(position)
        }
        cachedPrototype = function.prototype
        cachedOrder = order
        return true
    }

    /// Runs a call `binds` accepted. The arguments and their positions are read in place (taking
    /// each `Operand` out of its array copied it: a retain of its closure's context and the
    /// outlined copy of its constant, 200 instructions of a two-argument keyword call).
    func invoke(_ machine: Machine, _ function: FunctionObject) throws -> Value {
        let frame = try machine.reserveFrame(function, arguments: arguments.count, span)
        defer { machine.releaseFrame(frame, function) }
        let slots = machine.stack + frame
        // A copy of the order: an argument may reach this same site with another callee
        // (`h(a=n, b=run(n - 1))` inside `run`), which replaces `cachedOrder` while this runs.
        let order = cachedOrder
        try arguments.withUnsafeBufferPointer { arguments in
            try order.withUnsafeBufferPointer { order in
                for index in 0..<arguments.count { slots[order[index]] = try arguments[index].run(machine) }
            }
        }
        return try machine.enter(function, frameBase: frame, span)
    }

    /// Evaluates the arguments and binds them by name in `Machine.call`.
    func general(_ machine: Machine, _ function: Value) throws -> Value {
        var values: [Value] = []
        for argument in positional { values.append(try argument.run(machine)) }
        var namedValues: [(name: String, value: Value)] = []
        for (name, argument) in named { namedValues.append((name, try argument.run(machine))) }
        return try machine.call(function, values, namedValues, span)
    }
}
