import Foundation

// A text preview of a figure for the REPL: heatmaps as coloured half-block cells, line and
// scatter charts as braille sketches with their min/max, bars and histograms as horizontal
// block bars. ANSI 256 colours, about 80 columns wide.

// MARK: - Terminal preview

/// Renders figures as terminal text.
public struct TerminalPreview: Sendable {
    /// Total width in terminal columns.
    public var columns: Int
    /// ANSI colours on (a terminal) or off (pipes, logs, tests).
    public var useColor: Bool

    public init(columns: Int = 80, useColor: Bool = true) {
        self.columns = max(40, columns); self.useColor = useColor
    }

    /// The whole figure: its title, then each non-empty panel in turn.
    public func render(_ figure: Figure) -> String {
        var lines: [String] = []
        if let title = figure.title, !title.isEmpty { lines.append(bold(title)) }
        for (index, axes) in figure.panels.enumerated() where !axes.isEmpty {
            if !lines.isEmpty { lines.append("") }
            if let title = axes.title, !title.isEmpty { lines.append(bold(title)) }
            else if figure.panels.count > 1 { lines.append(bold("panel \(index + 1)")) }
            lines += renderPanel(axes)
        }
        if lines.isEmpty { lines.append("(empty figure)") }
        return lines.joined(separator: "\n") + "\n"
    }

    func renderPanel(_ axes: Axes) -> [String] {
        var lines: [String] = []
        for case .heatmap(let heatmap) in axes.series { lines += HeatmapPreview(preview: self).lines(heatmap) }
        for item in axes.series {
            switch item {
            case .bar(let bars): lines += BarPreview(preview: self).lines(bars)
            case .histogram(let histogram): lines += BarPreview(preview: self).lines(histogram)
            case .tokenText(let text): lines += self.lines(text)
            default: break
            }
        }
        let sketched = axes.series.contains { item in
            switch item { case .line, .scatter, .area: return true; default: return false }
        }
        if sketched { lines += BrailleSketch(preview: self, axes: axes).lines() }
        var labels: [String] = []
        if let x = axes.xLabel, !x.isEmpty { labels.append("x: \(x)") }
        if let y = axes.yLabel, !y.isEmpty { labels.append("y: \(y)") }
        if !labels.isEmpty { lines.append(dim(labels.joined(separator: "   "))) }
        return lines
    }

    // MARK: ANSI helpers

    /// The nearest colour of the xterm 6x6x6 cube (indices 16...231).
    public static func ansiIndex(_ color: Color) -> Int {
        let levels = [0, 95, 135, 175, 215, 255]
        func nearest(_ channel: UInt8) -> Int {
            levels.indices.min { abs(levels[$0] - Int(channel)) < abs(levels[$1] - Int(channel)) } ?? 0
        }
        return 16 + 36 * nearest(color.red) + 6 * nearest(color.green) + nearest(color.blue)
    }

    func foreground(_ text: String, _ color: Color) -> String {
        useColor ? "\u{1B}[38;5;\(Self.ansiIndex(color))m\(text)\u{1B}[0m" : text
    }

    func cell(_ text: String, foreground: Color, background: Color) -> String {
        useColor ? "\u{1B}[38;5;\(Self.ansiIndex(foreground));48;5;\(Self.ansiIndex(background))m\(text)\u{1B}[0m" : text
    }

    func bold(_ text: String) -> String { useColor ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    func dim(_ text: String) -> String { useColor ? "\u{1B}[2m\(text)\u{1B}[0m" : text }

    /// `text` cut to `width` characters with an ellipsis, or padded on the left.
    static func fit(_ text: String, _ width: Int, alignRight: Bool = true) -> String {
        if text.count > width { return String(text.prefix(max(0, width - 1))) + "\u{2026}" }
        let padding = String(repeating: " ", count: width - text.count)
        return alignRight ? padding + text : text + padding
    }
}

extension Figure {
    /// The figure as terminal text (see `TerminalPreview`).
    public func terminalPreview(columns: Int = 80, useColor: Bool = true) -> String {
        TerminalPreview(columns: columns, useColor: useColor).render(self)
    }
}

// MARK: - Heatmap

struct HeatmapPreview {
    let preview: TerminalPreview
    static let shades: [Character] = [" ", "\u{2591}", "\u{2592}", "\u{2593}", "\u{2588}"]

