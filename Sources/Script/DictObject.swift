// The storage of a Seek dictionary: an insertion-ordered hash table of its own (as CPython's
// dict is), keyed by strings.
//
// Why not `[String: Value]`: Swift's Dictionary hashes every lookup with a freshly seeded SipHash
// (a tenth of the time of a program of dict-of-closures objects, `d["push"](x)`), and grows from
// empty through several reallocations for a four-entry record. Here a key's hash is FNV-1a over
// its UTF-8 bytes, the index starts with room for eight keys, and entries live in three arrays in
// insertion order (keys, values, hashes) that `keys`/`values` hand out as they are.

import Foundation

/// A Seek dictionary: string keys, insertion order kept (as Python does).
public final class DictObject {
    /// The keys in insertion order.
    public private(set) var keys: [String] = []
    /// The values, parallel to `keys`.
    private var entries: [Value] = []
    /// Each key's hash, parallel to `keys` (growing the index does not rehash strings).
    private var hashes: [Int] = []
    /// Open addressing with linear probing: each slot holds an entry's position + 1, or 0 when
    /// empty. The slot count is a power of two and at least twice the number of keys.
    private var slots: [Int] = []

    /// Creates a dictionary from pairs (a later duplicate key overwrites the value, keeps the first position).
    public init(_ pairs: [(String, Value)] = []) {
        for (key, value) in pairs { self[key] = value }
    }

    /// The value for a key; assigning adds the key at the end when it is new.
    public subscript(key: String) -> Value? {
        get {
            guard let position = position(of: key, hash: DictObject.hash(key)) else { return nil }
            return entries[position]
        }
        set {
            let hash = DictObject.hash(key)
            if let newValue {
                if let position = position(of: key, hash: hash) {
                    entries[position] = newValue
                } else {
                    insert(key, newValue, hash: hash)
                }
            } else if let position = position(of: key, hash: hash) {
                keys.remove(at: position)
                entries.remove(at: position)
                hashes.remove(at: position)
                rebuildIndex(slotCount: slots.count)
            }
        }
    }

    /// The number of entries.
    public var count: Int { keys.count }
    /// The values in key order.
    public var values: [Value] { entries }

    // MARK: - The index

    /// FNV-1a over the UTF-8 bytes. Swift's `==` on strings is canonical equivalence ("é" written
    /// as one scalar or as "e" and an accent are equal, and so are the Kelvin sign and "K"), so
    /// text with any non-ASCII byte is hashed in its composed (NFC) form: equal keys hash equal.
    @inline(__always)
    static func hash(_ key: String) -> Int {
        var key = key
        let ascii: Int? = key.withUTF8 { bytes in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes {
                if byte >= 0x80 { return nil }
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            }
            return Int(truncatingIfNeeded: hash ^ (hash >> 32))
        }
        if let ascii { return ascii }
        var composed = key.precomposedStringWithCanonicalMapping
        return composed.withUTF8 { bytes in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
            return Int(truncatingIfNeeded: hash ^ (hash >> 32))
        }
    }

    @inline(__always)
    private func position(of key: String, hash: Int) -> Int? {
        let mask = slots.count - 1
        guard mask > 0 else { return nil }
        var slot = hash & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { return nil }
            if hashes[entry - 1] == hash, keys[entry - 1] == key { return entry - 1 }
            slot = (slot + 1) & mask
        }
    }

    private func insert(_ key: String, _ value: Value, hash: Int) {
        keys.append(key)
        entries.append(value)
        hashes.append(hash)
        if keys.count * 2 > slots.count {
            rebuildIndex(slotCount: max(8, slots.count * 2))
        } else {
            place(keys.count - 1)
        }
    }

    private func place(_ position: Int) {
        let mask = slots.count - 1
        var slot = hashes[position] & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = position + 1
    }

    private func rebuildIndex(slotCount: Int) {
        slots = Array(repeating: 0, count: slotCount)
        for position in keys.indices { place(position) }
    }
}
