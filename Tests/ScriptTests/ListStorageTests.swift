// The list storage (ListObject.swift: a buffer of its own, grown by realloc, freed without the
// generic destroy of plain elements, walked by loops through a pinned snapshot) against plain
// expectations: growth across many sizes, slices, concatenation, nesting, every kind of element
// freed exactly once, changes made while a loop walks the list, and errors with their place.
import Testing
@testable import Script

private func outcome(_ source: String) -> String { Harness.outcome(source) }

/// Counts the `ListTracked` objects freed.
private final class FreeCounter: @unchecked Sendable {
    var made = 0
    var freed = 0
}

/// A native object that reports its own release.
private final class ListTracked: NativeObject {
    let counter: FreeCounter
    init(_ counter: FreeCounter) {
        self.counter = counter
        counter.made += 1
    }
    deinit { counter.freed += 1 }
    var typeName: String { "tracked" }
}

/// An interpreter whose `token()` makes a `ListTracked`, run on `source`; returns what it printed
/// (or its first error) after the interpreter itself is gone.
private func runCountingFrees(_ source: String, _ counter: FreeCounter) -> String {
    var harness: Harness? = Harness()
    harness?.interpreter.define("token", help: "token(): a tracked object") { _ in .object(ListTracked(counter)) }
    let result = harness.map { Harness.outcome(source, in: $0) } ?? ""
    harness = nil
    return result
}

// MARK: - The storage itself

