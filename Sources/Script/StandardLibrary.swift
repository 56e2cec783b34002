// The standard library: installs itself into an interpreter the way Lua's linit.c opens its
// libraries. The core knows none of these names.

import Foundation

/// Core functions (`print`, `len`, `range`, …) and methods of lists, dicts and strings.
public enum StandardLibrary {
    /// Defines every standard function and method in `interpreter`.
    public static func install(into interpreter: Interpreter) {
        for function in functions { interpreter.define(function) }
        CollectionMethods.install(into: interpreter)
    }

    /// The functions, in the order `help()` lists them.
    static var functions: [NativeFunction] { output + conversions + numbers + sequences + higherOrder + misc }

    // MARK: - Output

    // Computed: every interpreter gets its own function objects.
    private static var output: [NativeFunction] { [
        NativeFunction("print", help: """
            print(a, b, …, sep=" ", end="\\n"): write values, strings without quotes.
              print("loss", 0.25)   # loss 0.25
            """) { arguments in
            try arguments.rejectUnknownNames(["sep", "end"])
            let separator = try arguments.string(named: "sep", default: " ")
            let end = try arguments.string(named: "end", default: "\n")
            // One buffer for the whole line (the pieces, separators and end).
            arguments.interpreter.output(StringBytes.concatenate(arguments.positional.map(\.description),
                                                                 separator: separator, terminator: end))
            return .null
        },
        NativeFunction("help", help: """
            help(x) or help("name"): describe a value or a global; help() lists the globals.
              help(len)
            """) { arguments in
            try arguments.rejectUnknownNames([])
            try arguments.expectCount(0...1)
            let interpreter = arguments.interpreter
            guard let subject = arguments[0] else {
                interpreter.output(globalsOverview(interpreter) + "\n")
                return .null
            }
            if case .string(let name) = subject {
                guard let value = interpreter.global(name) else {
                    let suggestion = nearestName(to: name, in: interpreter.globalNames)
                    throw NativeError("help: no global named '\(name)'" + didYouMean(suggestion))
                }
                interpreter.output(interpreter.helpText(for: value) + "\n")
            } else {
                interpreter.output(interpreter.helpText(for: subject) + "\n")
            }
            return .null
        },
    ] }

    /// One entry per global: its name and the first sentence of its help, whole.
    private static func globalsOverview(_ interpreter: Interpreter) -> String {
        let names = interpreter.globalNames
        let width = min(16, (names.map(\.count).max() ?? 0) + 2)
        let lines = names.compactMap { name -> String? in
            guard let value = interpreter.global(name) else { return nil }
            return "  " + name.padding(toLength: width) + firstSentence(of: interpreter.helpText(for: value))
        }
        return "Globals (help(\"name\") for details):\n" + lines.joined(separator: "\n")
    }

