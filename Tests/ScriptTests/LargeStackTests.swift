// `LargeStack.run`: work runs on a kept big-stack thread, reused from one run to the next, inline
// when already on one, and callers on several threads at once each get a thread of their own.
import Foundation
import Synchronization
import Testing
@testable import Script

private func currentThreadID() -> UInt { UInt(pthread_self()) }

/// How many runs the current thread has served, counted in the thread's own dictionary (a new
/// thread starts at 1).
private func countRunOnThisThread() -> Int {
    let dictionary = Thread.current.threadDictionary
    let count = (dictionary["LargeStackTests.runs"] as? Int ?? 0) + 1
    dictionary["LargeStackTests.runs"] = count
    return count
}

@Test func sequentialRunsReuseTheirThread() {
    // Other tests may run at the same time and take a kept thread; over runs in a row, threads
    // must come back (with a thread per run, every count would be 1).
    var most = 0
    for _ in 0 ..< 20 { most = max(most, LargeStack.run { countRunOnThisThread() }) }
    #expect(most >= 3)
    #expect(LargeStack.run { currentThreadID() } != currentThreadID())
    #expect(LargeStack.run { LargeStack.isCurrentThread })
    #expect(!LargeStack.isCurrentThread)
}

@Test func aRunInsideARunIsInline() {
    let (outer, inner) = LargeStack.run { (currentThreadID(), LargeStack.run { currentThreadID() }) }
    #expect(outer == inner)
}

@Test func concurrentCallersEachGetTheirResult() {
    let results = Mutex<[Int: Int]>([:])
    DispatchQueue.concurrentPerform(iterations: 8) { index in
        for round in 0 ..< 25 {
            let value = LargeStack.run { index * 1000 + round }
            results.withLock { $0[index * 1000 + round] = value }
        }
    }
    let collected = results.withLock { $0 }
    #expect(collected.count == 200)
    #expect(collected.allSatisfy { $0.key == $0.value })
}

@Test func deepRecursionRunsAgainOnAKeptThread() {
    // Nested Seek calls up to the recursion limit, twice: the second run gets a thread whose
    // stack the first one went deep into.
    let source = "fn d(n) { if n == 0 { return 0 }\n return 1 + d(n - 1) }\nprint(d(990))\n"
    #expect(Harness.outcome(source) == "990\n")
    #expect(Harness.outcome(source) == "990\n")
}
