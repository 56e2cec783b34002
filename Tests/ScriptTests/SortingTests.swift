// The list-returning natives that fill their list in place (`filter`, `sorted`, `zip`,
// `enumerate`, `keys`, `values`, `items`) and `sorted`'s radix sort of number keys
// (NumberOrder.swift), each against the general spelling: a stable insertion sort written in
// Seek with `<`, loops that build the same lists, and Swift's stable comparison sort.
import Testing
@testable import Script

private func outcome(_ source: String) -> String { Harness.outcome(source) }

/// A stable insertion sort in Seek (the general spelling of `sorted(xs, key=key)`).
private let insertionSort = """
    fn isort(xs, key) {
        out = []
        ks = []
        for x in xs {
            k = key(x)
            i = len(out)
            while i > 0 and k < ks[i - 1] { i = i - 1 }
            out.insert(i, x)
            ks.insert(i, k)
        }
        return out
    }

    """

// MARK: - The radix sort against the comparison sort

@Test func radixOrderMatchesTheStableComparisonSort() {
    var generator = SystemRandomNumberGenerator()
    let specials: [Double] = [0, -0.0, 1, -1, .infinity, -.infinity, .leastNonzeroMagnitude,
                              -.leastNonzeroMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 0.5, 1e300]
    for size in [0, 1, 2, 3, 17, 255, 256, 257, 1000, 6000] {
        for shape in 0..<4 {
            let numbers: [Double] = (0..<size).map { index in
                switch shape {
                case 0: Double(Int.random(in: 0..<10, using: &generator))   // many equal keys
                case 1: Double.random(in: -1e6...1e6, using: &generator)
                case 2: specials[index % specials.count]
                default: Double(Int.random(in: -100_000...100_000, using: &generator)) / 8
                }
            }
            let expected = numbers.indices.sorted { numbers[$0] < numbers[$1] }
            let order = numbers.withUnsafeBufferPointer { StandardLibrary.radixOrder($0) }
            #expect(order == expected, "size \(size), shape \(shape)")
            // Through `sortedOrder`, as `sorted` calls it (radix from 256 keys on).
            #expect((try? StandardLibrary.sortedOrder(numbers.map(Value.number))) == expected, "size \(size), shape \(shape)")
        }
    }
}

@Test func numberKeysWithNaNKeepTheComparisonSortsOrder() throws {
    let numbers: [Double] = (0..<600).map { $0 % 7 == 0 ? .nan : Double(($0 * 37) % 101) }
    let expected = numbers.indices.sorted { numbers[$0] < numbers[$1] }
    #expect(try StandardLibrary.sortedOrder(numbers.map(Value.number)) == expected)
}

// MARK: - sorted against the insertion sort

@Test func sortedMatchesAStableInsertionSortForEveryKindOfKey() {
    let program = insertionSort + """
        xs = []
        for i in range(700) { xs.append([(i * 37) % 11 - 5, "k\\((i * 7) % 13)", i, (i % 5) * 0.25 - 0.5]) }
        small = xs[0:40]
        for records in [xs, small, [], [xs[0]]] {
            for field in [0, 1, 3] {
                key = fn(r) { r[field] }
                up = sorted(records, key=key)
                down = sorted(records, key=key, reverse=true)
                want = isort(records, key)
                print(up == want, len(up) == len(records))
                # Python's reverse=True: reverse, sort stably, reverse (equal keys keep their order).
                backwards = records[0:len(records)]
                backwards.reverse()
                want = isort(backwards, key)
                want.reverse()
                print(down == want)
            }
        }
        numbers = map(fn(r) { r[0] * 1000 + r[3] }, xs)
        print(sorted(numbers) == isort(numbers, fn(x) { x }))
        print(sorted([0, -0, 1, -0, 0]), sorted([0, -0, 1], reverse=true))
        words = ["b", "é", "a", "ez", "B", "É", "e", "z", "ä", "a"]
        many = []
        for i in range(300) { many.append(words[(i * 7) % len(words)] + str(i % 3)) }
        print(sorted(words) == isort(words, fn(x) { x }), sorted(many) == isort(many, fn(x) { x }))
        print(sorted(words))
        print(sorted([]), sorted([], key=fn(x) { x }), sorted([], reverse=true))

        """
    let lines = outcome(program).split(separator: "\n")
    #expect(lines.count == 4 * 3 * 2 + 5)
    #expect(lines.prefix(24).allSatisfy { $0 == "true true" || $0 == "true" })
    #expect(lines[24] == "true")
    #expect(lines[25] == "[0, -0, -0, 0, 1] [1, 0, -0]")
    #expect(lines[26] == "true true")
    // Unicode scalar order (Swift's `<` on strings): É (U+00C9) before ä (U+00E4).
    #expect(lines[27] == "[\"B\", \"a\", \"a\", \"b\", \"e\", \"ez\", \"z\", \"É\", \"ä\", \"é\"]")
    #expect(lines[28] == "[] [] []")
}

