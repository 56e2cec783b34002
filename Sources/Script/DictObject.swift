// The storage of a Seek dictionary: an insertion-ordered hash table of its own (as CPython's
// dict is), keyed by strings.
//
// Why not `[String: Value]`: Swift's Dictionary hashes every lookup with a freshly seeded SipHash
// (a tenth of the time of a program of dict-of-closures objects, `d["push"](x)`), and grows from
// empty through several reallocations for a four-entry record. Here a key's hash is FNV-1a over
// its UTF-8 bytes, entries (hash, key, value) live in insertion order (the first four inside the
// object, then in one array), and a dict of up to eight entries is searched by scanning their
// hashes; larger ones get an index.

import Foundation

/// A Seek dictionary: string keys, insertion order kept (as Python does).
public final class DictObject {
    /// One entry: its key's hash is kept so lookups compare it before the strings and growing
    /// the index does not rehash.
    private struct Entry {
        var hash: Int
        let key: String
        var value: Value
    }

    /// What an unused inline place holds (nothing to release: the empty string and nil).
    private static var vacant: Entry { Entry(hash: 0, key: "", value: .null) }

    /// The first `inlineCapacity` entries live in the object itself while the dict is that small
    /// (records and objects: `{"label": l, "children": c}`, a vector with two methods), so making
    /// one is a single allocation: a separate entries array was a second `malloc` and `free` per
    /// dict, about 350 instructions to make (a tenth of a tree of dicts, `16-tree-dfs`). Places
    /// `inlineCount...` hold `vacant`. Read through `withEntries`, as one buffer either way.
    private var inline: (Entry, Entry, Entry, Entry) = (DictObject.vacant, DictObject.vacant,
                                                        DictObject.vacant, DictObject.vacant)
    private static let inlineCapacity = 4
    /// How many inline places are used (while `spilled` is false).
    private var inlineCount = 0
    /// Set once a fifth entry arrives: from then on `entries` holds all of them (kept if the
    /// dict shrinks again).
    private var spilled = false
    /// The entries in insertion order once spilled, in one buffer (a lookup touches the object and
    /// this buffer only: separate arrays of keys, values and hashes cost a cache miss each).
    private var entries: [Entry] = []
    /// Open addressing with linear probing, built once a dict outgrows `smallCount` (smaller
    /// ones are scanned): each slot holds an entry's position + 1, or 0 when empty. The slot
    /// count is a power of two and at least twice the number of entries.
    private var slots: [Int] = []
    /// Dicts up to this size are searched by scanning the hashes (records, objects).
    private static let smallCount = 8

    /// Creates a dictionary from pairs (a later duplicate key overwrites the value, keeps the first position).
    public init(_ pairs: [(String, Value)] = []) {
        for (key, value) in pairs { self[key] = value }
    }

    /// An empty dictionary with room for `capacity` entries (a literal's).
    init(capacity: Int) {
        if capacity > DictObject.inlineCapacity { spill(reserving: capacity) }
    }

    /// The entries in insertion order as one buffer: the inline places or the spilled array. The
    /// buffer is valid only inside `body`, which must not add or remove entries.
    @inline(__always)
    private func withEntries<R>(_ body: (UnsafeMutableBufferPointer<Entry>) throws -> R) rethrows -> R {
        if spilled { return try entries.withUnsafeMutableBufferPointer { try body($0) } }
        let count = inlineCount
        // The tuple's elements are laid out as an array of `Entry` (a homogeneous tuple).
        return try withUnsafeMutablePointer(to: &inline) { tuple in
            try tuple.withMemoryRebound(to: Entry.self, capacity: DictObject.inlineCapacity) { first in
                try body(UnsafeMutableBufferPointer(start: first, count: count))
            }
        }
    }

    /// `withEntries` for reading: a spilled array is read without the uniqueness check a mutable
    /// buffer of it makes.
    @inline(__always)
    private func readEntries<R>(_ body: (UnsafeBufferPointer<Entry>) throws -> R) rethrows -> R {
        if spilled { return try entries.withUnsafeBufferPointer { try body($0) } }
        return try withEntries { try body(UnsafeBufferPointer($0)) }
    }

    /// Moves the inline entries into `entries` (a fifth entry, or a literal with more than four).
    @inline(never)
    private func spill(reserving capacity: Int) {
        var moved: [Entry] = []
        moved.reserveCapacity(Swift.max(capacity, 2 * DictObject.inlineCapacity))
        withEntries { buffer in
            for index in buffer.indices {
                moved.append(buffer[index])
                buffer[index] = DictObject.vacant
            }
        }
        inlineCount = 0
        entries = moved
        spilled = true
    }

