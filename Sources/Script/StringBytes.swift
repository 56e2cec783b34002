// String methods on UTF-8 bytes: `contains`/`in`, `replace`, `strip` and `join` without
// Foundation's NSString bridge (`replacingOccurrences` converted the text to UTF-16 and was a
// fifth of a string-building program) or a grapheme walk.
//
// Each fast path covers the text where bytes and characters agree, and hands everything else to
// the general (Foundation) path, so results are the same as before on every input: a byte search
// is exact on ASCII text without "\r" ("\r\n" is one character, and Foundation's search matches
// canonically equivalent text, so "e" is not found in "e\u{301}").

import Foundation

enum StringBytes {
    /// Whether `part` occurs in `text` (`text.contains(part)`, `part in text`).
    static func contains(_ text: String, _ part: String) -> Bool {
        let partCount = part.utf8.count
        if let byte = singleByte(part), byte != 0x0D, byte != 0x0A {
            // A one-byte part (`ch in "aeiou"`) is found in the bytes, as it always was here.
            if let found = text.utf8.withContiguousStorageIfAvailable({ bytes -> Bool in
                guard let base = bytes.baseAddress else { return false }
                return memchr(base, Int32(byte), bytes.count) != nil
            }) {
                return found
            }
            return text.utf8.contains(byte)
        }
        if partCount > 1, let found = withASCII(text, part, { bytes, pattern in firstMatch(of: pattern, in: bytes, from: 0) != nil }) {
            return found
        }
        return text.contains(part)
    }

    /// `text.replace(old, new)`: every occurrence of `old` (not empty), left to right.
    static func replace(_ text: String, _ old: String, with new: String) -> String {
        let replaced = withASCII(text, old) { bytes, pattern -> String? in
            var matches: [Int] = []
            var position = 0
            while let match = firstMatch(of: pattern, in: bytes, from: position) {
                matches.append(match)
                position = match + pattern.count
            }
            if matches.isEmpty { return nil }
            var replacement = new
            return replacement.withUTF8 { insert in
                let length = bytes.count + matches.count * (insert.count - pattern.count)
                return String(unsafeUninitializedCapacity: length) { output in
                    var written = 0
                    var read = 0
                    func copy(_ source: UnsafeBufferPointer<UInt8>) {
                        guard let base = source.baseAddress, let target = output.baseAddress, !source.isEmpty else { return }
                        (target + written).update(from: base, count: source.count)
                        written += source.count
                    }
                    for match in matches {
                        copy(UnsafeBufferPointer(rebasing: bytes[read ..< match]))
                        copy(insert)
                        read = match + pattern.count
                    }
                    copy(UnsafeBufferPointer(rebasing: bytes[read...]))
                    return written
                }
            }
        }
        switch replaced {
        case .some(.some(let result)): return result
        case .some(.none): return text   // ASCII and no occurrence: the text itself, not a copy
        case .none: return text.replacingOccurrences(of: old, with: new)
        }
    }

