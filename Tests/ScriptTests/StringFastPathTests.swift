// The byte-level string paths (StringBytes, TextLayout, number formatting) against the general
// code they replace, on text where bytes and characters agree and on text where they do not
// ("\r\n", accents written either way, emoji with modifiers and joiners, no-break spaces).
import Foundation
import Testing
@testable import Script

/// Texts with every kind of character the fast paths must hand on or get right.
private let corpus: [String] = [
    "", "a", " ", "hello", "hello world", "  padded  ", "\t\n tabs and lines \r\n",
    "a\r\nb", "line\r", "\rstart", "héllo", "he\u{301}llo", "cafe\u{301}", "café", "naïve",
    "👍🏽 thumbs", "family 👨‍👩‍👧 here", "\u{A0}no-break\u{A0}", " \u{301}mark", "end \u{2003}",
    "x\u{0B}\u{0C}y", "\u{1C}file sep\u{1F}",
    String(repeating: "the quick brown fox jumps over the lazy dog ", count: 8),
    String(repeating: "thé quick brøwn fox ", count: 8),
    String(repeating: "ab\r\ncd ", count: 20),
    String(repeating: "🙂x", count: 40) + "é",
]

private let parts: [String] = [
    "a", "e", "o", " ", "\n", "\r", "\r\n", "ll", "lo w", "fox", "lazy dog the", "dog ", "é", "e\u{301}",
    "fé", "👍", "🏽", "x", "xyz", "the quick", "\u{A0}", "cd ab",
]

/// `contains` before the byte paths: one ASCII byte (not "\r" or "\n") by byte, the rest by Foundation.
private func referenceContains(_ text: String, _ part: String) -> Bool {
    if part.utf8.count == 1, let byte = part.utf8.first, byte != 0x0D, byte != 0x0A {
        return text.utf8.contains(byte)
    }
    return text.contains(part)
}

@Test func containsMatchesTheGeneralSearch() {
    for text in corpus {
        for part in parts {
            #expect(StringBytes.contains(text, part) == referenceContains(text, part), "\(text.debugDescription) contains \(part.debugDescription)")
        }
    }
}

@Test func replaceMatchesFoundation() {
    for text in corpus {
        for old in parts {
            for new in ["", "+", "LONGER", "ü", "\r"] {
                let expected = text.replacingOccurrences(of: old, with: new)
                #expect(StringBytes.replace(text, old, with: new) == expected,
                        "\(text.debugDescription).replace(\(old.debugDescription), \(new.debugDescription))")
            }
        }
    }
    // Overlapping candidates are replaced left to right, as Foundation does.
    #expect(StringBytes.replace("aaaa a", "aa", with: "b") == "bb a")
}

@Test func stripMatchesFoundationOnEveryASCIIByteAndUnicodeSpace() {
    var texts = corpus
    for byte in UInt8(0) ..< 128 {
        let character = String(UnicodeScalar(byte))
        texts += [character, character + "x" + character, "x" + character, character + character + "é" + character]
    }
    texts += ["\u{A0}x", "x\u{2003}", "\u{85}x\u{85}", "\u{2028}", " \u{301}", "é "]
    for text in texts {
        #expect(StringBytes.strip(text) == text.trimmingCharacters(in: .whitespacesAndNewlines), "strip \(text.debugDescription)")
    }
}

@Test func joinMatchesJoiningDescriptions() {
    let elements: [[Value]] = [
        [], [.string("a")], [.number(2)], [.string("a"), .string("é"), .string("")],
        [.number(1.5), .string("x"), .bool(true), .null, .list(ListObject([.string("q")]))],
        corpus.map(Value.string),
    ]
    for list in elements {
        for separator in ["", ", ", "\r", "ü"] {
            #expect(list.withUnsafeBufferPointer { StringBytes.join(separator, $0) } == list.map(\.description).joined(separator: separator))
        }
    }
}

/// The characters `s[i]` and `len(s)` must give: Swift's Characters (grapheme clusters).
@Test func characterIndexingAgreesWithSwiftCharacters() {
    for text in corpus {
        let characters = Array(text)
        #expect(TextLayout.characterCount(of: text) == characters.count, "len \(text.debugDescription)")
        for index in -characters.count - 1 ... characters.count {
            let expected: String? = index >= -characters.count && index < characters.count
                ? String(characters[index < 0 ? index + characters.count : index]) : nil
            let got: String?
            if case .string(let text)? = Machine.character(of: text, at: index) { got = text } else { got = nil }
            #expect(got == expected, "\(text.debugDescription)[\(index)]")
        }
    }
}

/// The layout cache keeps strings it measured alive, and tells apart strings of the same length.
@Test func layoutCacheTellsStringsApart() {
    var texts: [String] = []
    for round in 0 ..< 12 {
        // Same byte count, different characters: ASCII, two-byte, and a mix.
        let text = round % 3 == 0 ? String(repeating: "ab", count: 40)
            : round % 3 == 1 ? String(repeating: "é", count: 40) : String(repeating: "a", count: 40) + String(repeating: "é", count: 20)
        texts.append(text + "")
        let characters = Array(text)
        #expect(TextLayout.characterCount(of: text) == characters.count)
        #expect(Machine.character(of: text, at: characters.count - 1).map(\.description) == String(characters.last!))
    }
}

@Test func wholeNumbersPrintAsIntegerDigits() {
    let numbers: [Double] = [1, -1, 7, 10, -10, 42, 99, 100, 12345, -987654321, 1e15, -1e15, 9_999_999_999_999_998,
                             -9_999_999_999_999_998, 123_456_789_012_345]
    for number in numbers {
        #expect(Value.format(number) == String(Int64(number)))
        #expect(Value.number(number).description == String(Int64(number)))
    }
    #expect(Value.format(0) == "0")
    #expect(Value.format(-0.0) == "-0")
    #expect(Value.format(1e16) == "1e+16")
    #expect(Value.format(0.1 + 0.2) == "0.30000000000000004")
    #expect(Value.number(2.5).description == "2.5")
}

@Test func concatenateJoinsPiecesSeparatorsAndTerminator() {
    #expect(StringBytes.concatenate([]) == "")
    #expect(StringBytes.concatenate([], separator: ", ", terminator: "") == "")
    #expect(StringBytes.concatenate([], separator: " ", terminator: "\n") == "\n")
    #expect(StringBytes.concatenate([""], separator: " ", terminator: "") == "")
    #expect(StringBytes.concatenate(["a"], separator: " ", terminator: "!") == "a!")
    #expect(StringBytes.concatenate(["a", "", "é👍🏽"], separator: "-", terminator: "\r\n") == "a--é👍🏽\r\n")
    let long = String(repeating: "x", count: 100)
    #expect(StringBytes.concatenate([long, long], separator: "ü") == long + "ü" + long)
}

@Test func dictStoreAddsOrReplacesInInsertionOrder() {
    let dict = DictObject()
    for round in 0 ..< 3 {
        for index in 0 ..< 20 { dict.store(.number(Double(index + round)), forKey: "k\(index)") }
    }
    #expect(dict.count == 20)
    #expect(dict.keys == (0 ..< 20).map { "k\($0)" })
    #expect(dict["k7"].map(\.description) == "9")
    dict["k3"] = nil
    #expect(dict.count == 19 && !dict.contains("k3") && dict.contains("k4"))
    dict.store(.string("again"), forKey: "k3")
    #expect(dict.keys.last == "k3" && dict["k3"]?.description == "again")
}
