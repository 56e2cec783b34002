// Compiler: resolved form -> Swift closures. Each node becomes a closure over its children's
// closures, so running a program is a chain of direct calls with no tree walking or name lookup.
// Number operations are inlined; everything else calls into Operators.swift.

/// A compiled statement, wrapped so arrays of them keep the closure's concrete calling
/// convention (an array of bare closures stores them reabstracted, adding a thunk per call).
struct Step {
    let run: Execute
}

/// A compiled expression in an array (see `Step`): a plain local is read from its slot inline
/// and a constant is returned inline, anything else runs its closure (one fewer closure call per
/// argument, operand or index that is a name or a literal). Plain fields rather than an enum:
/// taking a closure out of an enum payload retains its context on every call.
struct Operand {
    /// The stack slot of a plain local, else -1 (an unassigned slot falls back to `code`, which
    /// reports it).
    let slot: Int
    /// The value of a constant.
    let constant: Value?
    /// The general code (also for the two cases above).
    let code: Evaluate

    init(run: @escaping Evaluate) {
        slot = -1
        constant = nil
        code = run
    }

    init(slot: Int, constant: Value?, code: @escaping Evaluate) {
        self.slot = slot
        self.constant = constant
        self.code = code
    }

    @inline(__always)
    func run(_ machine: Machine) throws -> Value {
        if slot >= 0 {
            let pointer = machine.stack + (machine.base + slot)
            if case .number(let number)? = pointer.pointee { return .number(number) }
            if let value = pointer.pointee { return value }
        } else if let constant {
            return constant
        }
        return try code(machine)
    }
}

/// Stores a value into a variable. The value is taken, not borrowed: the variable keeps the
/// caller's reference instead of retaining its own and the caller releasing the temporary (one
/// atomic increment and decrement saved per object stored, `node = stack.pop()`).
typealias StoreCode = (Machine, consuming Value) throws -> Void

/// A compiled variable store in an array (see `Step`).
struct Store {
    let run: StoreCode
}

/// Turns resolved statements into executable closures.
struct Compiler {
    /// Globals' names, for did-you-mean on an undefined one.
    let globals: GlobalTable

    // MARK: - Programs

    /// Compiles a top-level program; the closure returns the value of a final expression statement.
    func program(_ statements: [ResolvedStatement]) -> (Machine) throws -> Value? {
        if case .expression(let last)? = statements.last {
            let body = sequence(statements.dropLast().map { Step(run: statement($0)) })
            let value = expression(last)
            return { machine in
                _ = try body(machine)
                return try value(machine)
            }
        }
        let body = sequence(statements.map { Step(run: statement($0)) })
        return { machine in
            _ = try body(machine)
            return nil
        }
    }

    /// Runs statements in order, stopping at break/continue/return. Built as a balanced tree of
    /// pairs so no array of closures is walked at run time.
    func sequence(_ steps: [Step]) -> Execute { sequence(steps[...]) }

    func sequence(_ steps: ArraySlice<Step>) -> Execute {
        switch steps.count {
        case 0: return { _ in .normal }
        case 1: return steps[steps.startIndex].run
        case 3:
            // A common loop body; one closure rather than a pair inside a pair.
            let first = steps[steps.startIndex].run, second = steps[steps.startIndex + 1].run
            let third = steps[steps.startIndex + 2].run
            return { machine in
                var flow = try first(machine)
                guard flow == .normal else { return flow }
                flow = try second(machine)
                return flow == .normal ? try third(machine) : flow
            }
        default:
            let middle = steps.startIndex + steps.count / 2
            let first = sequence(steps[..<middle]), second = sequence(steps[middle...])
            return { machine in
                let flow = try first(machine)
                return flow == .normal ? try second(machine) : flow
            }
        }
    }

    // MARK: - Statements