    /// `text.strip()`: without leading and trailing white space (Foundation's
    /// `whitespacesAndNewlines`). ASCII white space is trimmed from the bytes when the characters
    /// it stops at are ASCII; anything else (a no-break space, a combining mark) goes to Foundation.
    static func strip(_ text: String) -> String {
        var copy = text
        let stripped: String?? = copy.withUTF8 { bytes in
            var lower = 0
            var upper = bytes.count
            while lower < upper, isASCIIWhiteSpace(bytes[lower]) { lower += 1 }
            while upper > lower, isASCIIWhiteSpace(bytes[upper - 1]) { upper -= 1 }
            if lower == upper { return .some("") }
            guard bytes[lower] < 0x80, bytes[upper - 1] < 0x80 else { return nil }
            if lower == 0, upper == bytes.count { return .some(nil) }
            return .some(String(decoding: UnsafeBufferPointer(rebasing: bytes[lower ..< upper]), as: UTF8.self))
        }
        switch stripped {
        case .some(.some(let result)): return result
        case .some(.none): return text
        case .none: return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// `text.split(separator)` for a one-byte separator, on the text's UTF-8 bytes: the pieces
    /// between its occurrences (found with `memchr`), counted first so the list is made at its
    /// size (a byte loop, and growing the list, were most of the time of splitting short lines).
    static func split(_ bytes: UnsafeBufferPointer<UInt8>, at separator: UInt8) -> ListObject {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return ListObject([.string("")]) }
        let end = base + bytes.count
        @inline(__always) func next(from start: UnsafePointer<UInt8>) -> UnsafePointer<UInt8>? {
            guard start < end, let found = memchr(start, Int32(separator), end - start) else { return nil }
            return UnsafePointer(found.assumingMemoryBound(to: UInt8.self))
        }
        var count = 1
        var cursor = base
        while let found = next(from: cursor) {
            count += 1
            cursor = found + 1
        }
        // Straight into the list: an array moved into it costs a copy of its bytes and the
        // array's destroy of what is left.
        let pieces = ListObject(capacity: count)
        var start = base
        while pieces.count < count - 1, let found = next(from: start) {
            pieces.append(.string(piece(start, found - start)))
            start = found + 1
        }
        pieces.append(.string(piece(start, end - start)))
        return pieces
    }

    /// The text of `count` bytes at `start` (whole UTF-8 characters).
    @inline(__always)
    private static func piece(_ start: UnsafePointer<UInt8>, _ count: Int) -> String {
        String(unsafeUninitializedCapacity: count) { output in
            guard let target = output.baseAddress else { return 0 }
            target.update(from: start, count: count)
            return count
        }
    }

    /// `separator.join(xs)`: strings bare, other values as `print` shows them.
    static func join(_ separator: String, _ elements: UnsafeBufferPointer<Value>) -> String {
        guard elements.count > 1 else { return elements.first?.description ?? "" }
        if let joined = joinStrings(separator, elements) { return joined }
        return concatenate(elements.map { element in
            if case .string(let text) = element { return text }
            return element.description
        }, separator: separator)
    }

    /// A list of strings only, joined straight from the list (without first gathering its texts
    /// into an array: a retain and a release per element); nil when an element is not a string.
    private static func joinStrings(_ separator: String, _ elements: UnsafeBufferPointer<Value>) -> String? {
        var length = separator.utf8.count * (elements.count - 1)
        for element in elements {
            guard case .string(let text) = element else { return nil }
            length += text.utf8.count
        }
        var separator = separator
        return separator.withUTF8 { separatorBytes in
            String(unsafeUninitializedCapacity: length) { output in
                guard let target = output.baseAddress else { return 0 }
                var written = 0
                for index in elements.indices {
                    if index > 0, let base = separatorBytes.baseAddress {
                        (target + written).update(from: base, count: separatorBytes.count)
                        written += separatorBytes.count
                    }
                    if case .string(let text) = elements[index] { written += copyUTF8(of: text, to: target + written) }
                }
                return written
            }
        }
    }

    /// The texts joined by `separator`, copied byte by byte into one buffer of the final size
    /// (appending string by string paid about 340 instructions per piece in `String.append`).
    /// `terminator` follows the last text (`print`'s `end`).
    static func concatenate(_ texts: [String], separator: String = "", terminator: String = "") -> String {
        if texts.count <= 1, terminator.isEmpty { return texts.first ?? "" }
        var length = separator.utf8.count * Swift.max(texts.count - 1, 0) + terminator.utf8.count
        for text in texts { length += text.utf8.count }
        var separator = separator
        return separator.withUTF8 { separatorBytes in
            String(unsafeUninitializedCapacity: length) { output in
                guard let target = output.baseAddress else { return 0 }
                var written = 0
                for (index, text) in texts.enumerated() {
                    if index > 0, let base = separatorBytes.baseAddress {
                        (target + written).update(from: base, count: separatorBytes.count)
                        written += separatorBytes.count
                    }
                    written += copyUTF8(of: text, to: target + written)
                }
                written += copyUTF8(of: terminator, to: target + written)
                return written
            }
        }
    }

    /// Copies the UTF-8 bytes of `text` to `target`; returns their count.
    @inline(__always)
    static func copyUTF8(of text: String, to target: UnsafeMutablePointer<UInt8>) -> Int {
        if let count = text.utf8.withContiguousStorageIfAvailable({ bytes -> Int in
            if let base = bytes.baseAddress { target.update(from: base, count: bytes.count) }
            return bytes.count
        }) {
            return count
        }
        var count = 0
        for byte in text.utf8 {
            target[count] = byte
            count += 1
        }
        return count
    }

    /// A constant text searched many times (`"aeiou".contains(ch)`, `ch in "aeiou"`): which
    /// ASCII bytes it holds is noted once, so a one-byte part is answered by a bit test with
    /// the same result as `contains` (which finds such a part among the bytes).
    /// (A class: the closures that hold one call it without copying its text.)
    final class ConstantText {
        let text: String
        /// Bit b of `low` (b < 64) or of `high` (b - 64): whether ASCII byte b occurs in `text`.
        private let low: UInt64
        private let high: UInt64

        init(_ text: String) {
            self.text = text
            var low: UInt64 = 0, high: UInt64 = 0
            for byte in text.utf8 where byte < 0x80 {
                if byte < 64 { low |= 1 << UInt64(byte) } else { high |= 1 << UInt64(byte - 64) }
            }
            self.low = low
            self.high = high
        }

        /// `StringBytes.contains(text, part)`.
        @inline(__always)
        func contains(_ part: String) -> Bool {
            if let byte = StringBytes.singleByte(part), byte != 0x0D, byte != 0x0A {
                // A one-byte string is ASCII.
                return byte < 64 ? low & (1 << UInt64(byte)) != 0 : high & (1 << UInt64(byte & 63)) != 0
            }
            return StringBytes.contains(text, part)
        }
    }

    // MARK: - Helpers

    /// The byte of a one-byte string, else nil. (`utf8.first` is a call into an unspecialised
    /// `Collection.first` and `index(after:)`, about 50 instructions; the subscript is inlined.)
    @inline(__always)
    static func singleByte(_ text: String) -> UInt8? {
        let utf8 = text.utf8
        guard utf8.count == 1 else { return nil }
        return utf8[utf8.startIndex]
    }

    /// ASCII white space in Foundation's `whitespacesAndNewlines`: tab, line feed, vertical tab,
    /// form feed, carriage return, space.
    @inline(__always)
    static func isASCIIWhiteSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }

    /// Runs `body` on the bytes of `text` and `pattern` when both are one byte per character
    /// (ASCII without "\r") and `pattern` is not empty; nil otherwise.
    private static func withASCII<Result>(_ text: String, _ pattern: String,
                                          _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Result) -> Result? {
        var text = text
        var pattern = pattern
        return text.withUTF8 { bytes in
            guard Machine.isOneBytePerCharacter(bytes) else { return nil }
            return pattern.withUTF8 { patternBytes in
                guard !patternBytes.isEmpty, Machine.isOneBytePerCharacter(patternBytes) else { return nil }
                return body(bytes, patternBytes)
            }
        }
    }

    /// The offset of the first occurrence of `pattern` (not empty) in `bytes` at or after
    /// `start`: `memchr` for its first byte, then a comparison of the rest.
    static func firstMatch(of pattern: UnsafeBufferPointer<UInt8>, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard let base = bytes.baseAddress, let patternBase = pattern.baseAddress else { return nil }
        let last = bytes.count - pattern.count
        var position = start
        while position <= last {
            guard let found = memchr(base + position, Int32(patternBase[0]), last - position + 1) else { return nil }
            let offset = UnsafeRawPointer(found) - UnsafeRawPointer(base)
            if memcmp(base + offset, patternBase, pattern.count) == 0 { return offset }
            position = offset + 1
        }
        return nil
    }
}
