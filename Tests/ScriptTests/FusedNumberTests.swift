// Fused number code (`NumberCodeBuilder`, Compiler+Numbers.swift) in the places that fuse from a
// single operation: an `if`/`while` comparison (`n % 2 == 0`, `xs[0] >= 1`, and with none against
// a number constant, `while n != 1`; tested inline by the statement, `FusedTest`), an assignment (`n = n / 2`, `c += 1`, stored without boxing, also into a captured variable), and
// nested operations (`(v + 1) * (v - 1)`, called directly). Each program runs in two spellings
// with the same columns: fused (`   v `) and general (`id(v)`: the value passes through a Seek
// function, so the fused code declines and the general code runs). They must print the same text
// or fail with the same message at the same line and column.
import Foundation
import Testing
@testable import Script

private let prelude = "fn id(v) { return v }\n"

/// Values of every kind an operation meets: whole, negative, fractional and zero numbers, a
/// string, a list, a dict, a boolean and nil.
private let values = ["7", "6", "-3", "2.5", "0", "1e3", "\"ab\"", "[1, 2]", "{\"a\": 1}", "true", "nil"]

/// Shapes with `⟨e⟩` where an operand goes: spelled `   e ` (fused) or `id(e)` (general).
private let shapes = [
    "if ⟨v⟩ % 2 == 0 { print(\"even\") } else { print(\"odd\") }",
    "if ⟨v⟩ * 2 > 5 { print(\"big\") }\nprint(\"done\")",
    "if (⟨v⟩ + 1) * 2 > 3 { print(\"big\") } else { print(\"small\") }",
    "k = 0\nwhile ⟨v⟩ - k > 5 { k += 1 }\nprint(k)",
    "if ⟨v⟩ > 1 { print(\"big\") } else { print(\"small\") }",
    "k = 0\nwhile k != ⟨3⟩ { k += 1 }\nprint(k, v)",
    "t = ⟨v⟩ / 2\nprint(t)",
    "t = ⟨v⟩ / 0\nprint(t)",
    "t = 3 * ⟨v⟩ + 1\nprint(t)",
    "print((⟨v⟩ + 1) * (⟨v⟩ - 1))",
    "c = v\nc += ⟨v⟩\nprint(c)",
    "c = v\nc -= ⟨1⟩\nprint(c)",
    "c = v\nc *= ⟨3⟩\nprint(c)",
    "c = v\nc /= ⟨0⟩\nprint(c)",
    "c = v\nc = c % ⟨4⟩\nprint(c)",
    "c = v\nkeep = fn() { c }\nc += ⟨1⟩\nprint(c, keep())",
    "c = v\nbump = fn() { c += ⟨1⟩ }\nbump()\nprint(c)",
    "c = v\nscale = fn() { c = c * ⟨2⟩ - 1 }\nscale()\nprint(c)",
    "xs = [v, 2]\nif ⟨xs[0]⟩ >= 1 { print(\"yes\") } else { print(\"no\") }",
    "xs = [v, 2]\nxs[1] = ⟨xs[0]⟩ - 1\nprint(xs)",
]

@Test func fusedConditionsAndAssignmentsMatchTheGeneralCode() {
    for value in values {
        for shape in shapes {
            // The variable as a global, a plain local, a cell and a closure's capture.
            expectSpellingsAgree(scopedBodies(shape, value), prelude: prelude) { spellAngled($0, fused: $1) }
        }
    }
}

@Test func fusedConditionsAndAssignmentsGiveValuesPinnedByHand() {
    // The Collatz steps of 6 (6 3 10 5 16 8 4 2 1: 8 steps), with every statement fused.
    let source = """
    fn steps(n) {
        count = 0
        while n != 1 {
            if n % 2 == 0 { n = n / 2 } else { n = 3 * n + 1 }
            count += 1
        }
        return count
    }
    print(steps(6), steps(27))
    c = 10
    c -= 4
    c *= 2.5
    c = c % 4
    print(c)
    """
    // steps(27) = 111 (the well-known long chain); 10 - 4 = 6, 6 * 2.5 = 15, 15 % 4 = 3.
    #expect(Harness.outcome(source) == "8 111\n3\n")
}

@Test func aFusedConditionThatDeclinesReportsTheGeneralError() {
    // A string in a fused comparison: the general code reports the operator and the operands.
    let outcome = Harness.outcome("fn f(n) {\n    if n % 2 == 0 { return 1 }\n    return 0\n}\nf(\"x\")\n")
    #expect(outcome.hasPrefix("error 2:"), "\(outcome)")
    #expect(outcome.contains("%"), "\(outcome)")
}

/// `d[k] op= x` on a plain local's dict (`DictObject.updateNumber`, the entry updated where it
/// lies) against the same statement on `id(d)`, which takes the general path: entries of every
/// kind, missing keys, and every compound operator, in every scope.
@Test func dictEntriesUpdatedInPlaceMatchTheGeneralPath() {
    let shapes = [
        "d = {\"a\": v, \"b\": 2}\nk = \"a\"\n⟨d⟩[k] += 1\nprint(d)",
        "d = {\"a\": v, \"b\": 2}\n⟨d⟩[\"a\"] -= 0.5\n⟨d⟩[\"b\"] *= 3\nprint(d)",
        "d = {\"a\": v}\n⟨d⟩[\"a\"] /= 2\nprint(d)",
        "d = {\"a\": v}\n⟨d⟩[\"a\"] /= 0\nprint(d)",
        "d = {\"a\": v}\n⟨d⟩[\"missing\"] += 1\nprint(d)",
        "d = {\"a\": 1}\n⟨d⟩[\"a\"] += v\nprint(d)",
        "d = {1: v}\n⟨d⟩[1] += 1\nprint(d)",
        "counts = {}\nfor w in [\"x\", \"y\", \"x\"] { if counts.has(w) { ⟨counts⟩[w] += 1 } else { counts[w] = 1 } }\nprint(counts, v)",
    ]
    for value in values {
        for shape in shapes {
            expectSpellingsAgree(scopedBodies(shape, value), prelude: prelude) { spellAngled($0, fused: $1) }
        }
    }
    // Pinned by hand: 3 + 1, then 4 − 0.5 = 3.5 and 2 · 3 = 6.
    #expect(Harness.outcome("fn f() {\nd = {\"a\": 3, \"b\": 2}\nd[\"a\"] += 1\nd[\"a\"] -= 0.5\nd[\"b\"] *= 3\nprint(d)\n}\nf()\n")
            == "{\"a\": 3.5, \"b\": 6}\n")
}
