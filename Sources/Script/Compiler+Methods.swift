// Compiling method calls `receiver.name(arguments)`: built-in methods of lists, dicts and strings
// are looked up once per call site, and one-argument methods such as `xs.append(x)` are called
// directly, without allocating an argument array.

extension Compiler {
    /// `receiver.name(arguments)`. On lists, dicts and strings the method is looked up once per
    /// call site and type and called directly, without the bound-method value `memberGet` builds
    /// (`xs.append(i)` in a loop paid two dictionary lookups and an allocation per call).
    /// Native objects and anything else go through `memberGet` and `call` as before.
    /// `receiverLocal`/`argumentLocal`: the receiver and the single argument when they are plain
    /// locals, read straight from their slots (`xs.append(i)` inside a function).
    func methodCall(_ loadReceiver: @escaping Evaluate, _ name: String, _ arguments: [Operand],
                    receiverLocal: PlainLocal?, receiverGlobal: Int?, receiverConstant: Value?, argumentLocal: PlainLocal?,
                    stringArgument: StringOperand?, memberSpan: SourceSpan, _ span: SourceSpan) -> Evaluate {
        let site = MethodCallSite(name: name, loadReceiver: loadReceiver, receiverSlot: receiverLocal?.slot ?? -1,
                                  receiverGlobal: receiverGlobal ?? -1, receiverConstant: receiverConstant,
                                  arguments: arguments, argumentSlot: arguments.count == 1 ? argumentLocal?.slot ?? -1 : -1,
                                  memberSpan: memberSpan, span: span)
        if let argument = stringArgument, case .string(let text)? = receiverConstant, StringMethod(name) != .none {
            // `"aeiou".contains(ch)`: the constant receiver is searched where it lies (a bit test
            // for one byte), once the site has found the built-in method.
            let searched = StringBytes.ConstantText(text)
            return { machine in
                guard site.stringMethod != .none else { return try site.call(machine, .string(text)) }
                let value = try argument.run(machine)
                if case .string(let part) = value {
                    if site.stringMethod == .contains { return .bool(searched.contains(part)) }
                    if let result = site.stringMethod.apply(text, part) { return result }
                }
                return try site.call(machine, .string(text), evaluated: [value])
            }
        }
        if arguments.isEmpty {
            // `items.pop()`, `s.upper()`: a built-in's direct body, without an `Arguments` bundle.
            return { machine in
                if let result = site.callZeroBorrowed(machine) { return result }
                let receiver = try site.receiver(machine)
                if let direct = site.cachedZeroArguments(for: receiver), let result = direct(receiver) { return result }
                return try site.call(machine, receiver)
            }
        }
        guard arguments.count == 1 else {
            return { machine in try site.call(machine, try site.receiver(machine)) }
        }
        return { machine in try site.callWithOneArgument(machine) }
    }

    /// `receiver.name(argument)` as a statement (`xs.append(x)`): the same site as `methodCall`,
    /// run without the expression statement's closure and its discarded result.
    func methodCallStatement(_ expression: ResolvedExpression) -> Execute? {
        guard case .call(.member(let target, let name, let memberSpan), let positional, let named, let span) = expression,
              named.isEmpty, positional.count == 1, constantValue(target) == nil else { return nil }
        let site = MethodCallSite(name: name, loadReceiver: self.expression(target), receiverSlot: plainLocal(target)?.slot ?? -1,
                                  receiverGlobal: borrowableGlobal(target, whileRunning: positional) ?? -1, receiverConstant: nil, arguments: positional.map(operand),
                                  argumentSlot: plainLocal(positional[0])?.slot ?? -1, memberSpan: memberSpan, span: span)
        return { machine in
            _ = try site.callWithOneArgument(machine)
            return .normal
        }
    }
}

/// One method call site and the last built-in type's method seen there.
private final class MethodCallSite {
    /// The built-in types with methods.
    enum Kind {
        case list, dict, string, other

        init(_ value: Value) {
            switch value {
            case .list: self = .list
            case .dict: self = .dict
            case .string: self = .string
            default: self = .other
            }
        }

        /// The container a plain local's slot holds, read without copying it (strings, which
        /// are not borrowed, and anything else are `.other`).
        init(containerAt slot: UnsafeMutablePointer<Value?>) {
            switch slot.pointee {
            case .list?: self = .list
            case .dict?: self = .dict
            default: self = .other
            }
        }
    }

