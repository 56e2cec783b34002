// Calls of a function held in a global borrow it without a retain (`Compiler.withGlobalFunction`);
// a function displaced from its global while such a call runs must stay alive until the call
// returns (`Machine.storeGlobal`), and be released after it. A native rebinds the global from
// inside the call (the Swift API's `setGlobal`, as an embedding or a future native could), and a
// weak reference watches the displaced function.
import Testing
@testable import Script

/// A harness with `clobber()` (sets the global `f` to nil) and `alive()` (whether the function
/// first bound to `f` still exists), and the weak reference behind `alive()`.
private final class Watch {
    let harness = Harness()
    weak var function: FunctionObject?

    init() {
        harness.interpreter.define("clobber", help: "f = nil, from Swift") { [unowned self] _ in
            harness.interpreter.setGlobal("f", .null)
            return .null
        }
        harness.interpreter.define("alive", help: "whether the watched function exists") { [unowned self] _ in
            .bool(function != nil)
        }
    }

    /// Runs `definition`, then watches what `f` holds (no strong reference kept here).
    func define(_ definition: String) throws {
        _ = try harness.interpreter.run(definition, file: "define.seek")
        guard case .function(let object)? = harness.interpreter.global("f") else {
            Issue.record("f is not a function")
            return
        }
        function = object
    }
}

@Test(arguments: [
    // A declared function; with three arguments (the other call path); a closure whose
    // captured `k` is read after the rebinding; a recursive call that rebinds at the bottom.
    ("fn f(n) {\n clobber()\n return [alive(), n + 1]\n}", "f(1)", "[true, 2]"),
    ("fn f(a, b, c) {\n clobber()\n return [alive(), a + b + c]\n}", "f(1, 2, 3)", "[true, 6]"),
    ("fn make(k) { return fn(n) {\n clobber()\n return [alive(), (n + k) * 2]\n} }\nf = make(10)", "f(1)", "[true, 22]"),
    ("fn f(n) {\n if n == 0 { clobber()\n return alive() }\n return f(n - 1)\n}", "f(3)", "true"),
])
func aFunctionDisplacedDuringItsCallLivesUntilTheCallReturns(definition: String, call: String, expected: String) throws {
    let watch = Watch()
    try watch.define(definition)
    #expect(watch.function != nil)
    let result = try watch.harness.run(call)
    #expect(result == expected)
    // Released once the call returned: nothing holds it any more.
    #expect(watch.function == nil)
    #expect(try watch.harness.run("f == nil") == "true")
}

@Test func aCallThatFailsAfterTheRebindingStillReleasesTheFunction() throws {
    let watch = Watch()
    try watch.define("fn f(n) {\n clobber()\n return n + \"x\"\n}")
    #expect(watch.harness.failure("f(1)") != nil)
    #expect(watch.function == nil)
    // The interpreter goes on: borrowed calls are balanced after the error.
    #expect(try watch.harness.run("fn g(n) { return n * 2 }\ng(21)") == "42")
}

@Test func rebindingOutsideABorrowedCallReleasesAtOnce() throws {
    let watch = Watch()
    try watch.define("fn f(n) { return n }")
    _ = try watch.harness.run("f = 3")
    #expect(watch.function == nil)
}

/// A native with a one-argument body (`len`, `str`) is borrowed from its global in the same
/// way (`Compiler.withGlobalNative`): rebound while its argument runs, it is kept for the call
/// (the old one answers, as the callee is read before the argument) and released after.
@Test func aNativeDisplacedWhileItsArgumentRunsLivesUntilTheCallReturns() throws {
    let harness = Harness()
    weak var watched: NativeFunction?
    do {
        let size = NativeFunction("size", help: "size(xs): the count, with a direct body", oneArgument: { value in
            guard case .list(let list) = value else { return nil }
            return .number(Double(list.count))
        }, body: { _ in .null })
        watched = size
        harness.interpreter.setGlobal("size", .native(size))
    }
    harness.interpreter.define("rebind_size", help: "size = nil, from Swift; returns [1, 2, 3]") { _ in
        harness.interpreter.setGlobal("size", .null)
        return .list(ListObject([.number(1), .number(2), .number(3)]))
    }
    #expect(watched != nil)
    #expect(try harness.run("[size([1]), size(rebind_size())]") == "[1, 3]")
    #expect(try harness.run("size == nil") == "true")
    // Released once the call returned: nothing holds it any more.
    #expect(watched == nil)
}
