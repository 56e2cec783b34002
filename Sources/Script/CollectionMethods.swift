// Methods of built-in types: xs.append(x), d.get(k), s.split(","), … Part of the standard library.

import Foundation

enum CollectionMethods {
    static func install(into interpreter: Interpreter) {
        installListMethods(interpreter)
        installDictMethods(interpreter)
        installStringMethods(interpreter)
    }

    private static func list(_ value: Value) -> ListObject {
        guard case .list(let list) = value else { preconditionFailure("list method called on \(value.typeName)") }
        return list
    }

    private static func dict(_ value: Value) -> DictObject {
        guard case .dict(let dict) = value else { preconditionFailure("dict method called on \(value.typeName)") }
        return dict
    }

    /// `body` on the receiver's list, not retained (the receiver holds it for the call): the
    /// direct bodies below use it, since `list(_:)` returns its list retained, a retain and a
    /// release per `xs.pop()`.
    @inline(__always)
    private static func withList<Result>(_ value: Value, _ body: (ListObject) -> Result) -> Result {
        guard let list = value.unretainedList else { preconditionFailure("list method called on \(value.typeName)") }
        return list._withUnsafeGuaranteedRef(body)
    }

    /// `withList` for a dict (`d.has(k)`, `d.get(k)`).
    @inline(__always)
    private static func withDict<Result>(_ value: Value, _ body: (DictObject) -> Result) -> Result {
        guard let dict = value.unretainedDict else { preconditionFailure("dict method called on \(value.typeName)") }
        return dict._withUnsafeGuaranteedRef(body)
    }

    /// `text.split(separator)`: the pieces between separators, empty ones kept. A one-byte
    /// separator (",", "\n", " ") splits the UTF-8 bytes directly (Foundation's
    /// `components(separatedBy:)` walks characters and was most of a split-heavy loop).
    static func split(_ text: String, _ separator: String) -> Value {
        if let byte = StringBytes.singleByte(separator) {
            // An ASCII byte never occurs inside a multi-byte character, so the pieces between
            // its occurrences are whole UTF-8 text (StringBytes.split).
            if let pieces = text.utf8.withContiguousStorageIfAvailable({ StringBytes.split($0, at: byte) }) {
                return .list(pieces)
            }
            var copy = text
            return .list(copy.withUTF8 { StringBytes.split($0, at: byte) })
        }
        return .list(ListObject(text.components(separatedBy: separator).map(Value.string)))
    }

    private static func string(_ value: Value) -> String {
        guard case .string(let text) = value else { preconditionFailure("string method called on \(value.typeName)") }
        return text
    }