    /// A literal whose keys are distinct constants hashed when compiled (`{"label": l, "children": c}`):
    /// the entries are appended in order without looking each key up (a literal's keys went
    /// through `store`, a hash and a scan per key, 2,300 instructions for a two-entry record).
    /// `value(i)` evaluates the i-th value, in source order.
    @inline(__always)
    static func literal(_ keys: ConstantKeys, _ value: (Int) throws -> Value) rethrows -> DictObject {
        let dict = DictObject(capacity: keys.count)
        for index in 0..<keys.count {
            // The value first: it may run Seek code (never this dict, which nothing else sees yet).
            dict.append(Entry(hash: keys.hashes[index], key: keys.names[index], value: try value(index)))
        }
        if keys.count > DictObject.smallCount { dict.rebuildIndex() }
        return dict
    }

    /// Adds an entry at the end without touching the index.
    @inline(__always)
    private func append(_ entry: Entry) {
        if spilled {
            entries.append(entry)
        } else if inlineCount < DictObject.inlineCapacity {
            let position = inlineCount
            withUnsafeMutablePointer(to: &inline) { tuple in
                tuple.withMemoryRebound(to: Entry.self, capacity: DictObject.inlineCapacity) { $0[position] = entry }
            }
            inlineCount = position + 1
        } else {
            spill(reserving: inlineCount + 1)
            entries.append(entry)
        }
    }

    /// The Seek function stored under a constant key (`s["push"]`, `self["add"]`), taken out of
    /// its entry with one retain (no copy of the entry's `Value`); nil when the key is missing or
    /// holds anything else.
    @inline(__always)
    func function(forKey key: String, hash: Int) -> FunctionObject? {
        // One pass over the storage: the lookup and the read share the buffer.
        readEntries { entries in
            guard let position = position(in: entries, of: key, hash: hash),
                  case .function(let function) = entries[position].value else { return nil }
            return function
        }
    }

    /// The value for a key; assigning adds the key at the end when it is new.
    public subscript(key: String) -> Value? {
        get {
            guard let position = position(of: key, hash: DictObject.hash(key)) else { return nil }
            return readEntries { $0[position].value }
        }
        set {
            if let newValue {
                store(newValue, forKey: key)
                return
            }
            if let position = position(of: key, hash: DictObject.hash(key)) { remove(at: position) }
        }
    }

    /// Removes the entry at `position`, keeping the others in order.
    private func remove(at position: Int) {
        if spilled {
            entries.remove(at: position)
            rebuildIndex()
            return
        }
        withEntries { buffer in
            var index = position
            while index + 1 < buffer.count {
                buffer.swapAt(index, index + 1)
                index += 1
            }
            buffer[buffer.count - 1] = DictObject.vacant
        }
        inlineCount -= 1
    }

    /// The value for a key whose hash (`DictObject.hash(key)`) the caller computed once: a
    /// constant key, `node["children"]`, `self["x"]`, is hashed when its code is compiled.
    @inline(__always)
    func value(forKey key: String, hash: Int) -> Value? {
        readEntries { entries in
            guard let position = position(in: entries, of: key, hash: hash) else { return nil }
            return entries[position].value
        }
    }

    /// `d[key] = value` without wrapping the value in an optional (`d[k] = v`, `d[k] += 1`).
    /// Not inlined: `Machine.quickIndexSet` inlines into every index assignment, and with this
    /// body in it the compiler stopped inlining it there (a list element store paid a call).
    @inline(never)
    public func store(_ value: Value, forKey key: String) {
        let hash = DictObject.hash(key)
        if let position = position(of: key, hash: hash) {
            withEntries { $0[position].value = value }
        } else {
            insert(Entry(hash: hash, key: key, value: value))
        }
    }

    /// Where `key`'s entry is, for `d[key] op= value` (one hash and one probe for the read and
    /// the write; see `replaceValue(at:with:)`), or nil when the key is missing.
    func entryPosition(forKey key: String) -> Int? {
        position(of: key, hash: DictObject.hash(key))
    }

    /// The value of the entry at `position` (from `entryPosition(forKey:)`).
    @inline(__always)
    func value(at position: Int) -> Value { readEntries { $0[position].value } }

    /// Replaces the value of the entry at `position`, found before `value` was computed. Computing
    /// it runs no Seek code, so no key can have come or gone in between.
    @inline(__always)
    func replaceValue(at position: Int, with value: Value) { withEntries { $0[position].value = value } }

    /// `d[key] = update(d[key])` for a number entry, updated where it lies (one hash and one
    /// probe, no copy of the entry's value). False, with nothing changed, when the key is
    /// missing, its value is not a number or `update` declines (nil): the general code runs.
    func updateNumber(forKey key: String, _ update: (Double) -> Double?) -> Bool {
        guard let position = entryPosition(forKey: key) else { return false }
        return withEntries { entries in
            guard case .number(let a) = entries[position].value, let result = update(a) else { return false }
            entries[position].value = .number(result)
            return true
        }
    }

