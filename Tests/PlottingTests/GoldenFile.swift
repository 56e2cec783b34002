import Foundation
import Testing

// Golden files: recorded when missing, compared afterwards, re-recorded when the environment
// variable MICROSEEK_RECORD_GOLDEN=1 is set (then review the diff before committing).

enum GoldenFile {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// Compares `actual` with Golden/`name`; records it when missing or when re-recording.
    static func check(_ actual: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = directory.appendingPathComponent(name)
        let record = ProcessInfo.processInfo.environment["MICROSEEK_RECORD_GOLDEN"] == "1"
        if record || !FileManager.default.fileExists(atPath: url.path) {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        if expected != actual {
            let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let first = zip(expectedLines, actualLines).enumerated().first { $0.element.0 != $0.element.1 }
            let detail = first.map { "line \($0.offset + 1):\n  golden: \($0.element.0)\n  actual: \($0.element.1)" }
                ?? "golden has \(expectedLines.count) lines, actual \(actualLines.count)"
            Issue.record("\(name) differs from its golden file (\(detail)); set MICROSEEK_RECORD_GOLDEN=1 to re-record",
                         sourceLocation: sourceLocation)
        }
    }
}
