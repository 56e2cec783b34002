// Compiling calls and function bodies: arity-specialised calls that evaluate arguments straight
// into the new frame, and bodies compiled in tail form.

extension Compiler {
    // MARK: - Calls

    /// The global index of a callee that is a global name (the usual case), else -1.
    func globalIndex(_ callee: ResolvedExpression) -> Int {
        if case .variable(.global(let index), _, _) = callee { return index }
        return -1
    }

    /// A call. A global callee (`globalIndex >= 0`) is read inline; the `callee` closure is the
    /// fallback that reports an undefined name.
    func call(_ loadCallee: @escaping Evaluate, _ globalIndex: Int, _ positional: [Operand],
              firstArgument: ResolvedExpression?, _ named: [(String, Operand)], _ span: SourceSpan) -> Evaluate {
        let callee: Evaluate = globalIndex < 0 ? loadCallee : { machine in
            if let value = machine.globals[globalIndex] { return value }
            return try loadCallee(machine)
        }
        guard named.isEmpty else {
            return { machine in
                let function = try callee(machine)
                var values: [Value] = []
                for argument in positional { values.append(try argument.run(machine)) }
                var namedValues: [(name: String, value: Value)] = []
                for (name, argument) in named { namedValues.append((name, try argument.run(machine))) }
                return try machine.call(function, values, namedValues, span)
            }
        }
        // Seek functions get their arguments evaluated straight into the new frame; one closure
        // per small arity avoids walking an argument array.
        switch positional.count {
        case 0:
            return { machine in
                if let script = Compiler.globalFunction(machine, globalIndex) {
                    return try Compiler.invoke0(machine, script, span)
                }
                let function = try loadCallee(machine)
                guard case .function(let script) = function else { return try machine.call(function, [], [], span) }
                return try Compiler.invoke0(machine, script, span)
            }
        case 1:
            let first = positional[0].run
            if let shape = firstArgument.flatMap(localWithConstant) {
                return callWithLocalArithmetic(loadCallee, globalIndex, first, shape, span)
            }
            return { machine in
                if let script = Compiler.globalFunction(machine, globalIndex) {
                    return try Compiler.invoke1(machine, script, first, span)
                }
                let function = try loadCallee(machine)
                guard case .function(let script) = function else {
                    return try Compiler.callOther1(machine, function, first, span)
                }
                return try Compiler.invoke1(machine, script, first, span)
            }
        case 2:
            let first = positional[0].run, second = positional[1].run
            return { machine in
                if let script = Compiler.globalFunction(machine, globalIndex) {
                    return try Compiler.invoke2(machine, script, first, second, span)
                }
                let function = try loadCallee(machine)
                guard case .function(let script) = function else {
                    return try machine.call(function, [try first(machine), try second(machine)], [], span)
                }
                return try Compiler.invoke2(machine, script, first, second, span)
            }
        default:
            return { machine in
                let function = try callee(machine)
                guard case .function(let script) = function else {
                    var values: [Value] = []
                    values.reserveCapacity(positional.count)
                    for argument in positional { values.append(try argument.run(machine)) }
                    return try machine.call(function, values, [], span)
                }
                let frame = try machine.reserveFrame(script, arguments: positional.count, span)
                defer { machine.releaseFrame(frame, script) }
                for index in positional.indices { machine.stack[frame + index] = try positional[index].run(machine) }
                return try machine.enter(script, frameBase: frame, span)
            }
        }
    }

    /// `local op constant` (`n - 1`): the operand shape `binary` evaluates inline.
    func localWithConstant(_ expression: ResolvedExpression)
        -> (slot: Int, operation: BinaryOperator, constant: Double, span: SourceSpan)? {
        guard case .binary(let operation, let left, .constant(.number(let constant)), let span) = expression,
              let local = plainLocal(left) else { return nil }
        return (local.slot, operation, constant, span)
    }

