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
