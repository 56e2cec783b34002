// Source text and positions: every token, syntax node and error carries a SourceSpan.

/// A named piece of source text: a file, a REPL entry, or a notebook cell.
public final class SourceFile: Sendable {
    /// The name shown in error messages (a path, `<stdin>`, `lesson 3`).
    public let name: String
    /// The full text.
    public let text: String
    /// Added to every line number, so a notebook cell reports the line in its lesson.
    public let lineOffset: Int
    let lines: [String]

    /// Creates a source; `lineOffset` is added to the 1-based line numbers it reports.
    public init(name: String, text: String, lineOffset: Int = 0) {
        self.name = name
        self.text = text
        self.lineOffset = lineOffset
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            String($0.hasSuffix("\r") ? $0.dropLast() : $0)
        }
    }

    /// The text of a displayed line number (one that includes `lineOffset`), if it exists.
    public func lineText(_ line: Int) -> String? {
        let index = line - lineOffset - 1
        return lines.indices.contains(index) ? lines[index] : nil
    }
}

/// A range of characters on one line of a source: where a token, node or error is.
/// Two words (the position is packed), because compiled code captures one per operation.
public struct SourceSpan: Sendable {
    /// The source the span points into.
    public let file: SourceFile
    /// line (32 bits) | column (20 bits) | length (12 bits).
    private let packed: UInt64

    /// 1-based line number as displayed (already includes the source's line offset).
    public var line: Int { Int(truncatingIfNeeded: Int32(truncatingIfNeeded: packed >> 32)) }
    /// 1-based column, counted in Unicode scalars (saturates at 1,048,575).
    public var column: Int { Int((packed >> 12) & 0xF_FFFF) }
    /// Length in Unicode scalars (at least 1 when underlined; saturates at 4095).
    public var length: Int { Int(packed & 0xFFF) }

    /// Creates a span; out-of-range columns and lengths saturate.
    public init(file: SourceFile, line: Int, column: Int, length: Int) {
        self.file = file
        let clampedLine = UInt64(UInt32(bitPattern: Int32(clamping: line)))
        let clampedColumn = UInt64(min(max(column, 0), 0xF_FFFF))
        let clampedLength = UInt64(min(max(length, 0), 0xFFF))
        packed = clampedLine << 32 | clampedColumn << 12 | clampedLength
    }

    /// A span from the start of `self` to the end of `other` (clipped to one line).
    func through(_ other: SourceSpan) -> SourceSpan {
        guard other.line == line else { return self }
        let end = max(other.column + other.length, column + length)
        return SourceSpan(file: file, line: line, column: column, length: end - column)
    }

    /// `file:line:column`.
    public var location: String { "\(file.name):\(line):\(column)" }
}
