// A terminal preview of a figure (the REPL echo and `show`): sparklines for lines and
// histograms, horizontal bars, heatmaps as ANSI-256 coloured cells. An adapter on the Builtins
// side until the Plotting module ships its own terminal canvas.

import Foundation
import Plotting

enum FigurePreview {
    /// Columns a sparkline or bar may take.
    static let plotWidth = 48
    /// Largest heatmap shown cell by cell.
    static let maximumHeatmapSide = 32
    private static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// The preview text, one line per row, without a trailing newline.
    static func text(_ figure: Figure, color: Bool = true) -> String {
        var lines = ["figure \(figure.width)×\(figure.height)" + (figure.title.map { ": \($0)" } ?? "")
                     + (figure.panels.count > 1 ? " (\(figure.rows)×\(figure.columns) panels)" : "")]
        for (index, panel) in figure.panels.enumerated() {
            var heading: [String] = []
            if figure.panels.count > 1 { heading.append("panel \(index + 1)") }
            if let title = panel.title { heading.append(title) }
            if let x = panel.xLabel { heading.append("x: \(x)") }
            if let y = panel.yLabel { heading.append("y: \(y)" + (panel.yScale == .log ? " (log)" : "")) }
            if !heading.isEmpty { lines.append("── " + heading.joined(separator: " · ") + " ──") }
            if panel.isEmpty { lines.append("  (empty)") }
            for series in panel.series { lines += describe(series, color: color) }
        }
        return lines.joined(separator: "\n")
    }

    // MARK: - Series

    private static func describe(_ series: Series, color: Bool) -> [String] {
        switch series {
        case .line(let line):
            let finite = line.y.filter(\.isFinite)
            return ["  " + (line.label.map { "\($0): " } ?? "") + sparkline(line.y)
                    + "  min \(format(finite.min())) max \(format(finite.max())) (\(line.y.count) points)"]
        case .scatter(let scatter):
            let groups = scatter.groupNames.compactMap { $0 }
            return ["  scatter: \(scatter.x.count) points"
                    + (groups.isEmpty ? "" : " in groups \(groups.joined(separator: ", "))")
                    + ", x \(format(scatter.x.min()))…\(format(scatter.x.max()))"
                    + ", y \(format(scatter.y.min()))…\(format(scatter.y.max()))"]
        case .bar(let bars):
            return barLines(bars)
        case .histogram(let histogram):
            return ["  " + (histogram.label.map { "\($0): " } ?? "") + sparkline(histogram.counts.map(Double.init))
                    + "  \(histogram.counts.count) bins from \(format(histogram.edges.first)) to \(format(histogram.edges.last))"
                    + ", tallest \(histogram.counts.max() ?? 0)"]
        case .heatmap(let heatmap):
            return heatmapLines(heatmap, color: color)
        }
    }

    /// One block character per value (resampled to `plotWidth`), height by value; gaps for NaN.
    static func sparkline(_ values: [Double]) -> String {
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return "" }
        let count = min(values.count, plotWidth)
        return String((0..<count).map { column -> Character in
            // Average the values that fall into this column.
            let start = column * values.count / count, end = max(start + 1, (column + 1) * values.count / count)
            let bucket = values[start..<end].filter(\.isFinite)
            guard !bucket.isEmpty else { return " " }
            let mean = bucket.reduce(0, +) / Double(bucket.count)
            let fraction = high > low ? (mean - low) / (high - low) : 0.5
            return levels[min(levels.count - 1, Int(fraction * Double(levels.count - 1) + 0.5))]
        })
    }

    private static func barLines(_ bars: BarSeries) -> [String] {
        let largest = bars.values.flatMap { $0 }.filter(\.isFinite).map(abs).max() ?? 0
        let labelWidth = min(16, bars.categories.map(\.count).max() ?? 0)
        var lines: [String] = []
        for (category, name) in bars.categories.enumerated() {
            for (group, row) in bars.values.enumerated() {
                let value = row[category]
                let length = largest > 0 && value.isFinite ? Int((abs(value) / largest * Double(plotWidth)).rounded()) : 0
                let label = group == 0 ? String(name.prefix(labelWidth)) : ""
                let groupName = bars.values.count > 1 ? " " + (bars.groupNames[group] ?? "#\(group + 1)") : ""
                lines.append("  " + label.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + " │"
                             + String(repeating: value < 0 ? "░" : "█", count: length) + " \(format(value))" + groupName)
            }
        }
        return lines
    }

    private static func heatmapLines(_ heatmap: HeatmapSeries, color: Bool) -> [String] {
        let range = "\(format(heatmap.valueRange.lowerBound))…\(format(heatmap.valueRange.upperBound))"
        let summary = "  heatmap \(heatmap.rows)×\(heatmap.columns), \(heatmap.colormap.rawValue) \(range)"
        guard color, heatmap.rows <= maximumHeatmapSide, heatmap.columns <= maximumHeatmapSide else { return [summary] }
        let labelWidth = min(12, heatmap.rowLabels.map(\.count).max() ?? 0)
        var lines = [summary]
        for (row, values) in heatmap.values.enumerated() {
            let cells = values.map { value -> String in
                guard value.isFinite else { return "  " }
                return "\u{1B}[38;5;\(xterm256(heatmap.color(for: value)))m██"
            }
            lines.append("  " + String(heatmap.rowLabels[row].prefix(labelWidth))
                .padding(toLength: labelWidth, withPad: " ", startingAt: 0) + " " + cells.joined() + "\u{1B}[0m")
        }
        return lines
    }

    /// The nearest colour of the xterm 6×6×6 cube.
    static func xterm256(_ color: Color) -> Int {
        func level(_ component: UInt8) -> Int { Int((Double(component) / 255 * 5).rounded()) }
        return 16 + 36 * level(color.red) + 6 * level(color.green) + level(color.blue)
    }

    private static func format(_ value: Double?) -> String {
        guard let value else { return "-" }
        if value == value.rounded(), abs(value) < 1e9 { return String(Int(value)) }
        return String(format: "%.4g", value)
    }
}
