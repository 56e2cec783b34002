// The charts of shared/reference/plots.py, drawn and saved as 800x600 PNGs: a 64x8 heatmap with
// a colorbar, three 1000-point random walks with a legend, and 8 bars. Same timing rule as the
// reference: one warm-up, then the median of 15 render-and-save runs.
import Autograd
import Foundation
import PlotPNG
import Plotting

/// One JSON line: median milliseconds per chart, rendered and written to `folder`.
func chartCase(folder: String = NSTemporaryDirectory() + "microseek-bench-charts") throws -> String {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    var generator = SeededGenerator(seed: 0)
    let probabilities = try Tensor.uniform([64, 8], generator: &generator).storage.map(Double.init)
    let matrix = (0 ..< 64).map { Array(probabilities[($0 * 8) ..< ($0 * 8 + 8)]) }      // (64, 8)
    let walks: [[Double]] = try (0 ..< 3).map { _ in
        var total = 0.0
        return try Tensor.normal([1000], generator: &generator).storage.map { total += Double($0); return total }
    }
    let counts = try Tensor.uniform([8], low: 10, high: 100, generator: &generator).storage.map { Double(Int($0)) }

    let charts: [(name: String, make: () throws -> Figure)] = [
        ("heatmap", {
            var figure = try Figure(width: 800, height: 600)
            try figure.axes.heatmap(matrix, colorbarLabel: nil)
            figure.axes.title = "Router probabilities (64 tokens x 8 experts)"
            figure.axes.xLabel = "expert"; figure.axes.yLabel = "token"
            return figure
        }),
        ("lines", {
            var figure = try Figure(width: 800, height: 600)
            try figure.axes.plot(series: walks, labels: ["train", "val", "aux"])
            figure.axes.title = "Loss curves"; figure.axes.xLabel = "step"; figure.axes.yLabel = "loss"
            return figure
        }),
        ("bars", {
            var figure = try Figure(width: 800, height: 600)
            try figure.axes.bar(counts, labels: (0 ..< 8).map { "E\($0)" })
            figure.axes.title = "Tokens per expert"; figure.axes.xLabel = "expert"; figure.axes.yLabel = "tokens"
            return figure
        }),
    ]
    var fields: [String] = []
    for chart in charts {
        let path = folder + "/\(chart.name).png"
        try chart.make().save(to: path)                           // warm-up (font, glyph cache)
        var times: [Double] = []
        for _ in 0 ..< 15 {
            let start = now()
            try chart.make().save(to: path)
            times.append(now() - start)
        }
        fields.append("\"\(chart.name)_ms\": \(rounded(median(times) * 1e3, 2))")
    }
    return "{\"bench\": \"plots\", " + fields.joined(separator: ", ") + "}"
}
