import Foundation
import Plotting

// Deterministic figures of the teaching features (smoothing, limits, reference lines, area,
// band, styles, regions), shared by the golden and behaviour tests.

enum TeachingFixtures {
    static func all(width: Int = 800, height: Int = 600) throws -> [(name: String, figure: Figure)] {
        [("smoothed", try smoothedRuns(width: width, height: height)),
         ("limits", try limitedAxes(width: width, height: height)),
         ("references", try referenceLines(width: width, height: height)),
         ("area", try loadArea(width: width, height: height)),
         ("band", try seedBand(width: width, height: height)),
         ("slides", try styled(.slides, width: width, height: height)),
         ("paper", try styled(.paper, width: width, height: height)),
         ("regions", try decisionRegions(width: width, height: height))]
    }

    /// Three noisy runs of 120 steps, smoothed at 0.9, legend lower left.
    static func smoothedRuns(width: Int = 800, height: Int = 600) throws -> Figure {
        var random = FixtureRandom(seed: 11)
        var figure = try Figure(width: width, height: height)
        figure.axes = Axes(title: "Imbalance over 3 runs", xLabel: "step", yLabel: "max load / mean")
        for run in 0..<3 {
            let values: [Double] = (0..<120).map { (step: Int) -> Double in
                let decay: Double = exp(-Double(step) / (25 + 10 * Double(run)))
                return 1 + 2 * decay + (random.next() - 0.5) * 0.6
            }
            try figure.axes.plot(values, label: "run \(run)", smooth: 0.9)
        }
        figure.axes.legend = .lowerLeft
        return figure
    }

    /// Fixed x range, y from 0 with an automatic top, log x.
    static func limitedAxes(width: Int = 800, height: Int = 600) throws -> Figure {
        var figure = try Figure(width: width, height: height)
        figure.axes = Axes(title: "Loss against learning rate", xLabel: "learning rate", yLabel: "loss")
        let rates = (0..<30).map { pow(10, -4 + Double($0) / 10) }
        try figure.axes.plot(rates.map { 1 + pow(log10($0) + 2.5, 2) }, x: rates, label: "loss")
        figure.axes.xScale = .log
        try figure.axes.setXLimits(1e-4, 1)
        try figure.axes.setYLimits(0, nil)
        figure.axes.legend = .hidden
        return figure
    }

    /// hline at the fair share, vline where balancing starts, an annotation, legend upper right.
    static func referenceLines(width: Int = 800, height: Int = 600) throws -> Figure {
        var figure = try Figure(width: width, height: height)
        figure.axes = Axes(title: "Expert 0's share", xLabel: "step", yLabel: "share")
        let share: [Double] = (0..<50).map { (step: Int) -> Double in
            if step < 20 { return 0.6 - 0.005 * Double(step) }
            return 0.25 + 0.25 * exp(-Double(step - 20) / 5)
        }
        try figure.axes.plot(share, label: "expert 0")
        try figure.axes.hline(0.25, label: "fair share 1/4")
        try figure.axes.vline(20, label: "balancing on", style: .dotted)
        try figure.axes.annotate(x: 20, y: 0.5, text: "aux loss switched on")
        figure.axes.legend = .upperRight
        return figure
    }

    /// 60 steps x 4 experts, each step's shares summing to 1.
    static func loadArea(width: Int = 800, height: Int = 600) throws -> Figure {
        var random = FixtureRandom(seed: 12)
        var rows = Array(repeating: [Double](), count: 4)
        for step in 0..<60 {
            let raw: [Double] = (0..<4).map { (expert: Int) -> Double in
                let boost: Double = expert == 0 ? 2 * exp(-Double(step) / 15) : 0
                return 0.2 + random.next() + boost
            }
            let total = raw.reduce(0, +)
            for expert in 0..<4 { rows[expert].append(raw[expert] / total) }
        }
        var figure = try Figure(width: width, height: height)
        figure.axes = Axes(title: "Load per expert", xLabel: "step", yLabel: "share of tokens")
        try figure.axes.area(rows, labels: (0..<4).map { "expert \($0)" })
        return figure
    }

    /// A mean curve with a ±1 std band (5 seeds), and a second one without.
    static func seedBand(width: Int = 800, height: Int = 600) throws -> Figure {
        var random = FixtureRandom(seed: 13)
        var figure = try Figure(width: width, height: height)
        figure.axes = Axes(title: "Accuracy over 5 seeds", xLabel: "step", yLabel: "accuracy")
        let mean = (0..<80).map { 1 - 0.7 * exp(-Double($0) / 20) }
        let spread: [Double] = (0..<80).map { (step: Int) -> Double in
            let decay: Double = exp(-Double(step) / 30)
            return 0.02 + 0.1 * decay + random.next() * 0.01
        }
        try figure.axes.plot(mean, label: "mean ± std", band: spread)
        try figure.axes.plot(mean.map { $0 * 0.9 }, label: "baseline")
        return figure
    }

    /// Two short curves with a legend and a reference line in `style`.
    static func styled(_ style: ChartStyle, width: Int = 800, height: Int = 600) throws -> Figure {
        var figure = try Figure(width: width, height: height)
        figure.style = style
        figure.axes = Axes(title: "Loss (\(style.name))", xLabel: "step", yLabel: "loss")
        try figure.axes.plot((0..<40).map { 2 * exp(-Double($0) / 10) + 0.1 }, label: "train")
        try figure.axes.plot((0..<40).map { 2 * exp(-Double($0) / 12) + 0.3 }, label: "val", marker: .circle)
        try figure.axes.hline(0.2, label: "target")
        return figure
    }

    /// A 24x24 grid split by two lines into 3 regions, with 60 points on top.
    static func decisionRegions(width: Int = 800, height: Int = 600) throws -> Figure {
        var random = FixtureRandom(seed: 14)
        let grid = (0..<24).map { row in
            (0..<24).map { column -> Int in column + row < 20 ? 0 : (column > row ? 1 : 2) }
        }
        var figure = try Figure(width: width, height: height)
        figure.axes = Axes(title: "First-choice expert", xLabel: "x₁", yLabel: "x₂")
        try figure.axes.regions(grid, xRange: -3...3, yRange: -2...2, categoryNames: ["expert 0", "expert 1", "expert 2"])
        let x = (0..<60).map { _ in random.next() * 6 - 3 }, y = (0..<60).map { _ in random.next() * 4 - 2 }
        try figure.axes.scatter(x: x, y: y, groups: (0..<60).map { "class \($0 % 3)" }, markerSize: 5)
        return figure
    }
}
