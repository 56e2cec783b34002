// Compiling loops over sequences and list/string concatenation chains: `for x in xs[a:b]`
// walks the list's elements in place instead of copying the slice into a new list, and
// `a + [p] + b` builds its result once instead of once per `+`.

extension Compiler {
    // MARK: - for loops

    /// `for v in sequence { body }`. A range counts without a list; a slice of a list,
    /// `for x in xs[1:]`, visits the elements in place (a snapshot, as the copied slice was: the
    /// body may change `xs` without changing what the loop visits).
    func forLoop(_ variables: [(VariableReference, String)], _ sequence: ResolvedExpression,
                 _ body: @escaping Execute, _ span: SourceSpan) -> Execute {
        let assign = variables.count == 1 ? store(variables[0].0, variables[0].1) : unpacker(variables, span)
        // A single plain local (the usual `for i in …`) is written straight into its slot.
        // So is a single global (a top-level loop's `for ch in text`), without the store closure.
        var directSlot = -1, directGlobal = -1
        if variables.count == 1, case .local(let local) = variables[0].0, !local.isCaptured { directSlot = local.slot }
        if variables.count == 1, case .global(let index) = variables[0].0 { directGlobal = index }
        let loop = LoopBody(assign: assign, directSlot: directSlot, directGlobal: directGlobal, body: body, span: span)
        if case .index(let target, let indices, let indexSpan) = sequence, indices.count == 1,
           case .slice(let lower, let upper, let sliceSpan) = indices[0] {
            // The same evaluation order and errors as `indexGet`: the target, then the bounds.
            let targetCode = expression(target)
            let lowerCode = lower.map { bound($0, sliceSpan) }, upperCode = upper.map { bound($0, sliceSpan) }
            return { machine in
                let object = try targetCode(machine)
                let start = try lowerCode?(machine), stop = try upperCode?(machine)
                let slice = IndexArgument.slice(start: start, stop: stop)
                if case .list(let list) = object, let range = slice.range(in: list.count) {
                    return try loop.walk(machine, list, range)
                }
                return try loop.run(machine, over: try machine.elements(of: try machine.indexGet(object, [slice], indexSpan), span))
            }
        }
        let sequenceCode = expression(sequence)
        return { machine in
            let iterable = try sequenceCode(machine)
            // The list is walked through `iterable`'s reference, which holds it for the walk:
            // binding it out of the enum cost a retain and a release per loop
            // (`for child in node["children"]`), on top of the one the sequence came with.
            if let list = iterable.unretainedList {
                return try withExtendedLifetime(iterable) {
                    try list._withUnsafeGuaranteedRef { try loop.walk(machine, $0, 0..<$0.count) }
                }
            }
            if case .range(let range) = iterable { return try loop.count(machine, through: range) }
            if case .string(let text) = iterable { return try loop.characters(machine, of: text) }
            return try loop.run(machine, over: try machine.elements(of: iterable, span))
        }
    }
}

/// The part of a compiled `for` loop shared by every kind of sequence, in one object.
final class LoopBody {
    let assign: StoreCode
    /// The loop variable's stack slot when it is a single plain local, else -1.
    let directSlot: Int
    /// The loop variable's global index when it is a single global, else -1.
    let directGlobal: Int
    let body: Execute
    let span: SourceSpan

    init(assign: @escaping StoreCode, directSlot: Int, directGlobal: Int, body: @escaping Execute,
         span: SourceSpan) {
        self.assign = assign
        self.directSlot = directSlot
        self.directGlobal = directGlobal
        self.body = body
        self.span = span
    }

    /// Runs the body once per element; `.returned` passes a `return` out, a `break` ends the loop.
    @inline(__always)
    func run<Elements: Sequence>(_ machine: Machine, over elements: Elements) throws -> Flow where Elements.Element == Value {
        for element in elements {
            if let flow = try visit(machine, element) { return flow }
        }
        return .normal
    }

