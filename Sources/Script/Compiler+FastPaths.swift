// The interpreter's fast paths, gathered in one place. Each serves every spelling of its
// construct and falls back to the general code for anything it does not handle, so results and
// errors are the same (Lua's lesson: cheap calls, no allocation per call, one fast path per
// construct rather than per shape).
//
// - Operands: arguments, callees, operands and indices are a plain local read from its slot
//   (numbers without a generic copy), a constant, or a closure (`Operand`); branch arms the same
//   (`ValueSource`).
// - Branches: `if c { return a }` guards and `if c { a } else { b }` bodies compile to one
//   `Branch`; a comparison of a local with a number is tested inline, and arms that are locals or
//   constants are read inline.
// - Binary operations on two general operands keep their operands in one object (`BinarySite`).
// - Calls: the Seek function called is taken out with one retain, without copying a `Value`,
//   wherever it is held: a global, a plain local, a captured local, a closure's capture, or a
//   constant key of a dict in a global or plain local (`s["push"](x)`, `self["add"](w)`: objects
//   made of dicts) (`Callee` in Compiler+Objects.swift); its arguments are evaluated straight into
//   the new frame, each captured on its own up to five (`invoke0/1/2`, `invoke(_:_:_:_:fill:)`;
//   keyword calls through `KeywordCallSite` in Compiler+Functions.swift, operands and the
//   parameter order read in place). A closure whose own locals are not captured enters by
//   swapping the captures register alone (`Machine.enterWithClosureState`). A new frame's stale
//   slots holding nothing to release are cleared inline (`Machine.clear`), and one or two
//   arguments are stored over such slots without the generic destroy (`Machine.store(_:over:)`).
//   Natives and built-in methods with a one-argument body skip the `Arguments` bundle
//   (`callOther1`, `MethodCallSite`); so do
//   built-in methods called without arguments (`items.pop()`), and `xs.append(x)` puts the
//   element into the list directly, a plain local's list borrowed from its slot; a one-argument
//   method call written as a statement skips the expression statement's closure
//   (`MethodCallSite.callWithOneArgument`, Compiler+Methods.swift). A Seek function held in a
//   global is called borrowed, not retained (`withGlobalFunction`, Compiler+Functions.swift): a
//   function displaced from a global while such a call runs is kept until the last one returns
//   (`Machine.storeGlobal`).
// - Sequences: `for x in xs` and `for x in xs[a:b]` walk the list's snapshot by pointer
//   (`LoopBody.walk`), `for ch in s` hands out characters as it goes (ASCII by byte), a loop
//   variable takes a number over a plain old value without the generic copy/destroy
//   (`Machine.store`), and chains `a + [p] + b` of lists or strings are built once, a first
//   list nothing else holds extended in place (`ConcatenationSite` in Compiler+Sequences.swift).
// - Strings: interpolation into one buffer, `s = s + t` / `s += t` in place (Compiler+Strings.swift);
//   a constant receiver or container searched by bit test (`"aeiou".contains(ch)`, `ch in "aeiou"`)
//   and a built-in string method called without its closure (`StringMethod`, Compiler+Methods.swift);
//   `x == "a"` compared without copying the constant (`unfusedComparison`).
// - Indexing: `xs[i]`, `d[k]`, `s[i]` get and set without an index array (`Machine.quickIndexGet`/`Set`);
//   a list in a plain local is read and written where it lies, borrowed without a retain
//   (`quickIndexGet(at:)`/`Set(at:)`, `Machine.borrowedList(at:)`);
//   a constant key (`node["children"]`) is hashed once, when compiled, and a dict in a plain
//   local is read where it lies (`constantKeyIndex`, Compiler+Objects.swift).
// - Dict literals with constant, distinct keys (`{"label": l, "children": c}`) hash the keys once,
//   when compiled, and append the entries without looking each key up (`dictLiteral`,
//   `DictObject.literal`).
// - Numbers: arithmetic and comparisons of two or more operations fuse into `NumberCode` over
//   `Double?` (Compiler+Numbers.swift; nested operations called directly), falling back to the
//   general code; in an `if`/`while` condition or an assignment, from one (`n % 2 == 0`,
//   `count += 1`), and an `if`/`while` tests its fused comparison inline (`FusedTest`);
//   `len(v)` of a variable is a leaf there (`if len(xs) <= 1`, `while i < len(xs)`), the count
//   read where the value lies while the global `len` is the standard library's (`isLength`).

extension Compiler {
    // MARK: - Locals read inline

    /// A function local that lives in a stack slot (not captured), read inline by hot paths.
    struct PlainLocal {
        let slot: Int
        let name: String
        let span: SourceSpan
    }

