// The call and dict fast paths of Compiler+Objects.swift and Compiler+Functions.swift against the
// general code they replace: a callee taken out of a global, a plain local, a captured local, a
// closure's capture or a constant key of a dict (`s["push"](x)`) against the same callee through
// `id(…)` (any expression: the general path), at every arity from 0 to 6 and with keywords; and
// dict literals with constant distinct keys against the same literal with keys through `id`.
// Values cover every type and the errors: undefined names, unassigned locals, missing keys,
// non-dict targets, values that cannot be called, wrong counts, the recursion limit.
import Foundation
import Testing
@testable import Script

private func outcome(_ source: String) -> String { Harness.outcome(source) }

private let prelude = """
fn id(v) { return v }
fn f0() { return "zero" }
fn f1(a) { return [a] }
fn f2(a, b) { return [a, b] }
fn f3(a, b, c) { return [a, b, c] }
fn f4(a, b, c, d) { return [a, b, c, d] }
fn f5(a, b, c, d, e) { return [a, b, c, d, e] }
fn f6(a, b, c, d, e, g) { return [a, b, c, d, e, g] }

"""

/// Callee values: Seek functions of each arity, natives, and values that cannot be called.
private let callees = ["f0", "f1", "f2", "f3", "f4", "f5", "f6", "len", "print", "str", "max",
                       "3", "\"f\"", "nil", "[f1]", "{\"k\": f1}", "fn(x) { x * 2 }", "fn() { 7 }"]

/// Argument lists of every arity from 0 to 6, with values of several types.
private let argumentLists = ["", "1", "\"é\", [2]", "1, nil, true", "1, 2, 3, 4", "{}, 2, \"x\", 4, 5", "1, 2, 3, 4, 5, 6"]

@Test func calleesInEveryPlaceMatchTheGeneralCall() {
    for value in callees {
        for arguments in argumentLists {
            // The general path: `[g][0]`, any expression (a call's span starts where its callee
            // does, so both spellings report at the same column).
            let general = outcome(prelude + "g = \(value)\nprint([g][0](\(arguments)))\n")
            // A global callee.
            #expect(outcome(prelude + "g = \(value)\nprint(g(\(arguments)))\n") == general, "global \(value)(\(arguments))")
            // A plain local, a captured local and a closure's capture, inside a function (the
            // general spelling is compiled the same way, so the spans agree).
            let inFunction = "fn run() {\n g = \(value)\n keep = fn() { g }\n return [g][0](\(arguments))\n}\nprint(run())\n"
            let local = "fn run() {\n g = \(value)\n keep = 0\n return g(\(arguments))\n}\nprint(run())\n"
            let captured = "fn run() {\n g = \(value)\n keep = fn() { g }\n return g(\(arguments))\n}\nprint(run())\n"
            let upvalue = "fn run() {\n g = \(value)\n inner = fn() { g(\(arguments)) }\n return inner()\n}\nprint(run())\n"
            let upvalueGeneral = "fn run() {\n g = \(value)\n inner = fn() { [g][0](\(arguments)) }\n return inner()\n}\nprint(run())\n"
            let generalInFunction = outcome(prelude + inFunction)
            #expect(outcome(prelude + local) == generalInFunction, "local \(value)(\(arguments))")
            #expect(outcome(prelude + captured) == generalInFunction, "captured \(value)(\(arguments))")
            #expect(outcome(prelude + upvalue) == outcome(prelude + upvalueGeneral), "upvalue \(value)(\(arguments))")
            // A constant key of a dict in a global and in a local (`[d][0]["k"]` is the general path).
            let entryGeneral = outcome(prelude + "d = {\"k\": \(value)}\nprint([d][0][\"k\"](\(arguments)))\n")
            #expect(outcome(prelude + "d = {\"k\": \(value)}\nprint(d[\"k\"](\(arguments)))\n") == entryGeneral,
                    "global entry \(value)(\(arguments))")
            let localEntry = "fn run() {\n d = {\"k\": \(value)}\n return d[\"k\"](\(arguments))\n}\nprint(run())\n"
            let localEntryGeneral = "fn run() {\n d = {\"k\": \(value)}\n return [d][0][\"k\"](\(arguments))\n}\nprint(run())\n"
            #expect(outcome(prelude + localEntry) == outcome(prelude + localEntryGeneral), "local entry \(value)(\(arguments))")
        }
    }
}

