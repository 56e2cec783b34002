// Fused number expressions: an arithmetic expression whose leaves are variables, number
// constants and elements read out of lists or dicts (`3 * n + 1`, `(lo + hi) / 2`,
// `prefix[k] + data[k]`, `self["x"] * other["x"]`, `a[i][k] * b[k][j]`) compiles to closures that produce a plain
// `Double?`: no `Value` is boxed, copied or destroyed between the operations, and locals, globals
// and constants are read inline by the operation that uses them (one closure call per operation,
// none per leaf). Such an expression has no side effects (it only reads), so when a leaf is not
// a number, an index is not a whole number in range, a key is missing, or an operation would
// fail (division by zero), the fused code answers nil and the general code runs the same
// expression again, producing the same value or reporting the same error.

import Foundation

typealias EvaluateNumber = (Machine) -> Double?

/// An operand of a fused operation: a plain local, a global or a captured variable (the frame's
/// cell or the closure's capture) read inline, a constant, a nested operation (called directly,
/// not through a closure), or the code of anything else (an element, `len`).
struct NumberOperand {
    enum Kind: UInt8 {
        case local, global, cell, upvalue, constant, nested, code
    }

    let kind: Kind
    /// The stack slot, global, cell or capture index.
    let index: Int
    let constant: Double
    let nested: NumberCode?
    let code: EvaluateNumber

    private init(kind: Kind, index: Int = 0, constant: Double = 0, nested: NumberCode? = nil,
                 code: @escaping EvaluateNumber = { _ in nil }) {
        self.kind = kind
        self.index = index
        self.constant = constant
        self.nested = nested
        self.code = code
    }

    static func local(_ slot: Int) -> NumberOperand { NumberOperand(kind: .local, index: slot) }
    static func global(_ index: Int) -> NumberOperand { NumberOperand(kind: .global, index: index) }
    static func cell(_ index: Int) -> NumberOperand { NumberOperand(kind: .cell, index: index) }
    static func upvalue(_ index: Int) -> NumberOperand { NumberOperand(kind: .upvalue, index: index) }
    static func constant(_ value: Double) -> NumberOperand { NumberOperand(kind: .constant, constant: value) }
    static func nested(_ operation: NumberCode) -> NumberOperand { NumberOperand(kind: .nested, nested: operation) }
    static func code(_ code: @escaping EvaluateNumber) -> NumberOperand { NumberOperand(kind: .code, code: code) }

    @inline(__always)
    func read(_ machine: Machine) -> Double? {
        switch kind {
        case .local:
            if case .number(let x)? = (machine.stack + (machine.base + index)).pointee { return x }
            return nil
        case .global:
            if case .number(let x)? = (machine.globals + index).pointee { return x }
            return nil
        case .cell: return machine.cell(index).number
        case .upvalue: return machine.upvalue(index).number
        case .constant: return constant
        case .nested: return nested?.evaluateNested(machine)
        case .code: return code(machine)
        }
    }
}

/// One fused binary operation (arithmetic or, at the root of a condition, a comparison), in one
/// object so a closure over it captures a single reference.
final class NumberCode {
    let operation: BinaryOperator
    let left: NumberOperand
    let right: NumberOperand

    init(operation: BinaryOperator, left: NumberOperand, right: NumberOperand) {
        self.operation = operation
        self.left = left
        self.right = right
    }

    var isComparison: Bool { operation.isComparison }

    /// The value of an arithmetic operation, or nil: run the general code.
    @inline(__always)
    func evaluate(_ machine: Machine) -> Double? {
        guard let a = left.read(machine), let b = right.read(machine) else { return nil }
        return NumberCode.arithmetic(operation, a, b)
    }