    private static func installListMethods(_ interpreter: Interpreter) {
        interpreter.defineMethod(on: "list", "append", help: "xs.append(x): add x at the end.\n  xs.append(4)",
                                 oneArgument: { receiver, element in
            list(receiver).append(element)
            return .null
        }) { receiver, arguments in
            try arguments.expectCount(1)
            let element = try arguments.require(at: 0, named: "x")
            list(receiver).append(element)
            return .null
        }
        interpreter.defineMethod(on: "list", "extend", help: "xs.extend(ys): add every element of ys.\n  xs.extend([4, 5])",
                                 oneArgument: { receiver, other in
            guard case .list(let source) = other else { return nil }
            list(receiver).appendElements(of: source)
            return .null
        }) { receiver, arguments in
            try arguments.expectCount(1)
            list(receiver).append(contentsOf: try arguments.interpreter.elements(of: try arguments.require(at: 0, named: "ys")))
            return .null
        }
        interpreter.defineMethod(on: "list", "pop", help: "xs.pop(): remove and return the last element (or xs.pop(i)).\n  last = xs.pop()",
                                 zeroArguments: { receiver in withList(receiver) { $0.removeLast() } }) { receiver, arguments in
            try arguments.expectCount(0...1)
            let target = list(receiver)
            guard !target.isEmpty else { throw NativeError("pop from an empty list") }
            let index = try IndexArgument.value(try arguments.value(at: 0, named: "index") ?? .number(-1))
                .position(in: target.count)
            return target.remove(at: index)
        }
        interpreter.defineMethod(on: "list", "insert", help: "xs.insert(i, x): insert x before position i.\n  xs.insert(0, \"first\")") { receiver, arguments in
            try arguments.expectCount(2)
            let target = list(receiver)
            let index = try arguments.integer(at: 0, named: "i")
            let resolved = min(max(index < 0 ? index + target.count : index, 0), target.count)
            target.insert(try arguments.require(at: 1, named: "x"), at: resolved)
            return .null
        }
        interpreter.defineMethod(on: "list", "contains", help: "xs.contains(x): whether x is an element.\n  [1, 2].contains(2)   # true",
                                 oneArgument: { receiver, needle in
            .bool(withList(receiver) { list in list.firstIndex { $0.isEqual(to: needle) } } != nil)
        }) { receiver, arguments in
            try arguments.expectCount(1)
            let needle = try arguments.require(at: 0, named: "x")
            return .bool(list(receiver).firstIndex { $0.isEqual(to: needle) } != nil)
        }
        interpreter.defineMethod(on: "list", "index", help: "xs.index(x): the first position of x.\n  [\"a\", \"b\"].index(\"b\")   # 1",
                                 oneArgument: { receiver, needle in
            // Not found: declined, so the general body reports it.
            withList(receiver) { list in list.firstIndex { $0.isEqual(to: needle) } }.map { .number(Double($0)) }
        }) { receiver, arguments in
            try arguments.expectCount(1)
            let needle = try arguments.require(at: 0, named: "x")
            guard let position = list(receiver).firstIndex(where: { $0.isEqual(to: needle) }) else {
                throw NativeError("\(needle.repr) is not in the list")
            }
            return .number(Double(position))
        }
        interpreter.defineMethod(on: "list", "reverse", help: "xs.reverse(): reverse in place.\n  xs.reverse()",
                                 zeroArguments: { receiver in
            list(receiver).reverse()
            return .null
        }) { receiver, arguments in
            try arguments.expectCount(0)
            list(receiver).reverse()
            return .null
        }
    }

    private static func installDictMethods(_ interpreter: Interpreter) {
        interpreter.defineMethod(on: "dict", "keys", help: "d.keys(): the keys in insertion order.\n  d.keys()",
                                 zeroArguments: { receiver in .list(withDict(receiver) { $0.keyList() }) }) { receiver, arguments in
            try arguments.expectCount(0)
            return .list(dict(receiver).keyList())
        }
        interpreter.defineMethod(on: "dict", "values", help: "d.values(): the values in key order.\n  d.values()",
                                 zeroArguments: { receiver in .list(withDict(receiver) { $0.valueList() }) }) { receiver, arguments in
            try arguments.expectCount(0)
            return .list(dict(receiver).valueList())
        }
        interpreter.defineMethod(on: "dict", "items", help: "d.items(): [key, value] pairs in insertion order.\n  for k, v in d.items() { print(k, v) }",
                                 zeroArguments: { receiver in withDict(receiver) { StandardLibrary.items(of: $0) } }) { receiver, arguments in
            try arguments.expectCount(0)
            return StandardLibrary.items(of: dict(receiver))
        }
        interpreter.defineMethod(on: "dict", "get", help: "d.get(key, default=nil): the value for key, or default.\n  d.get(\"lr\", 0.1)",
                                 oneArgument: { receiver, key in
            guard case .string(let text) = key else { return nil }
            return withDict(receiver) { $0[text] } ?? .null
        }) { receiver, arguments in
            try arguments.expectCount(1...2)
            let fallback = try arguments.value(at: 1, named: "default") ?? .null
            return dict(receiver)[try arguments.string(at: 0, named: "key")] ?? fallback
        }
        interpreter.defineMethod(on: "dict", "has", help: "d.has(key): whether key is present.\n  d.has(\"lr\")",
                                 oneArgument: { receiver, key in
            guard case .string(let text) = key else { return nil }
            return .bool(withDict(receiver) { $0.contains(text) })
        }) { receiver, arguments in
            try arguments.expectCount(1)
            return .bool(dict(receiver).contains(try arguments.string(at: 0, named: "key")))
        }
        interpreter.defineMethod(on: "dict", "remove", help: "d.remove(key): delete key and return its value.\n  d.remove(\"lr\")") { receiver, arguments in
            try arguments.expectCount(1)
            let key = try arguments.string(at: 0, named: "key")
            let target = dict(receiver)
            guard let value = target[key] else { throw NativeError("key \"\(key)\" not found") }
            target[key] = nil
            return value
        }
    }

