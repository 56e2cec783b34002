import Foundation
import Testing
import Plotting

// The teaching features' behaviour: smoothing values, limits, reference lines, colour scales,
// stacked areas, bands, styles, regions and the scaled canvas.

@Suite struct TeachingChartTests {
    static let values: [Double] = [3, 1, 4, 1, 5, 9, 2, 6]

    static func close(_ a: [Double], _ b: [Double], _ tolerance: Double = 1e-9) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance }
    }

    // MARK: Smoothing

    @Test func emaMatchesTheDebiasedWeightedMean() throws {
        // numpy, independently: sum(w^(n-1-i) x_i) / sum(w^k) for each prefix, w = 0.9.
        let expected = [3.0, 1.947368421053, 2.70479704797, 2.209072404769, 2.890600962125,
                        4.194470706997, 3.773834773073, 4.164710463817]
        #expect(Self.close(try Smoothing.ema(Self.values, weight: 0.9), expected, 1e-11))
        #expect(try Smoothing.ema(Self.values, weight: 0) == Self.values)
        #expect(try Smoothing.ema([2, 2, 2], weight: 0.9) == [2, 2, 2])
        // A non-finite value passes through and does not move the average.
        let gapped = try Smoothing.ema([1, .nan, 3], weight: 0.5)
        #expect(gapped[0] == 1 && gapped[1].isNaN && abs(gapped[2] - (0.25 * 1 + 0.5 * 3) / 0.75) < 1e-12)
        for bad in [1.5, 1, -0.1, Double.nan] {
            #expect(throws: PlotError.self) { try Smoothing.ema(Self.values, weight: bad) }
        }
        #expect(throws: PlotError("smooth: the smoothing weight must be in [0, 1), got 1.5")) {
            try Smoothing.ema(Self.values, weight: 1.5, option: "smooth")
        }
    }

    @Test func movingAverageMatchesNumpy() throws {
        // numpy: convolve(xs, ones(3))[:n] / convolve(ones(n), ones(3))[:n].
        let expected = [3, 2, 2.666666666667, 2, 3.333333333333, 5, 5.333333333333, 5.666666666667]
        #expect(Self.close(try Smoothing.movingAverage(Self.values, window: 3), expected, 1e-11))
        #expect(try Smoothing.movingAverage(Self.values, window: 1) == Self.values)
        #expect(throws: PlotError("moving_average: the window must be a whole number >= 1, got 0")) {
            try Smoothing.movingAverage(Self.values, window: 0)
        }
    }

    @Test func aSmoothedLineKeepsItsRawValuesFaintBehindIt() throws {
        var figure = try Figure()
        try figure.axes.plot(Self.values, label: "noisy", smooth: 0.9)
        guard case .line(let line) = figure.axes.series[0] else { Issue.record("no line"); return }
        #expect(line.y == (try Smoothing.ema(Self.values, weight: 0.9)))
        #expect(line.raw == Self.values)
        let strokes = try LayoutTests.drawn(figure).calls.compactMap { call -> StrokeStyle? in
            if case .stroke(_, let style) = call, style.color.red == Palette.color(0).red, style.color.blue == Palette.color(0).blue,
               style.width == 1.5 { return style }
            return nil
        }
        // Raw first (faint, same colour), then the smoothed line; the legend swatch last.
        #expect(strokes.map(\.color.alpha) == [0.25, 1, 1])
        #expect(throws: PlotError.self) { try figure.axes.plot([1, 2], smooth: 1.5) }
    }

    // MARK: Limits and reference lines

    @Test func limitsTakeNilEndsAndRejectReversedOnes() throws {
        var figure = try Figure()
        try figure.axes.plot([2, 4, 3])
        try figure.axes.setYLimits(0, nil)
        let axis = FigureRenderer(figure: figure).layout()[0].yAxis
        guard case .numeric(let lower, let upper, _) = axis.kind else { Issue.record("not numeric"); return }
        #expect(lower == 0)
        #expect(abs(upper - 4.1) < 1e-9)   // data 2...4 with a 5% margin on top
        #expect(throws: PlotError("ylim: lower limit 2 must be below upper limit 1")) { try figure.axes.setYLimits(2, 1) }
        #expect(throws: PlotError("xlim: limits must be finite numbers or nil, got inf")) { try figure.axes.setXLimits(.infinity, nil) }
        // A fixed lower end above all the data still gives a usable axis.
        try figure.axes.setYLimits(10, nil)
        guard case .numeric(let low, let high, _) = FigureRenderer(figure: figure).layout()[0].yAxis.kind else { return }
        #expect(low == 10 && high == 11)
    }

    @Test func anHlineIsADashedStrokeAcrossThePlotAtItsValue() throws {
        var figure = try Figure()
        try figure.axes.plot([0, 1, 2])
        try figure.axes.hline(1.5, label: "target")
        let layout = FigureRenderer(figure: figure).layout()[0]
        let y = layout.plotArea.maxY - (try #require(layout.yAxis.fraction(1.5))) * layout.plotArea.height
        let dashed = try LayoutTests.drawn(figure).calls.compactMap { call -> Path? in
            if case .stroke(let path, let style) = call, style.color == Axes.referenceColor, style.dash != nil { return path }
            return nil
        }
        #expect(dashed.count == 2)   // the line and its legend swatch
        let points = dashed[0].subpaths[0].points
        #expect(points.map(\.y) == [y, y])
        #expect(points.map(\.x) == [layout.plotArea.minX, layout.plotArea.maxX])
        #expect(layout.legendEntries.map(\.label) == ["target"])
        #expect(throws: PlotError("annotate: the text is empty")) { try figure.axes.annotate(x: 1, y: 1, text: "") }
    }

    // MARK: Colour scales

    @Test func heatmapScalesFollowTheirRules() throws {
        func range(_ matrix: [[Double]], colormap: Colormap = .viridis, vmin: Double? = nil, vmax: Double? = nil) throws -> ClosedRange<Double> {
            var axes = Axes()
            try axes.heatmap(matrix, colormap: colormap, vmin: vmin, vmax: vmax)
            guard case .heatmap(let map) = axes.series[0] else { throw PlotError("no heatmap") }
            return map.valueRange
        }
        #expect(try range([[0.2, 0.8], [0.5, 0.5]]) == 0...1)                  // rows sum to 1
        #expect(try range([[0.2, 0.6, 0.1], [0.8, 0.4, 0.9]]) == 0...1)        // columns sum to 1 (a load history)
        #expect(try range([[0.2, 0.3], [0.5, 0.4]]) == 0.2...0.5)              // neither: the data range
        #expect(try range([[-1, 3]], colormap: .diverging) == -3...3)
        #expect(try range([[0.2, 0.3]], vmin: 0) == 0...0.3)
        #expect(try range([[0.2, 0.3]], vmin: 0, vmax: 1) == 0...1)
        #expect(throws: PlotError("heatmap: vmin 2 must be below vmax 1")) { try range([[1]], vmin: 2, vmax: 1) }
        #expect(throws: PlotError("heatmap: vmin 5 is not below the largest value 0.3; give vmax too")) { try range([[0.2, 0.3]], vmin: 5) }
        // Half a share is drawn halfway along the colormap on [0, 1].
        var axes = Axes()
        try axes.heatmap([[0.5, 0.5]])
        guard case .heatmap(let map) = axes.series[0] else { return }
        #expect(map.color(for: 0.5) == Colormap.viridis.color(at: 0.5))
    }

    // MARK: Area and band

    @Test func stackedAreasSumAndPutTheirLegendOutside() throws {
        var figure = try Figure()
        try figure.axes.area([[0.5, 0.25], [0.5, 0.75]], labels: ["e0", "e1"])
        guard case .area(let area) = figure.axes.series[0] else { Issue.record("no area"); return }
        #expect(area.tops == [[0.5, 0.25], [1, 1]])
        let layout = FigureRenderer(figure: figure).layout()[0]
        #expect(try #require(layout.legendArea).minX > layout.plotArea.maxX)
        #expect(layout.legendEntries.map(\.label) == ["e1", "e0"])   // top of the stack first
        guard case .numeric(let x0, let x1, _) = layout.xAxis.kind, case .numeric(let y0, _, _) = layout.yAxis.kind else { return }
        #expect(x0 == 0 && x1 == 1 && y0 == 0)
        // Top layer first, each from the base: two opaque fills in the layers' colours.
        let fills = try LayoutTests.drawn(figure).calls.compactMap { call -> Color? in
            if case .fill(let path, let color) = call, path.subpaths.first?.points.count ?? 0 >= 4, color.alpha == 1,
               color == Palette.color(0) || color == Palette.color(1) { return color }
            return nil
        }
        #expect(Array(fills.prefix(2)) == [Palette.color(1), Palette.color(0)])
        #expect(throws: PlotError("area: stacked values must be >= 0; row 1 has -0.1 at point 0")) {
            try figure.axes.area([[1, 1], [-0.1, 1]])
        }
        #expect(throws: PlotError("area: row 1 has 1 values but row 0 has 2")) { try figure.axes.area([[1, 1], [1]]) }
    }

    @Test func aBandShadesMeanPlusMinusSpread() throws {
        var figure = try Figure()
        try figure.axes.plot([1, 2, 3], band: [0.5, 0.5, 1])
        let layout = FigureRenderer(figure: figure).layout()[0]
        guard case .numeric(let y0, let y1, _) = layout.yAxis.kind else { return }
        #expect(abs(y0 - (0.5 - 0.175)) < 1e-9 && abs(y1 - (4 + 0.175)) < 1e-9)   // 0.5...4 with 5% margins
        let bands = try LayoutTests.drawn(figure).calls.compactMap { call -> Path? in
            if case .fill(let path, let color) = call, color == Palette.color(0).withAlpha(0.2) { return path }
            return nil
        }
        let points = try #require(bands.first?.subpaths.first?.points)
        let top = layout.plotArea.maxY - (try #require(layout.yAxis.fraction(4))) * layout.plotArea.height
        let bottom = layout.plotArea.maxY - (try #require(layout.yAxis.fraction(0.5))) * layout.plotArea.height
        #expect(abs((points.map(\.y).min() ?? 0) - top) < 1e-9 && abs((points.map(\.y).max() ?? 0) - bottom) < 1e-9)
        #expect(throws: PlotError("band: half-widths must be >= 0, got -1 at point 1")) { try figure.axes.plot([1, 2], band: [0, -1]) }
        #expect(throws: PlotError("band: 1 values for the 2 points of series #2")) { try figure.axes.plot([1, 2], band: [0]) }
    }

    // MARK: Styles and scale

    @Test func slidesHaveLargerTextAndThickerLinesPaperSmaller() throws {
        func sizes(_ style: ChartStyle) throws -> (tick: Double, line: Double) {
            var figure = try Figure()
            figure.style = style
            try figure.axes.plot([1, 3, 2])
            let calls = try LayoutTests.drawn(figure).calls
            let tick = calls.compactMap { call -> Double? in if case .text(_, _, let s) = call { return s.size }; return nil }.first ?? 0
            let line = calls.compactMap { call -> Double? in
                if case .stroke(_, let s) = call, s.color == Palette.color(0) { return s.width }; return nil
            }.first ?? 0
            return (tick, line)
        }
        let standard = try sizes(.standard), slides = try sizes(.slides), paper = try sizes(.paper)
        #expect(standard == (12.5, 1.5))
        #expect(abs(slides.tick - 17.5) < 1e-9 && slides.line == 3)
        #expect(abs(paper.tick - 10.625) < 1e-9 && paper.line == 1.125)
    }

    @Test func aScaledCanvasDrawsTheSameLayoutDenser() throws {
        var figure = try Figure(width: 400, height: 300)
        try figure.axes.plot([1, 3, 2])
        var plain = RecordingCanvas(width: 400, height: 300)
        try figure.draw(on: &plain)
        var scaled = ScaledCanvas(RecordingCanvas(width: 800, height: 600), scale: 2)
        try figure.draw(on: &scaled)
        #expect(plain.calls.count == scaled.base.calls.count)
        for (one, two) in zip(plain.calls, scaled.base.calls) {
            switch (one, two) {
            case (.text(let a, let p, let s), .text(let b, let q, let t)):
                #expect(a == b && q == Point(p.x * 2, p.y * 2) && t.size == s.size * 2)
            case (.stroke(let p, let s), .stroke(let q, let t)):
                #expect(q.subpaths.flatMap(\.points) == p.subpaths.flatMap(\.points).map { Point($0.x * 2, $0.y * 2) } && t.width == s.width * 2)
            default: break
            }
        }
        #expect(throws: PlotError("scale: must be in 0.25...8 (dpi 25...800), got 10")) { try figure.setScale(10) }
        try figure.setScale(2)
        #expect(figure.pixelWidth == 800 && figure.pixelHeight == 600)
    }

    // MARK: Regions

    @Test func regionsFillEachCategoryOnceUnderThePoints() throws {
        let figure = try TeachingFixtures.decisionRegions()
        let calls = try LayoutTests.drawn(figure).calls
        let tints = Set((0..<3).map { RegionSeries.tint(of: Palette.color($0)) })
        let regionFills = calls.enumerated().compactMap { index, call -> (Int, Color)? in
            if case .fill(_, let color) = call, tints.contains(color), case .fill(let path, _) = call, path.subpaths.count > 1 { return (index, color) }
            return nil
        }
        #expect(Set(regionFills.map(\.1)) == tints && regionFills.count == 3)
        // Regions come first; the points (full colours) after them.
        let firstPoint = calls.firstIndex { if case .fill(_, let color) = $0 { return color == Palette.color(0) }; return false }
        #expect((regionFills.map(\.0).max() ?? .max) < (firstPoint ?? -1))
        // The axes span the regions exactly; the legend goes outside.
        let layout = FigureRenderer(figure: figure).layout()[0]
        guard case .numeric(let x0, let x1, _) = layout.xAxis.kind else { return }
        #expect(x0 == -3 && x1 == 3)
        #expect(try #require(layout.legendArea).minX > layout.plotArea.maxX)
        var axes = Axes()
        #expect(throws: PlotError("regions: category 3 is outside 0..<3")) {
            try axes.regions([[0, 3]], xRange: 0...1, yRange: 0...1, categoryNames: ["a", "b", "c"])
        }
    }
}