    func statement(_ statement: ResolvedStatement) -> Execute {
        switch statement {
        case .expression(let expression):
            if let call = methodCallStatement(expression) { return call }
            let value = self.expression(expression)
            return { machine in
                _ = try value(machine)
                return .normal
            }
        case .assignVariable(let reference, let name, let operation, let value, let span):
            var general = assignVariable(reference, name, operation, expression(value), plainLocal(value), span)
            // `s = s + t`: a string grows in place (Compiler+Strings.swift).
            if operation == .assign, let appending = stringAppendAssignment(reference, name, value, general: general) {
                general = appending
            }
            return fusedAssignment(reference, name, operation, value, span, general: general)
        case .assignIndex(let target, let indices, let operation, let value, let span):
            let targetCode = operand(target), indexCode = self.indices(indices), valueCode = operand(value)
            let arithmetic = operation.binary
            if indices.count == 1, case .value(let single) = indices[0] {
                // `xs[i] = v`, `d[k] += 1`: lists and dicts are read and written without an
                // IndexArgument array; anything else (and every error) takes the general path.
                let positionCode = operand(single)
                let general: Execute = { machine in
                    let object = try targetCode.run(machine)
                    let position = try positionCode.run(machine)
                    var newValue = try valueCode.run(machine)
                    if let arithmetic {
                        // `counts[w] += 1`: one lookup of the key, not one to read and one to write.
                        if case .dict(let dict) = object, case .string(let key) = position,
                           let entry = dict.entryPosition(forKey: key) {
                            dict.replaceValue(at: entry, with: try Compiler.combine(machine, arithmetic, dict.value(at: entry), newValue, span))
                            return .normal
                        }
                        let current = try Machine.quickIndexGet(object, position)
                            ?? machine.indexGet(object, [.value(position)], span)
                        newValue = try Compiler.combine(machine, arithmetic, current, newValue, span)
                    }
                    if !Machine.quickIndexSet(object, position, newValue) {
                        try machine.indexSet(object, [.value(position)], newValue, span)
                    }
                    return .normal
                }
                guard targetCode.slot >= 0 else { return general }
                // A plain local's list is read and written where it lies (`quickIndexSet(at:)`);
                // an unassigned slot takes the general path, which reports it first.
                let slot = targetCode.slot
                if arithmetic == nil {
                    // `xs[i] = v` in a closure of its own: small enough for the list's write
                    // (`quickIndexSet(at:)`) to be inlined, with `v` handed to it without a copy.
                    return { machine in
                        let target = machine.stack + (machine.base + slot)
                        guard target.pointee != nil else { return try general(machine) }
                        let position = try positionCode.run(machine)
                        let newValue = try valueCode.run(machine)
                        if !Machine.quickIndexSet(at: target, position, newValue) {
                            try machine.indexSet(try targetCode.run(machine), [.value(position)], newValue, span)
                        }
                        return .normal
                    }
                }
                return { machine in
                    let target = machine.stack + (machine.base + slot)
                    guard target.pointee != nil else { return try general(machine) }
                    let position = try positionCode.run(machine)
                    var newValue = try valueCode.run(machine)
                    if let arithmetic {
                        // `counts[w] += 1`: a number entry of a plain local's dict, updated where it
                        // lies (the dict borrowed: nothing evaluated after this point runs Seek code).
                        if case .string(let key) = position, case .number(let b) = newValue,
                           let dict = Machine.borrowedDict(at: target),
                           dict._withUnsafeGuaranteedRef({ $0.updateNumber(forKey: key) { NumberCode.arithmetic(arithmetic, $0, b) } }) {
                            return .normal
                        }
                        if case .dict(let dict)? = target.pointee, case .string(let key) = position,
                           let entry = dict.entryPosition(forKey: key) {
                            dict.replaceValue(at: entry, with: try Compiler.combine(machine, arithmetic, dict.value(at: entry), newValue, span))
                            return .normal
                        }
                        let current = try Machine.quickIndexGet(at: target, position)
                            ?? machine.indexGet(try targetCode.run(machine), [.value(position)], span)
                        newValue = try Compiler.combine(machine, arithmetic, current, newValue, span)
                    }
                    if !Machine.quickIndexSet(at: target, position, newValue) {
                        try machine.indexSet(try targetCode.run(machine), [.value(position)], newValue, span)
                    }
                    return .normal
                }
            }
            return { machine in
                let object = try targetCode.run(machine)
                let index = try indexCode(machine)
                var newValue = try valueCode.run(machine)
                if let arithmetic {
                    newValue = try machine.binary(arithmetic, try machine.indexGet(object, index, span), newValue, span)
                }
                try machine.indexSet(object, index, newValue, span)
                return .normal
            }
        case .assignMember(let target, let name, let operation, let value, let span):
            let targetCode = expression(target), valueCode = expression(value)
            let arithmetic = operation.binary
            return { machine in
                let object = try targetCode(machine)
                var newValue = try valueCode(machine)
                if let arithmetic {
                    newValue = try machine.binary(arithmetic, try machine.memberGet(object, name, span), newValue, span)
                }
                try machine.memberSet(object, name, newValue, span)
                return .normal
            }
        case .unpack(let variables, let value, let span):
            let valueCode = expression(value), assign = unpacker(variables, span)
            return { machine in
                try assign(machine, try valueCode(machine))
                return .normal
            }
        case .ifStatement(let condition, let thenBranch, let elseBranch, let span):
            // A fused comparison is tested inline by the statement's closure (`FusedTest`).
            if let fused = fusedCondition(condition) { return ifStatement(fused, thenBranch, elseBranch) }
            return ifStatement(self.condition(condition, span), thenBranch, elseBranch)
        case .whileLoop(let condition, let body, let span):
            if let fused = fusedCondition(condition) { return whileLoop(fused, body, span) }
            return whileLoop(self.condition(condition, span), body, span)
        case .forLoop(let variables, let sequence, let body, let span):
            return forLoop(variables, sequence, self.sequence(body.map { Step(run: self.statement($0)) }), span)
        case .returnStatement(let value):
            guard let value else {
                return { machine in
                    machine.returnValue = .null
                    return .returned
                }
            }
            let valueCode = expression(value)
            return { machine in
                machine.returnValue = try valueCode(machine)
                return .returned
            }
        case .breakStatement: return { _ in .breakLoop }
        case .continueStatement: return { _ in .continueLoop }
        }
    }