    /// `a operation b` as the general code computes it, or nil where that code reports an error
    /// (division by zero) or does not compute a number (comparisons use `test`; `@` is not fused).
    @inline(__always)
    static func arithmetic(_ operation: BinaryOperator, _ a: Double, _ b: Double) -> Double? {
        switch operation {
        case .add: return a + b
        case .subtract: return a - b
        case .multiply: return a * b
        case .divide: return b == 0 ? nil : a / b
        case .modulo: return b == 0 ? nil : Machine.flooredRemainder(a, b)
        case .power: return Foundation.pow(a, b)
        default: return nil
        }
    }

    /// `evaluate` as an operand of an enclosing operation: a direct call (its own operands read
    /// inline), where a closure per nested operation cost a context load and a thunk.
    @inline(never)
    func evaluateNested(_ machine: Machine) -> Double? { evaluate(machine) }

    /// The outcome of a comparison, or nil: run the general code.
    @inline(__always)
    func test(_ machine: Machine) -> Bool? {
        guard let a = left.read(machine), let b = right.read(machine) else { return nil }
        return Machine.compare(operation, a, b)
    }
}

/// Builds fused code from resolved expressions, counting the work it saves.
struct NumberCodeBuilder {
    /// Operations, element reads and reads of variables other than plain locals. For a value,
    /// fusing pays from two: with one, the general code's closure (reading locals and constants
    /// inline) costs as much. A condition or an assignment pays from one: fused, it neither boxes
    /// the value nor calls a closure for it (`n % 2 == 0`, `n = n / 2`, `count += 1`).
    private(set) var work = 0

    /// `expression` as an operand, or nil when it is not a side-effect-free number expression.
    mutating func operand(_ expression: ResolvedExpression) -> NumberOperand? {
        switch expression {
        case .constant(.number(let value)):
            return .constant(value)
        case .variable(let reference, _, _):
            switch reference {
            case .local(let local) where !local.isCaptured: return .local(local.slot)
            case .global(let index):
                work += 1
                return .global(index)
            case .local(let local):
                work += 1
                return .cell(local.cellIndex)
            case .upvalue(let index):
                work += 1
                return .upvalue(index)
            }
        case .index(.variable(let reference, _, _), let indices, _):
            guard indices.count == 1, case .value(let position) = indices[0] else { return nil }
            work += 1
            let read = NumberCodeBuilder.reader(reference)
            if case .constant(.string(let key)) = position {
                // `d["x"]`: a number entry of a dict, the key hashed once, here.
                let hash = DictObject.hash(key)
                return .code { machine in
                    guard case .dict(let dict)? = read(machine), case .number(let x)? = dict.value(forKey: key, hash: hash) else {
                        return nil
                    }
                    return x
                }
            }
            // `xs[i]`: a number element of a list, at a whole index in range. A list in a plain
            // local or a global is read where it lies (no copy, retain and release of it).
            guard let index = operand(position) else { return nil }
            switch reference {
            case .local(let local) where !local.isCaptured:
                let slot = local.slot
                return .code { machine in
                    guard let position = index.read(machine) else { return nil }
                    return NumberCodeBuilder.element(of: machine.stack + (machine.base + slot), at: position)
                }
            case .global(let global):
                return .code { machine in
                    guard let position = index.read(machine) else { return nil }
                    return NumberCodeBuilder.element(of: machine.globals + global, at: position)
                }
            default:
                break
            }
            return .code { machine in
                guard let position = index.read(machine), let integer = Machine.wholeNumber(position),
                      case .list(let list)? = read(machine) else { return nil }
                return list.number(at: integer)
            }
        case .index(.index(.variable(let reference, _, _), let rowIndices, _), let indices, _):
            // `m[i][j]`: a number element of a list of lists (a matrix row by row), the outer
            // list read where it lies when it is a plain local or a global.
            guard rowIndices.count == 1, case .value(let rowPosition) = rowIndices[0],
                  indices.count == 1, case .value(let position) = indices[0],
                  let row = operand(rowPosition), let column = operand(position) else { return nil }
            work += 2
            switch reference {
            case .local(let local) where !local.isCaptured:
                let slot = local.slot
                return .code { machine in
                    guard let i = row.read(machine), let j = column.read(machine) else { return nil }
                    return NumberCodeBuilder.element(of: machine.stack + (machine.base + slot), at: i, j)
                }
            case .global(let global):
                return .code { machine in
                    guard let i = row.read(machine), let j = column.read(machine) else { return nil }
                    return NumberCodeBuilder.element(of: machine.globals + global, at: i, j)
                }
            default:
                let read = NumberCodeBuilder.reader(reference)
                return .code { machine in
                    guard let i = row.read(machine), let j = column.read(machine) else { return nil }
                    var value = read(machine)
                    return NumberCodeBuilder.element(of: &value, at: i, j)
                }
            }
        case .call(.variable(.global(let callee), _, _), let arguments, let named, _)
            where arguments.count == 1 && named.isEmpty:
            // `len(xs)` of a variable: the element count read where the list, dict or string
            // lies, while the global `len` holds the standard library's (anything else, or any
            // other value, answers nil and the general call runs). Worth two: it saves a call's
            // closure, the callee lookup and the copy of the argument in and out of the native.
            guard case .variable(let reference, _, _) = arguments[0] else { return nil }
            work += 2
            switch reference {
            case .local(let local) where !local.isCaptured:
                let slot = local.slot
                return .code { machine in
                    guard NumberCodeBuilder.isLength(machine.globals + callee) else { return nil }
                    return NumberCodeBuilder.length(of: machine.stack + (machine.base + slot))
                }
            case .global(let global):
                return .code { machine in
                    guard NumberCodeBuilder.isLength(machine.globals + callee) else { return nil }
                    return NumberCodeBuilder.length(of: machine.globals + global)
                }
            default:
                let read = NumberCodeBuilder.reader(reference)
                return .code { machine in
                    guard NumberCodeBuilder.isLength(machine.globals + callee) else { return nil }
                    var value = read(machine)
                    return NumberCodeBuilder.length(of: &value)
                }
            }
        case .unary(.negate, let operandExpression, _):
            guard let inner = operand(operandExpression) else { return nil }
            work += 1
            return .code { machine in inner.read(machine).map { -$0 } }
        case .binary(let operation, let left, let right, _) where !operation.isComparison:
            guard let code = binary(operation, left, right) else { return nil }
            return .nested(code)
        default:
            return nil
        }
    }

