// The Seek interpreter against shared/reference/loop.py (CPython): the same loops, timed the
// same way (median of 7 runs), inside one interpreter with the standard library.
import Foundation
import Script

/// Seek versions of loop.py's functions; each returns its result so nothing is optimised away.
private let loopProgram = """
fn mod_loop() { s = 0; for i in range(1000000) { s += i * i % 7 }; return s }
fn fib(n) { if n < 2 { return n }; return fib(n - 1) + fib(n - 2) }
fn list_build_sum() {
    xs = []
    for i in range(100000) { xs.append(i) }
    s = 0
    for x in xs { s += x }
    return s
}
"""

/// One JSON line: median seconds per function, as loop.py reports them.
func interpreterCase() throws -> String {
    let interpreter = Interpreter()
    StandardLibrary.install(into: interpreter)
    interpreter.output = { _ in }
    _ = try interpreter.run(loopProgram, file: "<bench>")
    var fields: [String] = []
    for (key, call) in [("mod_loop_1e6_s", "mod_loop()"), ("fib25_s", "fib(25)"), ("list100k_loop_s", "list_build_sum()")] {
        var times: [Double] = []
        for _ in 0 ..< 7 {
            let start = now()
            _ = try interpreter.run(call, file: "<bench>")
            times.append(now() - start)
        }
        fields.append("\"\(key)\": \(rounded(median(times), 5))")
    }
    return "{\"bench\": \"loop\", " + fields.joined(separator: ", ") + "}"
}
