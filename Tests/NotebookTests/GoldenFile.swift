// Golden files: recorded when missing, compared after, re-recorded with MICROSEEK_RECORD_GOLDEN=1.
import Foundation
import Testing

enum GoldenFile {
    /// Tests/NotebookTests/Golden, found from this source file so it works from any directory.
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// Compares `actual` with the golden file `name`; records it (and fails, to force a review)
    /// when it is missing or when MICROSEEK_RECORD_GOLDEN=1.
    static func check(_ actual: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let file = folder.appendingPathComponent(name)
        let recording = ProcessInfo.processInfo.environment["MICROSEEK_RECORD_GOLDEN"] == "1"
        if recording || !FileManager.default.fileExists(atPath: file.path) {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: file)
            Issue.record("recorded golden file \(file.path); review it and run the tests again", sourceLocation: sourceLocation)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        if expected != actual {
            let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let firstDifference = Array(zip(expectedLines, actualLines)).firstIndex { $0 != $1 } ?? min(expectedLines.count, actualLines.count)
            let expectedLine = firstDifference < expectedLines.count ? String(expectedLines[firstDifference]) : "<end>"
            let actualLine = firstDifference < actualLines.count ? String(actualLines[firstDifference]) : "<end>"
            Issue.record("""
                \(name) differs from its golden file at line \(firstDifference + 1):
                  golden: \(expectedLine)
                  actual: \(actualLine)
                (MICROSEEK_RECORD_GOLDEN=1 re-records after a deliberate change)
                """, sourceLocation: sourceLocation)
        }
    }
}