    /// The first sentence of a help text: its summary lines (up to the first indented example
    /// or blank line) joined, cut after the first full stop outside brackets. A summary that
    /// wraps over several lines is kept whole ("Gaussian clusters (standard deviation 1)…").
    static func firstSentence(of help: String) -> String {
        var summary: [Substring] = []
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingCharacters(in: .whitespaces).isEmpty || (line.first == " " && !summary.isEmpty) { break }
            summary.append(line.drop { $0 == " " })
        }
        let text = Array(summary.joined(separator: " "))
        var depth = 0
        for (position, character) in text.enumerated() {
            switch character {
            case "(", "[", "{": depth += 1
            case ")", "]", "}": depth = max(0, depth - 1)
            case "." where depth == 0 && (position + 1 == text.count || text[position + 1] == " "):
                let word = String(text[..<position]).split(separator: " ").last ?? ""
                if word == "e.g" || word == "i.e" || word == "etc" { continue }
                return String(text[...position])
            default: break
            }
        }
        return String(text)
    }

    // MARK: - Conversions

    // Computed: every interpreter gets its own function objects.
    private static var conversions: [NativeFunction] { [
        NativeFunction("str", help: "str(x): x as a string, as print shows it.\n  str(3) + \"!\"   # \"3!\"",
                       oneArgument: { value in
            if case .object = value { return nil }   // an object's repr may call back into Swift
            return .string(value.description)
        }) { arguments in
            try arguments.rejectUnknownNames([])
            try arguments.expectCount(1)
            return .string(try arguments.require(at: 0, named: "x").description)
        },
        NativeFunction("num", help: "num(x): a number from a string, number or bool.\n  num(\"2.5\") * 2   # 5") { arguments in
            try arguments.rejectUnknownNames([])
            try arguments.expectCount(1)
            let value = try arguments.require(at: 0, named: "x")
            switch value {
            case .number: return value
            case .bool(let flag): return .number(flag ? 1 : 0)
            case .string(let text):
                guard let number = Double(text.trimmingCharacters(in: .whitespaces)) else {
                    throw NativeError("num() cannot read a number from \(value.repr)")
                }
                return .number(number)
            default: throw NativeError("num() expects a string, number or bool, got \(value.typeAndValue)")
            }
        },
        NativeFunction("type", help: "type(x): the type name of x.\n  type([1])   # \"list\"") { arguments in
            try arguments.rejectUnknownNames([])
            try arguments.expectCount(1)
            return .string(try arguments.require(at: 0, named: "x").typeName)
        },
        NativeFunction("list", help: "list(xs): a new list of the elements of a list, range, string or dict.\n  list(range(3))   # [0, 1, 2]") { arguments in
            try arguments.rejectUnknownNames([])
            try arguments.expectCount(1)
            let source = try arguments.require(at: 0, named: "xs")
            if case .list(let list) = source { return .list(list.copy(0..<list.count)) }
            return .list(ListObject(try arguments.interpreter.elements(of: source)))
        },
    ] }

    // MARK: - Numbers

    // Computed: every interpreter gets its own function objects.
    private static var numbers: [NativeFunction] { [
        NativeFunction("round", help: """
            round(x, digits=0): x rounded, halves to even as in Python; on a list, each element \
            (nested lists too); on a tensor, elementwise.
              round(2.675, 2)   # 2.67
              round([0.123, 4.567], 1)   # [0.1, 4.6]
            """) { arguments in
            try arguments.rejectUnknownNames(["digits"])
            try arguments.expectCount(1...2)
            let digits = try arguments.integer(at: 1, named: "digits", default: 0)
            let subject = try arguments.require(at: 0, named: "x")
            if case .object(let object) = subject {
                // Objects that round (tensors) offer a `round` method taking the digits.
                guard let method = try object.member("round") else {
                    throw NativeError("round() expects a number, a list or a tensor, got \(withArticle(object.typeName))")
                }
                return try arguments.interpreter.call(method, [.number(Double(digits))])
            }
            return try roundElements(subject, digits: digits)
        },
        NativeFunction("abs", help: "abs(x): the absolute value.\n  abs(-3)   # 3") { arguments in
            try arguments.rejectUnknownNames([])
            try arguments.expectCount(1)
            return .number(Swift.abs(try arguments.number(at: 0, named: "x")))
        },
        NativeFunction("min", help: "min(a, b, …) or min(xs): the smallest number or string.\n  min([3, 1, 2])   # 1") { arguments in
            try extreme(arguments, wantLess: true)
        },
        NativeFunction("max", help: "max(a, b, …) or max(xs): the largest number or string.\n  max(3, 7)   # 7") { arguments in
            try extreme(arguments, wantLess: false)
        },
        NativeFunction("sum", help: "sum(xs, start=0): the total of xs (numbers, or anything with '+').\n  sum([1, 2, 3])   # 6") { arguments in
            try arguments.rejectUnknownNames(["start"])
            try arguments.expectCount(1...2)
            var total = try arguments.value(at: 1, named: "start") ?? .number(0)
            for element in try arguments.interpreter.elements(of: try arguments.require(at: 0, named: "xs")) {
                if case .number(let a) = total, case .number(let b) = element {
                    total = .number(a + b)
                } else {
                    total = try arguments.interpreter.binary(.add, total, element)
                }
            }
            return total
        },
    ] }

    private static func extreme(_ arguments: Arguments, wantLess: Bool) throws -> Value {
        try arguments.rejectUnknownNames([])
        let candidates = arguments.count == 1
            ? try arguments.interpreter.elements(of: arguments.positional[0]) : arguments.positional
        guard var best = candidates.first else {
            throw NativeError("\(arguments.functionName)() needs at least one value")
        }
        for candidate in candidates.dropFirst() where try less(candidate, best, arguments.functionName) == wantLess
            && !candidate.isEqual(to: best) {
            best = candidate
        }
        return best
    }

    /// Ordering for sorting and min/max: numbers with numbers, strings with strings.
    static func less(_ a: Value, _ b: Value, _ function: String) throws -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x < y
        case (.string(let x), .string(let y)): return x < y
        default: throw NativeError("\(function)() cannot compare \(a.typeAndValue) with \(b.typeAndValue)")
        }
    }

    // MARK: - Sequences

    // Computed: every interpreter gets its own function objects.
    private static var sequences: [NativeFunction] { [
        NativeFunction("len", help: "len(x): the number of elements of a list, dict, string, range or object.\n  len([1, 2])   # 2",
                       oneArgument: { value in
            switch value {
            case .list(let list): return .number(Double(list.count))
            case .dict(let dict): return .number(Double(dict.count))
            case .string(let text): return .number(Double(TextLayout.characterCount(of: text)))
            default: return nil
            }
        }, isLength: true) { arguments in
            try arguments.rejectUnknownNames([])
            try arguments.expectCount(1)
            let value = try arguments.require(at: 0, named: "x")
            switch value {
            case .list(let list): return .number(Double(list.count))
            case .dict(let dict): return .number(Double(dict.count))
            case .string(let text): return .number(Double(TextLayout.characterCount(of: text)))
            case .range(let range): return .number(Double(range.count))
            case .object(let object):
                guard let length = object.length else { throw NativeError("\(withArticle(object.typeName)) has no length") }
                return .number(Double(length))
            default: throw NativeError("len() expects a list, dict, string or range, got \(value.typeAndValue)")
            }
        },
        NativeFunction("range", help: """
            range(stop) or range(start, stop, step=1): the numbers start, start+step, … before stop.
              for i in range(3) { print(i) }
            """) { arguments in
            try arguments.rejectUnknownNames([])
            try arguments.expectCount(1...3)
            let first = try arguments.number(at: 0, named: "start")
            let (start, stop) = arguments.count == 1 ? (0, first) : (first, try arguments.number(at: 1, named: "stop"))
            let step = try arguments.number(at: 2, named: "step", default: 1)
            guard step != 0 else { throw NativeError("range() step must not be zero") }
            guard start.isFinite, stop.isFinite, step.isFinite else {
                throw NativeError("range() needs finite numbers, got \(Value.format(start)), \(Value.format(stop)), \(Value.format(step))")
            }
            return .range(RangeObject(start: start, stop: stop, step: step))
        },
        NativeFunction("sorted", help: """
            sorted(xs, key=f, reverse=false): a new sorted list (numbers or strings). Stable: equal
            keys keep their order of appearance, with reverse=true too (as in Python).
              sorted([3, 1, 2])   # [1, 2, 3]
            """) { arguments in
            try arguments.rejectUnknownNames(["key", "reverse"])
            try arguments.expectCount(1)
            let source = try arguments.require(at: 0, named: "xs")
            let key = try arguments.value(named: "key")
            let reverse = try arguments.bool(named: "reverse", default: false)
            // A list is read in place (a snapshot: the key function may change it).
            func sort(_ elements: UnsafeBufferPointer<Value>) throws -> Value {
                // Keys are gathered in a list: freed without an array's generic destroy. The key
                // function sees the elements in their order, reverse or not, as in Python.
                let keys = try key.map { try arguments.interpreter.mapEach($0, elements) }
                func order(_ keys: UnsafeBufferPointer<Value>) throws -> [Int] {
                    guard reverse else { return try sortedOrder(keys) }
                    // Python's reverse=True: the keys reversed, sorted stably, read backwards, so
                    // keys descend and equal keys keep their order of appearance.
                    let count = keys.count
                    let backwards = try sortedOrder(Array(keys.reversed()))
                    return backwards.reversed().map { count - 1 - $0 }
                }
                let positions = try keys.map { try $0.withUnsafeElements(order) } ?? order(elements)
                let sorted = ListObject(capacity: positions.count)
                for position in positions { sorted.append(elements[position]) }
                return .list(sorted)
            }
            if case .list(let list) = source { return try list.withSnapshot(sort) }
            return try arguments.interpreter.elements(of: source).withUnsafeBufferPointer(sort)
        },
        NativeFunction("zip", help: "zip(a, b, …): pairs (lists) of corresponding elements, as long as the shortest.\n  zip([1, 2], [\"a\", \"b\"])   # [[1, \"a\"], [2, \"b\"]]") { arguments in
            try arguments.rejectUnknownNames([])
            let sequences = try arguments.positional.map { try arguments.interpreter.elements(of: $0) }
            let length = sequences.map(\.count).min() ?? 0
            let pairs = ListObject(capacity: length)
            for index in 0..<length {
                let tuple = ListObject(capacity: sequences.count)
                for sequence in sequences { tuple.append(sequence[index]) }
                pairs.append(.list(tuple))
            }
            return .list(pairs)
        },
        NativeFunction("enumerate", help: "enumerate(xs, start=0): pairs [index, element].\n  for i, x in enumerate([\"a\", \"b\"]) { print(i, x) }") { arguments in
            try arguments.rejectUnknownNames(["start"])
            try arguments.expectCount(1...2)
            let start = try arguments.number(at: 1, named: "start", default: 0)
            let elements = try arguments.interpreter.elements(of: try arguments.require(at: 0, named: "xs"))
            let pairs = ListObject(capacity: elements.count)
            for (offset, element) in elements.enumerated() {
                let pair = ListObject(capacity: 2)
                pair.append(.number(start + Double(offset)))
                pair.append(element)
                pairs.append(.list(pair))
            }
            return .list(pairs)
        },
        NativeFunction("keys", help: "keys(d): the keys of a dict, in insertion order.\n  keys({\"a\": 1})   # [\"a\"]") { arguments in
            try arguments.rejectUnknownNames([])
            try arguments.expectCount(1)
            return .list(try dict(arguments).keyList())
        },
        NativeFunction("values", help: "values(d): the values of a dict, in key order.\n  values({\"a\": 1})   # [1]") { arguments in
            try arguments.rejectUnknownNames([])
            try arguments.expectCount(1)
            return .list(try dict(arguments).valueList())
        },
        NativeFunction("items", help: "items(d): [key, value] pairs of a dict, in insertion order.\n  for k, v in items({\"a\": 1}) { print(k, v) }") { arguments in
            try arguments.rejectUnknownNames([])
            try arguments.expectCount(1)
            return items(of: try dict(arguments))
        },
        NativeFunction("append", help: "append(xs, x): add x to the end of list xs (same as xs.append(x)).\n  append(xs, 4)") { arguments in
            try arguments.rejectUnknownNames([])
            try arguments.expectCount(2)
            let target = try arguments.require(at: 0, named: "xs")
            guard case .list(let list) = target else {
                throw NativeError("append() expects 'xs' to be a list, got \(target.typeAndValue)")
            }
            list.append(try arguments.require(at: 1, named: "x"))
            return .null
        },
    ] }

    /// The stable order of `keys` when `unbox` takes every one of them out of its `Value`; nil
    /// when some key is of another kind.
    private static func unboxedOrder<Keys: RandomAccessCollection<Value>, Key: Comparable>(
        _ keys: Keys, _ unbox: (Value) -> Key?) -> [Int]? where Keys.Index == Int {
        var unboxed: [Key] = []
        unboxed.reserveCapacity(keys.count)
        for key in keys {
            guard let value = unbox(key) else { return nil }
            unboxed.append(value)
        }
        return unboxed.withUnsafeBufferPointer { unboxed in keys.indices.sorted { unboxed[$0] < unboxed[$1] } }
    }

    /// The stable order of `keys` when all are numbers: by radix sort (NumberOrder.swift), or
    /// by comparison when one is NaN; nil when some key is not a number.
    private static func numberOrder<Keys: RandomAccessCollection<Value>>(_ keys: Keys) -> [Int]? where Keys.Index == Int {
        var numbers: [Double] = []
        numbers.reserveCapacity(keys.count)
        var hasNaN = false
        for key in keys {
            guard case .number(let number) = key else { return nil }
            hasNaN = hasNaN || number.isNaN
            numbers.append(number)
        }
        return numbers.withUnsafeBufferPointer { numbers in
            hasNaN ? keys.indices.sorted { numbers[$0] < numbers[$1] } : radixOrder(numbers)
        }
    }

    /// The positions of `keys` in ascending order (a stable sort). Keys that are all numbers or
    /// all strings are compared unboxed, without copying a `Value` per comparison; a mix goes
    /// through `less`, which reports the first pair it cannot compare.
    static func sortedOrder<Keys: RandomAccessCollection<Value>>(_ keys: Keys) throws -> [Int] where Keys.Index == Int {
        if keys.count >= radixThreshold, let order = numberOrder(keys) { return order }
        if let order = unboxedOrder(keys, { if case .number(let number) = $0 { number } else { nil } }) { return order }
        if let order = unboxedOrder(keys, { if case .string(let text) = $0 { text } else { nil } }) { return order }
        var failure: Error?
        let order = keys.indices.sorted { left, right in
            do {
                return try less(keys[left], keys[right], "sorted")
            } catch {
                failure = failure ?? error
                return false
            }
        }
        if let failure { throw failure }
        return order
    }

    /// `[[key, value], …]` in insertion order (`items(d)`, `d.items()`).
    static func items(of dict: DictObject) -> Value {
        .list(dict.itemList())
    }

    /// A number rounded to `digits` places, or a list with every element rounded.
    private static func roundElements(_ value: Value, digits: Int) throws -> Value {
        switch value {
        case .number(let number): return .number(round(number, digits: digits))
        case .list(let list): return .list(ListObject(try list.elements.map { try roundElements($0, digits: digits) }))
        default: throw NativeError("round() expects a number, a list or a tensor, got \(value.typeAndValue)")
        }
    }

    /// Python's `round(x, digits)`: the exact binary value rounded, ties to even.
    static func round(_ number: Double, digits: Int) -> Double {
        guard number.isFinite else { return number }
        if digits > 0 {
            // Like Python: round the exact binary value (2.675 is 2.67499…, so it gives 2.67);
            // printf's conversion is exact, and it halves to even on true ties.
            return Double(String(format: "%.\(min(digits, 300))f", number)) ?? number
        }
        let scale = Foundation.pow(10, Double(-digits))
        return (number / scale).rounded(.toNearestOrEven) * scale
    }

    private static func dict(_ arguments: Arguments) throws -> DictObject {
        let value = try arguments.require(at: 0, named: "d")
        guard case .dict(let dict) = value else {
            throw NativeError("\(arguments.functionName)() expects 'd' to be a dict, got \(value.typeAndValue)")
        }
        return dict
    }

    // MARK: - Higher-order

    // Computed: every interpreter gets its own function objects.
    private static var higherOrder: [NativeFunction] { [
        NativeFunction("map", help: "map(f, xs): a list of f(x) for each x (Python's order).\n  map(fn(x) { x * 2 }, [1, 2])   # [2, 4]") { arguments in
            try arguments.rejectUnknownNames([])
            try arguments.expectCount(2)
            let function = try arguments.callable(at: 0, named: "f")
            let source = try arguments.require(at: 1, named: "xs")
            // A list is read in place (a snapshot: `f` may change it).
            if case .list(let list) = source {
                return .list(try list.withSnapshot { try arguments.interpreter.mapEach(function, $0) })
            }
            return .list(try arguments.interpreter.elements(of: source).withUnsafeBufferPointer {
                try arguments.interpreter.mapEach(function, $0)
            })
        },
        NativeFunction("filter", help: "filter(f, xs): the elements x for which f(x) is true.\n  filter(fn(x) { x > 1 }, [1, 2, 3])   # [2, 3]") { arguments in
            try arguments.rejectUnknownNames([])
            try arguments.expectCount(2)
            let function = try arguments.callable(at: 0, named: "f")
            let source = try arguments.require(at: 1, named: "xs")
            // The kept elements go straight into the new list, each as its verdict comes (a
            // non-boolean verdict stops before the next call).
            func keep(_ elements: UnsafeBufferPointer<Value>) throws -> Value {
                let kept = ListObject()
                try arguments.interpreter.callEach(function, elements) { element, verdict in
                    guard case .bool(let flag) = verdict else {
                        throw NativeError("filter() expects f to return a boolean, got \(verdict.typeAndValue)")
                    }
                    if flag { kept.append(element.pointee) }
                }
                return .list(kept)
            }
            // A list is read in place (a snapshot: `f` may change it).
            if case .list(let list) = source { return try list.withSnapshot(keep) }
            return try arguments.interpreter.elements(of: source).withUnsafeBufferPointer(keep)
        },
    ] }

    // MARK: - Checks and time

    // Computed: every interpreter gets its own function objects.
    private static var misc: [NativeFunction] { [
        NativeFunction("assert", help: "assert(condition, message): stop with the message unless condition is true.\n  assert(len(xs) == 3, \"three items\")") { arguments in
            try arguments.rejectUnknownNames(["message"])
            try arguments.expectCount(1...2)
            let condition = try arguments.require(at: 0, named: "condition")
            guard case .bool(let flag) = condition else {
                throw NativeError("assert() expects 'condition' to be a boolean, got \(condition.typeAndValue)")
            }
            if !flag {
                let message = try arguments.value(at: 1, named: "message")?.description
                throw RuntimeError.assertionFailed(message: message, arguments.interpreter.currentSpan)
            }
            return .null
        },
        NativeFunction("time", help: "time(): seconds since 1970, fractional (for timing).\n  t0 = time(); work(); print(time() - t0)") { arguments in
            try arguments.rejectUnknownNames([])
            try arguments.expectCount(0)
            return .number(Date().timeIntervalSince1970)
        },
    ] }
}

