// The teaching chart options from scripts: smoothing, limits, reference lines, legend, colour
// scales, area, band, styles, pixel density, animate and regions; errors name the option.

import Foundation
import Plotting
import Testing

@Suite struct ChartTeachingBuiltinsTests {
    @Test func badValuesNameTheirOption() throws {
        let runner = ScriptRunner()
        #expect(runner.error("plot([1, 2], ylim=[2, 1])") == "plot: ylim: lower limit 2 must be below upper limit 1")
        #expect(runner.error("plot([1, 2], smooth=1.5)") == "plot: smooth: the smoothing weight must be in [0, 1), got 1.5")
        #expect(runner.error("heatmap([[1, 2]], vmin=2, vmax=1)") == "heatmap: vmin 2 must be below vmax 1")
        #expect(runner.error("animate([], path=out_dir + \"/a.gif\")") == "animate: the frame list is empty; give at least one figure")
        #expect(runner.error("plot([1, 2], xlim=[1])") == "plot: xlim: give [lower, upper] (either may be nil), got a list of 1")
        #expect(runner.error("plot([1, 2], legend=\"upper rigth\")")
                == "plot: legend: unknown placement 'upper rigth'; did you mean 'upper right'? Choose one of \"best\", \"upper right\", \"upper left\", \"lower left\", \"lower right\", \"outside\" or false")
        #expect(runner.error("plot([1, 2], style=\"slide\")") == "plot: style: unknown chart style 'slide'; did you mean 'slides'? Choose one of \"default\", \"slides\", \"paper\"")
        #expect(runner.error("plot([1, 2], dpi=2000)") == "plot: dpi: must be in 25...800, got 2000")
        #expect(runner.error("plot([1, 2], band=[1])") == "plot: band: 1 values for the 2 points of series #1")
        #expect(runner.error("ema([1, 2], 1)") == "ema: the smoothing weight must be in [0, 1), got 1")
        #expect(runner.error("moving_average([1, 2], 0)") == "moving_average: the window must be a whole number >= 1, got 0")
        #expect(runner.error("plot([1, 2]).hline(1, panel=3)") == "hline: panel=3 is outside the figure's 1 panel(s) (0...0)")
        #expect(runner.error("animate(fn(s) { 3 }, steps=2, path=out_dir + \"/a.gif\")") == "animate: the function returned number 3 for step 0, not a figure")
        #expect(runner.error("regions(mlp([2, 3], seed=0), clusters(n=10, seed=0), by=\"expert\")")
                == "regions: by=\"expert\" needs a model with a moe layer; this model has none")
    }

    @Test func optionsReachTheFigure() throws {
        let runner = ScriptRunner()
        try runner.run("""
            fig = plot([[3, 1, 2, 5], [1, 1, 2, 2]], labels=["a", "b"], smooth=0.5, xlim=[nil, 3], ylim=[0, nil], logx=false, legend="outside")
            fig.hline(1.5, label="target").vline(2, style="dotted").annotate(1, 1, "dip")
            """)
        let axes = try #require(runner.figures.last).figure.axes
        #expect(axes.xLimits == AxisLimits(lower: nil, upper: 3) && axes.yLimits == AxisLimits(lower: 0, upper: nil))
        #expect(axes.legend == .outside)
        guard case .line(let first) = axes.series[0] else { Issue.record("no line"); return }
        // ema([3, 1, 2, 5], 0.5) by hand: 3, (0.25·3 + 0.5·1)/0.75 = 1.6667, (0.125·3 + 0.25·1 + 0.5·2)/0.875 = 1.8571, …
        #expect(first.raw == [3, 1, 2, 5])
        #expect(abs(first.y[1] - 1.25 / 0.75) < 1e-9 && abs(first.y[2] - 1.625 / 0.875) < 1e-9)
        #expect(axes.referenceLines.map(\.orientation) == [.horizontal, .vertical])
        #expect(axes.referenceLines.map(\.style) == [.dashed, .dotted])
        #expect(axes.annotations.map(\.text) == ["dip"] && axes.annotations.map(\.x) == [1] && axes.annotations.map(\.y) == [1])
        try runner.run("plot([1, 2], legend=false)")
        #expect(runner.figures.last?.figure.axes.legend == .hidden)
    }

    @Test func smoothingBuiltinsKeepTheScriptsNumbers() throws {
        let printed = try output(of: "print(ema([3, 1, 4, 1, 5, 9, 2, 6], 0.9))\nprint(moving_average([3, 1, 4, 1, 5, 9, 2, 6], 3))")
        let lines = printed.split(separator: "\n").map { $0.dropFirst().dropLast().split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) } }
        // numpy (see TeachingChartTests): the debiased EMA and the trailing window mean.
        let ema = [3.0, 1.947368421053, 2.70479704797, 2.209072404769, 2.890600962125, 4.194470706997, 3.773834773073, 4.164710463817]
        let average = [3, 2, 2.666666666667, 2, 3.333333333333, 5, 5.333333333333, 5.666666666667]
        #expect(lines.count == 2 && zip(lines[0], ema).allSatisfy { abs($0 - $1) < 1e-11 } && lines[0].count == 8)
        #expect(zip(lines[1], average).allSatisfy { abs($0 - $1) < 1e-11 } && lines[1].count == 8)
    }

    @Test func heatmapScalesAndTranspose() throws {
        let runner = ScriptRunner()
        try runner.run("""
            h1 = heatmap([[0.25, 0.75], [0.5, 0.5]])
            h2 = heatmap([[1, 2, 3], [4, 5, 6]], transpose=true, rows=["a", "b"], cols=["x", "y", "z"], vmin=0)
            """)
        guard case .heatmap(let shares) = runner.figures[0].figure.axes.series[0],
              case .heatmap(let turned) = runner.figures[1].figure.axes.series[0] else { Issue.record("no heatmaps"); return }
        #expect(shares.valueRange == 0...1)
        #expect(turned.values == [[1, 4], [2, 5], [3, 6]])
        #expect(turned.rowLabels == ["x", "y", "z"] && turned.columnLabels == ["a", "b"])
        #expect(turned.valueRange == 0...6)
    }

    @Test func stylesScaleAndSavedLines() throws {
        let folder = try temporaryFolder()
        let runner = ScriptRunner(outputDirectory: folder.path)
        let text = try runner.run("""
            print(chart_style("slides"))
            plot([1, 2], path=out_dir + "/a.png")
            print(chart_style("default"))
            plot([1, 2], style="paper", dpi=200, width=400, height=300, path=out_dir + "/b.png")
            """)
        #expect(text == "default\nsaved \(folder.path)/a.png\nslides\nsaved \(folder.path)/b.png\n")
        #expect(runner.figures.map(\.figure.style.name) == ["slides", "paper"])
        #expect(try ChartBuiltinsTests.pngSize(folder.appendingPathComponent("b.png"))! == (800, 600))
    }

    @Test func animateWritesAGIFFromAFunctionWithoutAnnouncingItsFrames() throws {
        let folder = try temporaryFolder()
        let runner = ScriptRunner(outputDirectory: folder.path)
        let text = try runner.run("""
            animate(fn(step) { plot([0, step, step * 2], ylim=[0, 20], width=200, height=150) }, steps=7, fps=10, path=out_dir + "/g/grow.gif")
            frames = [bar([1, 2], width=200, height=150), bar([2, 1], width=200, height=150)]
            animate(frames, path=out_dir + "/two.gif")
            """)
        #expect(text == "saved \(folder.path)/g/grow.gif\nsaved \(folder.path)/two.gif\n")
        #expect(runner.figures.count == 2)   // the two bars made outside animate; none of the 7 frames
        let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent("g/grow.gif")))
        #expect(Array(bytes.prefix(6)) == Array("GIF89a".utf8))
        // Image descriptors follow each graphic control extension (21 F9 04 …, 8 bytes) in libgd's output.
        let frameStarts = bytes.indices.dropLast(8).filter { bytes[$0] == 0x21 && bytes[$0 + 1] == 0xF9 && bytes[$0 + 2] == 4 && bytes[$0 + 8] == 0x2C }
        #expect(frameStarts.count == 7)
        #expect(runner.error("animate(frames, path=out_dir + \"/x.png\")") == "animate: '\(folder.path)/x.png' must end in .gif")
    }

    @Test func regionsByClassFollowTheModel() throws {
        let runner = ScriptRunner()
        // Class 1 where x > 0, class 0 where x < 0: logits (-x, x).
        try runner.run("""
            data = clusters(n=40, classes=2, seed=0)
            r = regions(fn(p) { p @ tensor([[-1, 1], [0, 0]]) }, data, resolution=10)
            """)
        let axes = try #require(runner.figures.last).figure.axes
        guard case .regions(let regions) = axes.series[0], case .scatter(let points) = axes.series[1] else { Issue.record("no regions"); return }
        #expect(regions.grid.count == 10 && regions.grid[0].count == 10)
        let step = (regions.xRange.upperBound - regions.xRange.lowerBound) / 10
        for row in regions.grid {
            for (column, category) in row.enumerated() {
                let centre = regions.xRange.lowerBound + (Double(column) + 0.5) * step
                #expect(category == (centre > 0 ? 1 : 0), "cell at x = \(centre)")
            }
        }
        #expect(points.x.count == 40 && regions.categoryNames == ["class 0", "class 1"])
        #expect(points.colors == [Palette.color(0), Palette.color(1)])
    }

    @Test func regionsByExpertMatchTheRoutersFirstChoice() throws {
        let runner = ScriptRunner()
        try runner.run("""
            data = clusters(n=60, classes=3, seed=1)
            lin = linear(2, 8, seed=1)
            m = moe(dim=8, experts=4, top_k=2, seed=0)
            model = seq(lin, m, linear(8, 3, seed=2))
            regions(model, data, by="expert", resolution=12)
            """)
        guard case .regions(let regions) = try #require(runner.figures.last).figure.axes.series[0] else { Issue.record("no regions"); return }
        #expect(regions.categoryNames == (0..<4).map { "expert \($0)" })
        let xStep = (regions.xRange.upperBound - regions.xRange.lowerBound) / 12
        let yStep = (regions.yRange.upperBound - regions.yRange.lowerBound) / 12
        var distinct = Set<Int>()
        for (row, column) in [(0, 0), (0, 11), (11, 0), (11, 11), (6, 6), (3, 8)] {
            let x = regions.xRange.lowerBound + (Double(column) + 0.5) * xStep
            let y = regions.yRange.lowerBound + (Double(row) + 0.5) * yStep
            let routed = try runner.echo("m.route(lin(tensor([[\(x), \(y)]]))).chosen[0][0]")
            #expect(routed == String(regions.grid[row][column]), "cell (\(row), \(column))")
            distinct.insert(regions.grid[row][column])
        }
        #expect(distinct.count > 1, "an untrained router still splits the plane")
        #expect(runner.error("regions(model, data, by=\"expert\", layer=1)") == "regions: layer=1 but the model has 1 moe layer(s), counted from 0")
    }

    /// Every example line of the chart builtins' help (and the figure methods') runs as printed.
    @Test func helpExamplesRun() throws {
        let folder = try temporaryFolder()
        let runner = ScriptRunner(outputDirectory: folder.path)
        var examples: [String] = []
        for name in ["plot", "scatter", "bar", "hist", "heatmap", "area", "regions", "figure", "show", "chart_style", "ema", "moving_average", "animate"] {
            let text = try runner.run("help(\"\(name)\")")
            examples += text.split(separator: "\n").filter { $0.hasPrefix("  ") && !$0.hasPrefix("  (") }.map(String.init)
        }
        for method in ["hline", "vline", "annotate", "save"] {
            let text = try runner.run("help(figure().\(method))")
            examples += text.split(separator: "\n").filter { $0.hasPrefix("  ") }.map(String.init)
        }
        #expect(examples.count >= 20)
        // regions' examples share `data` from its first line; run in order in one interpreter.
        for example in examples where !example.contains("losses") {
            #expect(runner.error(example) == nil, "\(example): \(runner.error(example) ?? "")")
        }
        #expect(try runner.run("losses = [3, 2, 1]; val_losses = [3, 2.5, 2]\n" + (examples.first { $0.contains("losses") } ?? "")).hasPrefix("saved "))
    }
}