    /// A one-argument call whose argument is `local op constant` (`fib(n - 1)`): a number in the
    /// local is computed inside the call closure, saving a closure call per call; anything else
    /// (not a number, unassigned) goes through the argument's compiled closure, so errors are the same.
    private func callWithLocalArithmetic(_ loadCallee: @escaping Evaluate, _ globalIndex: Int, _ first: @escaping Evaluate,
                                         _ shape: (slot: Int, operation: BinaryOperator, constant: Double, span: SourceSpan),
                                         _ span: SourceSpan) -> Evaluate {
        // Everything in one object: the closure's context is then a single reference, and its
        // entry thunk does not copy a dozen captured words per call.
        let site = LocalArithmeticCall(loadCallee: loadCallee, globalIndex: globalIndex, argument: first,
                                       slot: shape.slot, operation: shape.operation, constant: shape.constant,
                                       operationSpan: shape.span, span: span)
        return { machine in try site.run(machine) }
    }

    /// The Seek function in a global slot, taken out of the slot directly (one retain; copying the
    /// whole `Value` first and then extracting it costs a second retain/release pair). Not
    /// inlined: inlined, the optimiser kept the copied `Value` and destroyed it through the
    /// generic outlined destroy after the call; returned, the caller just releases the object.
    @inline(never)
    static func globalFunction(_ machine: Machine, _ index: Int) -> FunctionObject? {
        guard index >= 0, case .function(let function)? = (machine.globals + index).pointee else { return nil }
        return function
    }

    /// A one-argument call of anything but a Seek function: a native with a one-argument body
    /// (`len(xs)`) is called without an argument array or `Arguments` bundle.
    static func callOther1(_ machine: Machine, _ function: Value, _ first: Evaluate, _ span: SourceSpan) throws -> Value {
        let argument = try first(machine)
        if case .native(let native) = function, let direct = native.oneArgument, let result = direct(argument) {
            return result
        }
        return try machine.call(function, [argument], [], span)
    }

    @inline(__always)
    static func invoke0(_ machine: Machine, _ script: FunctionObject, _ span: SourceSpan) throws -> Value {
        let frame = try machine.reserveFrame(script, arguments: 0, span)
        defer { machine.releaseFrame(frame, script) }
        return try machine.enter(script, frameBase: frame, span)
    }

    @inline(__always)
    static func invoke1(_ machine: Machine, _ script: FunctionObject, _ first: Evaluate,
                        _ span: SourceSpan) throws -> Value {
        let frame = try machine.reserveFrame(script, arguments: 1, span)
        defer { machine.releaseFrame(frame, script) }
        machine.stack[frame] = try first(machine)
        return try machine.enter(script, frameBase: frame, span)
    }

    @inline(__always)
    static func invoke2(_ machine: Machine, _ script: FunctionObject, _ first: Evaluate, _ second: Evaluate,
                        _ span: SourceSpan) throws -> Value {
        let frame = try machine.reserveFrame(script, arguments: 2, span)
        defer { machine.releaseFrame(frame, script) }
        machine.stack[frame] = try first(machine)
        machine.stack[frame + 1] = try second(machine)
        return try machine.enter(script, frameBase: frame, span)
    }

