// The string fast paths of Compiler+Strings.swift, Compiler+Methods.swift and the string loop
// (Compiler+Sequences.swift) against the general code they replace: interpolation written into one
// buffer against `str` pieces added up, `s = s + t` / `s += t` in place against `id(s) + t`, `for ch
// in s` by byte against indexing, and constant receivers (`"aeiou".contains(ch)`, `ch in "aeiou"`,
// `ch == " "`) against the same text through `id`. Texts cover ASCII, "\r\n", accents written
// either way, emoji with modifiers and long strings; values cover every type and the errors.
import Foundation
import Testing
@testable import Script

/// What a program printed, or its first error with where it was reported.
private func outcome(_ source: String) -> String { Harness.outcome(source) }

/// The message of an outcome's error without its position (spans differ between spellings).
private func errorMessage(_ outcome: String) -> String? {
    guard let range = outcome.range(of: "error ") else { return nil }
    return outcome[range.upperBound...].split(separator: " ", maxSplits: 1).last.map(String.init)
}

private let prelude = "fn id(v) { return v }\n"

/// Seek literals of every kind of text.
private let texts = [
    "\"\"", "\"a\"", "\"aeiou\"", "\" \"", "\"héllo\"", "\"he\\u{301}llo\"", "\"e\"", "\"a\\r\\nb\"", "\"\\r\"", "\"\\n\"",
    "\"👍🏽 x\"", "\"family 👨‍👩‍👧\"", "\"x\" * 70", "\"thé \" * 20", "\"ab\\r\\n\" * 30",
]

/// Seek literals of every type.
private let values = texts + ["3", "-2.5", "1e20", "nil", "true", "[1, \"x\"]", "{\"k\": 1}", "range(2)"]

// MARK: - Interpolation

@Test func interpolationMatchesAddedUpPieces() {
    // Numbers of every form `print` has: whole (digits written in place), zero and minus zero,
    // 1e16 and past it, fractions, negative, not a number.
    let numbers = ["0", "-0", "-7", "123456789012345", "9999999999999998", "1e16", "0.1 + 0.2", "-1e-9", "0 / 0", "1 / 0"]
    for first in values + numbers {
        for second in ["\"é\"", "7", "-0", "nil", "[2]", "\"x\" * 20"] {
            let fast = prelude + "a = \(first)\nb = \(second)\nprint(\"<\\(a)|\\(b)\\(a)>\")\n"
            let general = prelude + "a = \(first)\nb = \(second)\nprint(\"<\" + str(a) + \"|\" + str(b) + str(a) + \">\")\n"
            #expect(outcome(fast) == outcome(general), "\(first) | \(second)")
        }
    }
    // Texts longer than the stack buffer (256 bytes): the overflow falls in a string part, in a
    // number, at the buffer's very end, and in the first part.
    for (a, b) in [("\"é\" * 60", "12345"), ("\"x\" * 127", "-7"), ("\"x\" * 128", "[1, 2]"), ("\"y\" * 300", "nil"),
                   ("\"x\" * 250", "1234567"), ("\"x\" * 255", "1")] {
        let fast = "a = \(a)\nb = \(b)\nprint(\"\\(a)\\(b)|\\(a)\\(b)\\(b)!\")\n"
        let general = "a = \(a)\nb = \(b)\nprint(str(a) + str(b) + \"|\" + str(a) + str(b) + str(b) + \"!\")\n"
        #expect(outcome(fast) == outcome(general), "\(a) | \(b)")
    }
    // Parts run in order; an error in one keeps its message and position.
    #expect(outcome("xs = []\nfn f(v) { xs.append(v)\n return v }\nprint(\"\\(f(1))-\\(f(\"é\"))-\\(f(2.5))\", xs)\n")
            == "1-é-2.5 [1, \"é\", 2.5]\n")
    #expect(outcome("print(\"a\\(1)b\\(nope)c\")\n") == "error 1:16: undefined variable 'nope'")
    #expect(outcome("fn row(i) { return \"row \\(i),value \\(i * 3),tag\\(i % 4)\" }\nprint(row(17), row(-2))\n")
            == "row 17,value 51,tag1 row -2,value -6,tag2\n")
}