    /// `list[range]` (within its count), visited in place through a pointer to the list's
    /// buffer, which the walk pins: the body may change the list, which then moves to a copy,
    /// without changing what the loop visits (`ListObject.pin`). Each element is written into
    /// the loop variable without the generic copy and destroy when it and the variable's old
    /// value are plain (numbers, booleans, nil). The caller holds `list` for the walk.
    func walk(_ machine: Machine, _ list: ListObject, _ range: Range<Int>) throws -> Flow {
        guard !range.isEmpty, let base = list.pin() else { return .normal }
        defer { list.unpin(base) }
        var index = range.lowerBound
        while index < range.upperBound {
            if let flow = try visit(machine, at: base + index) { return flow }
            index += 1
        }
        return .normal
    }

    /// A range, counted without building a list.
    func count(_ machine: Machine, through range: RangeObject) throws -> Flow {
        let count = range.count
        var index = 0
        while index < count {
            if let flow = try visit(machine, number: range.value(at: index)) { return flow }
            index += 1
        }
        return .normal
    }

    /// A string's characters, one-character strings made as they are visited rather than all
    /// first in an array (building and freeing it was about 100 instructions per character). A
    /// text whose every byte is a character (ASCII without "\r") is walked by byte, handing out
    /// the shared one-character strings; any other text by `Character` (grapheme clusters), as
    /// `Machine.elements(of:)` lists them.
    func characters(_ machine: Machine, of text: String) throws -> Flow {
        if let flow = try text.utf8.withContiguousStorageIfAvailable({ bytes -> Flow? in
            guard Machine.isOneBytePerCharacter(bytes) else { return nil }
            let characters = Machine.asciiCharacters
            for byte in bytes {
                if let flow = try visit(machine, characters[Int(byte)]) { return flow }
            }
            return .normal
        }), let flow {
            return flow
        }
        for character in text {
            if let flow = try visit(machine, .string(String(character))) { return flow }
        }
        return .normal
    }

    /// One iteration; nil to go on, else the flow the loop returns.
    @inline(__always)
    private func visit(_ machine: Machine, _ element: Value) throws -> Flow? {
        try machine.checkInterrupt(span)
        if directSlot >= 0 {
            machine.stack[machine.base + directSlot] = element
        } else if directGlobal >= 0 {
            machine.storeGlobal(element, at: directGlobal)
        } else {
            try assign(machine, element)
        }
        return try step(machine)
    }

    /// One iteration over a number (a range's).
    @inline(__always)
    private func visit(_ machine: Machine, number: Double) throws -> Flow? {
        try machine.checkInterrupt(span)
        if directSlot >= 0 {
            Machine.store(.number(number), over: machine.stack + (machine.base + directSlot))
        } else if directGlobal >= 0 {
            machine.storeGlobal(.number(number), at: directGlobal)
        } else {
            try assign(machine, .number(number))
        }
        return try step(machine)
    }

    /// One iteration over the element at `element` (see `walk`).
    @inline(__always)
    private func visit(_ machine: Machine, at element: UnsafePointer<Value>) throws -> Flow? {
        try machine.checkInterrupt(span)
        if directSlot >= 0 {
            Machine.store(element, into: machine.stack + (machine.base + directSlot))
        } else if directGlobal >= 0 {
            machine.storeGlobal(element, at: directGlobal)
        } else {
            try assign(machine, element.pointee)
        }
        return try step(machine)
    }

    /// Runs the body once; nil to go on.
    @inline(__always)
    private func step(_ machine: Machine) throws -> Flow? {
        switch try body(machine) {
        case .breakLoop: return .normal
        case .returned: return .returned
        case .normal, .continueLoop: return nil
        }
    }
}

extension Compiler {
    // MARK: - Concatenation chains

    /// Whether `left + right` is a chain `a + b + c …` for `concatenation`.
    func isConcatenationChain(_ operation: BinaryOperator, _ left: ResolvedExpression) -> Bool {
        guard operation == .add, case .binary(.add, _, _, _) = left else { return false }
        return true
    }