    /// `if test { then } else { otherwise }` with the test a closure. (The same shape as the
    /// generic version below, written out: a closure made in a generic specialisation gets a
    /// forwarding thunk of its own, ten instructions more per run.)
    private func ifStatement(_ test: @escaping (Machine) throws -> Bool, _ thenBranch: [ResolvedStatement],
                             _ elseBranch: [ResolvedStatement]) -> Execute {
        if elseBranch.isEmpty, thenBranch.count == 1, case .returnStatement(let value?) = thenBranch[0] {
            let result = expression(value)
            return { machine in
                guard try test(machine) else { return .normal }
                machine.returnValue = try result(machine)
                return .returned
            }
        }
        let thenCode = sequence(thenBranch.map { Step(run: self.statement($0)) })
        if elseBranch.isEmpty { return { machine in try test(machine) ? try thenCode(machine) : .normal } }
        let elseCode = sequence(elseBranch.map { Step(run: self.statement($0)) })
        return { machine in try test(machine) ? try thenCode(machine) : try elseCode(machine) }
    }

    /// `while test { body }` with the test a closure (see `ifStatement`).
    private func whileLoop(_ test: @escaping (Machine) throws -> Bool, _ body: [ResolvedStatement], _ span: SourceSpan) -> Execute {
        let bodyCode = sequence(body.map { Step(run: self.statement($0)) })
        return { machine in
            while try test(machine) {
                try machine.checkInterrupt(span)
                switch try bodyCode(machine) {
                case .breakLoop: return .normal
                case .returned: return .returned
                case .normal, .continueLoop: break
                }
            }
            return .normal
        }
    }