    func plainLocal(_ expression: ResolvedExpression) -> PlainLocal? {
        guard case .variable(.local(let local), let name, let span) = expression, !local.isCaptured else { return nil }
        return PlainLocal(slot: local.slot, name: name, span: span)
    }

    /// Whether evaluating `expression` can run no Seek code, and so cannot rebind a global: no
    /// call anywhere in it (natives that call back into Seek, `map` or a model, are called).
    /// A global read where it lies, borrowed while such an expression runs (`vocab[i % n]`,
    /// `words.append(vocab[i])` at the top level), then stays what it was.
    func runsNoSeekCode(_ expression: ResolvedExpression) -> Bool {
        switch expression {
        case .constant, .variable, .function: return true
        case .call: return false
        case .interpolation(let parts), .list(let parts): return parts.allSatisfy(runsNoSeekCode)
        case .dict(let pairs, _): return pairs.allSatisfy { runsNoSeekCode($0.0) && runsNoSeekCode($0.1) }
        case .unary(_, let operand, _), .member(let operand, _, _): return runsNoSeekCode(operand)
        case .binary(_, let left, let right, _), .logical(_, let left, let right, _), .membership(let left, let right, _):
            return runsNoSeekCode(left) && runsNoSeekCode(right)
        case .index(let target, let indices, _):
            return runsNoSeekCode(target) && indices.allSatisfy { index in
                switch index {
                case .value(let value): return runsNoSeekCode(value)
                case .slice(let lower, let upper, _):
                    return (lower.map(runsNoSeekCode) ?? true) && (upper.map(runsNoSeekCode) ?? true)
                }
            }
        }
    }

    /// The global `expression` reads when every one of `others` runs no Seek code: that global
    /// may then be borrowed where it lies while they run.
    func borrowableGlobal(_ expression: ResolvedExpression, whileRunning others: [ResolvedExpression]) -> Int? {
        guard case .variable(.global(let index), _, _) = expression, others.allSatisfy(runsNoSeekCode) else { return nil }
        return index
    }

    @inline(__always)
    static func read(_ machine: Machine, _ local: PlainLocal) throws -> Value {
        let pointer = machine.stack + (machine.base + local.slot)
        if case .number(let number)? = pointer.pointee { return .number(number) }
        guard let value = pointer.pointee else { throw RuntimeError.unassignedLocal(local.name, local.span) }
        return value
    }

    // MARK: - Branches

    /// Where a value comes from: read inline (a plain local, a constant), or computed by a
    /// closure. Branch arms, call arguments, operands and indices use it.
    enum ValueSource {
        case local(PlainLocal)
        case constant(Value)
        case code(Evaluate)

        @inline(__always)
        func read(_ machine: Machine) throws -> Value {
            switch self {
            case .local(let local): return try Compiler.read(machine, local)
            case .constant(let value): return value
            case .code(let code): return try code(machine)
            }
        }
    }

    func operand(_ expression: ResolvedExpression) -> Operand {
        if let local = plainLocal(expression) {
            return Operand(slot: local.slot, constant: nil, code: self.expression(expression))
        }
        if case .constant(let value) = expression { return Operand(slot: -1, constant: value, code: { _ in value }) }
        return Operand(run: self.expression(expression))
    }

    func valueSource(_ expression: ResolvedExpression) -> ValueSource {
        if let local = plainLocal(expression) { return .local(local) }
        if case .constant(let value) = expression { return .constant(value) }
        return .code(self.expression(expression))
    }

    /// The value of a branch body: a lone `return e` (a trailing expression becomes one) reads
    /// `e` as a source; anything longer runs as a function body.
    func tailSource(_ statements: [ResolvedStatement]) -> ValueSource {
        if statements.count == 1, case .returnStatement(let value) = statements[0] {
            return value.map(valueSource) ?? .constant(.null)
        }
        return .code(functionBody(statements))
    }

    /// `condition ? then : otherwise` as one object.
    func branch(_ condition: ResolvedExpression, _ span: SourceSpan, then: ValueSource, otherwise: @escaping Evaluate) -> Evaluate {
        var slot = -1, operation = BinaryOperator.equal, constant = 0.0
        if case .binary(let compared, let left, .constant(.number(let number)), _) = condition,
           compared.isComparison, let local = plainLocal(left) {
            (slot, operation, constant) = (local.slot, compared, number)
        }
        let site = Branch(slot: slot, operation: operation, constant: constant, test: self.condition(condition, span),
                          then: then, otherwise: otherwise)
        return { machine in try site.run(machine) }
    }

    // MARK: - Calls