    /// `left operation right` (arithmetic, or a comparison when it is the root of a condition).
    mutating func binary(_ operation: BinaryOperator, _ left: ResolvedExpression, _ right: ResolvedExpression) -> NumberCode? {
        guard operation != .matmul, let leftOperand = operand(left), let rightOperand = operand(right) else { return nil }
        if !operation.isComparison { work += 1 }
        return NumberCode(operation: operation, left: leftOperand, right: rightOperand)
    }

    /// The number at `position` of the list in `container`, or nil. The list is borrowed where
    /// it lies (no retain and release: fused code runs no Seek code that could replace it).
    @inline(__always)
    static func element(of container: UnsafeMutablePointer<Value?>, at position: Double) -> Double? {
        guard let integer = Machine.wholeNumber(position), let list = Machine.borrowedList(at: container) else { return nil }
        return list._withUnsafeGuaranteedRef { $0.number(at: integer) }
    }

    /// Whether `slot` (a global) holds the standard library's `len`.
    @inline(__always)
    static func isLength(_ slot: UnsafeMutablePointer<Value?>) -> Bool {
        guard case .native(let native)? = slot.pointee else { return false }
        return native.isLength
    }

    /// `len` of the list, dict or string in `container` (what `len`'s one-argument body
    /// answers), or nil for anything else (a range, an object, unassigned: the general call).
    @inline(__always)
    static func length(of container: UnsafeMutablePointer<Value?>) -> Double? {
        switch container.pointee {
        case .list(let list)?: return Double(list.count)
        case .dict(let dict)?: return Double(dict.count)
        case .string(let text)?: return Double(TextLayout.characterCount(of: text))
        default: return nil
        }
    }