    /// Two matrix rows per text line (upper-half block: foreground on top, background below);
    /// more than 64 rows or than fit the width are sampled evenly.
    func lines(_ heatmap: HeatmapSeries) -> [String] {
        let labelWidth = min(12, heatmap.rowLabels.map(\.count).max() ?? 1)
        let available = preview.columns - labelWidth - 2
        let cellWidth = max(1, min(4, available / max(1, heatmap.columns)))
        let shownColumns = sampled(heatmap.columns, max: available / cellWidth)
        let shownRows = sampled(heatmap.rows, max: 64)
        var lines: [String] = []
        let pairs = stride(from: 0, to: shownRows.count, by: 2).map { (shownRows[$0], $0 + 1 < shownRows.count ? shownRows[$0 + 1] : nil) }
        for (top, bottom) in pairs {
            var line = TerminalPreview.fit(heatmap.rowLabels[top], labelWidth) + " "
            for column in shownColumns {
                let upper = color(heatmap, top, column)
                if preview.useColor {
                    let lower = bottom.map { color(heatmap, $0, column) } ?? .white
                    line += preview.cell(String(repeating: "\u{2580}", count: cellWidth), foreground: upper, background: lower)
                } else {
                    line += String(repeating: shade(heatmap, top, column), count: cellWidth)
                }
            }
            lines.append(line)
        }
        // Column labels when they fit their cells, otherwise the first and last.
        let columnNames = shownColumns.map { heatmap.columnLabels[$0] }
        let indent = String(repeating: " ", count: labelWidth + 1)
        if columnNames.allSatisfy({ $0.count <= cellWidth }) {
            lines.append(indent + columnNames.map { TerminalPreview.fit($0, cellWidth, alignRight: false) }.joined())
        } else if let first = columnNames.first, let last = columnNames.last {
            lines.append(indent + preview.dim("columns \(first) \u{2026} \(last)"))
        }
        // The scale: a short ramp with the value range.
        let ramp = (0..<16).map { step -> String in
            let color = heatmap.colormap.color(at: Double(step) / 15)
            return preview.useColor ? preview.cell(" ", foreground: color, background: color)
                : String(Self.shades[min(4, step / 4 + (step == 15 ? 1 : 0))])
        }.joined()
        lines.append(indent + TickFormatter.compact(heatmap.valueRange.lowerBound) + " " + ramp + " "
                     + TickFormatter.compact(heatmap.valueRange.upperBound))
        return lines
    }

    func color(_ heatmap: HeatmapSeries, _ row: Int, _ column: Int) -> Color {
        let value = heatmap.values[row][column]
        return value.isFinite ? heatmap.color(for: value) : FigureRenderer.missingCellColor
    }

    func shade(_ heatmap: HeatmapSeries, _ row: Int, _ column: Int) -> Character {
        let value = heatmap.values[row][column]
        guard value.isFinite else { return "?" }
        let span = heatmap.valueRange.upperBound - heatmap.valueRange.lowerBound
        let fraction = min(1, max(0, (value - heatmap.valueRange.lowerBound) / span))
        return Self.shades[Int((fraction * 4).rounded())]
    }

    /// Up to `max` evenly spaced indices of `count`.
    func sampled(_ count: Int, max limit: Int) -> [Int] {
        guard count > limit, limit > 0 else { return Array(0..<count) }
        return (0..<limit).map { $0 * count / limit }
    }
}

// MARK: - Bars

struct BarPreview {
    let preview: TerminalPreview
    static let eighths = ["", "\u{258F}", "\u{258E}", "\u{258D}", "\u{258C}", "\u{258B}", "\u{258A}", "\u{2589}"]