    private static func installStringMethods(_ interpreter: Interpreter) {
        interpreter.defineMethod(on: "string", "upper", help: "s.upper(): upper-cased.\n  \"ab\".upper()   # \"AB\"",
                                 zeroArguments: { receiver in .string(string(receiver).uppercased()) }) { receiver, arguments in
            try arguments.expectCount(0)
            return .string(string(receiver).uppercased())
        }
        interpreter.defineMethod(on: "string", "lower", help: "s.lower(): lower-cased.\n  \"AB\".lower()   # \"ab\"",
                                 zeroArguments: { receiver in .string(string(receiver).lowercased()) }) { receiver, arguments in
            try arguments.expectCount(0)
            return .string(string(receiver).lowercased())
        }
        interpreter.defineMethod(on: "string", "strip", help: "s.strip(): without leading and trailing spaces.\n  \" a \".strip()   # \"a\"",
                                 zeroArguments: { receiver in .string(StringBytes.strip(string(receiver))) }) { receiver, arguments in
            try arguments.expectCount(0)
            return .string(StringBytes.strip(string(receiver)))
        }
        interpreter.defineMethod(on: "string", "split", help: "s.split(sep=\" \"): the pieces between separators.\n  \"a,b\".split(\",\")   # [\"a\", \"b\"]",
                                 oneArgument: { receiver, separator in
            guard case .string(let text) = separator, !text.isEmpty else { return nil }
            return split(string(receiver), text)
        }) { receiver, arguments in
            try arguments.expectCount(0...1)
            let separator = try arguments.string(at: 0, named: "sep", default: " ")
            guard !separator.isEmpty else { throw NativeError("split() separator must not be empty") }
            return split(string(receiver), separator)
        }
        interpreter.defineMethod(on: "string", "join", help: "sep.join(xs): the elements joined by sep.\n  \", \".join([\"a\", \"b\"])   # \"a, b\"",
                                 oneArgument: { receiver, elements in
            guard case .list(let list) = elements else { return nil }
            return .string(list.withUnsafeElements { StringBytes.join(string(receiver), $0) })
        }) { receiver, arguments in
            try arguments.expectCount(1)
            let elements = try arguments.interpreter.elements(of: try arguments.require(at: 0, named: "xs"))
            return .string(elements.withUnsafeBufferPointer { StringBytes.join(string(receiver), $0) })
        }
        interpreter.defineMethod(on: "string", "contains", help: "s.contains(t): whether t occurs in s.\n  \"hello\".contains(\"ell\")   # true",
                                 oneArgument: { receiver, needle in
            guard case .string(let part) = needle else { return nil }
            return .bool(StringBytes.contains(string(receiver), part))
        }) { receiver, arguments in
            try arguments.expectCount(1)
            return .bool(StringBytes.contains(string(receiver), try arguments.string(at: 0, named: "t")))
        }
        interpreter.defineMethod(on: "string", "replace", help: "s.replace(old, new): every old replaced by new.\n  \"a-b\".replace(\"-\", \"+\")") { receiver, arguments in
            try arguments.expectCount(2)
            let old = try arguments.string(at: 0, named: "old")
            guard !old.isEmpty else { throw NativeError("replace() 'old' must not be empty") }
            return .string(StringBytes.replace(string(receiver), old, with: try arguments.string(at: 1, named: "new")))
        }
        interpreter.defineMethod(on: "string", "startswith", help: "s.startswith(t): whether s begins with t.\n  \"seek\".startswith(\"se\")",
                                 oneArgument: { receiver, prefix in
            guard case .string(let prefix) = prefix else { return nil }
            return .bool(string(receiver).hasPrefix(prefix))
        }) { receiver, arguments in
            try arguments.expectCount(1)
            return .bool(string(receiver).hasPrefix(try arguments.string(at: 0, named: "t")))
        }
    }
}
