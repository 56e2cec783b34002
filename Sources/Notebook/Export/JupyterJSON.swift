// JSON written byte-for-byte like Jupyter: json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False).

// MARK: - Value

/// A JSON value with exactly the types a notebook needs.
enum JSONValue: Equatable {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    /// nbformat's multi-line string: a list of lines, each keeping its line break.
    static func lines(_ text: String) -> JSONValue {
        .array(JupyterJSON.splitLines(text).map(JSONValue.string))
    }
}

// MARK: - Writer

/// Serialises `JSONValue` the way Python's json module does for Jupyter, so exports diff cleanly
/// against notebooks Jupyter saved: keys sorted by code point, one-space indent, "key": value,
/// non-ASCII text written as is, control characters escaped.
enum JupyterJSON {
    /// The notebook text, ending in a newline.
    static func serialize(_ value: JSONValue) -> String {
        var output = ""
        write(value, depth: 0, into: &output)
        return output + "\n"
    }

    private static func write(_ value: JSONValue, depth: Int, into output: inout String) {
        switch value {
        case .string(let text): writeString(text, into: &output)
        case .integer(let number): output += String(number)
        case .boolean(let flag): output += flag ? "true" : "false"
        case .null: output += "null"
        case .array(let items):
            guard !items.isEmpty else { output += "[]"; return }
            output += "["
            for (position, item) in items.enumerated() {
                output += (position == 0 ? "\n" : ",\n") + indentation(depth + 1)
                write(item, depth: depth + 1, into: &output)
            }
            output += "\n" + indentation(depth) + "]"
        case .object(let members):
            guard !members.isEmpty else { output += "{}"; return }
            output += "{"
            let keys = members.keys.sorted { Array($0.unicodeScalars.map(\.value)).lexicographicallyPrecedes($1.unicodeScalars.map(\.value)) }
            for (position, key) in keys.enumerated() {
                output += (position == 0 ? "\n" : ",\n") + indentation(depth + 1)
                writeString(key, into: &output)
                output += ": "
                if let member = members[key] { write(member, depth: depth + 1, into: &output) }
            }
            output += "\n" + indentation(depth) + "}"
        }
    }

    private static func indentation(_ depth: Int) -> String { String(repeating: " ", count: depth) }

    /// Python's escaping with ensure_ascii=False: quote, backslash and C0 controls only.
    private static func writeString(_ text: String, into output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }

    /// Python's `str.splitlines(keepends=True)`, which nbformat uses for multi-line strings.
    static func splitLines(_ text: String) -> [String] {
        let breaks: Set<UInt32> = [0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029]
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            current.append(scalar)
            if breaks.contains(scalar.value) {
                // "\r\n" is one break.
                if scalar == "\r", index + 1 < scalars.count, scalars[index + 1] == "\n" {
                    current.append(scalars[index + 1])
                    index += 1
                }
                lines.append(String(current))
                current = String.UnicodeScalarView()
            }
            index += 1
        }
        if !current.isEmpty { lines.append(String(current)) }
        return lines
    }
}