@Test func calleeErrorsAreReportedWhereTheGeneralPathReportsThem() {
    // Undefined names, unassigned locals, missing keys, targets that are not dicts: the message
    // and its line and column.
    #expect(outcome("nope(1, 2, 3)\n") == "error 1:1: undefined variable 'nope'")
    for arguments in argumentLists {
        let fast = outcome(prelude + "fn run() {\n if false { g = 1 }\n return g(\(arguments))\n}\nrun()\n")
        #expect(fast == outcome(prelude + "fn run() {\n if false { g = 1 }\n return id(g)(\(arguments))\n}\nrun()\n")
            .replacingOccurrences(of: "11:12", with: "11:9"))
        #expect(fast.hasPrefix("error 11:9: local variable 'g' is read before it is assigned"), "\(fast)")
    }
    for (target, key) in [("{\"k\": 1}", "\"missing\""), ("[1, 2]", "\"k\""), ("\"text\"", "\"k\""), ("nil", "\"k\""),
                          ("{\"k\": 1}", "\"k\"")] {
        for arguments in argumentLists {
            let general = outcome(prelude + "d = \(target)\nprint([d][0][\(key)](\(arguments)))\n")
            let fast = outcome(prelude + "d = \(target)\nprint(d[\(key)](\(arguments)))\n")
            #expect(fast == general, "\(target)[\(key)](\(arguments))")
            #expect(fast.hasPrefix("error 10:7: "), "\(fast)")
            let inFunction = outcome(prelude + "fn run() {\n d = \(target)\n return d[\(key)](\(arguments))\n}\nrun()\n")
            let inFunctionGeneral = outcome(prelude + "fn run() {\n d = \(target)\n return [d][0][\(key)](\(arguments))\n}\nrun()\n")
            #expect(inFunction == inFunctionGeneral, "local \(target)[\(key)](\(arguments))")
        }
    }
    // Wrong counts name the function.
    #expect(outcome(prelude + "f3(1, 2)\n").contains("f3"))
    let wrongCount = outcome(prelude + "d = {\"m\": f4}\nd[\"m\"](1)\n")
    #expect(wrongCount == outcome(prelude + "d = {\"m\": f4}\n[d][0][\"m\"](1)\n"))
    #expect(wrongCount.contains("f4"), "\(wrongCount)")
}

@Test func calleeIsReadBeforeTheArgumentsRun() {
    // An argument that rebinds the callee (a global, a local, a dict entry) does not change the
    // function called, as in the general path and in Python.
    #expect(outcome(prelude + "d = {\"m\": f3}\nfn swap() {\n d[\"m\"] = f1\n return 9\n}\nprint(d[\"m\"](swap(), 2, 3), d[\"m\"](4))\n")
            == "[9, 2, 3] [4]\n")
    #expect(outcome(prelude + "fn run() {\n d = {\"m\": f2}\n fn swap() {\n  d[\"m\"] = f1\n  return 9\n }\n return [d[\"m\"](swap(), 2), d[\"m\"](4)]\n}\nprint(run())\n")
            == "[[9, 2], [4]]\n")
    // Arguments run in order at every arity.
    for count in 0...6 {
        let names = (0..<count).map { "t(\($0))" }.joined(separator: ", ")
        let program = prelude + "log = []\nfn t(i) {\n log.append(i)\n return i\n}\nfn run() {\n g = f\(count)\n r = g(\(names))\n return str(log)\n}\nprint(run(), f\(count)(\(names)), log)\n"
        let expected = (0..<count).map(String.init).joined(separator: ", ")
        #expect(outcome(program).hasPrefix("[\(expected)] "), "\(count) arguments: \(outcome(program))")
    }
}

@Test func recursionThroughEveryCalleeStillHitsTheLimit() {
    let programs = [
        "fn down(n) { down(n + 1) }\ndown(0)\n",
        "fn run() {\n g = 0\n g = fn(n, a, b) { g(n + 1, a, b) }\n return g(0, 1, 2)\n}\nrun()\n",
        "o = {}\no[\"m\"] = fn(n, a, b, c) { o[\"m\"](n + 1, a, b, c) }\no[\"m\"](0, 1, 2, 3)\n",
        "fn make() {\n self = {}\n self[\"m\"] = fn(n) { self[\"m\"](n + 1) }\n return self\n}\nmake()[\"m\"](0)\n",
    ]
    for program in programs {
        let result = outcome(program)
        #expect(result.contains("recursion too deep"), "\(program): \(result)")
    }
}