@Test func appendGrowsThroughManySizesKeepingEveryElement() {
    for size in [0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 25, 33, 100, 257, 1000, 4099] {
        let list = ListObject()
        for index in 0..<size {
            list.append(index % 3 == 0 ? .string("s\(index)") : .number(Double(index)))
        }
        #expect(list.count == size)
        let elements = list.elements
        #expect(elements.count == size)
        for index in 0..<size {
            if index % 3 == 0 {
                #expect(elements[index].isEqual(to: .string("s\(index)")), "size \(size), index \(index)")
            } else {
                #expect(list.number(at: index) == Double(index), "size \(size), index \(index)")
            }
        }
        // Negative positions count from the end; anything past either end is nil.
        if size > 0 { #expect(list.element(at: -1)?.isEqual(to: elements[size - 1]) == true) }
        #expect(list.element(at: size) == nil)
        #expect(list.element(at: -size - 1) == nil)
    }
}

@Test func removingInsertingAndReversingKeepOrder() {
    let list = ListObject((0..<10).map { .number(Double($0)) })
    #expect(list.removeLast()?.isEqual(to: .number(9)) == true)
    #expect(list.remove(at: 0).isEqual(to: .number(0)))
    list.insert(.string("x"), at: 4)
    list.reverse()
    #expect(Value.list(list).repr == "[8, 7, 6, 5, \"x\", 4, 3, 2, 1]")
    list.elements = [.bool(true)]
    #expect(Value.list(list).repr == "[true]")
    #expect(list.removeLast()?.isEqual(to: .bool(true)) == true)
    #expect(list.removeLast() == nil)
    #expect(list.isEmpty)
}

// MARK: - Seek programs (expected outputs checked against the build before this storage)

@Test func growthSlicesAndConcatenationMatchPlainExpectations() {
    let source = """
    for n in [0, 1, 3, 4, 5, 9, 17, 100, 1000] {
        xs = []
        for i in range(n) { xs.append(i) }
        total = 0
        for x in xs { total += x }
        print(n, len(xs), total == n * (n - 1) / 2, xs[-1:])
    }
    xs = [0, 1, 2, 3, 4, 5]
    print(xs[1:3], xs[-2:], xs[:0], xs[4:2], xs[:], xs[-100:100])
    print(xs + [6], [] + [], [1] + [] + [2, [3]] + [], [1, 2] * 3, [nil] * 4, [] * 5)
    ys = xs
    ys.extend(ys)
    print(len(xs), xs[6:8])
    zs = [[1, 2], [3, [4, 5]]]
    zs[1][1].append(6)
    print(zs, zs[1][1][2], zs == [[1, 2], [3, [4, 5, 6]]], [zs] + zs)
    """
    #expect(outcome(source) == """
        0 0 true []
        1 1 true [0]
        3 3 true [2]
        4 4 true [3]
        5 5 true [4]
        9 9 true [8]
        17 17 true [16]
        100 100 true [99]
        1000 1000 true [999]
        [1, 2] [4, 5] [] [] [0, 1, 2, 3, 4, 5] [0, 1, 2, 3, 4, 5]
        [0, 1, 2, 3, 4, 5, 6] [] [1, 2, [3]] [1, 2, 1, 2, 1, 2] [nil, nil, nil, nil] []
        12 [0, 1]
        [[1, 2], [3, [4, 5, 6]]] 6 true [[[1, 2], [3, [4, 5, 6]]], [1, 2], [3, [4, 5, 6]]]

        """)
}

@Test func listsOfEveryKindOfValueAreFreedExactlyOnce() {
    // Strings, dicts, closures, natives, nested lists and tracked objects in lists that grow,
    // are sliced, concatenated, popped, overwritten, walked while changed, and dropped.
    let counter = FreeCounter()
    let source = """
    fn make(n) {
        xs = []
        for i in range(n) {
            xs.append(token())
            xs.append("s" + "\\(i)")
            xs.append({"t": token(), "i": i})
            xs.append(fn() { i })
            xs.append([token(), [token()]])
            xs.append(i)
            xs.append(nil)
            xs.append(len)
        }
        return xs
    }
    a = make(20)
    b = a[3:50] + make(2) + [token()]
    c = b + a
    a[0] = token()
    a[5] = 7
    a.pop()
    a.pop(0)
    for x in a {
        a.append(token())
        a[1] = token()
    }
    for x in c[2:] {
        for y in c[:3] { c.append(y) }
        c.pop()
    }
    keep = [token(), token()]
    a = nil
    b = nil
    c = nil
    print(len(keep))
    keep = nil
    """
    #expect(runCountingFrees(source, counter) == "2\n")
    #expect(counter.made > 100)
    #expect(counter.freed == counter.made)
}

@Test func aListFreedWhileLoopsStillWalkItsOldBufferFreesBoth() {
    let counter = FreeCounter()
    // The loop's list is changed (moved to a copy) and then dropped by its variable inside the
    // loop: the loop still holds the list, and everything is freed once the loop ends.
    let source = """
    fn walk() {
        xs = [token(), token(), token()]
        n = 0
        for x in xs {
            for y in xs {
                xs.append(token())
                n += 1
            }
            xs = nil
            xs = [token()]
        }
        return n
    }
    print(walk())
    """
    // The outer loop visits the three first elements; the inner one walks the list `xs` holds
    // at the time: the first list (3 elements), then a fresh one-element list twice.
    #expect(runCountingFrees(source, counter) == "5\n")
    #expect(counter.freed == counter.made)
}

@Test func changesMadeWhileALoopWalksTheListDoNotChangeWhatItVisits() {
    let source = """
    xs = [1, 2, 3]
    seen = []
    for x in xs {
        seen.append(x)
        xs.append(x * 10)
        xs[0] = 100
        if x == 2 { xs.pop(0) }
        xs.reverse()
        xs.insert(0, -x)
    }
    print(seen, len(xs))
    ys = [1, 2]
    pairs = []
    for a in ys {
        for b in ys {
            pairs.append([a, b])
            ys.append(a + b)
        }
        ys.extend(ys)
    }
    print(pairs, len(ys))
    zs = ["a", "b", "c"]
    out = ""
    for z in zs {
        zs = nil
        out += z
    }
    print(out, zs)
    fn early(list) {
        for v in list {
            list.append(v)
            if v == 2 { return v }
        }
    }
    ws = [1, 2, 3]
    print(early(ws), ws)
    ws.append(4)
    for w in ws { if w == 1 { break } }
    ws[0] = 9
    print(ws)
    """
    #expect(outcome(source) == """
        [1, 2, 3] 8
        [[1, 1], [1, 2], [2, 1], [2, 2], [2, 2], [2, 3], [2, 1], [2, 2], [2, 2], [2, 3]] 32
        abc nil
        2 [1, 2, 3, 1, 2]
        [9, 2, 3, 1, 2, 4]

        """)
}

@Test func outOfRangeIndicesReportTheirPlace() {
    #expect(outcome("xs = [1, 2]\nprint(xs[0])\nprint(xs[2])\n").hasPrefix("1\nerror 3:7:"))
    #expect(outcome("fn f(xs) { return xs[-3] }\nprint(f([1, 2]))\n").hasPrefix("error 1:19:"))
    #expect(outcome("xs = []\n  xs[0] = 1\n").hasPrefix("error 2:9:"))
    #expect(outcome("fn f() { xs = [1]\n xs[1] = 2 }\nf()\n").hasPrefix("error 2:8:"))
    #expect(outcome("xs = [1]\nxs.pop()\nxs.pop()\n").hasPrefix("error 3:"))
    #expect(outcome("xs = [1]\nxs[1.5]\n").hasPrefix("error 2:1:"))
    // The messages are those of the general path, the same for every spelling.
    let global = outcome("xs = [1, 2]\nprint(xs[5])\n")
    let local = outcome("fn f() { xs = [1, 2]\nprint(xs[5]) }\nf()\n")
    #expect(global.contains("out of range") || global.contains("index"))
    #expect(global.split(separator: ":").dropFirst(2).joined() == local.split(separator: ":").dropFirst(2).joined())
}
