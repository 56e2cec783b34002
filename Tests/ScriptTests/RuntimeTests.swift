// Runtime behaviour that a .seek file cannot check: interruption from another thread, deep
// recursion without a crash, error rendering, and printing round-trips.
import Foundation
import Testing
@testable import Script

/// Holds the interpreter for a watchdog thread. Safe: the watchdog only calls
/// `requestInterrupt()`, which touches nothing but an atomic flag.
private final class InterruptTarget: @unchecked Sendable {
    let interpreter: Interpreter
    init(_ interpreter: Interpreter) { self.interpreter = interpreter }
}

@Test func interruptStopsAnEndlessLoopAndThenClears() throws {
    let harness = Harness()
    let target = InterruptTarget(harness.interpreter)
    let watchdog = Thread {
        Thread.sleep(forTimeInterval: 0.2)
        target.interpreter.requestInterrupt()
    }
    watchdog.start()
    let error = harness.failure("n = 0\nwhile true {\n  n += 1\n}")
    #expect(error?.message == "interrupted")
    #expect(error?.isSyntaxError == false)
    #expect(error?.diagnostics.first?.span.line == 2)
    // The flag reset: the next run completes, and globals from before the interrupt remain.
    #expect(try harness.run("n > 0") == "true")
    #expect(harness.interpreter.interruptFlag.isRequested == false)
}

@Test func interruptStopsDeepRecursionWithoutLoops() throws {
    let harness = Harness()
    let target = InterruptTarget(harness.interpreter)
    let watchdog = Thread {
        Thread.sleep(forTimeInterval: 0.2)
        target.interpreter.interruptFlag.request()
    }
    watchdog.start()
    let error = harness.failure("fn fib(n) { if n < 2 { return n }; return fib(n-1) + fib(n-2) }\nfib(60)")
    #expect(error?.message == "interrupted")
}

@Test func runawayRecursionIsAnErrorAndTheInterpreterStaysUsable() throws {
    let harness = Harness()
    let error = harness.failure("fn down(n) { down(n + 1) }\ndown(0)")
    #expect(error?.message == "recursion too deep (more than 1000 nested calls)")
    #expect(try harness.run("fn f(n) { if n == 0 { 0 } else { 1 + f(n - 1) } }\nf(990)") == "990")
    harness.interpreter.recursionLimit = 50
    #expect(harness.failure("f(60)")?.message == "recursion too deep (more than 50 nested calls)")
}

@Test func recursionThroughNativesIsLimitedToo() {
    let harness = Harness()
    let error = harness.failure("fn g(x) { map(g, [x]) }\ng(1)")
    #expect(error?.message.hasPrefix("recursion too deep") == true)
}

