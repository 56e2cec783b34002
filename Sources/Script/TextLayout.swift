// Character positions of long strings, so `s[i]`, `s[a:b]` and `len(s)` cost O(1) per call
// instead of a walk over the text.
//
// A Seek string's elements are Swift `Character`s (grapheme clusters), and Swift's String has no
// random access to them: `len(s)` (`String.count`) runs grapheme breaking over the whole text
// (3.6 ns per byte even on ASCII), and the i-th character is found by walking from the start.
// A loop such as `while i < len(s) { … s[i] … }` was therefore quadratic. The layout of a long
// string (its character count and, unless every character is one byte, the UTF-8 offset where
// each character starts) is computed once and kept for the few strings indexed last.

import Synchronization

/// The character count of a string and where its characters start. (A struct: measuring a
/// short ASCII string allocates nothing.)
struct TextLayout: Sendable {
    /// The number of characters (`len`).
    let count: Int
    /// The UTF-8 offset of each character's first byte, then the byte count; nil when every
    /// character is one byte (ASCII without "\r": "\r\n" is one character).
    let starts: [UInt32]?

    /// Measures `text`, whose UTF-8 bytes are `bytes`.
    init(_ text: String, _ bytes: UnsafeBufferPointer<UInt8>) {
        if Machine.isOneBytePerCharacter(bytes) {
            count = bytes.count
            starts = nil
            return
        }
        var starts: [UInt32] = []
        starts.reserveCapacity(bytes.count / 2 + 1)
        var offset = 0
        for character in text {
            starts.append(UInt32(truncatingIfNeeded: offset))
            offset += character.utf8.count
        }
        starts.append(UInt32(truncatingIfNeeded: offset))
        count = starts.count - 1
        self.starts = starts
    }

    /// The UTF-8 byte range of the character at `position` (0 ..< count).
    @inline(__always)
    func byteRange(of position: Int) -> Range<Int> {
        guard let starts else { return position ..< position + 1 }
        return Int(starts[position]) ..< Int(starts[position + 1])
    }

    /// The UTF-8 byte range of the characters in `positions` (within 0 ... count).
    @inline(__always)
    func byteRange(of positions: Range<Int>) -> Range<Int> {
        guard let starts else { return positions }
        return Int(starts[positions.lowerBound]) ..< Int(starts[positions.upperBound])
    }

    // MARK: - The cache

    /// Strings shorter than this are measured on every call (a scan of a few words is cheaper
    /// than the cache's lock); only longer ones are cached. Above 15 bytes a string is
    /// never stored inline, so its bytes' address identifies its storage.
    static let cachedMinimumBytes = 64

    /// How many strings the cache keeps: a loop comparing two texts (`a[i] == b[j]`) indexes
    /// two alternately.
    private static let cacheSize = 4

    /// (`@unchecked Sendable`: the address is only compared, never read through.)
    private struct Entry: @unchecked Sendable {
        /// Held so the storage stays alive: its address cannot be reused by another string
        /// while the entry exists, and a shared String's storage is never mutated in place.
        let text: String
        let base: UnsafeRawPointer
        let byteCount: Int
        let layout: TextLayout
    }

    private struct Cache: Sendable {
        var entries: [Entry] = []
        var next = 0
    }

    private static let cache = Mutex(Cache())

    /// Calls `body` with the UTF-8 bytes of `text` and its layout: from the cache when the same
    /// storage was measured before, else measured (and cached when the text is long). The bytes
    /// are read in place (a short string's are copied to the stack), without a mutable copy.
    @inline(__always)
    static func with<Result>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>, TextLayout) throws -> Result) rethrows -> Result {
        let long = text.utf8.count >= cachedMinimumBytes
        if let result = try text.utf8.withContiguousStorageIfAvailable({ bytes in
            try body(bytes, long ? cached(text, bytes) : TextLayout(text, bytes))
        }) {
            return result
        }
        var copy = text
        return try copy.withUTF8 { bytes in try body(bytes, TextLayout(text, bytes)) }
    }

    /// The cached layout of `text`, whose bytes (in its own storage, not a temporary copy) are `bytes`.
    private static func cached(_ text: String, _ bytes: UnsafeBufferPointer<UInt8>) -> TextLayout {
        guard let base = bytes.baseAddress, bytes.count < Int(UInt32.max) else { return TextLayout(text, bytes) }
        let address = UnsafeRawPointer(base)
        let found = cache.withLock { cache -> TextLayout? in
            for entry in cache.entries where entry.base == address && entry.byteCount == bytes.count {
                return entry.layout
            }
            return nil
        }
        if let found { return found }
        let layout = TextLayout(text, bytes)
        let entry = Entry(text: text, base: address, byteCount: bytes.count, layout: layout)
        cache.withLock { cache in
            if cache.entries.count < cacheSize {
                cache.entries.append(entry)
            } else {
                cache.entries[cache.next] = entry
                cache.next = (cache.next + 1) % cacheSize
            }
        }
        return layout
    }

    /// The number of characters of `text` (`len(s)`).
    static func characterCount(of text: String) -> Int {
        if text.utf8.count < cachedMinimumBytes,
           let count = text.utf8.withContiguousStorageIfAvailable({ Machine.isOneBytePerCharacter($0) ? $0.count : nil }),
           let count {
            return count
        }
        return with(text) { _, layout in layout.count }
    }
}
