// The sequence fast paths (Compiler+Sequences.swift) against the general code they replace:
// `for x in xs[a:b]` (the slice walked in place) against the slice passed through a function
// first, and `a + b + c` (one join) against `id(a + b) + c` (pairwise). Each pair is spelled so
// the expressions sit at the same columns, and must print the same text or fail with the same
// message at the same line and column.
import Foundation
import Testing
@testable import Script

/// What a program printed, or its first error with where it was reported.
private func outcome(_ source: String) -> String { Harness.outcome(source) }

private let prelude = "fn id(v) { return v }\n"

/// Slice bounds of every kind: missing, negative, past either end, crossing, not whole numbers,
/// not numbers.
private let bounds: [(String, String)] = [
    ("", ""), ("1", ""), ("", "2"), ("1", "3"), ("-2", ""), ("", "-1"), ("-10", "10"), ("5", "2"),
    ("7", ""), ("0", "0"), ("1.5", ""), ("", "\"a\""), ("nil", "2"),
]

/// Sequences sliced: lists (empty, mixed), a string, a range, a dict, a number, nil.
private let sequences = ["[]", "[3, 1, \"x\", [2], nil, 5]", "\"héllo\"", "range(2, 9)", "{\"a\": 1}", "4", "nil"]

@Test func forOverASliceMatchesTheCopiedSlice() {
    for sequence in sequences {
        for (lower, upper) in bounds {
            let slice = "xs[\(lower):\(upper)]"
            let body = "{ print(x) }\nprint(\"done\")\n"
            let fast = prelude + "xs = \(sequence)\nfor x in    \(slice) " + body
            let general = prelude + "xs = \(sequence)\nfor x in id(\(slice)) " + body
            let fastOutcome = outcome(fast)
            #expect(fastOutcome == outcome(general), "for x in \(slice) with xs = \(sequence)")
            if sequence.hasPrefix("[3"), lower == "1", upper == "3" { #expect(fastOutcome == "1\nx\ndone\n") }
        }
    }
}

@Test func forOverASliceIsASnapshot() {
    // The body appends to and clears the list it walks: the loop still visits the slice as it was.
    let source = prelude + """
    xs = [1, 2, 3, 4]
    seen = []
    for x in xs[1:] {
        xs.append(x * 10)
        xs[0] = x
        seen.append(x)
    }
    print(seen, xs)
    fn inner(ys) {
        total = 0
        for y in ys[-2:] {
            if y == 4 { break }
            total += y
        }
        for y in ys[:2] { if y == 2 { return total + 100 } }
        return total
    }
    print(inner(xs), inner([5, 6]))
    for a, b in [[1, 2], [3, 4], [5, 6]][1:] { print(a + b) }
    """
    #expect(outcome(source) == "[2, 3, 4] [4, 2, 3, 4, 20, 30, 40]\n170 11\n7\n11\n")
}

@Test func concatenationChainsMatchPairwiseAddition() {
    // A first operand nothing else holds (a literal, `fresh()`) is extended in place; `g`, `f()`
    // (which returns `g`) are held elsewhere and copied.
    let operands = ["[1]", "[]", "[2, [3]]", "\"ab\"", "\"é\"", "1", "nil", "{\"k\": 1}", "range(3)", "f()", "g", "fresh()"]
    for first in operands {
        for second in operands {
            for third in operands {
                // f() appends to the list `g` holds, which may be an earlier operand.
            let program = "g = [7]\nfn f() { g.append(1)\n return g }\nfn fresh() { return [5] * 2 }\n"
                let fast = prelude + program + "r =    \(first) + \(second)  + \(third)\nprint(r, g)\n"
                let general = prelude + program + "r = id(\(first) + \(second)) + \(third)\nprint(r, g)\n"
                #expect(outcome(fast) == outcome(general), "\(first) + \(second) + \(third)")
            }
        }
    }
}

@Test func longConcatenationChains() {
    let source = prelude + """
    a = [1, 2]
    fn grow() {
        a.append(9)
        return [0]
    }
    print(a + grow() + a + [3] + a)
    s = "x"
    print(s + "y" + s + "\\(len(a))" + s + s)
    print(1 + 2 + 3 + 4 + 0.5)
    n = 1
    print("n=" + "1" + "!" + "" + "?")
    """
    // As pairwise: `a + grow()` reads a after grow appended to it, and so do the later operands.
    #expect(outcome(source) == "[1, 2, 9, 0, 1, 2, 9, 3, 1, 2, 9]\nxyx3xx\n10.5\nn=1!?\n")
    let failing = prelude + "xs = [1]\nys =    xs + [2] + [3]  + 4 + [5]\n"
    #expect(outcome(failing) == outcome(prelude + "xs = [1]\nys = id(xs + [2] + [3]) + 4 + [5]\n"))
    #expect(outcome(failing).hasPrefix("error 3:"))
}

@Test func aChainExtendsAFirstListNothingElseHolds() {
    // The result of a call or a literal is extended in place: later changes to the other
    // operands, or to the result, change nothing else; recursion builds its result this way.
    let source = prelude + """
    fn fresh(n) { return [n] * 2 }
    xs = [3]
    ys = [4]
    r = fresh(1) + xs + ys
    r2 = [] + r + []
    xs.append(5)
    r.append(6)
    print(r, r2, xs, ys)
    fn quicksort(xs) {
        if len(xs) <= 1 { return xs }
        pivot = xs[0]
        less = []
        more = []
        for x in xs[1:] {
            if x < pivot { less.append(x) } else { more.append(x) }
        }
        return quicksort(less) + [pivot] + quicksort(more)
    }
    data = [5, -1, 3, 3, 0, 12, -7, 2.5]
    print(quicksort(data), data, quicksort([]), quicksort(["b", "a", "c"]))
    print(quicksort([3, "a", 1]))
    """
    #expect(outcome(source) == """
        [1, 1, 3, 4, 6] [1, 1, 3, 4] [3, 5] [4]
        [-7, -1, 0, 2.5, 3, 3, 5, 12] [5, -1, 3, 3, 0, 12, -7, 2.5] [] ["a", "b", "c"]
        error 16:14: cannot apply '<' to string "a" and number 3
        """)
}

// MARK: - for over a list

/// Lists of every kind of element, and loop variables holding every kind of value before.
private let walkedLists = ["[]", "[1, 2.5, -0]", "[\"a\", nil, true, [2], {\"k\": 3}, range(2), 7]", "[[1, 2], [3, 4]]"]
private let loopStarts = ["nil", "\"old\"", "[9]", "4"]

@Test func forOverAListMatchesIndexingASnapshot() {
    // `for x in ys` (walked by pointer, plain elements stored directly) against a while loop that
    // indexes a copy; the body appends to the list it walks. The variable is a plain local, a
    // captured local, a global, and two names unpacked.
    for list in walkedLists {
        for start in loopStarts {
            let local = "fn f(ys) {\n x = \(start)\n out = []\n LOOP { out.append(x)\n ys.append(x) }\n return [out, x, len(ys)]\n}\nprint(f(\(list)))\n"
            let captured = "fn f(ys) {\n x = \(start)\n see = fn() { x }\n out = []\n LOOP { out.append(see())\n ys.append(x) }\n return [out, see()]\n}\nprint(f(\(list)))\n"
            let global = "ys = \(list)\nx = \(start)\nout = []\nLOOP { out.append(x)\n ys.append(x) }\nprint(out, x, len(ys))\n"
            for program in [local, captured, global] {
                let fast = program.replacingOccurrences(of: "LOOP", with: "for x in ys")
                let general = program.replacingOccurrences(
                    of: "LOOP", with: "copy = ys[:]\n i = 0\n while i < len(copy) { x = copy[i]\n i += 1\n if true")
                    .replacingOccurrences(of: "ys.append(x) }", with: "ys.append(x) } }")
                #expect(outcome(fast) == outcome(general), "\(program) with \(list), \(start)")
                #expect(!outcome(fast).hasPrefix("error"), "\(fast)")
            }
        }
    }
    let unpacked = "pairs = [[1, \"a\"], [2, \"b\"]]\nk = \"old\"\nfor k, v in pairs { pairs.append([k, v]) }\nprint(k, v, len(pairs))\n"
    #expect(outcome(unpacked) == "2 b 4\n")
    let uneven = "for k, v in [[1, 2], [3]] { print(k) }\n"
    #expect(outcome(uneven) == "1\nerror 1:1: cannot unpack 1 value into 2 variables (the counts must match)")
}

@Test func forOverAListBreaksReturnsAndReportsErrors() {
    let source = """
    fn first_big(xs) {
        for x in xs {
            if x > 10 { return x }
        }
        return nil
    }
    fn until_nil(xs) {
        n = 0
        for x in xs {
            if x == nil { break }
            if x == 2 { continue }
            n += x
        }
        return n
    }
    print(first_big([1, 20, 30]), first_big([]), until_nil([1, 2, 3, nil, 100]))
    for x in [1, "a"] { print(x - 2) }
    """
    #expect(outcome(source) == "20 nil 4\n-1\nerror 17:29: cannot apply '-' to string \"a\" and number 2")
}

// MARK: - Lists in plain locals, borrowed

@Test func indexingABorrowedListMatchesTheGeneralPath() {
    // `xs[i]`, `xs[i] = v`, `xs[i] op= v` on a parameter (read where it lies) against the same
    // through `id(xs)`; the value may use or empty the list first.
    let source = prelude + """
    fn drain(ys) {
        while len(ys) > 0 { ys.pop() }
        return 5
    }
    fn h(xs) {
        xs[-1] += xs[0]
        v = xs[-2]
        return [xs, v, xs[1.0]]
    }
    fn g(xs) {
        xs[0] = xs
        print(len(xs), len(xs[0][0]))
        xs[1] = drain(xs)
        return xs
    }
    print(h([1, 2.5, 4]))
    print(g([1, 2, 3]))
    """
    #expect(outcome(source) == "[[1, 2.5, 5], 2.5, 2.5]\n3 3\nerror 14:11: index 1 out of range for length 0")
    for (index, value) in [("0", "7"), ("-1", "\"s\""), ("3", "1"), ("1.5", "1"), ("\"k\"", "1"), ("-4", "nil")] {
        for op in ["=", "+="] {
            let body = "fn f(xs) {\n    xs[\(index)] \(op) \(value)\n    return [xs, xs[\(index)]]\n}\nprint(f([1, 2, 3]))\n"
            let general = body.replacingOccurrences(of: "    xs[", with: "id(xs)[").replacingOccurrences(of: "[xs, xs[", with: "[xs, id(xs)[")
            let fastOutcome = outcome(prelude + body), generalOutcome = outcome(prelude + general)
            #expect(fastOutcome.hasPrefix("error") == generalOutcome.hasPrefix("error"), "xs[\(index)] \(op) \(value)")
            #expect(fastOutcome.components(separatedBy: ": ").last == generalOutcome.components(separatedBy: ": ").last,
                    "xs[\(index)] \(op) \(value)")
        }
    }
}

// MARK: - Built-in methods called directly

/// Receivers of every built-in type and others, for a call site that sees them in turn.
private let receivers = ["[3, 1]", "[]", "\"aB c \"", "\"\"", "{\"k\": 1, \"j\": [2]}", "{}", "4", "nil", "range(2)"]

@Test func zeroArgumentMethodsMatchTheBoundMethod() {
    // `r.name()` at a direct site against `m = r.name` then `m()` (the bound method's general body).
    for name in ["pop", "reverse", "keys", "values", "items", "upper", "lower", "strip", "nosuch"] {
        for receiver in receivers {
            let direct = "fn call(r) { v = r.\(name)()\n return [v, r] }\nprint(call(\(receiver)))\nprint(call(\(receiver)))\n"
            let bound = "fn call(r) { m = r.\(name)\n return [m(), r] }\nprint(call(\(receiver)))\nprint(call(\(receiver)))\n"
            let directOutcome = outcome(direct), boundOutcome = outcome(bound)
            // The same values; errors with the same message (the spans differ: `r.name()` vs `m()`).
            #expect(directOutcome.components(separatedBy: ": ").last == boundOutcome.components(separatedBy: ": ").last,
                    "\(receiver).\(name)()")
            #expect(directOutcome.hasPrefix("error") == boundOutcome.hasPrefix("error"), "\(receiver).\(name)()")
        }
    }
}

@Test func appendPutsTheElementInDirectly() {
    let source = """
    fn fill(xs, n) {
        for i in range(n) { xs.append(i) }
        return xs
    }
    print(fill([], 3), fill([9], 2))
    xs = [1, 2, 3]
    xs.append(xs.pop())
    xs.append(xs)
    print(len(xs), len(xs[3]))
    fn owner() {
        items = []
        add = fn(x) { items.append(x) }
        add(1)
        add("two")
        return items
    }
    print(owner())
    fn site(c, x) {
        c.append(x)
        return c
    }
    print(site([], 1), site([2], [3]))
    print(site("text", 1))
    """
    #expect(outcome(source).hasPrefix("[0, 1, 2] [9, 0, 1]\n4 4\n[1, \"two\"]\n[1] [2, [3]]\nerror 19:"))
    #expect(outcome(source).contains("string has no member 'append'"))
    // An unassigned receiver is reported before the argument runs, at the receiver.
    let unassigned = "fn f() {\n    if false { xs = [] }\n    xs.append(print(\"ran\"))\n}\nf()\n"
    #expect(outcome(unassigned).hasPrefix("error 3:5:"))
    #expect(!outcome(unassigned).contains("ran"))
    let wrongCount = "xs = []\nxs.append(1, 2)\n"
    #expect(outcome(wrongCount).hasPrefix("error 2:"))
}

// MARK: - Fused matrix elements

@Test func fusedMatrixElementsMatchTheGeneralPath() {
    // `m[i][j]` in arithmetic is fused (Compiler+Numbers.swift); `id(m)[i][j]` is not. Indices of
    // every kind, rows that are not lists, elements that are not numbers. The fast spelling is
    // padded so `m` starts where `id` does and the operators sit at the same columns.
    let matrix = "[[1, 2], [3, \"x\"], 4, [], [[5]]]"
    let positions = ["0", "1", "-1", "2", "3", "4", "5", "-6", "0.5", "\"a\"", "nil"]
    for i in positions {
        for j in ["0", "1", "-1", "2", "-3", "1.5", "nil"] {
            let local = "fn f(m, i, j) { return m[i][j]     * 2 + 1 }\nprint(f(\(matrix), \(i), \(j)))\n"
            let localGeneral = "fn f(m, i, j) { return id(m)[i][j] * 2 + 1 }\nprint(f(\(matrix), \(i), \(j)))\n"
            #expect(outcome(prelude + local) == outcome(prelude + localGeneral), "local m[\(i)][\(j)]")
            let global = "m = \(matrix)\nprint(m[\(i)][\(j)]     - 0.5 + 1)\n"
            let globalGeneral = "m = \(matrix)\nprint(id(m)[\(i)][\(j)] - 0.5 + 1)\n"
            #expect(outcome(prelude + global) == outcome(prelude + globalGeneral), "global m[\(i)][\(j)]")
            let captured = "fn g(m) { h = fn(i, j) { m[i][j]     * 3 + 0 }\n return h(\(i), \(j)) }\nprint(g(\(matrix)))\n"
            let capturedGeneral = "fn g(m) { h = fn(i, j) { id(m)[i][j] * 3 + 0 }\n return h(\(i), \(j)) }\nprint(g(\(matrix)))\n"
            #expect(outcome(prelude + captured) == outcome(prelude + capturedGeneral), "captured m[\(i)][\(j)]")
        }
    }
    let product = """
    fn matmul(a, b) {
        out = []
        for i in range(len(a)) {
            row = []
            for j in range(len(b[0])) {
                s = 0
                for k in range(len(b)) { s += a[i][k] * b[k][j] }
                row.append(s)
            }
            out.append(row)
        }
        return out
    }
    print(matmul([[1, 2], [3, 4]], [[5, 6], [7, 8]]))
    """
    #expect(outcome(product) == "[[19, 22], [43, 50]]\n")
}

// MARK: - Constant keys

@Test func constantKeysMatchComputedKeys() {
    // `t["k"]` hashes its key once when compiled; `t[key]` hashes it per read. Targets of every
    // kind, keys present and missing, ASCII and not (composed and decomposed "é" are equal keys).
    let targets = ["{\"k\": 1, \"é\": [2], \"\": \"e\"}", "{}", "[1, 2]", "\"text\"", "4", "nil"]
    for target in targets {
        for key in ["k", "é", "e\u{301}", "", "missing", "K"] {
            let setup = "key = \"\(key)\"\nt = \(target)\n"
            let fast = setup + "fn f(t) { return t[\"\(key)\"] }\nprint(f(t), t[\"\(key)\"] == nil)\nprint(f(t) * 2 + 1)\n"
            let general = setup + "fn f(t) { return t[key] }\nprint(f(t), t[key] == nil)\nprint(f(t) * 2 + 1)\n"
            #expect(outcome(fast) == outcome(general), "\(target)[\"\(key)\"]")
        }
    }
    // Inside fused arithmetic, and on a local that is never assigned.
    let fused = "fn dot(a, b) { return a[\"x\"] * b[\"x\"] + a[\"y\"] * b[\"y\"] }\nprint(dot({\"x\": 2, \"y\": 3}, {\"x\": 4, \"y\": 5}))\n"
    #expect(outcome(fused) == "23\n")
    #expect(outcome("fn f() {\n    if false { d = {} }\n    return d[\"k\"]\n}\nf()\n").hasPrefix("error 3:12:"))
}