    /// A one-argument call of anything but a Seek function: a native with a one-argument body
    /// (`len(xs)`) is called without an argument array or `Arguments` bundle.
    static func callOther1(_ machine: Machine, _ function: Value, _ first: Operand, _ span: SourceSpan) throws -> Value {
        let argument = try first.run(machine)
        if case .native(let native) = function, let direct = native.oneArgument, let result = direct(argument) {
            return result
        }
        return try machine.call(function, [argument], [], span)
    }

    /// `len(xs)`: a native with a one-argument body, called without an argument array (the
    /// body declines with nil for what it does not handle, and the general call reports it).
    static func callNative1(_ machine: Machine, _ native: NativeFunction, _ first: Operand, _ span: SourceSpan) throws -> Value {
        let argument = try first.run(machine)
        if let direct = native.oneArgument, let result = direct(argument) { return result }
        return try machine.call(.native(native), [argument], [], span)
    }

    /// Any arity: `fill` evaluates the arguments in order straight into the new frame's slots.
    @inline(__always)
    static func invoke(_ machine: Machine, _ script: FunctionObject, _ count: Int, _ span: SourceSpan,
                       _ fill: (UnsafeMutablePointer<Value?>) throws -> Void) throws -> Value {
        let frame = try machine.reserveFrame(script, arguments: count, span)
        defer { machine.releaseFrame(frame, script) }
        try fill(machine.stack + frame)
        return try machine.enter(script, frameBase: frame, span)
    }

    @inline(__always)
    static func invoke0(_ machine: Machine, _ script: FunctionObject, _ span: SourceSpan) throws -> Value {
        let frame = try machine.reserveFrame(script, arguments: 0, span)
        defer { machine.releaseFrame(frame, script) }
        return try machine.enter(script, frameBase: frame, span)
    }

    @inline(__always)
    static func invoke1(_ machine: Machine, _ script: FunctionObject, _ first: Operand,
                        _ span: SourceSpan) throws -> Value {
        let frame = try machine.reserveFrame(script, arguments: 1, span)
        defer { machine.releaseFrame(frame, script) }
        Machine.store(try first.run(machine), over: machine.stack + frame)
        return try machine.enter(script, frameBase: frame, span)
    }

    @inline(__always)
    static func invoke2(_ machine: Machine, _ script: FunctionObject, _ first: Operand, _ second: Operand,
                        _ span: SourceSpan) throws -> Value {
        let frame = try machine.reserveFrame(script, arguments: 2, span)
        defer { machine.releaseFrame(frame, script) }
        Machine.store(try first.run(machine), over: machine.stack + frame)
        Machine.store(try second.run(machine), over: machine.stack + (frame + 1))
        return try machine.enter(script, frameBase: frame, span)
    }
}

/// A compiled branch (see `Compiler.branch`), in one object: a closure's context is then a
/// single reference, and its entry thunk does not copy every captured word per call.
final class Branch {
    /// The local compared with `constant` (-1: use `test`).
    let slot: Int
    let operation: BinaryOperator
    let constant: Double
    /// The general condition: the path for anything but a number in the local.
    let test: (Machine) throws -> Bool
    let then: Compiler.ValueSource
    let otherwise: Evaluate

    init(slot: Int, operation: BinaryOperator, constant: Double, test: @escaping (Machine) throws -> Bool,
         then: Compiler.ValueSource, otherwise: @escaping Evaluate) {
        self.slot = slot
        self.operation = operation
        self.constant = constant
        self.test = test
        self.then = then
        self.otherwise = otherwise
    }

    @inline(__always)
    func run(_ machine: Machine) throws -> Value {
        let taken: Bool
        if slot >= 0, case .number(let x)? = (machine.stack + (machine.base + slot)).pointee {
            taken = Machine.compare(operation, x, constant)
        } else {
            taken = try test(machine)
        }
        guard taken else { return try otherwise(machine) }
        return try then.read(machine)
    }
}

/// A compiled binary operation on two general operands, in one object so the closure's context is
/// a single reference.
final class BinarySite {
    let operation: BinaryOperator
    let left: Operand
    let right: Operand
    let span: SourceSpan

    init(operation: BinaryOperator, left: Operand, right: Operand, span: SourceSpan) {
        self.operation = operation
        self.left = left
        self.right = right
        self.span = span
    }

    @inline(__always)
    func run(_ machine: Machine) throws -> Value {
        let a = try left.run(machine), b = try right.run(machine)
        if case .number(let x) = a, case .number(let y) = b { return try Machine.arithmetic(operation, x, y, span) }
        return try machine.binary(operation, a, b, span)
    }
}
