// `len(v)` of a variable inside fused number code (`NumberCodeBuilder`, Compiler+Numbers.swift):
// read where the value lies while the global `len` is the standard library's. Each program runs
// in two spellings with `len` at the same column: the fused one (`   len(v) <= 1`) and the general
// one (`id(len(v))<= 1`: the call result passes through a Seek function, so nothing fuses). They
// must print the same text or fail with the same message at the same line and column.
import Foundation
import Testing
@testable import Script

private func outcome(_ source: String) -> String { Harness.outcome(source) }

private let prelude = "fn id(v) { return v }\n"

/// Values of every kind `len` meets: lists, a dict, strings (ASCII, non-ASCII, 64 bytes or more),
/// a range and an object-free number and nil (errors), and a function (an error).
private let values = [
    "[]", "[1]", "[3, 1, \"x\", [2], nil]", "{}", "{\"a\": 1, \"b\": 2}", "\"\"", "\"héllo\"",
    "\"e\u{301}a\"", "\"\(String(repeating: "ab", count: 40))\"", "range(2, 9)", "4", "nil", "id",
]

/// Fused spellings, each with `LEN` where `len(v)` goes: comparisons, arithmetic, a guard, a
/// while condition.
private let shapes = [
    "print(LEN <= 1)",
    "print(LEN > 0, 0 < LEN)",
    "print(LEN - 1 + 0)",
    "print(2 * LEN)",
    "if LEN == 2 { print(\"two\") } else { print(\"not two\") }",
    "i = 0\nwhile i < LEN { i += 1 }\nprint(i)",
]

/// `text` with each `LEN` spelled fused (`   len(v) `) or general (`id(len(v))`), same columns.
private func spell(_ text: String, fused: Bool) -> String {
    text.replacingOccurrences(of: "LEN", with: fused ? "   len(v) " : "id(len(v))")
}

@Test func lengthInFusedNumbersMatchesTheGeneralCall() {
    for value in values {
        for shape in shapes {
            // The variable as a global, a plain local, a cell, a closure's capture, and unassigned
            // (a local assigned only after the read: the error names it).
            let bodies = scopedBodies(shape, value) + ["fn u() {\n\(shape)\nv = 1\n}\nu()\n"]
            expectSpellingsAgree(bodies, prelude: prelude) { spell($0, fused: $1) }
        }
    }
}

@Test func lengthInFusedNumbersCountsWhatLenCounts() {
    // Values pinned by hand: characters (not bytes or scalars) for strings, entries for dicts.
    let source = """
    fn f(v) { return len(v) * 10 + 1 }
    print(f([1, 2, 3]), f({"a": 1}), f("héllo"), f("e\u{301}a"), f(""))
    """
    #expect(outcome(source) == "31 11 51 21 1\n")
}

@Test func lengthRebindingOrShadowingTakesTheGeneralCall() {
    // A global `len` replaced by a Seek function runs that function (once per use); a local
    // named `len` is never the built-in.
    let rebound = """
    calls = []
    len = fn(v) { calls.append(v)
        return 7 }
    xs = [1, 2]
    print(len(xs) + 1 > 3, calls)
    fn f(ys) { return len(ys) * 2 }
    print(f(xs), calls)
    """
    #expect(outcome(rebound) == "true [[1, 2]]\n14 [[1, 2], [1, 2]]\n")
    let shadowed = """
    fn f(xs, len) { return len(xs) - 1 }
    print(f([1, 2, 3], fn(v) { return 10 }))
    print(len([1, 2, 3]) - 1)
    """
    #expect(outcome(shadowed) == "9\n2\n")
    // Rebinding after a fused site ran once: the site checks the global on every run.
    let later = """
    fn f(xs) { return len(xs) + 0 * 1 }
    print(f([1, 2]))
    len = fn(v) { return 100 }
    print(f([1, 2]))
    """
    #expect(outcome(later) == "2\n100\n")
}
