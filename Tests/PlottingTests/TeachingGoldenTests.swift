import Foundation
import Testing
import Plotting
import TestSupport

// Canvas calls and SVG of the teaching features against files in Golden/, and the golden
// helper's own rules.

@Suite struct TeachingGoldenTests {
    static let names = ["smoothed", "limits", "references", "area", "band", "slides", "paper", "regions"]

    @Test(arguments: names)
    func recordedCallsMatchGolden(name: String) throws {
        let figure = try #require(try TeachingFixtures.all().first { $0.name == name }).figure
        var canvas = RecordingCanvas(width: 800, height: 600)
        try figure.draw(on: &canvas)
        try GoldenFile.check(canvas.transcript, named: "\(name)-800x600.calls.txt")
    }

    @Test(arguments: names)
    func svgMatchesGolden(name: String) throws {
        let figure = try #require(try TeachingFixtures.all().first { $0.name == name }).figure
        try GoldenFile.check(try figure.svg(), named: "\(name)-800x600.svg")
    }

    @Test(arguments: ["area", "slides", "regions"])
    func smallRecordedCallsMatchGolden(name: String) throws {
        let figure = try #require(try TeachingFixtures.all(width: 400, height: 300).first { $0.name == name }).figure
        var canvas = RecordingCanvas(width: 400, height: 300)
        try figure.draw(on: &canvas)
        try GoldenFile.check(canvas.transcript, named: "\(name)-400x300.calls.txt")
    }

    @Test func teachingChartsAreDeterministic() throws {
        for ((name, first), (_, second)) in zip(try TeachingFixtures.all(), try TeachingFixtures.all()) {
            #expect(try first.svg() == second.svg(), "\(name)")
        }
    }

    // MARK: The golden helper

    @Test func aMissingGoldenFileFailsInCIAndIsNotWritten() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("golden-\(UUID().uuidString)")
        let problem = try GoldenFile.compare("text", named: "new.txt", in: folder, environment: ["CI": "true"])
        #expect(problem?.contains("is missing") == true, "\(problem ?? "nil")")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("new.txt").path))
    }

    @Test func aMissingGoldenFileIsRecordedLocallyThenCompared() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("golden-\(UUID().uuidString)")
        #expect(try GoldenFile.compare("a\nb", named: "new.txt", in: folder, environment: [:]) == nil)
        #expect(try String(contentsOf: folder.appendingPathComponent("new.txt"), encoding: .utf8) == "a\nb")
        #expect(try GoldenFile.compare("a\nb", named: "new.txt", in: folder, environment: ["CI": "1"]) == nil)
        let problem = try GoldenFile.compare("a\nc", named: "new.txt", in: folder, environment: ["CI": "1"])
        #expect(problem?.contains("at line 2") == true && problem?.contains("golden: b") == true, "\(problem ?? "nil")")
        // Re-recording overwrites, even in CI.
        #expect(try GoldenFile.compare("a\nc", named: "new.txt", in: folder, environment: ["CI": "1", "MICROSEEK_RECORD_GOLDEN": "1"]) == nil)
        #expect(try String(contentsOf: folder.appendingPathComponent("new.txt"), encoding: .utf8) == "a\nc")
    }
}