extension Interpreter {
    /// `map`: `callEach` with the results put straight into a new list (an array moved into
    /// the list costs a copy of its bytes and the array's destroy of what is left).
    func mapEach(_ callee: Value, _ elements: UnsafeBufferPointer<Value>) throws -> ListObject {
        let results = ListObject(capacity: elements.count)
        try callEach(callee, elements, take: { _, result in results.append(result) })
        return results
    }

    /// `callee(element)` for each element, in order (`map`, `filter`, `sorted(key=)`), each
    /// element and its result handed to `take` before the next call (`filter` keeps the element
    /// or rejects a non-boolean). A Seek function called from a native on the interpreter's
    /// thread is entered directly: the thread check, the call's span and the clearing of stale
    /// frame slots happen once per native call instead of once per element
    /// (`call(_:argument:)` did all three per element).
    /// Each element is read where it lies, by pointer (not copied out and destroyed per call).
    func callEach(_ callee: Value, _ elements: UnsafeBufferPointer<Value>,
                  take: (UnsafePointer<Value>, Value) throws -> Void) throws {
        guard let first = elements.baseAddress else { return }
        guard LargeStack.isCurrentThread, case .function(let function) = callee else {
            for index in 0..<elements.count {
                let element = first + index
                try take(element, try call(callee, argument: element.pointee))
            }
            return
        }
        let span = machine.nativeCallSpan ?? fallbackSpan(SourceFile(name: "<native>", text: ""))
        defer { if machine.depth == 0 { machine.clearStaleSlots() } }
        for index in 0..<elements.count {
            let element = first + index
            try take(element, try machine.invoke(function, argumentAt: element, span))
        }
    }

    /// The span of the native call in progress (for typed errors a native throws itself).
    var currentSpan: SourceSpan { machine.nativeCallSpan ?? fallbackSpan(SourceFile(name: "<native>", text: "")) }

    /// The elements `for x in value` would visit (for natives taking any sequence).
    public func elements(of value: Value) throws -> [Value] {
        try machine.elements(of: value, machine.nativeCallSpan ?? fallbackSpan(SourceFile(name: "<native>", text: "")))
    }

    /// `left op right` with the language's semantics (for natives such as `sum`).
    public func binary(_ operation: BinaryOperator, _ left: Value, _ right: Value) throws -> Value {
        try machine.binary(operation, left, right,
                           machine.nativeCallSpan ?? fallbackSpan(SourceFile(name: "<native>", text: "")))
    }
}