@Test func sortedStaysStableWithEqualKeysInBothDirections() {
    // Equal keys keep their order of appearance ascending and, as with Python's reverse=True,
    // descending too.
    let program = """
        xs = []
        for i in range(1000) { xs.append([i % 3, i]) }
        up = sorted(xs, key=fn(r) { r[0] })
        down = sorted(xs, key=fn(r) { r[0] }, reverse=true)
        print(up[0], up[1], up[333], up[334], up[999])
        print(down[0], down[1], down[999])

        """
    #expect(outcome(program) == "[0, 0] [0, 3] [0, 999] [1, 1] [2, 998]\n[2, 2] [2, 5] [0, 999]\n")
}

@Test func mixedKeysReportTheirPlaceForSmallAndLargeLists() {
    for size in [5, 300] {
        let program = "xs = []\nfor i in range(\(size)) { xs.append(i) }\nxs.append(\"s\")\n  ys = sorted(xs, key=fn(x) { x })\n"
        #expect(outcome(program).hasPrefix("error 4:8: sorted() cannot compare"), "size \(size)")
        let plain = "xs = []\nfor i in range(\(size)) { xs.append(i) }\nxs.insert(0, \"s\")\nys = sorted(xs)\n"
        #expect(outcome(plain).hasPrefix("error 4:6: sorted() cannot compare"), "size \(size)")
    }
    #expect(outcome("print(sorted([[1], 2]))\n").hasPrefix("error 1:7: sorted() cannot compare"))
}

// MARK: - The other natives against loops

@Test func filledNativesMatchTheirLoops() {
    let program = """
        xs = []
        for i in range(50) { xs.append(i * 3 % 7) }
        kept = []
        for x in xs { if x > 2 { kept.append(x) } }
        print(filter(fn(x) { x > 2 }, xs) == kept, filter(fn(x) { x > 2 }, []), filter(fn(x) { false }, xs))
        print(filter(fn(c) { c != "b" }, "abcb"), filter(fn(i) { i % 2 == 0 }, range(7)))
        ys = ["a", "b", "c"]
        pairs = []
        for i in range(3) { pairs.append([xs[i], ys[i], i]) }
        print(zip(xs, ys, range(9)) == pairs, zip(xs, []), zip(), zip([1, 2]))
        numbered = []
        for i in range(3) { numbered.append([i + 10, ys[i]]) }
        print(enumerate(ys, 10) == numbered, enumerate([]))
        for size in [0, 1, 4, 5, 9] {
            d = {}
            for i in range(size) { d["k\\(i)"] = i * i }
            ks = []
            vs = []
            its = []
            for k in d { ks.append(k)
                vs.append(d[k])
                its.append([k, d[k]]) }
            print(keys(d) == ks, d.keys() == ks, values(d) == vs, d.values() == vs, items(d) == its, d.items() == its)
        }

        """
    let lines = outcome(program).split(separator: "\n")
    #expect(lines.count == 9)
    #expect(lines[0] == "true [] []")
    #expect(lines[1] == "[\"a\", \"c\"] [0, 2, 4, 6]")
    #expect(lines[2] == "true [] [] [[1], [2]]")
    #expect(lines[3] == "true []")
    #expect(lines.dropFirst(4).allSatisfy { $0 == "true true true true true true" })
}

@Test func filterStopsAtTheFirstNonBooleanWithItsPlace() {
    let program = "seen = []\n  ys = filter(fn(x) { seen.append(x)\n x }, [true, 2, false])\n"
    #expect(outcome(program).hasPrefix("error 2:8: filter() expects f to return a boolean, got"))
    // The calls stop at the bad verdict: the third element is never seen.
    let harness = Harness()
    _ = Harness.outcome(program, in: harness)
    #expect(Harness.outcome("print(seen)\n", in: harness) == "[true, 2]\n")
}
