// Compiler: resolved form -> Swift closures. Each node becomes a closure over its children's
// closures, so running a program is a chain of direct calls with no tree walking or name lookup.
// Number operations are inlined; everything else calls into Operators.swift.

/// A compiled statement, wrapped so arrays of them keep the closure's concrete calling
/// convention (an array of bare closures stores them reabstracted, adding a thunk per call).
struct Step {
    let run: Execute
}

/// A compiled expression in an array (see `Step`).
struct Operand {
    let run: Evaluate
}

/// A compiled variable store in an array (see `Step`).
struct Store {
    let run: (Machine, Value) throws -> Void
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
    private func sequence(_ steps: [Step]) -> Execute { sequence(steps[...]) }

    private func sequence(_ steps: ArraySlice<Step>) -> Execute {
        switch steps.count {
        case 0: return { _ in .normal }
        case 1: return steps[steps.startIndex].run
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

    private func statement(_ statement: ResolvedStatement) -> Execute {
        switch statement {
        case .expression(let expression):
            let value = self.expression(expression)
            return { machine in
                _ = try value(machine)
                return .normal
            }
        case .assignVariable(let reference, let name, let operation, let value, let span):
            return assignVariable(reference, name, operation, expression(value), span)
        case .assignIndex(let target, let indices, let operation, let value, let span):
            let targetCode = expression(target), indexCode = self.indices(indices), valueCode = expression(value)
            let arithmetic = operation.binary
            return { machine in
                let object = try targetCode(machine)
                let index = try indexCode(machine)
                var newValue = try valueCode(machine)
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
        case .ifStatement(let condition, let thenBranch, let elseBranch, let span):
            let test = self.condition(condition, span)
            // `if c { return e }`, the base case of every recursion: one closure.
            if elseBranch.isEmpty, thenBranch.count == 1, case .returnStatement(let value?) = thenBranch[0] {
                let result = expression(value)
                return { machine in
                    guard try test(machine) else { return .normal }
                    machine.returnValue = try result(machine)
                    return .returned
                }
            }
            let thenCode = sequence(thenBranch.map { Step(run: self.statement($0)) })
            let elseCode = sequence(elseBranch.map { Step(run: self.statement($0)) })
            return { machine in try test(machine) ? try thenCode(machine) : try elseCode(machine) }
        case .whileLoop(let condition, let body, let span):
            let test = self.condition(condition, span)
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
        case .forLoop(let variables, let sequence, let body, let span):
            return forLoop(variables, expression(sequence), self.sequence(body.map { Step(run: self.statement($0)) }), span)
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

    private func assignVariable(_ reference: VariableReference, _ name: String, _ operation: AssignmentOperator,
                                _ value: @escaping Evaluate, _ span: SourceSpan) -> Execute {
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
                } else {
                    try store(machine, try machine.binary(.add, try load(machine), increment, span))
                }
                return .normal
            }
        }
        if case .local(let local) = reference, !local.isCaptured {
            let slot = local.slot
            return { machine in
                let operand = try value(machine)
                guard let current = machine.stack[machine.base + slot] else { throw RuntimeError.unassignedLocal(name, span) }
                if case .number(let a) = current, case .number(let b) = operand, arithmetic != .divide {
                    machine.stack[machine.base + slot] = try Machine.arithmetic(arithmetic, a, b, span)
                } else {
                    machine.stack[machine.base + slot] = try machine.binary(arithmetic, current, operand, span)
                }
                return .normal
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

    private func forLoop(_ variables: [(VariableReference, String)], _ sequence: @escaping Evaluate,
                         _ body: @escaping Execute, _ span: SourceSpan) -> Execute {
        let stores = variables.map { Store(run: store($0.0, $0.1)) }
        let assign: (Machine, Value) throws -> Void
        if variables.count == 1 {
            assign = store(variables[0].0, variables[0].1)
        } else {
            assign = { machine, element in
                let parts: [Value]
                switch element {
                case .list(let list): parts = list.elements
                case .object(let object): parts = try machine.runNative(span) { try object.iterationElements() }
                default: parts = []
                }
                guard parts.count == stores.count else {
                    throw RuntimeError.cannotUnpack(expected: stores.count, got: element.typeAndValue, span)
                }
                for (store, part) in zip(stores, parts) { try store.run(machine, part) }
            }
        }
        return { machine in
            let iterable = try sequence(machine)
            if case .range(let range) = iterable {
                // Ranges count without building a list.
                let count = range.count
                var index = 0
                while index < count {
                    try machine.checkInterrupt(span)
                    try assign(machine, .number(range.value(at: index)))
                    switch try body(machine) {
                    case .breakLoop: return .normal
                    case .returned: return .returned
                    case .normal, .continueLoop: break
                    }
                    index += 1
                }
                return .normal
            }
            for element in try machine.elements(of: iterable, span) {
                try machine.checkInterrupt(span)
                try assign(machine, element)
                switch try body(machine) {
                case .breakLoop: return .normal
                case .returned: return .returned
                case .normal, .continueLoop: break
                }
            }
            return .normal
        }
    }

    // MARK: - Variables

    private func load(_ reference: VariableReference, _ name: String, _ span: SourceSpan) -> Evaluate {
        switch reference {
        case .global(let index):
            let globals = self.globals
            return { machine in
                guard let value = machine.globals[index] else {
                    let defined = globals.names.indices.filter { machine.globals[$0] != nil }.map { globals.names[$0] }
                    throw RuntimeError.undefinedVariable(name, suggestion: nearestName(to: name, in: defined), span)
                }
                return value
            }
        case .local(let local) where local.isCaptured:
            let cell = local.cellIndex
            return { machine in
                guard let value = machine.cells[cell].value else { throw RuntimeError.unassignedLocal(name, span) }
                return value
            }
        case .local(let local):
            let slot = local.slot
            return { machine in
                guard let value = machine.stack[machine.base + slot] else {
                    throw RuntimeError.unassignedLocal(name, span)
                }
                return value
            }
        case .upvalue(let index):
            return { machine in
                guard let value = machine.upvalues[index].value else { throw RuntimeError.unassignedLocal(name, span) }
                return value
            }
        }
    }

    private func store(_ reference: VariableReference, _ name: String) -> (Machine, Value) throws -> Void {
        switch reference {
        case .global(let index): return { machine, value in machine.globals[index] = value }
        case .local(let local) where local.isCaptured:
            let cell = local.cellIndex
            return { machine, value in machine.cells[cell].value = value }
        case .local(let local):
            let slot = local.slot
            return { machine, value in machine.stack[machine.base + slot] = value }
        case .upvalue(let index): return { machine, value in machine.upvalues[index].value = value }
        }
    }

    // MARK: - Expressions

    /// A boolean test; anything but a boolean is an error ("conditions must be booleans").
    /// Comparisons and `and`/`or`/`not` produce the Bool directly, without boxing a Value.
    private func condition(_ expression: ResolvedExpression, _ fallback: SourceSpan) -> (Machine) throws -> Bool {
        switch expression {
        case .binary(let operation, let leftExpression, let rightExpression, let span) where operation.isComparison:
            if case .constant(.number(let constant)) = rightExpression,
               case .variable(.local(let local), let name, let nameSpan) = leftExpression, !local.isCaptured {
                let slot = local.slot
                return { machine in
                    guard let value = machine.stack[machine.base + slot] else {
                        throw RuntimeError.unassignedLocal(name, nameSpan)
                    }
                    if case .number(let x) = value { return Machine.compare(operation, x, constant) }
                    return try Machine.truth(try machine.binary(operation, value, .number(constant), span), span)
                }
            }
            let left = self.expression(leftExpression), right = self.expression(rightExpression)
            return { machine in
                let a = try left(machine), b = try right(machine)
                if case .number(let x) = a, case .number(let y) = b { return Machine.compare(operation, x, y) }
                return try Machine.truth(try machine.binary(operation, a, b, span), span)
            }
        case .logical(.and, let left, let right, let span):
            let first = condition(left, span), second = condition(right, span)
            return { machine in try first(machine) && second(machine) }
        case .logical(.or, let left, let right, let span):
            let first = condition(left, span), second = condition(right, span)
            return { machine in try first(machine) || second(machine) }
        default:
            let value = self.expression(expression)
            let span = expression.span ?? fallback
            return { machine in try Machine.truth(try value(machine), span) }
        }
    }

    private func expression(_ expression: ResolvedExpression) -> Evaluate {
        switch expression {
        case .constant(let value): return { _ in value }
        case .interpolation(let parts):
            let codes = parts.map { Operand(run: self.expression($0)) }
            return { machine in
                var text = ""
                for code in codes { text += try code.run(machine).description }
                return .string(text)
            }
        case .variable(let reference, let name, let span): return load(reference, name, span)
        case .list(let elements):
            let codes = elements.map { Operand(run: self.expression($0)) }
            return { machine in
                var values: [Value] = []
                values.reserveCapacity(codes.count)
                for code in codes { values.append(try code.run(machine)) }
                return .list(ListObject(values))
            }
        case .dict(let entries, let span):
            let codes = entries.map { (Operand(run: self.expression($0.0)), Operand(run: self.expression($0.1))) }
            return { machine in
                let dict = DictObject()
                for (keyCode, valueCode) in codes {
                    let key = try keyCode.run(machine)
                    guard case .string(let text) = key else {
                        throw RuntimeError.invalidIndex("dict keys are strings, got \(key.typeAndValue)", span)
                    }
                    dict[text] = try valueCode.run(machine)
                }
                return .dict(dict)
            }
        case .unary(.negate, let operand, let span):
            let code = self.expression(operand)
            return { machine in
                let value = try code(machine)
                if case .number(let number) = value { return .number(-number) }
                return try machine.negate(value, span)
            }
        case .unary(.not, let operand, let span):
            let code = self.expression(operand)
            return { machine in
                let value = try code(machine)
                guard case .bool(let flag) = value else {
                    throw RuntimeError.unsupportedOperand(operator: "not", operand: value.typeAndValue
                        + " (conditions must be booleans)", span)
                }
                return .bool(!flag)
            }
        case .binary(let operation, let left, let right, let span):
            return binary(operation, left, right, span)
        case .logical(let operation, let left, let right, let span):
            let test = condition(.logical(operation, left, right, span), span)
            return { machine in .bool(try test(machine)) }
        case .call(let callee, let positional, let named, let span):
            return call(calleeLoader(callee), positional.map { Operand(run: self.expression($0)) },
                        named.map { ($0.0, Operand(run: self.expression($0.1))) }, span)
        case .member(let target, let name, let span):
            let code = self.expression(target)
            return { machine in try machine.memberGet(try code(machine), name, span) }
        case .index(let target, let indices, let span):
            return index(self.expression(target), indices, span)
        case .function(let function):
            let prototype = self.prototype(function)
            return { machine in .function(machine.makeClosure(prototype)) }
        }
    }

    /// Binary operators, specialised on operand shape (a number constant or a plain local on
    /// either side is read inline) so `n < 2` or `n - 1` is one closure, not three.
    private func binary(_ operation: BinaryOperator, _ leftExpression: ResolvedExpression,
                        _ rightExpression: ResolvedExpression, _ span: SourceSpan) -> Evaluate {
        if case .constant(.number(let constant)) = rightExpression {
            if case .variable(.local(let local), let name, let nameSpan) = leftExpression, !local.isCaptured {
                let slot = local.slot
                return { machine in
                    guard let value = machine.stack[machine.base + slot] else {
                        throw RuntimeError.unassignedLocal(name, nameSpan)
                    }
                    if case .number(let x) = value { return try Machine.arithmetic(operation, x, constant, span) }
                    return try machine.binary(operation, value, .number(constant), span)
                }
            }
            let left = expression(leftExpression)
            return { machine in
                let value = try left(machine)
                if case .number(let x) = value { return try Machine.arithmetic(operation, x, constant, span) }
                return try machine.binary(operation, value, .number(constant), span)
            }
        }
        switch (plainLocal(leftExpression), plainLocal(rightExpression)) {
        case (let leftLocal?, let rightLocal?):
            return { machine in
                let a = try Compiler.read(machine, leftLocal), b = try Compiler.read(machine, rightLocal)
                if case .number(let x) = a, case .number(let y) = b { return try Machine.arithmetic(operation, x, y, span) }
                return try machine.binary(operation, a, b, span)
            }
        case (let leftLocal?, nil):
            let right = expression(rightExpression)
            return { machine in
                let a = try Compiler.read(machine, leftLocal), b = try right(machine)
                if case .number(let x) = a, case .number(let y) = b { return try Machine.arithmetic(operation, x, y, span) }
                return try machine.binary(operation, a, b, span)
            }
        case (nil, let rightLocal?):
            let left = expression(leftExpression)
            return { machine in
                let a = try left(machine), b = try Compiler.read(machine, rightLocal)
                if case .number(let x) = a, case .number(let y) = b { return try Machine.arithmetic(operation, x, y, span) }
                return try machine.binary(operation, a, b, span)
            }
        case (nil, nil):
            let left = expression(leftExpression), right = expression(rightExpression)
            return { machine in
                let a = try left(machine), b = try right(machine)
                if case .number(let x) = a, case .number(let y) = b { return try Machine.arithmetic(operation, x, y, span) }
                return try machine.binary(operation, a, b, span)
            }
        }
    }

    /// A function local that lives in a stack slot (not captured), read inline by hot paths.
    struct PlainLocal {
        let slot: Int
        let name: String
        let span: SourceSpan
    }

    private func plainLocal(_ expression: ResolvedExpression) -> PlainLocal? {
        guard case .variable(.local(let local), let name, let span) = expression, !local.isCaptured else { return nil }
        return PlainLocal(slot: local.slot, name: name, span: span)
    }

    @inline(__always)
    static func read(_ machine: Machine, _ local: PlainLocal) throws -> Value {
        guard let value = machine.stack[machine.base + local.slot] else {
            throw RuntimeError.unassignedLocal(local.name, local.span)
        }
        return value
    }

    /// The callee of a call; a global (the usual case) is read inline rather than via a closure.
    private func calleeLoader(_ callee: ResolvedExpression) -> Evaluate {
        guard case .variable(.global(let index), let name, let span) = callee else { return expression(callee) }
        let slowPath = load(.global(index), name, span)
        return { machine in
            if let value = machine.globals[index] { return value }
            return try slowPath(machine)
        }
    }

    private func call(_ callee: @escaping Evaluate, _ positional: [Operand], _ named: [(String, Operand)],
                      _ span: SourceSpan) -> Evaluate {
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
                let function = try callee(machine)
                guard case .function(let script) = function else { return try machine.call(function, [], [], span) }
                let frame = try machine.reserveFrame(script, arguments: 0, span)
                defer { machine.releaseFrame(frame, script) }
                return try machine.enter(script, frameBase: frame, span)
            }
        case 1:
            let first = positional[0].run
            return { machine in
                let function = try callee(machine)
                guard case .function(let script) = function else {
                    return try machine.call(function, [try first(machine)], [], span)
                }
                let frame = try machine.reserveFrame(script, arguments: 1, span)
                defer { machine.releaseFrame(frame, script) }
                machine.stack[frame] = try first(machine)
                return try machine.enter(script, frameBase: frame, span)
            }
        case 2:
            let first = positional[0].run, second = positional[1].run
            return { machine in
                let function = try callee(machine)
                guard case .function(let script) = function else {
                    return try machine.call(function, [try first(machine), try second(machine)], [], span)
                }
                let frame = try machine.reserveFrame(script, arguments: 2, span)
                defer { machine.releaseFrame(frame, script) }
                machine.stack[frame] = try first(machine)
                machine.stack[frame + 1] = try second(machine)
                return try machine.enter(script, frameBase: frame, span)
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

    private func index(_ target: @escaping Evaluate, _ indices: [ResolvedIndex], _ span: SourceSpan) -> Evaluate {
        if indices.count == 1, case .value(let single) = indices[0] {
            // xs[i] with a whole number in range: no IndexArgument array.
            let indexCode = expression(single)
            return { machine in
                let object = try target(machine)
                let position = try indexCode(machine)
                if case .list(let list) = object, case .number(let number) = position, let integer = Int(exactly: number) {
                    let resolved = integer < 0 ? integer + list.elements.count : integer
                    if resolved >= 0, resolved < list.elements.count { return list.elements[resolved] }
                }
                return try machine.indexGet(object, [.value(position)], span)
            }
        }
        let indexCode = self.indices(indices)
        return { machine in try machine.indexGet(try target(machine), try indexCode(machine), span) }
    }

    private func indices(_ indices: [ResolvedIndex]) -> (Machine) throws -> [IndexArgument] {
        let codes: [(Machine) throws -> IndexArgument] = indices.map { index in
            switch index {
            case .value(let value):
                let code = expression(value)
                return { machine in .value(try code(machine)) }
            case .slice(let lower, let upper, let span):
                let lowerCode = lower.map { bound($0, span) }, upperCode = upper.map { bound($0, span) }
                return { machine in .slice(start: try lowerCode?(machine), stop: try upperCode?(machine)) }
            }
        }
        return { machine in try codes.map { try $0(machine) } }
    }

    /// A slice bound: a whole number.
    private func bound(_ expression: ResolvedExpression, _ span: SourceSpan) -> (Machine) throws -> Int {
        let code = self.expression(expression)
        return { machine in
            let value = try code(machine)
            guard case .number(let number) = value, let integer = Int(exactly: number) else {
                throw RuntimeError.invalidIndex("slice bounds must be whole numbers, got \(value.typeAndValue)", span)
            }
            return integer
        }
    }

    // MARK: - Functions

    private func prototype(_ function: ResolvedFunction) -> FunctionPrototype {
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

    /// A function body as one closure producing the return value. A final `return e` is
    /// evaluated directly rather than through the machine's return register.
    private func functionBody(_ statements: [ResolvedStatement]) -> Evaluate {
        if case .returnStatement(let value)? = statements.last {
            // Not `value.map(expression)`: a closure that passes through Optional comes back
            // wrapped in two reabstraction thunks.
            let tail: Evaluate
            if let value { tail = expression(value) } else { tail = { _ in .null } }
            if statements.count == 1 { return tail }
            let prefix = sequence(statements.dropLast().map { Step(run: statement($0)) })
            return { machine in
                try prefix(machine) == .returned ? machine.takeReturnValue() : try tail(machine)
            }
        }
        let body = sequence(statements.map { Step(run: statement($0)) })
        return { machine in try body(machine) == .returned ? machine.takeReturnValue() : .null }
    }
}