    /// `a + b + c …`, three or more operands on the left spine of `+`, as one site: lists are joined once into a list of the final size and strings appended
    /// into one buffer, where `+` by `+` built and freed every intermediate result (`less + [p] +
    /// more` in a quicksort copied `less` twice). Operands run in order, and an operand that is
    /// not a list (or not a string) ends the join with the general `+`, so values and errors
    /// (with the span of the `+` that fails) are those of the pairwise evaluation.
    func concatenation(_ left: ResolvedExpression, _ right: ResolvedExpression, _ span: SourceSpan) -> Evaluate {
        var operands = [right], spans = [span]
        var current = left
        while case .binary(.add, let inner, let operand, let innerSpan) = current {
            operands.append(operand)
            spans.append(innerSpan)
            current = inner
        }
        operands.append(current)
        let site = ConcatenationSite(operands: operands.reversed().map(self.operand), spans: spans.reversed())
        return { machine in try site.run(machine) }
    }
}

/// A compiled chain `o0 + o1 + … + on` (see `Compiler.concatenation`).
final class ConcatenationSite {
    let operands: [Operand]
    /// `spans[i - 1]`: the span of the `+` that adds `operands[i]`.
    let spans: [SourceSpan]

    init(operands: [Operand], spans: [SourceSpan]) {
        self.operands = operands
        self.spans = spans
    }

    func run(_ machine: Machine) throws -> Value {
        var value = try operands[0].run(machine)
        var next = 1
        if case .list(var first) = value {
            // A first list nothing else holds (the result of a call, `quicksort(less) + [p] + …`)
            // is extended in place: no other code can see it, so the result may be it.
            value = .null
            if isKnownUniquelyReferenced(&first) { return try extend(first, machine) }
            value = .list(first)
            // Each list's elements are copied when pairwise `+` would read them: the first
            // list's once the second operand has run, every other list's as soon as it has run
            // (a later operand that changes an earlier list does not change the result).
            var result: ListObject?
            var joined = true
            while next < operands.count {
                let item = try operands[next].run(machine)
                next += 1
                guard case .list(let list) = item else {
                    let left = result.map(Value.list) ?? value
                    value = try machine.binary(.add, left, item, spans[next - 2])
                    joined = false
                    break
                }
                if result == nil {
                    let made = ListObject(capacity: first.count + list.count)
                    made.appendElements(of: first)
                    result = made
                }
                result?.appendElements(of: list)
            }
            if joined, let result { return .list(result) }
        } else if case .string(let first) = value {
            var text = first
            var joined = true
            while next < operands.count {
                let item = try operands[next].run(machine)
                next += 1
                guard case .string(let piece) = item else {
                    value = try machine.binary(.add, .string(text), item, spans[next - 2])
                    joined = false
                    break
                }
                text += piece
            }
            if joined { return .string(text) }
        }
        return try pairwise(value, from: next, machine)
    }

    /// The rest of the chain `value + operands[next] + …`, `+` by `+`.
    private func pairwise(_ start: Value, from first: Int, _ machine: Machine) throws -> Value {
        var value = start, next = first
        // Numbers and anything else: `+` by `+`.
        while next < operands.count {
            let item = try operands[next].run(machine)
            if case .number(let x) = value, case .number(let y) = item {
                value = try Machine.arithmetic(.add, x, y, spans[next - 1])
            } else {
                value = try machine.binary(.add, value, item, spans[next - 1])
            }
            next += 1
        }
        return value
    }

    /// The chain on a first list only this site holds: the other lists' elements are appended
    /// to it as each operand runs (as pairwise `+` reads them). An operand that is not a list
    /// ends the join with the general `+`, as in `run`.
    private func extend(_ first: ListObject, _ machine: Machine) throws -> Value {
        var next = 1
        while next < operands.count {
            let item = try operands[next].run(machine)
            next += 1
            guard case .list(let list) = item else {
                return try pairwise(try machine.binary(.add, .list(first), item, spans[next - 2]), from: next, machine)
            }
            first.appendElements(of: list)
        }
        return .list(first)
    }
}
