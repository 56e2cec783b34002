// The storage of a Seek list: a buffer of `Value`s the list manages itself, as CPython's list
// does. A Swift `[Value]` destroyed every element through `Value`'s generic value witness when
// it was freed (about 35 instructions an element, numbers included: an array cannot be told its
// elements hold nothing to release) and grew by reallocating to a new buffer; a third of a
// quicksort was its lists' growth and freeing.
import Foundation

/// The storage of a Seek list.
///
/// Elements live in one `malloc`ed buffer (`base`, `count`, `capacity`), grown by `realloc`
/// (which often extends in place) with CPython's over-allocation. Freeing skips the elements
/// that hold nothing to release (nil, booleans, numbers) and destroys the rest with `Value`'s
/// specialised destroy.
///
/// `for x in xs` visits a snapshot: the body may change the list without changing what the
/// loop visits. A loop pins the buffer it walks (`pin`/`unpin`); a change to a pinned list
/// first moves the list to a copy of its buffer and leaves the pinned one to its walkers, who
/// free it when the last of them is done (`RetiredBuffers`). Only a change made while a loop
/// walks the list copies it, once per loop.
public final class ListObject {
    /// The first element; nil until the list has had room for one.
    private(set) var base: UnsafeMutablePointer<Value>?
    /// The number of elements.
    public private(set) var count: Int
    /// How many elements `base` has room for.
    private(set) var capacity: Int
    /// How many loops walk the current buffer.
    private var walkers = 0
    /// Buffers left to loops after the list moved to a copy (nil almost always).
    private var retired: RetiredBuffers?

    /// An empty list.
    public init() {
        count = 0
        capacity = 0
    }

    /// A list of `elements`, moved out of the array (natives build their results in arrays:
    /// `split`, `map`, `keys`): no copy and release of each element. A shared array is copied
    /// first by its own copy-on-write; the moved-out slots are refilled with nil, which the
    /// array then destroys.
    public init(_ elements: consuming [Value]) {
        count = 0
        capacity = 0
        let total = elements.count
        guard total > 0 else { return }
        let buffer = Self.allocate(total)
        var source = elements
        source.withUnsafeMutableBufferPointer { items in
            guard let start = items.baseAddress else { return }
            buffer.moveInitialize(from: start, count: total)
            start.initialize(repeating: .null, count: total)
        }
        base = buffer
        count = total
        capacity = total
    }

    /// An empty list with room for `capacity` elements (a literal, a slice, a concatenation).
    init(capacity: Int) {
        count = 0
        self.capacity = 0
        if capacity > 0 {
            base = Self.allocate(capacity)
            self.capacity = capacity
        }
    }

    /// `[element] * times`.
    init(repeating element: Value, count times: Int) {
        count = 0
        capacity = 0
        guard times > 0 else { return }
        let buffer = Self.allocate(times)
        buffer.initialize(repeating: element, count: times)
        base = buffer
        count = times
        capacity = times
    }

    deinit {
        if let base { Self.free(base, count: count) }
        // Loops hold the list while they walk it, so nothing is retired by now; freed anyway.
        retired?.freeAll()
    }

    // MARK: - Reading

    /// The elements, copied into an array (printing, natives, the general paths). Setting it
    /// replaces the list's contents.
    public var elements: [Value] {
        get {
            var copy: [Value] = []
            // `reserveCapacity` and `append` are specialised for `Value`; `Array(buffer)` copies
            // through the generic value witnesses.
            copy.reserveCapacity(count)
            var index = 0
            while index < count {
                copy.append(element(unchecked: index))
                index += 1
            }
            return copy
        }
        set {
            let fresh = ListObject(newValue)
            swap(with: fresh)
        }
    }

    /// Whether the list has no elements.
    public var isEmpty: Bool { count == 0 }

    /// `integer` as a position (a negative one counts from the end), or nil when out of range.
    @inline(__always)
    func position(_ integer: Int) -> Int? {
        let resolved = integer < 0 ? integer + count : integer
        guard resolved >= 0 && resolved < count else { return nil }
        return resolved
    }

    /// The element at `index`, which the caller has checked is below `count`. A number is
    /// rebuilt from its payload, without the generic copy of a `Value`.
    @inline(__always)
    func element(unchecked index: Int) -> Value {
        let slot = base.unsafelyUnwrapped + index
        if case .number(let x) = slot.pointee { return .number(x) }
        return slot.pointee
    }

    /// `xs[integer]` (negative from the end), or nil when out of range.
    @inline(__always)
    func element(at integer: Int) -> Value? {
        guard let index = position(integer) else { return nil }
        return element(unchecked: index)
    }

    /// The number at `xs[integer]`, or nil when out of range or not a number.
    @inline(__always)
    func number(at integer: Int) -> Double? {
        guard let index = position(integer), case .number(let x) = (base.unsafelyUnwrapped + index).pointee else {
            return nil
        }
        return x
    }