@Test func errorsRenderWithLocationLineAndUnderline() {
    let harness = Harness()
    harness.interpreter.setGlobal("model", .number(1))
    let error = harness.failure("x = 2\ny = modle + x")
    #expect(error?.description == """
        test.seek:2:5: error: undefined variable 'modle'; did you mean 'model'?
         2 | y = modle + x
           |     ^~~~~
        """)
}

@Test func severalSyntaxErrorsRenderTogether() {
    let error = Harness().failure("a = )\nb = (")
    #expect(error?.isSyntaxError == true)
    #expect(error?.diagnostics.count == 2)
    #expect(error?.description.components(separatedBy: "error:").count == 3)
}

@Test func nearestNameNeedsToBeNearEnough() {
    #expect(nearestName(to: "modle", in: ["model", "mode", "x"]) == "model")
    #expect(nearestName(to: "lenght", in: ["len", "length"]) == "length")
    #expect(nearestName(to: "zzz", in: ["model", "print"]) == nil)
    #expect(nearestName(to: "x", in: ["y"]) == "y")
    #expect(editDistance(Array("kitten".unicodeScalars), Array("sitting".unicodeScalars)) == 3)
    #expect(editDistance(Array("ab".unicodeScalars), Array("ba".unicodeScalars)) == 1)
}

@Test(arguments: [
    "3", "-2.5", "1e-08", "1e+20", "0.30000000000000004", "true", "nil", "\"a\\\"b\\n\"",
    "[1, [2, \"x\"], {\"k\": [true]}]", "{}", "[]", "{\"lr\": 0.01, \"steps\": 100}",
])
func printedValuesReadBack(_ literal: String) throws {
    // Echo form -> run -> echo form again is a fixed point (the printer writes valid literals).
    let harness = Harness()
    let first = try harness.run("x = \(literal)\nx") ?? "nil"
    let second = try harness.run("y = \(first)\ny") ?? "nil"
    #expect(first == second)
    #expect(try harness.run("x == y") == "true")
}

@Test func selfContainingListsPrintWithoutRecursingForever() throws {
    let harness = Harness()
    #expect(try harness.run("xs = [1]\nxs.append(xs)\nxs") == "[1, [...]]")
}

@Test func interpreterStateSurvivesErrorsInsideCalls() throws {
    let harness = Harness()
    _ = harness.failure("fn f(a, b) { g = fn() { a + b }\n return g() + missing }\nf(1, 2)")
    // The frame stack was unwound: plain and closure calls still work.
    #expect(try harness.run("fn h(x) { fn() { x * 2 }() }\nh(21)") == "42")
    #expect(harness.interpreter.machine.top == 0)
    #expect(harness.interpreter.machine.depth == 0)
}

/// Counts live instances, to check that values do not outlive a run in popped frames.
final class Tracked: NativeObject {
    nonisolated(unsafe) static var live = 0   // only touched by the test below, on one thread at a time
    var typeName: String { "tracked" }
    init() { Tracked.live += 1 }
    deinit { Tracked.live -= 1 }
}

@Test func valuesInPoppedFramesAreReleasedWhenTheRunEnds() throws {
    let harness = Harness()
    harness.interpreter.define("make", help: "make()") { _ in .object(Tracked()) }
    let before = Tracked.live
    try harness.run("fn keep(x) { y = x; return 1 }\nfn use() { return keep(make()) }\nuse()")
    #expect(Tracked.live == before)
    _ = harness.failure("fn bad(x) { return x + 1 }\nbad(make())")
    #expect(Tracked.live == before)
}

@Test func callbacksFromNativesRunOnTheInterpretersThread() throws {
    // A native reporting the thread it runs on, called from the program and from inside callbacks
    // of map, filter and sorted(key=): every call must see the same thread (no thread per callback).
    let harness = Harness()
    var threads: Set<String> = []
    harness.interpreter.define("where", help: "where(): the current thread") { _ in
        threads.insert("\(pthread_self())")
        return .number(1)
    }
    try harness.run("""
        where()
        xs = map(fn(x) { where() + x }, range(50))
        ys = filter(fn(x) { where() == 1 }, xs)
        zs = sorted(ys, key=fn(x) { where() - x })
        """)
    #expect(threads.count == 1)
    #expect(try harness.run("zs[0]") == "50")
}

@Test func deepRecursionThroughCallbacksIsACleanError() {
    let harness = Harness()
    let error = harness.failure("fn down(n) { sorted([n], key=fn(x) { down(x + 1) }) }\ndown(0)")
    #expect(error?.message == "recursion too deep (more than 1000 nested calls)")
    let filtered = harness.failure("fn deep(n) { filter(fn(x) { len(deep(x + 1)) > 0 }, [n]) }\ndeep(0)")
    #expect(filtered?.message.hasPrefix("recursion too deep") == true)
}

@Test func aFailedAssertIsATypedError() {
    let harness = Harness()
    let error = harness.failure("x = 1\nassert(x == 2, \"x should be two\")")
    #expect(error?.isAssertionFailure == true)
    #expect(error?.message == "assertion failed: x should be two")
    guard case .assertionFailed(let message, let span)? = error?.diagnostics.first as? RuntimeError else {
        Issue.record("expected RuntimeError.assertionFailed, got \(String(describing: error))")
        return
    }
    #expect(message == "x should be two")
    #expect(span.line == 2)
    // Other runtime errors are not assertion failures, even when their text says so.
    #expect(harness.failure("y = {}[\"assertion failed\"]")?.isAssertionFailure == false)
}

@Test func closureStateSurvivesErrorsAcrossRuns() throws {
    // A closure call points the machine at its cells and captures; an error deep inside closures
    // (and inside a native calling back) must leave the next run's closures reading their own.
    let harness = Harness()
    _ = try harness.run("""
        fn make(start) {
            total = start
            bump = fn(x) {
                total += x
                return total
            }
            return bump
        }
        a = make(10)
        b = make(100)
        """)
    #expect(harness.failure("a(1)\nmap(fn(x) { b(x) }, [1, \"no\"])")?.message
        == "cannot apply '+' to number 101 and string \"no\"")
    #expect(try harness.run("[a(1), b(1)]") == "[12, 102]")
    #expect(harness.failure("fn deep(n) { deep(n + 1) }\nmap(fn(x) { a(deep(x)) }, [1])")?.message
        == "recursion too deep (more than 1000 nested calls)")
    #expect(try harness.run("[a(0), b(0)]") == "[12, 102]")
}

@Test func recursionThroughClosuresIsLimited() throws {
    let harness = Harness()
    let error = harness.failure("fn make(k) { fn(n) { go(n + k) } }\ngo = make(1)\ngo(0)")
    #expect(error?.message == "recursion too deep (more than 1000 nested calls)")
    #expect(try harness.run("1 + 1") == "2")
}