    func lines(_ bars: BarSeries) -> [String] {
        var rows: [(label: String, value: Double, color: Color)] = []
        for (index, category) in bars.categories.enumerated() {
            for (group, values) in bars.values.enumerated() {
                let name = bars.values.count > 1 ? "\(category) \(bars.groupNames[group] ?? "#\(group + 1)")" : category
                rows.append((name, values[index], bars.colors[group]))
            }
        }
        return draw(rows)
    }

    func lines(_ histogram: HistogramSeries) -> [String] {
        draw(histogram.counts.indices.map { index in
            ("\(TickFormatter.compact(histogram.edges[index]))\u{2013}\(TickFormatter.compact(histogram.edges[index + 1]))",
             Double(histogram.counts[index]), histogram.color)
        })
    }

    /// One line per bar: label, a bar in eighth-block steps scaled to the largest |value|, the value.
    func draw(_ rows: [(label: String, value: Double, color: Color)]) -> [String] {
        let labelWidth = min(18, rows.map(\.label.count).max() ?? 1)
        let valueWidth = rows.map { TickFormatter.compact($0.value).count }.max() ?? 1
        let barWidth = max(10, preview.columns - labelWidth - valueWidth - 3)
        let largest = rows.map { abs($0.value) }.filter(\.isFinite).max() ?? 1
        return rows.map { row in
            let label = TerminalPreview.fit(row.label, labelWidth)
            guard row.value.isFinite else { return label + " " + preview.dim("(missing)") }
            let eighthsCount = largest > 0 ? Int((abs(row.value) / largest * Double(barWidth * 8)).rounded()) : 0
            let bar = String(repeating: "\u{2588}", count: eighthsCount / 8) + Self.eighths[eighthsCount % 8]
            return label + " " + preview.foreground(bar, row.color) + " " + TickFormatter.compact(row.value)
        }
    }
}

// MARK: - Braille sketch

/// Lines and scatter points on a grid of braille characters (2x4 dots each).
struct BrailleSketch {
    let preview: TerminalPreview
    let axes: Axes
    static let height = 12

