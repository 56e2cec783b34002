// Golden files (swift-snapshot-testing's workflow): compared when present; recorded when missing
// or when MICROSEEK_RECORD_GOLDEN=1 (then review the diff before committing). With CI set, a
// missing golden file is a failure and nothing is written: a run that records compares nothing.
import Foundation
import Testing

public enum GoldenFile {
    /// The Golden folder beside the calling test file.
    public static func folder(beside filePath: String) -> URL {
        URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    }

    /// Compares `actual` with Golden/`name` beside the calling test file (`filePath`).
    public static func check(_ actual: String, named name: String, filePath: String = #filePath,
                             environment: [String: String] = ProcessInfo.processInfo.environment,
                             sourceLocation: SourceLocation = #_sourceLocation) throws {
        if let problem = try compare(actual, named: name, in: folder(beside: filePath), environment: environment) {
            Issue.record(Comment(rawValue: problem), sourceLocation: sourceLocation)
        }
    }

    /// The comparison without recording an issue: nil when it passes, else what went wrong.
    /// Records the file when it is missing (outside CI) or when re-recording is asked for.
    public static func compare(_ actual: String, named name: String, in folder: URL,
                               environment: [String: String]) throws -> String? {
        let file = folder.appendingPathComponent(name)
        let recording = environment["MICROSEEK_RECORD_GOLDEN"] == "1"
        let exists = FileManager.default.fileExists(atPath: file.path)
        if !exists, environment["CI"] != nil, !recording {
            return "golden file \(file.path) is missing; record it locally (run the test once, review, commit) — CI does not record"
        }
        if recording || !exists {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: file)
            return nil
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        guard expected != actual else { return nil }
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let line = Array(zip(expectedLines, actualLines)).firstIndex { $0 != $1 } ?? min(expectedLines.count, actualLines.count)
        let golden = line < expectedLines.count ? String(expectedLines[line]) : "<end>"
        let got = line < actualLines.count ? String(actualLines[line]) : "<end>"
        return """
            \(name) differs from its golden file at line \(line + 1):
              golden: \(golden)
              actual: \(got)
            (MICROSEEK_RECORD_GOLDEN=1 re-records after a deliberate change)
            """
    }
}
