import Foundation
import Testing
import Plotting
import TestSupport

// Every chart kind's canvas calls and SVG, against files in Golden/.

@Suite struct GoldenTests {
    @Test(arguments: ["heatmap", "lines", "bars", "longbars", "values", "histogram", "scatter", "grid"])
    func recordedCallsMatchGolden(name: String) throws {
        let figure = try #require(try ChartFixtures.all(width: 800, height: 600).first { $0.name == name }).figure
        var canvas = RecordingCanvas(width: 800, height: 600)
        try figure.draw(on: &canvas)
        try GoldenFile.check(canvas.transcript, named: "\(name)-800x600.calls.txt")
    }

    @Test(arguments: ["heatmap", "bars", "values", "grid"])
    func smallRecordedCallsMatchGolden(name: String) throws {
        let figure = try #require(try ChartFixtures.all(width: 400, height: 300).first { $0.name == name }).figure
        var canvas = RecordingCanvas(width: 400, height: 300)
        try figure.draw(on: &canvas)
        try GoldenFile.check(canvas.transcript, named: "\(name)-400x300.calls.txt")
    }

    @Test(arguments: ["heatmap", "bars", "values", "histogram", "scatter", "grid"])
    func svgMatchesGolden(name: String) throws {
        let figure = try #require(try ChartFixtures.all(width: 800, height: 600).first { $0.name == name }).figure
        try GoldenFile.check(try figure.svg(), named: "\(name)-800x600.svg")
    }

    @Test func renderingIsDeterministic() throws {
        let first = try ChartFixtures.lossCurves().svg()
        let second = try ChartFixtures.lossCurves().svg()
        #expect(first == second)
    }
}