    /// The number at `[row][column]` of the list of lists in `container`, or nil; both lists
    /// borrowed where they lie, as in `element(of:at:)`.
    @inline(__always)
    static func element(of container: UnsafeMutablePointer<Value?>, at row: Double, _ column: Double) -> Double? {
        guard let rowIndex = Machine.wholeNumber(row), let columnIndex = Machine.wholeNumber(column),
              let rows = Machine.borrowedList(at: container) else { return nil }
        return rows._withUnsafeGuaranteedRef { $0.number(at: rowIndex, columnIndex) }
    }

    /// Reads a variable's value where it lives (nil when unassigned).
    static func reader(_ reference: VariableReference) -> (Machine) -> Value? {
        switch reference {
        case .global(let index): return { machine in (machine.globals + index).pointee }
        case .local(let local) where local.isCaptured:
            let cell = local.cellIndex
            return { machine in machine.cell(cell).value }
        case .local(let local):
            let slot = local.slot
            return { machine in (machine.stack + (machine.base + slot)).pointee }
        case .upvalue(let index): return { machine in machine.upvalue(index).value }
        }
    }
}

extension Compiler {
    /// `expression` fused, when it is a binary number operation worth fusing (see `NumberCodeBuilder.work`).
    func numberCode(_ expression: ResolvedExpression, minimumWork: Int = 2) -> NumberCode? {
        guard case .binary(let operation, let left, let right, _) = expression, !operation.isComparison else { return nil }
        return numberCode(operation, left, right, minimumWork: minimumWork)
    }

    /// `left operation right` fused (a comparison or arithmetic at the root), when it saves at
    /// least `minimumWork` (see `NumberCodeBuilder.work`).
    func numberCode(_ operation: BinaryOperator, _ left: ResolvedExpression, _ right: ResolvedExpression,
                    minimumWork: Int = 2) -> NumberCode? {
        var builder = NumberCodeBuilder()
        guard let code = builder.binary(operation, left, right), builder.work >= minimumWork else { return nil }
        return code
    }
}

extension Compiler {
    /// `n = 3 * n + 1`, `s += xs[i]`, `count += 1`: the new value fused (the target is a leaf of
    /// the expression for `op=`) and written as a number, without boxing it on the way; `general`
    /// runs when the fused code answers nil, and is returned as it is when the value does not fuse.
    /// (Not an optional result: a closure passed through Optional comes back wrapped in two
    /// reabstraction thunks, a call each per run.)
    func fusedAssignment(_ reference: VariableReference, _ name: String, _ operation: AssignmentOperator,
                         _ value: ResolvedExpression, _ span: SourceSpan, general: @escaping Execute) -> Execute {
        let fused: NumberCode?
        if let arithmetic = operation.binary {
            fused = numberCode(arithmetic, .variable(reference, name, span), value, minimumWork: 1)
        } else {
            fused = numberCode(value, minimumWork: 1)
        }
        guard let fused else { return general }
        switch reference {
        case .local(let local) where !local.isCaptured:
            let slot = local.slot
            return { machine in
                guard let number = fused.evaluate(machine) else { return try general(machine) }
                Machine.store(.number(number), over: machine.stack + (machine.base + slot))
                return .normal
            }
        case .global(let index):
            return { machine in
                guard let number = fused.evaluate(machine) else { return try general(machine) }
                machine.storeGlobal(.number(number), at: index)
                return .normal
            }
        case .local(let local):
            let cell = local.cellIndex
            return { machine in
                guard let number = fused.evaluate(machine) else { return try general(machine) }
                machine.cell(cell).value = .number(number)
                return .normal
            }
        case .upvalue(let index):
            return { machine in
                guard let number = fused.evaluate(machine) else { return try general(machine) }
                machine.upvalue(index).value = .number(number)
                return .normal
            }
        }
    }
}