    /// Whether `key` is present (`d.has(k)`, `k in d`), without copying its value.
    public func contains(_ key: String) -> Bool {
        position(of: key, hash: DictObject.hash(key)) != nil
    }

    /// The keys in insertion order.
    public var keys: [String] { readEntries { $0.map(\.key) } }
    /// The number of entries.
    public var count: Int { spilled ? entries.count : inlineCount }
    /// The values in key order.
    public var values: [Value] { readEntries { $0.map(\.value) } }

    /// `keys(d)`, `d.keys()`, `values(d)`, `items(d)`: lists filled in place (an array moved
    /// into a list costs a copy of its bytes and the array's generic destroy of what is left).
    func keyList() -> ListObject {
        readEntries { entries in
            let list = ListObject(capacity: entries.count)
            for entry in entries { list.append(.string(entry.key)) }
            return list
        }
    }

    func valueList() -> ListObject {
        readEntries { entries in
            let list = ListObject(capacity: entries.count)
            for entry in entries { list.append(entry.value) }
            return list
        }
    }

    /// `[[key, value], …]` in insertion order.
    func itemList() -> ListObject {
        readEntries { entries in
            let list = ListObject(capacity: entries.count)
            for entry in entries {
                let pair = ListObject(capacity: 2)
                pair.append(.string(entry.key))
                pair.append(entry.value)
                list.append(.list(pair))
            }
            return list
        }
    }

    // MARK: - The index

    /// FNV-1a over the UTF-8 bytes. Swift's `==` on strings is canonical equivalence ("é" written
    /// as one scalar or as "e" and an accent are equal, and so are the Kelvin sign and "K"), so
    /// text with any non-ASCII byte is hashed in its composed (NFC) form: equal keys hash equal.
    @inline(__always)
    static func hash(_ key: String) -> Int {
        // The bytes in place (no mutable copy of the key, which `withUTF8` needs).
        if let hash = key.utf8.withContiguousStorageIfAvailable({ asciiHash($0) }), let hash { return hash }
        var composed = key.precomposedStringWithCanonicalMapping
        return composed.withUTF8 { bytes in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
            return Int(truncatingIfNeeded: hash ^ (hash >> 32))
        }
    }

    /// FNV-1a of ASCII bytes; nil when there is a non-ASCII byte.
    @inline(__always)
    private static func asciiHash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            if byte >= 0x80 { return nil }
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return Int(truncatingIfNeeded: hash ^ (hash >> 32))
    }

    @inline(__always)
    private func position(of key: String, hash: Int) -> Int? {
        readEntries { position(in: $0, of: key, hash: hash) }
    }

    /// Where `key` is among `entries` (this dict's, from `readEntries`): scanned while the dict
    /// is small (no index: inline dicts never have one), probed in the index otherwise.
    @inline(__always)
    private func position(in entries: UnsafeBufferPointer<Entry>, of key: String, hash: Int) -> Int? {
        let mask = slots.count - 1
        guard mask > 0 else {
            for position in entries.indices where entries[position].hash == hash && entries[position].key == key {
                return position
            }
            return nil
        }
        return slots.withUnsafeBufferPointer { slots in
            var slot = hash & mask
            while true {
                let entry = slots[slot]
                if entry == 0 { return nil }
                if entries[entry - 1].hash == hash, entries[entry - 1].key == key { return entry - 1 }
                slot = (slot + 1) & mask
            }
        }
    }

    private func insert(_ entry: Entry) {
        append(entry)
        guard spilled else { return }
        if slots.isEmpty {
            if entries.count > DictObject.smallCount { rebuildIndex() }
        } else if entries.count * 2 > slots.count {
            rebuildIndex()
        } else {
            place(entries.count - 1)
        }
    }

    private func place(_ position: Int) {
        let mask = slots.count - 1
        var slot = entries[position].hash & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = position + 1
    }

    /// Rebuilds the index for the current entries (none for a small dict; only spilled dicts
    /// outgrow `smallCount`).
    private func rebuildIndex() {
        guard spilled, entries.count > DictObject.smallCount else {
            slots = []
            return
        }
        var slotCount = 32
        while slotCount < entries.count * 2 { slotCount *= 2 }
        slots = Array(repeating: 0, count: slotCount)
        for position in entries.indices { place(position) }
    }
}

/// Distinct constant keys with their hashes, computed when a literal is compiled.
struct ConstantKeys {
    let names: [String]
    let hashes: [Int]
    var count: Int { names.count }

    /// nil when two keys are equal (by Swift's `==`, canonical equivalence, as the dict
    /// compares them): such a literal keeps the general path, where the later value wins.
    init?(_ names: [String]) {
        guard Set(names).count == names.count else { return nil }
        self.names = names
        hashes = names.map(DictObject.hash)
    }
}
