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
    let operands = ["[1]", "[]", "[2, [3]]", "\"ab\"", "\"é\"", "1", "nil", "{\"k\": 1}", "range(3)", "f()", "g"]
    for first in operands {
        for second in operands {
            for third in operands {
                // f() appends to the list `g` holds, which may be an earlier operand.
            let program = "g = [7]\nfn f() { g.append(1)\n return g }\n"
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