// MARK: - Appending to a variable

/// Right-hand operands: strings, other types, and `f()`, which changes `s` and returns a string.
private let appended = texts + ["1", "nil", "[3]", "f()"]

@Test func appendingToAVariableMatchesPairwiseAddition() {
    let program = prelude + "fn f() {\n s = \"changed\"\n return \"F\"\n}\n"
    for start in ["\"x\"", "\"é\"", "\"\"", "\"y\" * 40", "5", "nil", "[1]"] {
        for second in appended {
            for third in ["\"!\"", "2", "f()"] {
                // Same columns: `    s` against `id(s)`.
                let setup = program + "s = \(start)\nt = s\n"
                let fast = setup + "s =     s + \(second) + \(third)\nprint(s, t)\n"
                let general = setup + "s = id(s) + \(second) + \(third)\nprint(s, t)\n"
                #expect(outcome(fast) == outcome(general), "s = \(start); s = s + \(second) + \(third)")
            }
            let setup = program + "s = \(start)\nt = s\n"
            let fast = outcome(setup + "s += \(second)\nprint(s, t)\n")
            let general = outcome(setup + "s = id(s) + \(second)\nprint(s, t)\n")
            #expect(fast.hasPrefix("error") == general.hasPrefix("error"), "s = \(start); s += \(second)")
            #expect(fast.hasPrefix("error") ? errorMessage(fast) == errorMessage(general) : fast == general,
                    "s = \(start); s += \(second)")
        }
    }
}

@Test func appendingInPlaceLeavesOtherHoldersAlone() {
    let source = prelude + """
    s = "ab" * 20
    t = s
    xs = [s]
    s = s + "c"
    s += "d"
    print(len(s), len(t), len(xs[0]), s[-3:], t[-2:])
    fn build(n) {
        text = ""
        copies = []
        for i in range(n) {
            text = text + "\\(i)," + "é"
            if i % 50 == 0 { copies.append(text) }
            text += "|"
        }
        return [text, copies]
    }
    r = build(200)
    print(len(r[0]), len(r[1]), len(r[1][1]), r[0][-6:])
    fn captured() {
        u = "q"
        g = fn() { return u }
        u = u + "r"
        u += "s"
        return g()
    }
    print(captured())
    """
    var expected = ""
    var copies: [String] = []
    for i in 0 ..< 200 {
        expected += "\(i),é"
        if i % 50 == 0 { copies.append(expected) }
        expected += "|"
    }
    let tail = String(Array(expected).suffix(6))
    #expect(outcome(source) == "42 40 40 bcd ab\n\(expected.count) \(copies.count) \(copies[1].count) \(tail)\nqrs\n")
}

// MARK: - for over a string

@Test func forOverAStringMatchesIndexing() {
    for text in texts {
        let body = "{\n if ch == \"l\" { continue }\n if ch == \"x\" and len(out) > 50 { break }\n out.append(ch)\n}\nprint(out, len(out))\n"
        let fast = "s = \(text)\nout = []\nfor ch in s " + body
        let general = "s = \(text)\nout = []\nfor i in range(len(s)) {\n ch = s[i]\n if ch == \"l\" { continue }\n"
            + " if ch == \"x\" and len(out) > 50 { break }\n out.append(ch)\n}\nprint(out, len(out))\n"
        #expect(outcome(fast) == outcome(general), "for ch in \(text)")
        // A local loop variable and a return from inside the loop.
        let local = "fn walk(s) {\n n = 0\n for ch in s {\n if ch == \"🙂\" { return -1 }\n n += 1\n }\n return n\n}\nprint(walk(\(text)), len(\(text)))\n"
        let counted = outcome(local).split(separator: " ")
        #expect(counted.count == 2 && counted[0] == counted[1].dropLast(), "walk(\(text))")
    }
    #expect(outcome("for ch in \"a🙂b\" { print(ch) }\nfn f() { for ch in \"x🙂\" { if ch == \"🙂\" { return ch } }\n return nil }\nprint(f())\n")
            == "a\n🙂\nb\n🙂\n")
}

// MARK: - Constant receivers and operands