@Test func keywordArgumentsRunInSourceOrderIntoTheirParameters() {
    // Arguments run in the order written and land in the parameter they name, for each order of
    // names, the same site calling in turn two functions whose parameters are in different orders
    // (the cached order is per callee), and an error inside an argument keeps its place.
    let program = """
    log = []
    fn t(v) {
     log.append(v)
     return v
    }
    fn f(a, b, c) { [a, b, c] }
    fn g(a, c, b) { [a, b, c] }
    for h in [f, g, f] { print(h(t(1), c=t(3), b=t(2)), h(t(1), b=t(2), c=t(3))) }
    print(log)

    """
    #expect(outcome(program) == """
        [1, 2, 3] [1, 2, 3]
        [1, 2, 3] [1, 2, 3]
        [1, 2, 3] [1, 2, 3]
        [1, 3, 2, 1, 2, 3, 1, 3, 2, 1, 2, 3, 1, 3, 2, 1, 2, 3]

        """)
    // The same site reached again from inside one of its own arguments, with the other callee.
    let recursive = """
    fn f(a, b) { [a, b] }
    fn g(b, a) { [a, b] }
    fn run(n) {
     h = f
     if n % 2 == 1 { h = g }
     if n == 0 { return h(a=0, b=0) }
     return h(a=n, b=run(n - 1))
    }
    print(run(5))

    """
    #expect(outcome(recursive) == "[5, [4, [3, [2, [1, [0, 0]]]]]]\n")
    #expect(outcome("fn f(a, b) { a }\nfn run() { f(1, b=nope) }\nrun()\n") == "error 2:19: undefined variable 'nope'")
    #expect(outcome("fn f(a, b) { a }\nprint(f(1, a=2))\n").contains("a"))
}

@Test func keywordCallsThroughEveryCallee() {
    let function = "fn(x, rate, bias) { x * rate + bias }"
    for (setup, call) in [("g = \(function)\n", "g"), ("d = {\"m\": \(function)}\n", "d[\"m\"]")] {
        #expect(outcome(setup + "print(\(call)(2, rate=3, bias=1), \(call)(2, bias=1, rate=3))\n") == "7 7\n")
        #expect(outcome(setup + "print(\(call)(2, rate=3))\n").contains("takes 3 arguments, got 2"), "\(call)")
        #expect(outcome(setup + "print(\(call)(2, rat=3, bias=1))\n").contains("rate"), "\(call)")
        let inFunction = "fn run() {\n " + setup.replacingOccurrences(of: "\n", with: "\n ") + "return \(call)(2, bias=1, rate=3)\n}\nprint(run())\n"
        #expect(outcome(inFunction) == "7\n", "\(call)")
    }
}

// MARK: - Dict literals

/// Seek literals of every type for values.
private let values = ["1", "-2.5", "\"é\"", "nil", "true", "[1, \"x\"]", "{\"k\": 1}", "range(2)", "fn(x) { x }", "len"]

@Test func constantKeyLiteralsMatchKeysThroughID() {
    let keySets: [[String]] = [
        [], ["a"], ["label", "children"], ["x", "y", "add", "dot"],
        (0..<9).map { "k\($0)" },                        // past the scanned size: an index is built
        (0..<20).map { "key number \($0)" },             // long keys, a larger index
        ["é", "e", "👍🏽", "\u{212A}"],                   // non-ASCII keys (hashed in NFC form)
        ["a", "b", "a"],                                 // a repeated key: the general path
        ["é", "e\u{301}"],                               // canonically equal keys: the general path
        ["K", "\u{212A}"],                               // the Kelvin sign equals "K"
    ]
    for keys in keySets {
        for value in values {
            let fastEntries = keys.enumerated().map { "\"\($1)\": \(value)" }.joined(separator: ", ")
            let generalEntries = keys.enumerated().map { "id(\"\($1)\"): \(value)" }.joined(separator: ", ")
            let probe = keys.map { "d[\"\($0)\"]" }.joined(separator: ", ")
            let tail = "print(d, len(d), keys(d))\nprint(\(probe.isEmpty ? "0" : probe))\nd[\"new\"] = 5\nprint(d[\"new\"], len(d), has(d, \"zz\"))\n"
            let fast = outcome("fn id(v) { v }\nd = {\(fastEntries)}\n" + tail)
            let general = outcome("fn id(v) { v }\nd = {\(generalEntries)}\n" + tail)
            #expect(fast == general, "\(keys) = \(value)")
            #expect(!fast.hasPrefix("error"), "\(keys) = \(value): \(fast)")
        }
    }
    // Removing and adding keys after a literal of each size keeps lookups right.
    for size in [1, 8, 9, 17] {
        let entries = (0..<size).map { "\"k\($0)\": \($0)" }.joined(separator: ", ")
        let program = "d = {\(entries)}\nd[\"k0\"] = 100\nfor i in range(\(size)) { d[\"n\\(i)\"] = i }\n"
            + "t = 0\nfor k in keys(d) { t += d[k] }\nprint(t, len(d), d[\"k0\"], d[\"k\(size - 1)\"])\n"
        let total = 100 + (1..<size).reduce(0, +) + (0..<size).reduce(0, +)
        #expect(outcome(program) == "\(total) \(2 * size) 100 \(size == 1 ? 100 : size - 1)\n", "\(size)")
    }
}

@Test func literalValuesRunInOrderAndErrorsKeepTheirPlace() {
    #expect(outcome("log = []\nfn t(i) {\n log.append(i)\n return i\n}\nd = {\"b\": t(1), \"a\": t(2), \"c\": t(3)}\nprint(d, log)\n")
            == "{\"b\": 1, \"a\": 2, \"c\": 3} [1, 2, 3]\n")
    #expect(outcome("d = {\"a\": 1,\n \"b\": nope}\n") == "error 2:7: undefined variable 'nope'")
    #expect(outcome("d = {\"a\": 1, \"b\": 1 / 0 + [1]}\n").hasPrefix("error 1:"))
    // A non-string key is still reported at the literal.
    #expect(outcome("k = 3\nd = {\"a\": 1, k: 2}\n") == outcome("k = 3\nd = {\"a\": 1, k: 2}\n"))
    #expect(outcome("k = 3\nd = {\"a\": 1, k: 2}\n").contains("dict keys are strings"))
    // Each evaluation makes a new dict (a literal is not shared between runs of its code).
    #expect(outcome("fn make(v) { {\"v\": v} }\na = make(1)\nb = make(2)\na[\"v\"] = 9\nprint(a, b)\n")
            == "{\"v\": 9} {\"v\": 2}\n")
}

@Test func staleSlotsOfEveryKindReadAsUnassignedInTheNextFrame() {
    // A popped frame leaves its values behind; the next frame over the same slots must see its
    // locals unassigned whatever was left there (trivial values are cleared inline, others released).
    for left in ["1", "true", "nil", "\"text\" * 30", "[1, 2]", "{\"k\": 1}", "fn(x) { x }", "range(3)", "len"] {
        let program = "fn a() {\n x = \(left)\n y = x\n return 0\n}\nfn b() {\n if false { x = 1 }\n return x\n}\na()\nprint(b())\n"
        #expect(outcome(program).hasPrefix("error 8:9: local variable 'x' is read before it is assigned"), "\(left)")
        let reused = "fn a() {\n x = \(left)\n y = x\n return 0\n}\nfn b() {\n x = 5\n y = [x]\n return y\n}\na()\nprint(b(), a(), b())\n"
        #expect(outcome(reused) == "[5] 0 [5]\n", "\(left)")
    }
}

@Test func oneArgumentNativesMatchTheGeneralCallOnEveryValue() {
    // `len(x)` and the other natives with a one-argument body, called from their global slot,
    // against the same call through `[f][0]` (the general path): every kind of value, and the
    // errors (at the call's column either way).
    let arguments = ["\"héllo\"", "\"\"", "[1, 2, 3]", "[]", "{\"a\": 1}", "range(5)", "3", "nil", "true", "fn(x) { x }", "len"]
    for native in ["len", "str", "abs", "type", "sorted", "keys", "sum", "round", "print"] {
        for argument in arguments {
            let fast = outcome("x = \(argument)\nprint(\(native)(x))\n")
            let general = outcome("x = \(argument)\nprint([\(native)][0](x))\n")
            #expect(fast == general, "\(native)(\(argument))")
        }
    }
    #expect(outcome("x = 3\nprint(len(x))\n").hasPrefix("error 2:7:"))
}
