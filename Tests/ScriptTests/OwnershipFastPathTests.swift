// Reference counts saved on hot paths, and the lifetimes they must keep:
// - a store takes the value it is given (`StoreCode`'s `consuming` parameter) instead of
//   retaining a copy while the caller releases the temporary;
// - `for x in e` walks a list through the reference `e` came with (`Value.unretainedList`);
// - a built-in method on a list or dict in a plain local (`xs.pop()`, `counts.has(w)`) gets the
//   receiver borrowed from its slot (`MethodCallSite.callOneBorrowed` / `callZeroBorrowed`).
// Each path must print what the general path prints (the receiver or sequence passed through
// `id()`, which no fast path sees through), and release what it held: a weak reference to a
// tracked list or dict shows it alive while it is used and gone once nothing holds it.
import Testing
@testable import Script

private let prelude = "fn id(v) { return v }\n"

/// A harness with `track(x)` (watches the list or dict `x` through a weak reference) and
/// `alive()` (whether it still exists).
private final class Tracker {
    let harness = Harness()
    weak var object: AnyObject?

    init() {
        harness.interpreter.define("track", help: "watch a list or dict") { [unowned self] arguments in
            switch arguments.positional.first {
            case .list(let list)?: object = list
            case .dict(let dict)?: object = dict
            default: object = nil
            }
            return .null
        }
        harness.interpreter.define("alive", help: "whether the tracked object exists") { [unowned self] _ in
            .bool(object != nil)
        }
    }
}

/// Programs printing what they see; each runs in four scopes (global, parameter, captured,
/// capture). Every call site runs three times: a site finds its built-in on the first call, and
/// takes the borrowed path from the second.
private let methodShapes = [
    "xs = [v, 2, 3, 4]\nfor i in range(3) { print(⟨xs⟩.pop(), xs) }",
    "xs = [v, 2]\nfor i in range(3) { ⟨xs⟩.append(⟨xs⟩.pop())\n⟨xs⟩.reverse() }\nprint(xs)",
    "xs = [1, v]\nfor i in range(3) { print(⟨xs⟩.index(v), ⟨xs⟩.contains(v), ⟨xs⟩.contains(i)) }",
    "xs = [v]\nfor i in range(3) { ⟨xs⟩.extend(⟨xs⟩) }\nprint(len(xs))",
    "d = {\"a\": v}\nfor i in range(3) { print(⟨d⟩.has(\"a\"), ⟨d⟩.has(\"b\"), ⟨d⟩.get(\"a\"), ⟨d⟩.get(\"b\")) }",
    "d = {\"a\": v}\nfor i in range(3) { print(⟨d⟩.keys(), ⟨d⟩.values(), ⟨d⟩.items())\nd[\"k\" + str(i)] = i }",
    "d = {\"a\": 1}\nfor i in range(3) { print(⟨d⟩.has(⟨d⟩.keys()[0])) }",
    "t = v\nfor i in range(3) { print(⟨t⟩.pop()) }",
    "t = v\nfor i in range(3) { print(⟨t⟩.has(\"a\")) }",
    // Arguments and positions that run no Seek code: a global receiver or target is borrowed too.
    "xs = [v, 2]\nfor i in range(3) { ⟨xs⟩.append(xs[0])\nprint(⟨xs⟩[i], ⟨xs⟩[-1], ⟨xs⟩[0:2]) }\nprint(xs)",
    "d = {\"k\": v}\nfor i in range(3) { print(⟨d⟩[\"k\"], ⟨d⟩.has(\"k\"), ⟨d⟩.get(\"k\" + \"\"), ⟨d⟩.has(str(i))) }",
    "xs = [v]\nfor i in range(3) { ⟨xs⟩.extend([i, -i])\nprint(⟨xs⟩.pop(), ⟨xs⟩[i + 1]) }",
    // The receiver changes kind at a site that has cached a list's method.
    "t = [v]\nfor i in range(3) { print(⟨t⟩.contains(v))\nt = {\"a\": v} }",
    "xs = [v]\nfor i in range(3) { print(⟨xs⟩.nosuch(1)) }",
]

private let values = ["7", "\"ab\"", "[1, 2]", "{\"a\": 1}", "nil"]

