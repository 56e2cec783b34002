// The teaching charts beside teaching_plots.py (matplotlib): three smoothed 1000-point series
// (raw faint behind, legend), a 300-step x 8-expert stacked area, both 800x600 PNGs (one
// warm-up, median of 15 render-and-save runs), and a 60-frame 400x300 animated GIF of decision
// regions (a 100x100 grid and 300 points per frame; median of 5 whole GIFs).
import Autograd
import Foundation
import PlotPNG
import Plotting

/// One JSON line: median milliseconds per chart and per GIF, written to `folder`.
func teachingChartCase(folder: String = NSTemporaryDirectory() + "microseek-bench-charts") throws -> String {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    var generator = SeededGenerator(seed: 0)
    let noisy: [[Double]] = try (0 ..< 3).map { run in
        let noise = try Tensor.normal([1000], generator: &generator).storage
        let scale = Double(150 + 100 * run)
        return (0 ..< 1000).map { (step: Int) -> Double in
            let decay: Double = exp(-Double(step) / scale)
            return 1 + 2 * decay + 0.3 * Double(noise[step])
        }
    }
    let weights = try Tensor.uniform([300, 8], low: 0.5, high: 1.5, generator: &generator).storage.map(Double.init)
    let totals: [Double] = (0 ..< 300).map { step in weights[(step * 8) ..< (step * 8 + 8)].reduce(0, +) }
    let shares: [[Double]] = (0 ..< 8).map { (expert: Int) -> [Double] in                  // (8, 300), columns sum to 1
        (0 ..< 300).map { (step: Int) -> Double in weights[step * 8 + expert] / totals[step] }
    }
    let points = try Tensor.normal([300, 2], generator: &generator).storage.map(Double.init)
    let pointX = stride(from: 0, to: 600, by: 2).map { points[$0] }, pointY = stride(from: 1, to: 600, by: 2).map { points[$0] }
    let pointClass = (0 ..< 300).map { pointX[$0] > 0 ? (pointY[$0] > 0 ? 0 : 1) : 2 }

    var cpuTimes: [Double] = []
    func timed(_ runs: Int, _ body: () throws -> Void) throws -> Double {
        try body()                                                                        // warm-up
        var times: [Double] = []
        cpuTimes = []
        for _ in 0 ..< runs {
            let start = now(), cpuStart = cpuNow()
            try body()
            times.append(now() - start); cpuTimes.append(cpuNow() - cpuStart)
        }
        return median(times)
    }
    let smoothed = try timed(15) {
        var figure = try Figure(width: 800, height: 600)
        try figure.axes.plot(series: noisy, labels: ["none", "aux", "bias"], smooth: 0.9)
        figure.axes.title = "Imbalance (smoothed 0.9)"; figure.axes.xLabel = "step"; figure.axes.yLabel = "imbalance"
        try figure.save(to: folder + "/smoothed.png")
    }
    let area = try timed(15) {
        var figure = try Figure(width: 800, height: 600)
        try figure.axes.area(shares, labels: (0 ..< 8).map { "expert \($0)" })
        figure.axes.title = "Load per expert"; figure.axes.xLabel = "step"; figure.axes.yLabel = "share"
        try figure.save(to: folder + "/area.png")
    }
    // Frame k: three regions whose boundaries turn with k, the same points on top.
    func frame(_ k: Int) throws -> Figure {
        let angle = Double(k) * Double.pi / 60
        let grid = (0 ..< 100).map { row in
            (0 ..< 100).map { (column: Int) -> Int in
                let x: Double = -3 + 6 * (Double(column) + 0.5) / 100
                let y: Double = -3 + 6 * (Double(row) + 0.5) / 100
                let turned: Double = x * cos(angle) + y * sin(angle)
                return turned > 0.5 ? 0 : (y > turned ? 1 : 2)
            }
        }
        var figure = try Figure(width: 400, height: 300)
        try figure.axes.regions(grid, xRange: -3 ... 3, yRange: -3 ... 3, categoryNames: ["expert 0", "expert 1", "expert 2"])
        try figure.axes.scatter(x: pointX, y: pointY, categories: pointClass, names: ["class 0", "class 1", "class 2"],
                                markerSize: 4, colorOffset: 3)
        figure.axes.title = "step \(k)"
        return figure
    }
    let gif = try timed(5) {
        try GIFAnimation.write(frames: try (0 ..< 60).map(frame), fps: 10, to: folder + "/regions.gif")
    }
    // CPU time too: on a loaded machine wall time mostly measures waiting for a core.
    let gifCPU = median(cpuTimes)
    return "{\"bench\": \"teaching_plots\", \"smoothed_3x1000_ms\": \(rounded(smoothed * 1e3, 2)), "
        + "\"area_300x8_ms\": \(rounded(area * 1e3, 2)), \"gif_60x400x300_ms\": \(rounded(gif * 1e3, 1)), \"gif_cpu_ms\": \(rounded(gifCPU * 1e3, 1))}"
}
