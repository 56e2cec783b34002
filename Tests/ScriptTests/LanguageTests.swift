// Runs every .seek file under LanguageTests/: `# expect: text` lines are the printed output in
// order; `# expect error: text` means an error whose message contains text, on that line (several
// for syntax errors reported in one pass). Adding a test is adding a file.
import Foundation
import Testing
@testable import Script

/// One language test file.
struct LanguageTestFile: CustomTestStringConvertible, Sendable {
    let path: String
    let name: String
    var testDescription: String { name }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("LanguageTests")

    /// Every .seek file, sorted by path.
    static func all() -> [LanguageTestFile] {
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else {
            return []
        }
        let root = directory.standardizedFileURL.path + "/"
        return enumerator.compactMap { $0 as? URL }
            .filter { $0.pathExtension == "seek" }
            .map { url in
                let path = url.standardizedFileURL.path
                return LanguageTestFile(path: path, name: path.replacingOccurrences(of: root, with: ""))
            }
            .sorted { $0.name < $1.name }
    }
}

/// The expectations written in a test file's comments.
struct Expectations {
    var output: [String] = []
    var errors: [(line: Int, text: String)] = []

    init(source: String) {
        for (index, line) in source.components(separatedBy: "\n").enumerated() {
            if let range = line.range(of: "# expect error: ") {
                errors.append((index + 1, String(line[range.upperBound...]).trimmingTrailingSpaces))
            } else if let range = line.range(of: "# expect: ") {
                output.append(String(line[range.upperBound...]).trimmingTrailingSpaces)
            }
        }
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}

@Test("language test", arguments: LanguageTestFile.all())
func languageTest(_ file: LanguageTestFile) throws {
    let source = try String(contentsOfFile: file.path, encoding: .utf8)
    let expected = Expectations(source: source)
    #expect(!expected.output.isEmpty || !expected.errors.isEmpty, "\(file.name) states no expectation")

    let harness = Harness()
    var failure: ScriptError?
    do {
        _ = try harness.interpreter.run(source, file: file.name)
    } catch {
        failure = error
    }

    let printed = harness.output.components(separatedBy: "\n").map(\.trimmingTrailingSpaces)
    let lines = printed.last == "" ? Array(printed.dropLast()) : printed
    #expect(lines == expected.output, "output of \(file.name)")

    guard let failure else {
        #expect(expected.errors.isEmpty, "\(file.name) expected an error but ran cleanly")
        return
    }
    let diagnostics = failure.diagnostics
    #expect(diagnostics.count == expected.errors.count,
            "\(file.name): expected \(expected.errors.count) error(s), got:\n\(failure)")
    for (diagnostic, expectation) in zip(diagnostics, expected.errors) {
        #expect(diagnostic.message.contains(expectation.text),
                "\(file.name): message '\(diagnostic.message)' lacks '\(expectation.text)'")
        #expect(diagnostic.span.line == expectation.line,
                "\(file.name): error '\(diagnostic.message)' on line \(diagnostic.span.line), expected \(expectation.line)")
    }
}

@Test func languageTestsAreFound() {
    #expect(LanguageTestFile.all().count >= 60)
}