@Test func builtInMethodsOnBorrowedReceiversMatchTheGeneralPath() {
    expectAngledShapesAgree(methodShapes, values: values, prelude: prelude)
    // Pinned by hand: the popped 3, then a list without it; the moved element goes to the end.
    #expect(Harness.outcome("fn f() {\nxs = [1, 2, 3]\nprint(xs.pop(), xs)\nxs.append(xs.pop())\nprint(xs)\n}\nf()\n")
            == "3 [1, 2]\n[1, 2]\n")
    #expect(Harness.outcome("fn f() {\nd = {\"a\": 1}\nprint(d.has(\"a\"), d.get(\"z\", 5))\n}\nf()\n") == "true 5\n")
}

@Test func sequencesOfEveryKindWalkAsTheGeneralPathDoes() {
    let shapes = [
        // The body replaces the list it walks, and empties it: the walk keeps the old one.
        "d = {\"xs\": [v, 2, 3]}\nfor x in ⟨d[\"xs\"]⟩ { d[\"xs\"] = []\nprint(x) }\nprint(d)",
        "xs = [v, 2]\nfor x in ⟨xs⟩ { xs.append(x)\nif len(xs) > 6 { break } }\nprint(xs)",
        "for x in ⟨[v, [v]]⟩ { print(x) }",
        "for x in ⟨v⟩ { print(x) }",
        "for x in ⟨range(3)⟩ { print(x, v) }",
    ]
    expectAngledShapesAgree(shapes, values: values, prelude: prelude)
}

/// A native that rebinds the global `xs` (as only Swift can in the middle of an expression)
/// must leave a method call or an index on the old `xs` working on the old list, as the general
/// path does: a call in the argument keeps the global from being borrowed.
@Test func aGlobalReboundWhileItsArgumentRunsIsNotBorrowed() throws {
    let harness = Harness()
    harness.interpreter.define("rebind", help: "xs = [0], from Swift") { _ in
        harness.interpreter.setGlobal("xs", .list(ListObject([.number(0)])))
        return .number(1)
    }
    #expect(try harness.run("xs = [7, 8]\nkeep = xs\nfor i in range(2) { xs.append(rebind()) }\n[keep, xs]") == "[[7, 8, 1], [0]]")
    #expect(try harness.run("xs = [7, 8]\n[xs[rebind()], xs]") == "[8, [0]]")
    #expect(try harness.run("xs = [7, 8]\n[xs.contains(rebind() + 6), xs]") == "[true, [0]]")
}

@Test(arguments: [
    // A global and a local reassigned after holding the list: released at once.
    ("x = [1]\ntrack(x)\nx = 0\nalive()", "false"),
    ("fn f() {\nnode = [1]\ntrack(node)\nnode = 0\nreturn alive()\n}\nf()", "false"),
    // Stored from a call's result (the value the store takes), then dropped.
    ("fn make() { return {\"a\": 1} }\nfn f() {\nd = make()\ntrack(d)\nkept = alive()\nd = nil\nreturn [kept, alive()]\n}\nf()", "[true, false]"),
    // A captured variable and a loop variable.
    ("fn f() {\nc = [1]\ntrack(c)\nget = fn() { c }\nc = 2\nreturn [get(), alive()]\n}\nf()", "[2, false]"),
    ("fn f() {\nfor x in [[1], [2]] { track(x) }\nreturn alive()\n}\nf()", "true"),
    // A walked list nothing else holds (`make`'s popped frame keeps it until the run ends):
    // alive during the walk.
    ("fn make() { xs = [1, 2]\ntrack(xs)\nreturn xs }\nfn f() {\nseen = []\nfor x in make() { seen.append(alive()) }\nreturn seen\n}\nf()", "[true, true]"),
    // A borrowed receiver: the method runs, and the list goes when its local does.
    ("fn f() {\nxs = [1, 2]\ntrack(xs)\nxs.pop()\nn = alive()\nxs = nil\nreturn [n, alive()]\n}\nf()", "[true, false]"),
    ("fn f() {\nd = {\"a\": 1}\ntrack(d)\nh = d.has(\"a\")\nd = nil\nreturn [h, alive()]\n}\nf()", "[true, false]"),
])
func storedWalkedAndBorrowedObjectsLiveExactlyAsLongAsTheirHolders(program: String, expected: String) throws {
    let tracker = Tracker()
    #expect(try tracker.harness.run(program) == expected)
    // Released by the end of the run, whatever held it (a stale slot of a popped frame included).
    #expect(try tracker.harness.run("alive()") == "false")
}
