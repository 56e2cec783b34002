import Foundation
import Testing
import Plotting
#if canImport(FoundationXML)
import FoundationXML
#endif

// Input validation, warnings, colours and the SVG document.

@Suite struct InputTests {
    @Test func badInputThrowsWithTheValuesInTheMessage() throws {
        var axes = Axes()
        #expect(throws: PlotError("plot: series #1 has no values")) { try axes.plot([]) }
        #expect(throws: PlotError("plot: series 'a' has 2 x values but 3 y values")) {
            try axes.plot([1, 2, 3], x: [0, 1], label: "a")
        }
        #expect(throws: PlotError("heatmap: matrix is empty (0x0)")) { try axes.heatmap([]) }
        #expect(throws: PlotError("heatmap: matrix is empty (1x0)")) { try axes.heatmap([[]]) }
        #expect(throws: PlotError("heatmap: row 1 has 1 columns but row 0 has 2")) { try axes.heatmap([[1, 2], [3]]) }
        #expect(throws: PlotError("heatmap: 1 row labels for 2 rows")) { try axes.heatmap([[1], [2]], rowLabels: ["a"]) }
        #expect(throws: PlotError("bar: 1 labels for 2 bars")) { try axes.bar([1, 2], labels: ["x"]) }
        #expect(throws: PlotError("scatter: 2 x values but 1 y values")) { try axes.scatter(x: [1, 2], y: [1]) }
        #expect(throws: PlotError("hist: bins must be in 1...10000, got 0")) { try axes.histogram([1], bins: 0) }
        #expect(throws: PlotError("hist: no values")) { try axes.histogram([]) }
        #expect(throws: PlotError("figure: size 0x600 is outside 50...10000 pixels")) { try Figure(width: 0) }
        #expect(throws: PlotError("figure: grid 0x1 must have 1...16 rows and columns")) { try Figure(rows: 0) }
        #expect(axes.isEmpty)
    }

    @Test func nonFiniteValuesAreSkippedWithAWarning() throws {
        var figure = try Figure()
        try figure.axes.plot([1, .nan, 3, .infinity], label: "loss")
        try figure.axes.histogram([1, 2, .nan])
        #expect(figure.warnings == ["plot: skipped 2 non-finite point(s) (NaN or inf) in series 'loss'",
                                    "hist: skipped 1 NaN or infinite value(s)"])
        let svg = try figure.svg()
        #expect(!svg.contains("nan") && !svg.contains("inf"))
        #expect(throws: PlotError("plot: all 2 values of series #3 are NaN or infinite")) {
            try figure.axes.plot([.nan, .nan])
        }
    }

    @Test func logScaleWarnsAboutNonPositiveValues() throws {
        var figure = try Figure()
        try figure.axes.plot([0, 1, 10, 100])
        figure.axes.yScale = .log
        #expect(figure.warnings == ["log scale: skipped 1 point(s) with values <= 0"])
    }

    @Test func histogramCountsMatchNumpy() throws {
        // numpy.histogram([0, 1, 1, 2, 3, 9, 10], bins=5) -> counts [3, 2, 0, 0, 2], edges 0, 2, ..., 10.
        var axes = Axes()
        try axes.histogram([0, 1, 1, 2, 3, 9, 10], bins: 5)
        guard case .histogram(let histogram) = axes.series.first else { Issue.record("no histogram"); return }
        #expect(histogram.counts == [3, 2, 0, 0, 2])
        #expect(histogram.edges == [0, 2, 4, 6, 8, 10])
    }

    @Test func divergingHeatmapIsCentredAtZero() throws {
        var axes = Axes()
        try axes.heatmap([[-1, 3]], colormap: .diverging)
        guard case .heatmap(let heatmap) = axes.series.first else { Issue.record("no heatmap"); return }
        #expect(heatmap.valueRange == -3...3)
        let white = heatmap.color(for: 0)
        #expect(white.red > 240 && white.green > 240 && white.blue > 240)
    }

    @Test func seriesColoursFollowTab10() throws {
        var axes = Axes()
        try axes.plot([1, 2]); try axes.plot([2, 3])
        let colors = axes.series.compactMap { if case .line(let line) = $0 { return line.color } else { return nil } }
        #expect(colors == [Color(hex: 0x1f77b4), Color(hex: 0xff7f0e)])
    }
}

