// Shared by the fast-path tests that run one program in two spellings with the same columns: a
// fused one, and a general one in which nothing fuses. Both must print the same text, or fail
// with the same message at the same line and column.
import Testing

/// `shape` with `v` bound to `value` as a global, a plain local (a parameter), a captured local
/// read in its own frame (a cell) and one read by a closure (a capture): the scopes a fast path
/// reads variables from.
func scopedBodies(_ shape: String, _ value: String) -> [String] {
    [
        "v = \(value)\n\(shape)\n",
        "fn f(v) {\n\(shape)\n}\nf(\(value))\n",
        "fn c(v) {\nkeep_v = fn() { v }\n\(shape)\n}\nc(\(value))\n",
        "fn g(v) {\nh = fn() {\n\(shape)\n}\nh()\n}\ng(\(value))\n",
    ]
}

/// Expects each body, after `prelude`, to have the same outcome spelled fused and general.
func expectSpellingsAgree(_ bodies: [String], prelude: String, spell: (String, _ fused: Bool) -> String,
                          sourceLocation: SourceLocation = #_sourceLocation) {
    for body in bodies {
        let fused = Harness.outcome(prelude + spell(body, true))
        let general = Harness.outcome(prelude + spell(body, false))
        #expect(fused == general, "\(body)", sourceLocation: sourceLocation)
    }
}

/// `text` with each `⟨e⟩` spelled for the fast path (`   e `) or the general path (`id(e)`:
/// the value passes through a Seek function, which no fast path sees through). The columns are
/// the same, so an error is reported at the same place in both.
func spellAngled(_ text: String, fused: Bool) -> String {
    var result = "", rest = Substring(text)
    while let open = rest.firstIndex(of: "⟨"), let close = rest[open...].firstIndex(of: "⟩") {
        result += rest[..<open]
        let inner = rest[rest.index(after: open) ..< close]
        result += fused ? "   \(inner) " : "id(\(inner))"
        rest = rest[rest.index(after: close)...]
    }
    return result + rest
}

/// Every shape with `v` bound to every value, in every scope of `scopedBodies`, spelled by
/// `spellAngled`: the two spellings must agree.
func expectAngledShapesAgree(_ shapes: [String], values: [String], prelude: String,
                             sourceLocation: SourceLocation = #_sourceLocation) {
    for value in values {
        for shape in shapes {
            expectSpellingsAgree(scopedBodies(shape, value), prelude: prelude, spell: spellAngled,
                                 sourceLocation: sourceLocation)
        }
    }
}