    @inline(__always)
    private static func callee(_ machine: Machine, _ globalIndex: Int, _ load: Evaluate) throws -> Value {
        if globalIndex >= 0, let value = machine.globals[globalIndex] { return value }
        return try load(machine)
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
                flush()
                let test = self.condition(condition, span)
                let next = rest
                if let value, let local = plainLocal(value) {
                    if let compared = localComparedToConstant(condition) {
                        // `if n < 2 { return n }` with a number in `n`: test and result in one
                        // closure (the base case of every recursion); anything else takes `test`.
                        let guardSite = LocalGuard(slot: compared.slot, operation: compared.operation,
                                                   constant: compared.constant, test: test, result: local, next: next)
                        rest = { machine in try guardSite.run(machine) }
                        continue
                    }
                    // `if n < 2 { return n }`: the returned local is read inline.
                    rest = { machine in try test(machine) ? try Compiler.read(machine, local) : try next(machine) }
                } else {
                    let result = returnValue(value)
                    rest = { machine in try test(machine) ? try result(machine) : try next(machine) }
                }
            } else {
                pending.append(statement)
            }
        }
        flush()
        return rest
    }

    /// `local < constant` (any comparison, a plain local on the left, a number on the right): the
    /// shape whose number case `condition` evaluates inline.
    func localComparedToConstant(_ condition: ResolvedExpression)
        -> (slot: Int, operation: BinaryOperator, constant: Double)? {
        guard case .binary(let operation, let left, .constant(.number(let constant)), _) = condition,
              operation.isComparison, let local = plainLocal(left) else { return nil }
        return (local.slot, operation, constant)
    }

    /// The value the last statement of a function body produces.
    func tailValue(_ statement: ResolvedStatement) -> Evaluate {
        switch statement {
        case .returnStatement(let value):
            return returnValue(value)
        case .ifStatement(let condition, let thenBranch, let elseBranch, let span):
            let test = self.condition(condition, span)
            let thenValue = functionBody(thenBranch), elseValue = functionBody(elseBranch)
            return { machine in try test(machine) ? try thenValue(machine) : try elseValue(machine) }
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

/// A compiled `f(local op constant)` call site (see `Compiler.callWithLocalArithmetic`).
private final class LocalArithmeticCall {
    let loadCallee: Evaluate
    let globalIndex: Int
    /// The argument's compiled closure: the path for anything but a number in the local.
    let argument: Evaluate
    let slot: Int
    let operation: BinaryOperator
    let constant: Double
    let operationSpan: SourceSpan
    let span: SourceSpan

    init(loadCallee: @escaping Evaluate, globalIndex: Int, argument: @escaping Evaluate, slot: Int,
         operation: BinaryOperator, constant: Double, operationSpan: SourceSpan, span: SourceSpan) {
        self.loadCallee = loadCallee
        self.globalIndex = globalIndex
        self.argument = argument
        self.slot = slot
        self.operation = operation
        self.constant = constant
        self.operationSpan = operationSpan
        self.span = span
    }

    @inline(__always)
    func run(_ machine: Machine) throws -> Value {
        guard let script = Compiler.globalFunction(machine, globalIndex) else { return try runOther(machine) }
        let frame = try machine.reserveFrame(script, arguments: 1, span)
        defer { machine.releaseFrame(frame, script) }
        // `base` is still the caller's frame: `enter` moves it.
        if case .number(let x)? = (machine.stack + (machine.base + slot)).pointee {
            machine.stack[frame] = try Machine.arithmetic(operation, x, constant, operationSpan)
        } else {
            machine.stack[frame] = try argument(machine)
        }
        return try machine.enter(script, frameBase: frame, span)
    }

    /// A callee that is not a Seek function in a global slot (kept out of line: `run` stays small).
    @inline(never)
    private func runOther(_ machine: Machine) throws -> Value {
        let function = try loadCallee(machine)
        guard case .function(let script) = function else { return try Compiler.callOther1(machine, function, argument, span) }
        return try Compiler.invoke1(machine, script, argument, span)
    }
}

/// A compiled `if local < constant { return local2 }` guard followed by the rest of the body
/// (see `Compiler.functionBody`), in one object for the same reason as `LocalArithmeticCall`.
final class LocalGuard {
    let slot: Int
    let operation: BinaryOperator
    let constant: Double
    /// The general condition: the path for anything but a number in the local.
    let test: (Machine) throws -> Bool
    let result: Compiler.PlainLocal
    let next: Evaluate

    init(slot: Int, operation: BinaryOperator, constant: Double, test: @escaping (Machine) throws -> Bool,
         result: Compiler.PlainLocal, next: @escaping Evaluate) {
        self.slot = slot
        self.operation = operation
        self.constant = constant
        self.test = test
        self.result = result
        self.next = next
    }

    @inline(__always)
    func run(_ machine: Machine) throws -> Value {
        if case .number(let x)? = (machine.stack + (machine.base + slot)).pointee {
            return Machine.compare(operation, x, constant) ? try Compiler.read(machine, result) : try next(machine)
        }
        return try test(machine) ? try Compiler.read(machine, result) : try next(machine)
    }
}