    /// The number at `xs[row][column]` when the element at `row` is a list (a matrix row by row),
    /// or nil; the row is read where it lies, without a retain and release.
    @inline(__always)
    func number(at row: Int, _ column: Int) -> Double? {
        guard let index = position(row), case .list(let cells) = (base.unsafelyUnwrapped + index).pointee else { return nil }
        return Unmanaged.passUnretained(cells)._withUnsafeGuaranteedRef { $0.number(at: column) }
    }

    /// The first index whose element satisfies `predicate` (which must not change the list).
    func firstIndex(where predicate: (Value) throws -> Bool) rethrows -> Int? {
        var index = 0
        while index < count {
            if try predicate(element(unchecked: index)) { return index }
            index += 1
        }
        return nil
    }

    /// Runs `body` on the elements in place; `body` must not change the list or run Seek code.
    func withUnsafeElements<Result>(_ body: (UnsafeBufferPointer<Value>) throws -> Result) rethrows -> Result {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    /// Runs `body` on the elements as they are now, in place: the buffer is pinned as a loop's
    /// is, so `body` may run Seek code that changes the list (`map`, `filter` and `sorted`
    /// calling back) without a copy of the elements first.
    func withSnapshot<Result>(_ body: (UnsafeBufferPointer<Value>) throws -> Result) rethrows -> Result {
        let total = count
        guard let buffer = pin() else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        defer { unpin(buffer) }
        return try body(UnsafeBufferPointer(start: buffer, count: total))
    }

    /// `xs[range]` as a new list (`range` within `0..<count`).
    func copy(_ range: Range<Int>) -> ListObject {
        let result = ListObject(capacity: range.count)
        result.appendElements(of: self, range)
        return result
    }

    // MARK: - Changing

    /// `xs[integer] = value` (negative from the end); false when out of range. An old element
    /// that holds nothing to release is overwritten without the generic destroy.
    @inline(__always)
    func set(_ value: Value, at integer: Int) -> Bool {
        guard let index = position(integer) else { return false }
        if walkers != 0 { leaveToWalkers() }
        Self.store(value, over: base.unsafelyUnwrapped + index)
        return true
    }

    /// `xs.append(x)`.
    @inline(__always)
    func append(_ element: Value) {
        if walkers != 0 || count == capacity { makeRoom(for: 1) }
        (base.unsafelyUnwrapped + count).initialize(to: element)
        count += 1
    }

    /// `xs.extend(ys)`, `a + b`: the elements of `other[range]` appended (read before any is
    /// written, so `xs.extend(xs)` doubles `xs`).
    func appendElements(of other: ListObject, _ range: Range<Int>? = nil) {
        let range = range ?? 0..<other.count
        guard !range.isEmpty else { return }
        makeRoom(for: range.count)
        guard let source = other.base, let target = base else { return }
        // Copied one by one: numbers, booleans and nil without the generic copy.
        var index = range.lowerBound, written = count
        while index < range.upperBound {
            let from = source + index
            switch from.pointee {
            case .number(let x): (target + written).initialize(to: .number(x))
            default: (target + written).initialize(to: from.pointee)
            }
            index += 1
            written += 1
        }
        count = written
    }

    /// `xs.extend(values)`.
    func append(contentsOf values: [Value]) {
        guard !values.isEmpty else { return }
        makeRoom(for: values.count)
        for value in values {
            (base.unsafelyUnwrapped + count).initialize(to: value)
            count += 1
        }
    }

    /// `xs.pop()`: the last element, removed, or nil when the list is empty.
    func removeLast() -> Value? {
        guard count > 0 else { return nil }
        if walkers != 0 { leaveToWalkers() }
        count -= 1
        return (base.unsafelyUnwrapped + count).move()
    }

    /// `xs.pop(i)` (`index` within `0..<count`).
    func remove(at index: Int) -> Value {
        if walkers != 0 { leaveToWalkers() }
        let start = base.unsafelyUnwrapped
        let removed = (start + index).move()
        (start + index).moveInitialize(from: start + index + 1, count: count - index - 1)
        count -= 1
        return removed
    }

    /// `xs.insert(i, x)` (`index` within `0...count`).
    func insert(_ element: Value, at index: Int) {
        makeRoom(for: 1)
        let start = base.unsafelyUnwrapped
        (start + index + 1).moveInitialize(from: start + index, count: count - index)
        (start + index).initialize(to: element)
        count += 1
    }

    /// `xs.reverse()`.
    func reverse() {
        guard count > 1 else { return }
        if walkers != 0 { leaveToWalkers() }
        var buffer = UnsafeMutableBufferPointer(start: base, count: count)
        buffer.reverse()
    }

    // MARK: - Loops

    /// Pins the buffer a loop is about to walk and returns it (nil for an empty list, which is
    /// not pinned). Until `unpin`, the list changes a copy and leaves this buffer as it is.
    @inline(__always)
    func pin() -> UnsafeMutablePointer<Value>? {
        guard count > 0, let base else { return nil }
        walkers += 1
        return base
    }

    /// Ends a walk of `buffer` (what `pin` returned). The loop still holds the list.
    @inline(__always)
    func unpin(_ buffer: UnsafeMutablePointer<Value>) {
        if buffer == base {
            walkers -= 1
        } else {
            retired?.release(buffer)
        }
    }

    // MARK: - Storage

    /// Room for `extra` more elements in a buffer no loop walks. Out of line: `append` stays
    /// small where it is inlined.
    @inline(never)
    private func makeRoom(for extra: Int) {
        if walkers != 0 { leaveToWalkers(extra: extra) }
        let needed = count + extra
        guard needed > capacity else { return }
        // Doubling, from eight: CPython's gentler 9/8 relies on realloc growing in place, which
        // glibc seldom does for small blocks, and each move copies. (From four, as CPython's
        // first append, quicksort's partitions took 4 % more instructions in reallocations.)
        let grown = max(8, needed, capacity * 2)
        base = Self.reallocate(base, grown)
        capacity = grown
    }

    /// Moves the list to a copy of its buffer (with room for `extra` more) and leaves the
    /// current one to the loops walking it.
    @inline(never)
    private func leaveToWalkers(extra: Int = 0) {
        guard let walked = base else { return }
        let newCapacity = max(capacity, count + extra)
        let copy = Self.allocate(newCapacity)
        copy.initialize(from: walked, count: count)
        (retired ?? { let made = RetiredBuffers(); retired = made; return made }())
            .add(walked, count: count, walkers: walkers)
        base = copy
        capacity = newCapacity
        walkers = 0
    }

    /// Exchanges contents with `other` (a fresh list no loop walks), whose deinit then frees
    /// this list's old elements; a buffer loops walk is left to them first.
    private func swap(with other: ListObject) {
        if walkers != 0 { leaveToWalkers() }
        (base, other.base) = (other.base, base)
        (count, other.count) = (other.count, count)
        (capacity, other.capacity) = (other.capacity, capacity)
    }

    /// `slot.pointee = value`, without the generic destroy when the old element holds nothing
    /// to release.
    @inline(__always)
    private static func store(_ value: Value, over slot: UnsafeMutablePointer<Value>) {
        switch slot.pointee {
        case .null, .bool, .number: slot.initialize(to: value)
        default: slot.pointee = value
        }
    }

    static func allocate(_ capacity: Int) -> UnsafeMutablePointer<Value> {
        reallocate(nil, capacity)
    }

    /// `realloc`: the buffer grows in place when the allocator can, else its bytes are moved
    /// (a `Value` may be moved bitwise).
    static func reallocate(_ buffer: UnsafeMutablePointer<Value>?, _ capacity: Int) -> UnsafeMutablePointer<Value> {
        let bytes = capacity * MemoryLayout<Value>.stride
        guard let raw = Foundation.realloc(buffer.map(UnsafeMutableRawPointer.init), bytes) else {
            // As Swift's own allocations do when memory runs out.
            fatalError("out of memory for a list of \(capacity) elements")
        }
        return raw.bindMemory(to: Value.self, capacity: capacity)
    }

    /// Destroys `count` elements and frees the buffer. Elements holding nothing to release
    /// are skipped; the rest go through `Value`'s specialised destroy.
    static func free(_ buffer: UnsafeMutablePointer<Value>, count: Int) {
        var index = 0
        while index < count {
            switch buffer[index] {
            case .null, .bool, .number: break
            default: (buffer + index).deinitialize(count: 1)
            }
            index += 1
        }
        Foundation.free(UnsafeMutableRawPointer(buffer))
    }
}

/// Buffers a list moved away from while loops walked them, each freed when its last loop ends.
private final class RetiredBuffers {
    private var entries: [(buffer: UnsafeMutablePointer<Value>, count: Int, walkers: Int)] = []

    func add(_ buffer: UnsafeMutablePointer<Value>, count: Int, walkers: Int) {
        entries.append((buffer, count, walkers))
    }

    func release(_ buffer: UnsafeMutablePointer<Value>) {
        guard let index = entries.firstIndex(where: { $0.buffer == buffer }) else { return }
        entries[index].walkers -= 1
        if entries[index].walkers == 0 {
            let entry = entries.remove(at: index)
            ListObject.free(entry.buffer, count: entry.count)
        }
    }

    func freeAll() {
        for entry in entries { ListObject.free(entry.buffer, count: entry.count) }
        entries = []
    }
}
