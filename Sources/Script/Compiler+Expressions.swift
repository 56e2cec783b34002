// Compiling expressions: conditions, operators with their number fast paths, indexing.

extension Compiler {
    // MARK: - Expressions

    /// A boolean test; anything but a boolean is an error ("conditions must be booleans").
    /// Comparisons and `and`/`or`/`not` produce the Bool directly, without boxing a Value.
    func condition(_ expression: ResolvedExpression, _ fallback: SourceSpan) -> (Machine) throws -> Bool {
        switch expression {
        case .binary(let operation, let leftExpression, let rightExpression, let span) where operation.isComparison:
            let general = unfusedComparison(operation, leftExpression, rightExpression, span)
            // `i * i < n`, `xs[j] > x`, `n % 2 == 0`: one fused evaluation; anything else runs `general`.
            guard let fused = numberCode(operation, leftExpression, rightExpression, minimumWork: 1) else { return general }
            return { machine in
                if let outcome = fused.test(machine) { return outcome }
                return try general(machine)
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

    /// The condition of an `if` or a `while` as a fused comparison, when it fuses: from one
    /// operation (`n % 2 == 0`), or none when one side is a number constant (`while n != 1`:
    /// tested inline rather than by the comparison's closure; two plain locals, `x < pivot`,
    /// keep their closure, which reads both slots with no dispatch on the operands' kinds).
    func fusedCondition(_ expression: ResolvedExpression) -> FusedTest? {
        guard case .binary(let operation, let leftExpression, let rightExpression, let span) = expression,
              operation.isComparison else { return nil }
        let againstConstant = [leftExpression, rightExpression].contains { if case .constant(.number) = $0 { true } else { false } }
        guard let fused = numberCode(operation, leftExpression, rightExpression, minimumWork: againstConstant ? 0 : 1) else {
            return nil
        }
        return FusedTest(fused: fused, general: unfusedComparison(operation, leftExpression, rightExpression, span))
    }

    /// A comparison as a condition, reading a local compared with a constant inline.
    private func unfusedComparison(_ operation: BinaryOperator, _ leftExpression: ResolvedExpression,
                                   _ rightExpression: ResolvedExpression, _ span: SourceSpan) -> (Machine) throws -> Bool {
        if case .constant(.number(let constant)) = rightExpression,
           case .variable(.local(let local), let name, let nameSpan) = leftExpression, !local.isCaptured {
            let slot = local.slot
            return { machine in
                let pointer = machine.stack + (machine.base + slot)
                if case .number(let x)? = pointer.pointee { return Machine.compare(operation, x, constant) }
                guard let value = pointer.pointee else { throw RuntimeError.unassignedLocal(name, nameSpan) }
                return try Machine.truth(try machine.binary(operation, value, .number(constant), span), span)
            }
        }
        if case .constant(.string(let constant)) = rightExpression {
            // `ch == " "`, `tag != "x"`: the constant is compared where it lies, not copied per test.
            let left = stringOperand(leftExpression)
            if let byte = StringBytes.singleByte(constant), operation == .equal || operation == .notEqual {
                // Two one-byte (ASCII) strings are equal when their bytes are. Anything longer
                // goes through `==`: "\u{212A}" (Kelvin sign) is canonically equal to "K".
                let equal = operation == .equal
                return { machine in
                    let a = try left.run(machine)
                    if case .string(let x) = a {
                        if let other = StringBytes.singleByte(x) { return (other == byte) == equal }
                        return Machine.compare(operation, x, constant)
                    }
                    return try Machine.truth(try machine.binary(operation, a, .string(constant), span), span)
                }
            }
            return { machine in
                let a = try left.run(machine)
                if case .string(let x) = a { return Machine.compare(operation, x, constant) }
                return try Machine.truth(try machine.binary(operation, a, .string(constant), span), span)
            }
        }
        let left = operand(leftExpression), right = operand(rightExpression)
        let general: (Machine) throws -> Bool = { machine in
            let a = try left.run(machine), b = try right.run(machine)
            if case .number(let x) = a, case .number(let y) = b { return Machine.compare(operation, x, y) }
            // `ch == " "`, `tag != ""`: two strings, without a `.bool` to build and test.
            if case .string(let x) = a, case .string(let y) = b { return Machine.compare(operation, x, y) }
            return try Machine.truth(try machine.binary(operation, a, b, span), span)
        }
        // `i < n`, `x < pivot`: two numbers read straight from their slots.
        guard left.slot >= 0, right.slot >= 0 else { return general }
        let leftSlot = left.slot, rightSlot = right.slot
        return { machine in
            let frame = machine.stack + machine.base
            if case .number(let x)? = frame[leftSlot], case .number(let y)? = frame[rightSlot] {
                return Machine.compare(operation, x, y)
            }
            return try general(machine)
        }
    }

    func expression(_ expression: ResolvedExpression) -> Evaluate {
        switch expression {
        case .constant(let value): return { _ in value }
        case .interpolation(let parts): return interpolation(parts)
        case .variable(let reference, let name, let span): return load(reference, name, span)
        case .list(let elements):
            let codes = elements.map(operand)
            return { machine in
                // Built in place: the list is not visible to Seek code until it is returned.
                let list = ListObject(capacity: codes.count)
                for code in codes { list.append(try code.run(machine)) }
                return .list(list)
            }
        case .dict(let entries, let span):
            return dictLiteral(entries, span)   // Compiler+Objects.swift
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
        case .membership(let element, .constant(.string(let text)), let span):
            // `ch in "aeiou"`: as `Machine.contains` on a string, the constant searched where it lies.
            let elementCode = stringOperand(element), searched = StringBytes.ConstantText(text)
            return { machine in
                let value = try elementCode.run(machine)
                if case .string(let part) = value { return .bool(part.isEmpty || searched.contains(part)) }
                return .bool(try machine.contains(.string(text), value, span))
            }
        case .membership(let element, let container, let span):
            let elementCode = self.expression(element), containerCode = self.expression(container)
            return { machine in
                let value = try elementCode(machine)
                return .bool(try machine.contains(try containerCode(machine), value, span))
            }
        case .call(.member(let target, let name, let memberSpan), let positional, let named, let span) where named.isEmpty:
            return methodCall(self.expression(target), name, positional.map(operand),
                              receiverLocal: plainLocal(target), receiverGlobal: borrowableGlobal(target, whileRunning: positional),
                              receiverConstant: constantValue(target),
                              argumentLocal: positional.first.flatMap(plainLocal),
                              stringArgument: positional.count == 1 ? stringOperand(positional[0]) : nil,
                              memberSpan: memberSpan, span)
        case .call(let callee, let positional, let named, let span):
            return call(self.callee(callee), positional.map(operand), named.map { ($0.0, operand($0.1)) }, span)
        case .member(let target, let name, let span):
            let code = self.expression(target)
            return { machine in try machine.memberGet(try code(machine), name, span) }
        case .index(let target, let indices, let span):
            let positions = indices.flatMap { index -> [ResolvedExpression] in
                switch index {
                case .value(let value): return [value]
                case .slice(let lower, let upper, _): return [lower, upper].compactMap { $0 }
                }
            }
            return index(operand(target), indices, span, global: borrowableGlobal(target, whileRunning: positions))
        case .function(let function):
            let prototype = self.prototype(function)
            return { machine in .function(machine.makeClosure(prototype)) }
        }
    }

    /// The value of a constant expression, else nil.
    func constantValue(_ expression: ResolvedExpression) -> Value? {
        if case .constant(let value) = expression { return value }
        return nil
    }

    /// Binary operators, specialised on operand shape (a number constant or a plain local on
    /// either side is read inline) so `n < 2` or `n - 1` is one closure, not three.
    func binary(_ operation: BinaryOperator, _ leftExpression: ResolvedExpression,
                _ rightExpression: ResolvedExpression, _ span: SourceSpan) -> Evaluate {
        // (Not `concatenation(…) ?? unfusedBinary(…)`: a closure passed through an Optional comes
        // back wrapped in reabstraction thunks, two calls more per run of `fib(n - 1) + fib(n - 2)`.)
        let general = isConcatenationChain(operation, leftExpression)
            ? concatenation(leftExpression, rightExpression, span)
            : unfusedBinary(operation, leftExpression, rightExpression, span)
        // `3 * n + 1`, `xs[k] + ys[k]`: one fused evaluation (Compiler+Numbers.swift).
        guard let fused = numberCode(operation, leftExpression, rightExpression) else { return general }
        if fused.isComparison {
            return { machine in
                if let outcome = fused.test(machine) { return .bool(outcome) }
                return try general(machine)
            }
        }
        return { machine in
            if let number = fused.evaluate(machine) { return .number(number) }
            return try general(machine)
        }
    }

    private func unfusedBinary(_ operation: BinaryOperator, _ leftExpression: ResolvedExpression,
                               _ rightExpression: ResolvedExpression, _ span: SourceSpan) -> Evaluate {
        if case .constant(.number(let constant)) = rightExpression {
            if case .variable(.local(let local), let name, let nameSpan) = leftExpression, !local.isCaptured {
                let slot = local.slot
                return { machine in
                    let pointer = machine.stack + (machine.base + slot)
                    if case .number(let x)? = pointer.pointee { return try Machine.arithmetic(operation, x, constant, span) }
                    guard let value = pointer.pointee else { throw RuntimeError.unassignedLocal(name, nameSpan) }
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
            // One object for the context (see `LocalArithmeticCall`): `fib(n - 1) + fib(n - 2)`.
            // (A constant on the left, `0.5 * x`, is read inline by the operand.)
            let site = BinarySite(operation: operation, left: operand(leftExpression),
                                  right: operand(rightExpression), span: span)
            return { machine in try site.run(machine) }
        }
    }

    /// `target[indices]`; `global`: the target is that global, borrowable while the positions run.
    func index(_ target: Operand, _ indices: [ResolvedIndex], _ span: SourceSpan, global: Int? = nil) -> Evaluate {
        if indices.count == 1, case .value(let single) = indices[0] {
            // xs[i], d[k], s[i] that exist: no IndexArgument array.
            let indexCode = operand(single)
            if case .constant(.string(let key)) = single { return constantKeyIndex(target, key, span, global: global) }   // Compiler+Objects.swift
            if target.slot >= 0 {
                // A plain local's list is read where it lies (`Machine.quickIndexGet(at:)`); an
                // unassigned slot takes the general path, which reports it before the position runs.
                let slot = target.slot
                return { machine in
                    if (machine.stack + (machine.base + slot)).pointee != nil {
                        let position = try indexCode.run(machine)
                        if let value = Machine.quickIndexGet(at: machine.stack + (machine.base + slot), position) {
                            return value
                        }
                        return try machine.indexGet(try target.run(machine), [.value(position)], span)
                    }
                    return try machine.indexGet(try target.run(machine), [.value(try indexCode.run(machine))], span)
                }
            }
            if let global {
                // A global likewise, when the position runs no Seek code (`vocab[i % n]` at the
                // top level): nothing can rebind it meanwhile (`borrowableGlobal`).
                return { machine in
                    if machine.globals[global] != nil {
                        let position = try indexCode.run(machine)
                        if let value = Machine.quickIndexGet(at: machine.globals + global, position) { return value }
                        return try machine.indexGet(try target.run(machine), [.value(position)], span)
                    }
                    return try machine.indexGet(try target.run(machine), [.value(try indexCode.run(machine))], span)
                }
            }
            return { machine in
                let object = try target.run(machine)
                let position = try indexCode.run(machine)
                if let value = Machine.quickIndexGet(object, position) { return value }
                return try machine.indexGet(object, [.value(position)], span)
            }
        }
        let indexCode = self.indices(indices)
        return { machine in try machine.indexGet(try target.run(machine), try indexCode(machine), span) }
    }

    func indices(_ indices: [ResolvedIndex]) -> (Machine) throws -> [IndexArgument] {
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
    func bound(_ expression: ResolvedExpression, _ span: SourceSpan) -> (Machine) throws -> Int {
        let code = self.expression(expression)
        return { machine in
            let value = try code(machine)
            guard case .number(let number) = value, let integer = Int(exactly: number) else {
                throw RuntimeError.invalidIndex("slice bounds must be whole numbers, got \(value.typeAndValue)", span)
            }
            return integer
        }
    }
}

/// A fused comparison (`n % 2 == 0`, `xs[j] > x`) answered inline by a direct call; `general`
/// (the comparison's unfused code) runs whenever the fused test declines.
struct FusedTest {
    let fused: NumberCode
    let general: (Machine) throws -> Bool

    @inline(__always)
    func run(_ machine: Machine) throws -> Bool {
        if let outcome = fused.test(machine) { return outcome }
        return try general(machine)
    }
}