@Test func constantStringSearchesMatchTheGeneralSite() {
    let parts = values + ["\"ae\"", "\"ei\"", "\"e\\u{301}\"", "\"é\"", "\"\\r\\n\"", "\"🏽\"", "\"hé\""]
    for text in texts {
        for part in parts {
            for (fast, general) in [
                ("print((\(text)).contains(p))", "print(id(\(text)).contains(p))"),
                ("print((\(text)).startswith(p))", "print(id(\(text)).startswith(p))"),
                ("print(p in (\(text)), p not in (\(text)))", "print(p in id(\(text)), p not in id(\(text)))"),
            ] {
                // Twice at one site: the first call finds the method, the second takes the direct path.
                let loop = "p = \(part)\nfor k in range(2) { \(fast) }\n"
                let reference = "p = \(part)\nfor k in range(2) { \(general) }\n"
                let a = outcome(prelude + loop), b = outcome(prelude + reference)
                #expect(a.hasPrefix("error") == b.hasPrefix("error"), "\(fast) with p = \(part)")
                #expect(a.hasPrefix("error") ? errorMessage(a) == errorMessage(b) : a == b, "\(fast) with p = \(part)")
            }
        }
    }
    #expect(outcome("print(\"\\u{212A}\" == \"K\", \"\\u{37E}\" != \";\", \"k\" == \"K\")\n") == "true false false\n")
    // A global read in place by these sites: its current value, and an unassigned one's error.
    for (fast, general) in [("print(nope == \"a\")", "print(nope == id(\"a\"))"),
                            ("print(nope in \"ab\")", "print(nope in id(\"ab\"))"),
                            ("print(\"ab\".contains(nope))", "print(id(\"ab\").contains(nope))")] {
        let a = outcome(prelude + fast + "\n"), b = outcome(prelude + general + "\n")
        #expect(a.hasSuffix("undefined variable 'nope'") && errorMessage(a) == errorMessage(b), "\(fast)")
        let defined = "nope = \"a\"\nfor k in range(2) { \(fast)\n nope = \"z\" }\n"
        #expect(outcome(prelude + defined) == outcome(prelude + defined.replacingOccurrences(of: fast, with: general)), "\(fast)")
    }
    // A site that sees a string receiver after another type still finds the string's method.
    #expect(outcome("for r in [[1], \"ab\"] { print(r.contains(\"b\")) }\n") == "false\ntrue\n")
}

@Test func comparisonsWithAConstantStringMatchTheGeneralComparison() {
    // Singletons canonically equal to one ASCII character: the Kelvin sign is "K", U+037E is ";".
    for value in values + ["\"l\"", "\"e\\u{301}\"", "\"é\"", "\"K\"", "\"\\u{212A}\"", "\";\"", "\"\\u{37E}\""] {
        for constant in ["\"é\"", "\"e\\u{301}\"", "\" \"", "\"l\"", "\"\"", "\"K\"", "\"\\u{212A}\"", "\";\""] {
            for operation in ["==", "!=", "<", ">="] {
                let fast = prelude + "x = \(value)\nif x \(operation) \(constant) { print(1) } else { print(0) }\n"
                let general = prelude + "x = \(value)\nif x \(operation) id(\(constant)) { print(1) } else { print(0) }\n"
                #expect(outcome(fast) == outcome(general), "\(value) \(operation) \(constant)")
            }
        }
    }
}

// MARK: - split

@Test func oneByteSplitMatchesTheBytesPieces() {
    let corpus = ["", ",", "a,b", ",a,,b,", "日本,語,", "é|e\u{301}|x", "a\r\nb\nc", "row 1,value 3,tag3",
                  String(repeating: "thé,quick\n", count: 30), "👍🏽,x,\r\n,"]
    for text in corpus {
        for separator in [",", "|", "\n", "\r", " ", "x"] {
            let byte = separator.utf8.first ?? 0
            let expected = text.utf8.split(separator: byte, omittingEmptySubsequences: false).map { Value.string(String(decoding: $0, as: UTF8.self)) }
            guard case .list(let list) = CollectionMethods.split(text, separator) else {
                Issue.record("split did not give a list")
                continue
            }
            #expect(list.elements.map(\.description) == expected.map(\.description), "\(text.debugDescription).split(\(separator.debugDescription))")
        }
    }
}