@Suite struct ColorTests {
    @Test func colormapEndsMatchMatplotlib() {
        // matplotlib: viridis(0) = #440154, viridis(1) = #fde725, magma(0) = #000004, magma(1) = #fcfdbf.
        #expect(Colormap.viridis.color(at: 0) == Color(hex: 0x440154))
        #expect(Colormap.viridis.color(at: 1) == Color(hex: 0xfde725))
        #expect(Colormap.magma.color(at: 0) == Color(hex: 0x000004))
        #expect(Colormap.magma.color(at: 1) == Color(hex: 0xfcfdbf))
        // viridis(0.5) in matplotlib is #21918c (entry 128 of 256 is #21918c, 127 is #21918d).
        let middle = Colormap.viridis.color(at: 0.5)
        #expect(abs(Int(middle.red) - 0x21) <= 1 && abs(Int(middle.green) - 0x91) <= 1 && abs(Int(middle.blue) - 0x8c) <= 1)
    }

    @Test func contrastingTextFollowsLuminance() {
        #expect(Colormap.viridis.color(at: 0).contrastingText == .white)
        #expect(Colormap.viridis.color(at: 1).contrastingText == .black)
        #expect(abs(Color.white.luminance - 1) < 1e-12)
        #expect(abs(Color.black.luminance) < 1e-12)
    }
}

@Suite struct SVGTests {
    final class ParserDelegate: NSObject, XMLParserDelegate {
        var texts: [String] = []
        var current = ""
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) { current = "" }
        func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "text" { texts.append(current) }
        }
    }

    @Test func svgIsWellFormedXMLWithEscapedText() throws {
        var figure = try Figure(title: "a < b & \"c\"")
        try figure.axes.bar([1, 2], labels: ["<tag>", "it's"])
        let svg = try figure.svg()
        let parser = XMLParser(data: Data(svg.utf8))
        let delegate = ParserDelegate()
        parser.delegate = delegate
        #expect(parser.parse(), "SVG did not parse: \(String(describing: parser.parserError))")
        #expect(delegate.texts.contains("a < b & \"c\""))
        #expect(delegate.texts.contains("<tag>"))
        #expect(delegate.texts.contains("it's"))
    }
}

@Suite struct SeriesConvenienceTests {
    @Test func severalSeriesAtOnce() throws {
        var axes = Axes()
        try axes.plot(series: [[1, 2], [3, 4]], labels: ["a", "b"])
        #expect(axes.series.count == 2)
        #expect(throws: PlotError("plot: 1 labels for 2 series")) { try axes.plot(series: [[1], [2]], labels: ["a"]) }
        #expect(throws: PlotError("plot: no series given")) { try axes.plot(series: []) }
    }

    @Test func cellValuesContrastWithTheirCells() throws {
        let figure = try ChartFixtures.valueHeatmap()
        guard case .heatmap(let heatmap) = figure.axes.series[0] else { Issue.record("no heatmap"); return }
        var canvas = RecordingCanvas(width: 800, height: 600)
        try figure.draw(on: &canvas)
        let values = Dictionary(heatmap.values.flatMap { $0 }.map { (TickFormatter.compact($0), $0) }, uniquingKeysWith: { first, _ in first })
        var checked = 0
        let plot = FigureRenderer(figure: figure).layout()[0].plotArea
        for case .text(let text, let point, let style) in canvas.calls {
            // Only texts inside the cells: colorbar tick labels can read like cell values.
            guard let value = values[text], plot.contains(Rect(x: point.x, y: point.y, width: 0, height: 0)) else { continue }
            #expect(style.color == heatmap.color(for: value).contrastingText, "'\(text)' has poor contrast")
            checked += 1
        }
        #expect(checked >= 20)
    }
}