    let name: String
    let loadReceiver: Evaluate
    /// The receiver's stack slot when it is a plain local, else -1.
    let receiverSlot: Int
    /// The receiver's global index when it is a global and the arguments run no Seek code
    /// (`Compiler.borrowableGlobal`), else -1: then it is borrowed where it lies, as a plain local is.
    let receiverGlobal: Int
    /// The receiver when it is a constant (`"aeiou".contains(ch)`), read without a closure call.
    let receiverConstant: Value?
    let arguments: [Operand]
    /// The single argument's stack slot when it is a plain local, else -1.
    let argumentSlot: Int
    let memberSpan: SourceSpan
    let span: SourceSpan
    private var kind = Kind.other
    private var functionName = ""
    private var method: BuiltinMethod?
    /// `method.oneArgument`, kept apart so the direct path reads one field.
    private var oneArgument: ((Value, Value) -> Value?)?
    /// `method.zeroArguments`, likewise.
    private var zeroArguments: ((Value) -> Value?)?
    /// Whether `name` is the built-in `list.append` (set the first time a list receiver is seen;
    /// only the standard library defines direct bodies, so a direct `append` is the built-in).
    private(set) var appendsToLists = false
    /// The built-in one-argument string method named `name`, once a string receiver has been
    /// seen here (as for `appendsToLists`, a direct body means the standard library's).
    private(set) var stringMethod = StringMethod.none

    init(name: String, loadReceiver: @escaping Evaluate, receiverSlot: Int, receiverGlobal: Int, receiverConstant: Value?,
         arguments: [Operand], argumentSlot: Int, memberSpan: SourceSpan, span: SourceSpan) {
        self.name = name
        self.loadReceiver = loadReceiver
        self.receiverSlot = receiverSlot
        self.receiverGlobal = receiverGlobal
        self.receiverConstant = receiverConstant
        self.arguments = arguments
        self.argumentSlot = argumentSlot
        self.memberSpan = memberSpan
        self.span = span
    }

    /// A call with one argument: `xs.append(x)` on a list, once the site has seen the built-in
    /// `list.append`, puts the element into the list without the method's closure or copies of
    /// the receiver and argument; a built-in string method the site has seen, or any built-in's
    /// direct body, runs without an `Arguments` bundle; anything else takes `call`.
    @inline(__always)
    func callWithOneArgument(_ machine: Machine) throws -> Value {
        if let slot = borrowableReceiver(machine) {
            // `xs.append(x)` on a list, once the site has seen the built-in `list.append`: the
            // element goes into the list without the method's closure or copies of the receiver
            // and argument, the list borrowed where it lies (as `quickIndexGet(at:)`). The
            // argument first: it may use the list (`xs.append(xs.pop())`), and it cannot rebind
            // the plain local (or the global), so the list is then borrowed from the slot.
            if appendsToLists, case .list? = slot.pointee {
                let element = try self.argument(machine)
                if let list = Machine.borrowedList(at: slot) {
                    list._withUnsafeGuaranteedRef { $0.append(element) }
                    return .null
                }
                return try self.call(machine, try self.receiver(machine), evaluated: [element])
            }
            if let result = try callOneBorrowed(machine, slot) { return result }
        }
        let receiver = try self.receiver(machine)
        if appendsToLists, case .list(let list) = receiver {
            let element = try self.argument(machine)
            list.append(element)
            return .null
        }
        // `"aeiou".contains(ch)`, `line.startswith("#")`: a built-in string method the site
        // has seen, called without its closure when both are strings.
        if stringMethod != .none, case .string(let text) = receiver {
            let argument = try self.argument(machine)
            if case .string(let part) = argument, let result = stringMethod.apply(text, part) { return result }
            return try self.call(machine, receiver, evaluated: [argument])
        }
        // The receiver is evaluated first and the method looked up before the argument, as on
        // the general path (an unknown method is reported before the argument runs).
        if let direct = cachedOneArgument(for: receiver) {
            let argument = try self.argument(machine)
            if let result = direct(receiver, argument) { return result }
            return try self.call(machine, receiver, evaluated: [argument])
        }
        return try self.call(machine, receiver)
    }

    // MARK: Receivers borrowed from a plain local or a global

    /// Where the receiver lies when it may be borrowed: a plain local's slot, or a global's when
    /// the arguments run no Seek code; nil otherwise.
    @inline(__always)
    func borrowableReceiver(_ machine: Machine) -> UnsafeMutablePointer<Value?>? {
        if receiverSlot >= 0 { return machine.stack + (machine.base + receiverSlot) }
        if receiverGlobal >= 0 { return machine.globals + receiverGlobal }
        return nil
    }

    /// A built-in's direct one-argument body on a list or dict at `slot` (`borrowableReceiver`:
    /// `counts.has(w)`), the receiver borrowed rather than copied: a retain and a release fewer
    /// per call. nil when that does not apply (nothing is evaluated then). Safe for the reasons
    /// `Machine.borrowedList(at:)` gives: the argument cannot rebind a plain local (nor, running
    /// no Seek code, the global), so it is evaluated first (the general path reads the receiver
    /// first, which has no effects to order), and the built-in body runs no Seek code.
    @inline(__always)
    func callOneBorrowed(_ machine: Machine, _ slot: UnsafeMutablePointer<Value?>) throws -> Value? {
        guard let direct = oneArgument else { return nil }
        let held = Kind(containerAt: slot)
        guard held != .other, held == kind else { return nil }
        let argument = try self.argument(machine)
        if let result = Machine.withBorrowedContainer(at: slot, { direct($0, argument) }) { return result }
        return try call(machine, try receiver(machine), evaluated: [argument])
    }