    func lines() -> [String] {
        var xs: [Double] = [], ys: [Double] = []
        for item in axes.series {
            if case .line(let line) = item { xs += line.x; ys += line.y }
            if case .scatter(let scatter) = item { xs += scatter.x; ys += scatter.y }
            if case .area(let area) = item { for top in area.tops { xs += area.x; ys += top } }
        }
        let logY = axes.yScale == .log
        let pairs = zip(xs, ys).filter { $0.0.isFinite && $0.1.isFinite && (!logY || $0.1 > 0) }
        guard let minX = pairs.map(\.0).min(), let maxX = pairs.map(\.0).max(),
              let minY = pairs.map(\.1).min(), let maxY = pairs.map(\.1).max() else { return ["(no finite points)"] }
        let yLabels = [TickFormatter.compact(maxY), TickFormatter.compact(minY)]
        let labelWidth = yLabels.map(\.count).max() ?? 1
        let width = max(10, preview.columns - labelWidth - 2)
        let dotsWide = width * 2, dotsHigh = Self.height * 4
        var masks = Array(repeating: UInt8(0), count: width * Self.height)
        var owners = Array(repeating: -1, count: width * Self.height)
        func transform(_ y: Double) -> Double { logY ? log10(y) : y }
        let yLow = transform(minY), ySpan = max(transform(maxY) - yLow, 1e-300), xSpan = max(maxX - minX, 1e-300)
        func dot(_ x: Double, _ y: Double) -> (Int, Int)? {
            guard x.isFinite, y.isFinite, !logY || y > 0 else { return nil }
            let column = Int(((x - minX) / xSpan * Double(dotsWide - 1)).rounded())
            let row = Int(((1 - (transform(y) - yLow) / ySpan) * Double(dotsHigh - 1)).rounded())
            return (min(dotsWide - 1, max(0, column)), min(dotsHigh - 1, max(0, row)))
        }
        // Braille dot bits: column 0 rows 0-3 are 0x01 0x02 0x04 0x40, column 1 are 0x08 0x10 0x20 0x80.
        let bits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
        func set(_ point: (Int, Int), owner: Int) {
            let index = (point.1 / 4) * width + point.0 / 2
            masks[index] |= bits[point.0 % 2][point.1 % 4]
            owners[index] = owner
        }
        var legend: [(String, Color)] = []
        var owner = 0
        for item in axes.series {
            switch item {
            case .line(let line):
                var previous: (Int, Int)?
                for (x, y) in zip(line.x, line.y) {
                    guard let current = dot(x, y) else { previous = nil; continue }
                    if let start = previous {
                        // Fill in between neighbours so steep segments stay connected.
                        let steps = max(abs(current.0 - start.0), abs(current.1 - start.1), 1)
                        for step in 0...steps {
                            let t = Double(step) / Double(steps)
                            set((start.0 + Int((Double(current.0 - start.0) * t).rounded()),
                                 start.1 + Int((Double(current.1 - start.1) * t).rounded())), owner: owner)
                        }
                    } else {
                        set(current, owner: owner)
                    }
                    previous = current
                }
                legend.append((line.label ?? "series \(owner + 1)", line.color))
                owner += 1
            case .scatter(let scatter):
                for index in scatter.x.indices {
                    if let point = dot(scatter.x[index], scatter.y[index]) { set(point, owner: owner + scatter.groupOfPoint[index]) }
                }
                for (group, name) in scatter.groupNames.enumerated() {
                    legend.append((name ?? "points", scatter.colors[group]))
                }
                owner += scatter.groupNames.count
            case .area(let area):
                // Each layer's upper edge as a line.
                for (layer, top) in area.tops.enumerated() {
                    var previous: (Int, Int)?
                    for (x, y) in zip(area.x, top) {
                        guard let current = dot(x, y) else { previous = nil; continue }
                        let start = previous ?? current
                        let steps = max(abs(current.0 - start.0), abs(current.1 - start.1), 1)
                        for step in 0...steps {
                            let t = Double(step) / Double(steps)
                            set((start.0 + Int((Double(current.0 - start.0) * t).rounded()),
                                 start.1 + Int((Double(current.1 - start.1) * t).rounded())), owner: owner)
                        }
                        previous = current
                    }
                    legend.append((area.labels[layer] ?? "layer \(layer + 1)", area.colors[layer]))
                    owner += 1
                }
            default:
                break
            }
        }
        var lines: [String] = []
        for row in 0..<Self.height {
            let label = row == 0 ? yLabels[0] : (row == Self.height - 1 ? yLabels[1] : "")
            var line = TerminalPreview.fit(label, labelWidth) + " \u{2502}"
            for column in 0..<width {
                let index = row * width + column
                let character = String(Character(Unicode.Scalar(0x2800 + UInt32(masks[index])) ?? " "))
                line += owners[index] >= 0 ? preview.foreground(character, legend[min(owners[index], legend.count - 1)].1) : character
            }
            lines.append(line)
        }
        let axisIndent = String(repeating: " ", count: labelWidth + 1)
        lines.append(axisIndent + "\u{2514}" + String(repeating: "\u{2500}", count: width))
        let left = TickFormatter.compact(minX), right = TickFormatter.compact(maxX)
        lines.append(axisIndent + " " + left + String(repeating: " ", count: max(1, width - left.count - right.count)) + right)
        if legend.count > 1 || legend.first?.0 != "series 1" {
            lines.append(axisIndent + " " + legend.map { preview.foreground("\u{2501}\u{2501}", $0.1) + " " + $0.0 }.joined(separator: "   "))
        }
        return lines
    }
}
