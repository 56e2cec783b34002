// Chart builtins from scripts: files written as PNG and SVG, warnings, errors, the observer.

import Foundation
import Plotting
import Testing

@Suite struct ChartBuiltinsTests {
    /// The PNG signature and the IHDR width and height (big-endian at bytes 16...23).
    static func pngSize(_ url: URL) throws -> (width: Int, height: Int)? {
        let bytes = [UInt8](try Data(contentsOf: url))
        guard bytes.count > 24, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { return nil }
        func integer(_ offset: Int) -> Int { bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return (integer(16), integer(20))
    }

    @Test func everyChartKindWritesPNGAndSVG() throws {
        let folder = try temporaryFolder()
        let runner = ScriptRunner(outputDirectory: folder.path)
        try runner.run("""
            plot([[1, 3, 2], [2, 2, 4]], labels=["a", "b"], title="lines", path=out_dir + "/plot.png")
            scatter([1, 2, 3], [3, 1, 2], groups=["x", "y", "x"], path=out_dir + "/scatter.svg")
            bar([3, 5, 2], labels=["p", "q", "r"], width=400, height=300, path=out_dir + "/bar.png")
            hist(randn(200, seed=0), bins=12, path=out_dir + "/hist.svg")
            heatmap(tensor([[1, 2], [3, 4]]), rows=["r0", "r1"], cols=["c0", "c1"], values=true, cmap="magma", path=out_dir + "/sub/heat.png")
            """)
        #expect(try Self.pngSize(folder.appendingPathComponent("plot.png"))! == (800, 600))
        #expect(try Self.pngSize(folder.appendingPathComponent("bar.png"))! == (400, 300))
        #expect(try Self.pngSize(folder.appendingPathComponent("sub/heat.png"))! == (800, 600))
        for name in ["scatter.svg", "hist.svg"] {
            let svg = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            #expect(svg.contains("<svg") && svg.hasSuffix("</svg>\n"))
        }
        #expect(runner.figures.count == 5)
    }

    @Test func figureGridFillsPanelsAndSaves() throws {
        let folder = try temporaryFolder()
        let runner = ScriptRunner(outputDirectory: folder.path)
        let text = try runner.run("""
            fig = figure(rows=1, cols=2, title="two", width=600, height=300)
            fig.plot([1, 2, 3], title="left").hist([1, 2, 2, 3])
            fig.save(out_dir + "/grid.png")
            print(fig.panels, fig.title)
            """)
        #expect(text == "saved \(folder.path)/grid.png\n2 two\n")
        #expect(try Self.pngSize(folder.appendingPathComponent("grid.png"))! == (600, 300))
        #expect(runner.figures.count == 1)
        #expect(runner.figures.first?.title == "two")
        try runner.run("plot([1, 2], title=\"loss\")")
        #expect(runner.figures.last?.title == "loss")
        #expect(runner.error("fig.bar([1])") == "bar: all 2 panels of the figure are filled; make a bigger one with figure(rows=, cols=)")
    }

    @Test func scatterOfPointsAndHistogramOfAMatrix() throws {
        let runner = ScriptRunner()
        try runner.run("s = scatter(tensor([[1, 2], [3, 4], [5, 6]]))\nh = hist(tensor([[1, 2], [2, 3]]), bins=3)")
        #expect(runner.figures.count == 2)
        guard case .scatter(let points)? = runner.figures.first?.figure.axes.series.first else {
            Issue.record("no scatter series"); return
        }
        #expect(points.x == [1, 3, 5] && points.y == [2, 4, 6])
        guard case .histogram(let histogram)? = runner.figures.last?.figure.axes.series.first else {
            Issue.record("no histogram series"); return
        }
        // Values 1, 2, 2, 3 in three bins over [1, 3]: counts by hand 1, 2, 1.
        #expect(histogram.counts == [1, 2, 1])
        #expect(runner.error("scatter(zeros(3, 3))") == "scatter: give x and y, or one [N, 2] tensor of points; got shape [3, 3] and no y")
    }

    @Test func figureObserverSeesTheLiveFigure() throws {
        let runner = ScriptRunner()
        try runner.run("f = figure(rows=2); f.plot([1, 2]); f.plot([2, 1])")
        #expect(runner.figures.count == 1)
        #expect(runner.figures.first?.figure.nextEmptyPanel == nil)
        let bytes = try runner.figures[0].pngData()
        #expect(bytes.count > 1000 && bytes[1] == 0x50)   // "\x89PNG"
    }

    @Test func nonFiniteValuesAreSkippedWithAWarning() throws {
        let runner = ScriptRunner()
        #expect(runner.error("plot(tensor([0, 0]).log())") == "plot: all 2 values of series #1 are NaN or infinite")
        let partial = try runner.run("plot(tensor([1, 0, 2]).log())")
        #expect(partial == "warning: plot: skipped 1 non-finite point(s) (NaN or inf) in series #1\n")
        let heat = try runner.run("heatmap(tensor([[1, 0], [2, 3]]).log())")
        #expect(heat == "warning: heatmap: 1 NaN or infinite cell(s) left blank\n")
    }

    @Test func badInputGivesClearErrors() throws {
        let runner = ScriptRunner()
        #expect(runner.error("plot([])") == "plot: series #1 has no values")
        #expect(runner.error("scatter([1, 2], [1])") == "scatter: 2 x values but 1 y values")
        #expect(runner.error("heatmap([[]])") == "heatmap: matrix is empty (1x0)")
        #expect(runner.error("heatmap([1, 2])") == "heatmap: 'matrix' must be a matrix (rows of numbers), got shape [2]")
        #expect(runner.error("plot([1, 2], labels=[\"a\", \"b\"])") == "plot: 2 labels for 1 series")
        #expect(runner.error("heatmap([[1]], cmap=\"magam\")") == "heatmap: unknown cmap 'magam'; did you mean 'magma'?")
        let unwritable = runner.error("plot([1, 2], path=\"/proc/nope/x.png\")")
        #expect(unwritable?.contains("/proc/nope") == true)
        #expect(runner.error("plot([1, 2], path=\"chart.jpg\")") == "save: 'chart.jpg' must end in .png or .svg")
        #expect(runner.error("plot([1, 2], width=10)") == "plot: size 10x600 is outside 50...10000 pixels")
        #expect(runner.error("plot([1, 2], titel=\"x\")") == "plot() has no parameter 'titel'; did you mean 'title'?")
    }

    @Test func reprIsTheTerminalPreview() throws {
        let runner = ScriptRunner()
        // Tests run without a terminal, so the preview has no ANSI colours.
        let echo = try runner.echo("plot([1, 2, 3, 2], title=\"loss\", xlabel=\"step\")")
        #expect(echo.hasPrefix("loss\n3 │"))
        #expect(echo.hasSuffix("\nx: step"))
        #expect(!echo.contains("\u{1B}["))
        let shown = try runner.run("show(bar([2, 1], labels=[\"a\", \"b\"]))")
        #expect(shown.hasPrefix("a █") && shown.contains(" 2\nb █") && shown.hasSuffix(" 1\n"))
    }
}
