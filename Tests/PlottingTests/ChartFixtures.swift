import Foundation
import Plotting

// Deterministic figures of every chart kind, shared by the golden and layout tests.

/// A tiny seeded generator (64-bit LCG, Knuth's MMIX constants) so fixtures never change.
struct FixtureRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) / Double(UInt64(1) << 53)
    }
}

enum ChartFixtures {
    /// Every fixture name with its figure at the given size.
    static func all(width: Int, height: Int) throws -> [(name: String, figure: Figure)] {
        [("heatmap", try routerHeatmap(width: width, height: height)),
         ("lines", try lossCurves(width: width, height: height)),
         ("bars", try tokensPerExpert(width: width, height: height)),
         ("longbars", try longCategoryBars(width: width, height: height)),
         ("values", try valueHeatmap(width: width, height: height)),
         ("histogram", try rewardHistogram(width: width, height: height)),
         ("scatter", try groupedScatter(width: width, height: height)),
         ("grid", try panelGrid(width: width, height: height))]
    }

    static func routerHeatmap(width: Int = 800, height: Int = 600) throws -> Figure {
        var random = FixtureRandom(seed: 1)
        var figure = try Figure(width: width, height: height)
        figure.axes = Axes(title: "Router probabilities (64 tokens x 8 experts)", xLabel: "expert", yLabel: "token")
        try figure.axes.heatmap((0..<64).map { _ in (0..<8).map { _ in random.next() } })
        return figure
    }

    static func lossCurves(width: Int = 800, height: Int = 600) throws -> Figure {
        var random = FixtureRandom(seed: 2)
        var figure = try Figure(width: width, height: height)
        figure.axes = Axes(title: "Loss curves", xLabel: "step", yLabel: "loss")
        for name in ["train", "val", "aux"] {
            var total = 0.0
            try figure.axes.plot((0..<1000).map { _ in total += random.next() * 2 - 1; return total }, label: name)
        }
        return figure
    }

    static func tokensPerExpert(width: Int = 800, height: Int = 600) throws -> Figure {
        var random = FixtureRandom(seed: 3)
        var figure = try Figure(width: width, height: height)
        figure.axes = Axes(title: "Tokens per expert", xLabel: "expert", yLabel: "tokens")
        try figure.axes.bar((0..<8).map { _ in (10 + random.next() * 90).rounded() }, labels: (0..<8).map { "E\($0)" })
        return figure
    }

    static func longCategoryBars(width: Int = 800, height: Int = 600) throws -> Figure {
        var figure = try Figure(width: width, height: height)
        figure.axes = Axes(title: "Accuracy by task", yLabel: "accuracy")
        let tasks = ["addition with carries", "subtraction", "multiplication table", "copy the sequence",
                     "reverse the sequence", "sort three numbers", "count the vowels", "parity of bits",
                     "longest common prefix", "balanced brackets", "next prime", "majority vote"]
        try figure.axes.bar(tasks.indices.map { 0.4 + 0.05 * Double($0 % 7) }, labels: tasks)
        return figure
    }

    static func valueHeatmap(width: Int = 800, height: Int = 600) throws -> Figure {
        var figure = try Figure(width: width, height: height)
        figure.axes = Axes(title: "Advantage per group")
        try figure.axes.heatmap((0..<6).map { row in (0..<5).map { column in sin(Double(row * 5 + column)) } },
                                rowLabels: (0..<6).map { "prompt \($0)" },
                                columnLabels: ["sample a", "sample b", "sample c", "sample d", "sample e"],
                                colormap: .diverging, showValues: true, colorbarLabel: "advantage")
        return figure
    }

    static func rewardHistogram(width: Int = 800, height: Int = 600) throws -> Figure {
        var random = FixtureRandom(seed: 4)
        var figure = try Figure(width: width, height: height)
        figure.axes = Axes(title: "Reward distribution", xLabel: "reward", yLabel: "count")
        try figure.axes.histogram((0..<500).map { _ in (random.next() + random.next() + random.next()) * 1000 },
                                  bins: 20, label: "GRPO")
        return figure
    }

    static func groupedScatter(width: Int = 800, height: Int = 600) throws -> Figure {
        var random = FixtureRandom(seed: 5)
        var figure = try Figure(width: width, height: height)
        figure.axes = Axes(title: "Token embeddings by expert", xLabel: "component 1", yLabel: "component 2")
        let groups = (0..<150).map { "expert \($0 % 3)" }
        let x = (0..<150).map { Double($0 % 3) * 2 + random.next() }
        let y = (0..<150).map { _ in random.next() * 50_000 }
        try figure.axes.scatter(x: x, y: y, groups: groups)
        return figure
    }

    static func panelGrid(width: Int = 800, height: Int = 600) throws -> Figure {
        var figure = try Figure(width: width, height: height, title: "Training overview", rows: 2, columns: 2)
        try figure[0, 0].plot((1...200).map { 10 * exp(-Double($0) / 30) + 0.01 }, label: "loss")
        figure[0, 0].yScale = .log
        figure[0, 0].title = "Loss (log scale)"
        try figure[0, 1].groupedBar([[3, 5, 2, 7], [4, 1, 6, 2]], labels: ["shared", "expert A", "expert B", "expert C"],
                                    groupLabels: ["before", "after"])
        figure[0, 1].title = "Load"
        figure[0, 1].legend = .outside
        var random = FixtureRandom(seed: 6)
        try figure[1, 0].histogram((0..<200).map { _ in random.next() }, bins: 10)
        try figure[1, 1].heatmap((0..<4).map { row in (0..<4).map { column in Double(row * column) } },
                                 colormap: .magma, showValues: true)
        return figure
    }
}
