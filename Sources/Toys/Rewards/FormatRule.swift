// R1-Zero's format rule for answers: the whole text is exactly one <answer>…</answer> block,
// whitespace allowed around it and inside it, newlines allowed (the DOTALL pitfall of
// unsloth#1761), and a second answer tag anywhere is rejected (open-r1#418). Written as a small
// scanner over bytes rather than a regular expression: it runs 77 000 times in a 300-step toy run.

/// The anchored answer-format rule.
public enum FormatRule {
    private static let open = Array("<answer>".utf8)
    private static let close = Array("</answer>".utf8)

    /// The trimmed content of the single answer block, or nil when the text is not exactly
    /// `\s* <answer> content </answer> \s*` with one opening and one closing tag.
    public static func answer(in text: String) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            var start = 0, end = bytes.count
            while start < end, isSpace(bytes[start]) { start += 1 }
            while end > start, isSpace(bytes[end - 1]) { end -= 1 }
            guard end - start >= open.count + close.count, matches(bytes, at: start, open),
                  matches(bytes, at: end - close.count, close) else { return nil }
            var from = start + open.count, to = end - close.count
            // A tag inside the block means two blocks ("<answer>1</answer> <answer>2</answer>") or a nested one.
            var index = from
            while index < to {
                if bytes[index] == 60, matches(bytes, at: index, open, before: to) || matches(bytes, at: index, close, before: to) {
                    return nil
                }
                index += 1
            }
            while from < to, isSpace(bytes[from]) { from += 1 }
            while to > from, isSpace(bytes[to - 1]) { to -= 1 }
            guard from < to else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[from ..< to]), as: UTF8.self)
        }
    }

    /// Whether `needle` occurs in `bytes` at `position`, ending before `limit`.
    private static func matches(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int, _ needle: [UInt8], before limit: Int? = nil) -> Bool {
        let limit = limit ?? bytes.count
        guard position >= 0, position + needle.count <= limit else { return false }
        var index = 0
        while index < needle.count {
            if bytes[position + index] != needle[index] { return false }
            index += 1
        }
        return true
    }

    /// 1 when the text has R1's answer format, else 0.
    public static func score(_ text: String) -> Double { answer(in: text) == nil ? 0 : 1 }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 || byte == 10 || byte == 13 }
}