    /// `items.pop()` on a list or dict in a plain local or a global: the zero-argument body on
    /// the receiver borrowed where it lies (as `callOneBorrowed`); nil when that does not apply.
    @inline(__always)
    func callZeroBorrowed(_ machine: Machine) -> Value? {
        guard let direct = zeroArguments, let slot = borrowableReceiver(machine) else { return nil }
        let held = Kind(containerAt: slot)
        guard held != .other, held == kind else { return nil }
        return Machine.withBorrowedContainer(at: slot, direct)
    }

    /// The receiver's value; an unassigned local goes through the compiled load for its error.
    @inline(__always)
    func receiver(_ machine: Machine) throws -> Value {
        if receiverSlot >= 0, let value = (machine.stack + (machine.base + receiverSlot)).pointee { return value }
        if let receiverConstant { return receiverConstant }
        return try loadReceiver(machine)
    }

    /// The single argument's value (same fallback as `receiver`).
    @inline(__always)
    func argument(_ machine: Machine) throws -> Value {
        if argumentSlot >= 0 {
            let pointer = machine.stack + (machine.base + argumentSlot)
            if case .number(let number)? = pointer.pointee { return .number(number) }
            if let value = pointer.pointee { return value }
        }
        return try arguments[0].run(machine)
    }

    /// The direct one-argument body for this receiver, if its method is cached and has one.
    @inline(__always)
    func cachedOneArgument(for receiver: Value) -> ((Value, Value) -> Value?)? {
        guard let oneArgument, Kind(receiver) == kind else { return nil }
        return oneArgument
    }

    /// The direct zero-argument body for this receiver, if its method is cached and has one.
    @inline(__always)
    func cachedZeroArguments(for receiver: Value) -> ((Value) -> Value?)? {
        guard let zeroArguments, Kind(receiver) == kind else { return nil }
        return zeroArguments
    }

    /// The general path: looks the method up (once per type), evaluates the arguments, calls it.
    func call(_ machine: Machine, _ receiver: Value, evaluated: [Value]? = nil) throws -> Value {
        let receiverKind = Kind(receiver)
        if receiverKind != .other {
            if method == nil || kind != receiverKind {
                // Unknown names fall through to memberGet, which reports them with a suggestion.
                let typeName = receiver.typeName
                if let found = machine.interpreter.methods[typeName]?[name] {
                    kind = receiverKind
                    functionName = "\(typeName).\(name)"
                    method = found
                    oneArgument = found.oneArgument
                    zeroArguments = found.zeroArguments
                    if receiverKind == .list, name == "append", found.oneArgument != nil { appendsToLists = true }
                    stringMethod = receiverKind == .string && found.oneArgument != nil ? StringMethod(name) : .none
                }
            }
            if let method, kind == receiverKind {
                if arguments.isEmpty, let zeroArguments, let result = zeroArguments(receiver) { return result }
                if arguments.count == 1, evaluated == nil, let oneArgument {
                    let argument = try argument(machine)
                    if let result = oneArgument(receiver, argument) { return result }
                    return try call(machine, receiver, evaluated: [argument])
                }
                let values = try evaluated ?? evaluateArguments(machine)
                let bundle = Arguments(functionName: functionName, positional: values, named: [],
                                       interpreter: machine.interpreter)
                return try machine.runNative(span) { try method.body(receiver, bundle) }
            }
        }
        let function = try machine.memberGet(receiver, name, memberSpan)
        return try machine.call(function, try evaluated ?? evaluateArguments(machine), [], span)
    }

    private func evaluateArguments(_ machine: Machine) throws -> [Value] {
        var values: [Value] = []
        values.reserveCapacity(arguments.count)
        for argument in arguments { values.append(try argument.run(machine)) }
        return values
    }
}

/// The built-in string methods of one string argument that a `MethodCallSite` calls directly.
enum StringMethod {
    case none, contains, startswith

    init(_ name: String) {
        switch name {
        case "contains": self = .contains
        case "startswith": self = .startswith
        default: self = .none
        }
    }

    /// The method's result (as its body in CollectionMethods.swift gives it), nil for `.none`.
    @inline(__always)
    func apply(_ text: String, _ part: String) -> Value? {
        switch self {
        case .none: return nil
        case .contains: return .bool(StringBytes.contains(text, part))
        case .startswith: return .bool(text.hasPrefix(part))
        }
    }
}
