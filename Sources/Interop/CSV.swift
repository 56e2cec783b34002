// Comma-separated values as RFC 4180 writes them: fields with a comma, a quote or a line break are
// quoted, quotes inside doubled, records end with CRLF. The reader takes CRLF or LF and names the
// line of a malformed record.
import Foundation

/// Reading and writing RFC 4180 CSV text.
public enum CSV {
    /// A malformed CSV text, with the line where the problem starts.
    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// One field as RFC 4180 writes it.
    public static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The text of `rows`, each record ending with CRLF.
    public static func text(_ rows: [[String]]) -> String {
        rows.map { $0.map(field).joined(separator: ",") + "\r\n" }.joined()
    }

    /// The records of `text` (a final line break is optional; an empty text has no records).
    public static func parse(_ text: String) throws -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false, wasQuoted = false
        var line = 1, quoteLine = 1
        var characters = Array(text)
        if let last = characters.last, !last.isNewline { characters.append("\n") }
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if quoted {
                if character == "\"" {
                    if index + 1 < characters.count && characters[index + 1] == "\"" {
                        field.append("\""); index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if character == "\n" || character == "\r\n" { line += 1 }
                    field.append(character)
                }
            } else {
                switch character {
                case "\"":
                    guard field.isEmpty && !wasQuoted else {
                        throw ParseError(description: "line \(line): a quote inside an unquoted field (quote the whole field and double the quote)")
                    }
                    quoted = true; wasQuoted = true; quoteLine = line
                case ",":
                    record.append(field); field = ""; wasQuoted = false
                case "\n", "\r\n", "\r":
                    record.append(field); field = ""; wasQuoted = false
                    records.append(record); record = []
                    line += 1
                default:
                    guard !wasQuoted else {
                        throw ParseError(description: "line \(line): text after a closing quote")
                    }
                    field.append(character)
                }
            }
            index += 1
        }
        if quoted { throw ParseError(description: "line \(quoteLine): a quoted field is never closed") }
        return records
    }
}