    /// `if test { then } else { otherwise }` with a fused test, answered inline.
    private func ifStatement(_ test: FusedTest, _ thenBranch: [ResolvedStatement],
                             _ elseBranch: [ResolvedStatement]) -> Execute {
        // `if c { return e }`, the base case of every recursion: one closure.
        if elseBranch.isEmpty, thenBranch.count == 1, case .returnStatement(let value?) = thenBranch[0] {
            let result = expression(value)
            return { machine in
                guard try test.run(machine) else { return .normal }
                machine.returnValue = try result(machine)
                return .returned
            }
        }
        let thenCode = sequence(thenBranch.map { Step(run: self.statement($0)) })
        // Without an else, a false condition costs no closure call.
        if elseBranch.isEmpty { return { machine in try test.run(machine) ? try thenCode(machine) : .normal } }
        let elseCode = sequence(elseBranch.map { Step(run: self.statement($0)) })
        return { machine in try test.run(machine) ? try thenCode(machine) : try elseCode(machine) }
    }

    /// `while test { body }` with a fused test, answered inline.
    private func whileLoop(_ test: FusedTest, _ body: [ResolvedStatement], _ span: SourceSpan) -> Execute {
        let bodyCode = sequence(body.map { Step(run: self.statement($0)) })
        return { machine in
            while try test.run(machine) {
                try machine.checkInterrupt(span)
                switch try bodyCode(machine) {
                case .breakLoop: return .normal
                case .returned: return .returned
                case .normal, .continueLoop: break
                }
            }
            return .normal
        }
    }

    /// `current op value` for a compound assignment, numbers inline.
    @inline(__always)
    static func combine(_ machine: Machine, _ arithmetic: BinaryOperator, _ current: Value, _ value: Value,
                        _ span: SourceSpan) throws -> Value {
        if case .number(let a) = current, case .number(let b) = value, arithmetic != .divide {
            return try Machine.arithmetic(arithmetic, a, b, span)
        }
        return try machine.binary(arithmetic, current, value, span)
    }

    /// `name = value` or `name op= value`; `valueLocal` is the value when it is a plain local.
    func assignVariable(_ reference: VariableReference, _ name: String, _ operation: AssignmentOperator,
                        _ value: @escaping Evaluate, _ valueLocal: PlainLocal?, _ span: SourceSpan) -> Execute {
        let store = self.store(reference, name)
        guard let arithmetic = operation.binary else {
            return { machine in
                try store(machine, try value(machine))
                return .normal
            }
        }
        let load = self.load(reference, name, span)
        // `s += x` on numbers is the innermost statement of most loops: keep it to one inline add.
        if case .global(let index) = reference, arithmetic == .add {
            return { machine in
                let increment = try value(machine)
                if case .number(let current)? = machine.globals[index], case .number(let step) = increment {
                    machine.globals[index] = .number(current + step)
                } else if case .string(let piece) = increment, AppendTarget.append(piece, to: machine.globals + index) {
                    // `s += t` on strings: in place (Compiler+Strings.swift).
                } else {
                    try store(machine, try machine.binary(.add, try load(machine), increment, span))
                }
                return .normal
            }
        }
        if case .local(let local) = reference, !local.isCaptured {
            let slot = local.slot
            // Numbers are read straight out of the slot(s); copying the slot's `Value?` out and
            // back goes through the generic (outlined) copy and destroy.
            let update: Execute = { machine in
                let operand = try value(machine)
                let pointer = machine.stack + (machine.base + slot)
                if case .number(let a)? = pointer.pointee, case .number(let b) = operand, arithmetic != .divide {
                    pointer.pointee = try Machine.arithmetic(arithmetic, a, b, span)
                    return .normal
                }
                if arithmetic == .add, case .string(let piece) = operand, AppendTarget.append(piece, to: pointer) { return .normal }
                guard let current = pointer.pointee else { throw RuntimeError.unassignedLocal(name, span) }
                pointer.pointee = try machine.binary(arithmetic, current, operand, span)
                return .normal
            }
            guard let valueLocal else { return update }
            // `s += x` with both locals numbers: no closure call for `x`; anything else, `update`.
            let valueSlot = valueLocal.slot
            return { machine in
                let pointer = machine.stack + (machine.base + slot)
                if case .number(let a)? = pointer.pointee, case .number(let b)? = (machine.stack + (machine.base + valueSlot)).pointee,
                   arithmetic != .divide {
                    pointer.pointee = try Machine.arithmetic(arithmetic, a, b, span)
                    return .normal
                }
                return try update(machine)
            }
        }
        return { machine in
            let current = try load(machine)
            let operand = try value(machine)
            if case .number(let a) = current, case .number(let b) = operand, arithmetic != .divide {
                try store(machine, try Machine.arithmetic(arithmetic, a, b, span))
            } else {
                try store(machine, try machine.binary(arithmetic, current, operand, span))
            }
            return .normal
        }
    }

    /// Assigns the elements of a list (or a native object's elements) to several variables:
    /// `a, b = xs` and `for k, v in items(d)`.
    func unpacker(_ variables: [(VariableReference, String)], _ span: SourceSpan) -> StoreCode {
        let stores = variables.map { Store(run: store($0.0, $0.1)) }
        return { machine, value in
            let parts: [Value]
            switch value {
            case .list(let list):
                // Read in place (a copy of the elements costs an array per unpacking); storing
                // into the variables runs no Seek code, so the list cannot change meanwhile.
                guard list.count == stores.count else {
                    throw RuntimeError.unpackCount(expected: stores.count, got: list.count, span)
                }
                for (index, store) in stores.enumerated() { try store.run(machine, list.element(at: index) ?? .null) }
                return
            case .object(let object): parts = try machine.runNative(span) { try object.iterationElements() }
            default: throw RuntimeError.cannotUnpack(expected: stores.count, got: value.typeAndValue, span)
            }
            guard parts.count == stores.count else {
                throw RuntimeError.unpackCount(expected: stores.count, got: parts.count, span)
            }
            for (store, part) in zip(stores, parts) { try store.run(machine, part) }
        }
    }

    // MARK: - Variables

    func load(_ reference: VariableReference, _ name: String, _ span: SourceSpan) -> Evaluate {
        switch reference {
        case .global(let index):
            let globals = self.globals
            return { machine in
                let pointer = machine.globals + index
                if case .number(let number)? = pointer.pointee { return .number(number) }
                guard let value = pointer.pointee else {
                    let defined = globals.names.indices.filter { $0 < machine.globalCount && machine.globals[$0] != nil }
                    throw RuntimeError.undefinedVariable(name, suggestion: nearestName(to: name, in: defined.map { globals.names[$0] }), span)
                }
                return value
            }
        case .local(let local) where local.isCaptured:
            let cell = local.cellIndex
            return { machine in
                guard let value = machine.cell(cell).value else { throw RuntimeError.unassignedLocal(name, span) }
                return value
            }
        case .local(let local):
            let slot = local.slot
            return { machine in
                let pointer = machine.stack + (machine.base + slot)
                // Numbers are read straight out of the slot, skipping the generic (outlined) copy.
                if case .number(let number)? = pointer.pointee { return .number(number) }
                guard let value = pointer.pointee else { throw RuntimeError.unassignedLocal(name, span) }
                return value
            }
        case .upvalue(let index):
            return { machine in
                guard let value = machine.upvalue(index).value else { throw RuntimeError.unassignedLocal(name, span) }
                return value
            }
        }
    }

    func store(_ reference: VariableReference, _ name: String) -> StoreCode {
        switch reference {
        case .global(let index): return { machine, value in machine.storeGlobal(value, at: index) }
        case .local(let local) where local.isCaptured:
            let cell = local.cellIndex
            return { machine, value in machine.cell(cell).value = value }
        case .local(let local):
            let slot = local.slot
            return { machine, value in machine.stack[machine.base + slot] = value }
        case .upvalue(let index): return { machine, value in machine.upvalue(index).value = value }
        }
    }

}
