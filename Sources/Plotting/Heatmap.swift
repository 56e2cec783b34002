import Foundation

// Heatmap cells, cell values and the colorbar.

// MARK: - Heatmap drawing

extension FigureRenderer {
    /// Blank cells (NaN or infinite values) are drawn in this gray.
    static let missingCellColor = Color(hex: 0xdddddd)

    /// Cells with edges snapped to whole pixels (no seams between neighbours), then optional values.
    func drawHeatmap<C: Canvas>(_ heatmap: HeatmapSeries, layout: PanelLayout, metrics: ChartMetrics, on canvas: inout C) {
        let plot = layout.plotArea
        let columnEdges = (0...heatmap.columns).map { (plot.minX + plot.width * Double($0) / Double(heatmap.columns)).rounded() }
        let rowEdges = (0...heatmap.rows).map { (plot.minY + plot.height * Double($0) / Double(heatmap.rows)).rounded() }
        for row in 0..<heatmap.rows {
            for column in 0..<heatmap.columns {
                let value = heatmap.values[row][column]
                let rect = Rect(x: columnEdges[column], y: rowEdges[row],
                                width: columnEdges[column + 1] - columnEdges[column],
                                height: rowEdges[row + 1] - rowEdges[row])
                guard rect.width > 0, rect.height > 0 else { continue }
                canvas.fill(Path.rectangle(rect), color: value.isFinite ? heatmap.color(for: value) : Self.missingCellColor)
            }
        }
        guard heatmap.showValues else { return }
        let cellWidth = plot.width / Double(heatmap.columns), cellHeight = plot.height / Double(heatmap.rows)
        let labels = TickFormatter.cellLabels(heatmap.values)
        let widest = labels.flatMap { $0 }.map { metrics.width($0, 1) }.max() ?? 1
        // The largest size up to the tick size at which every value fits its cell with a margin.
        let size = min(metrics.tickSize, cellHeight * 0.7 / metrics.lineHeight(1), cellWidth * 0.85 / max(widest, 0.01))
        // Values smaller than 7 px would be unreadable; leave the colours to speak.
        guard size >= 7 else { return }
        for row in 0..<heatmap.rows {
            for column in 0..<heatmap.columns {
                let value = heatmap.values[row][column]
                let background = value.isFinite ? heatmap.color(for: value) : Self.missingCellColor
                let center = Point((columnEdges[column] + columnEdges[column + 1]) / 2, (rowEdges[row] + rowEdges[row + 1]) / 2)
                canvas.drawText(labels[row][column], at: center,
                                style: TextStyle(size: size, color: background.contrastingText, horizontal: .middle, vertical: .middle))
            }
        }
    }

    /// A vertical colour ramp with ticks and labels on its right, and an optional rotated label.
    func drawColorbar<C: Canvas>(_ heatmap: HeatmapSeries, area: Rect, axis: AxisModel, metrics: ChartMetrics, on canvas: inout C) {
        let strips = max(1, min(256, Int(area.height)))
        let edges = (0...strips).map { (area.minY + area.height * Double($0) / Double(strips)).rounded() }
        let span = heatmap.valueRange.upperBound - heatmap.valueRange.lowerBound
        for strip in 0..<strips where edges[strip + 1] > edges[strip] {
            // Strip 0 is the top: the largest value.
            let fraction = 1 - (Double(strip) + 0.5) / Double(strips)
            let color = heatmap.color(for: heatmap.valueRange.lowerBound + fraction * span)
            canvas.fill(Path.rectangle(Rect(x: area.minX, y: edges[strip], width: area.width,
                                            height: edges[strip + 1] - edges[strip])), color: color)
        }
        canvas.stroke(Path.rectangle(area.insetBy(-0.5)), style: StrokeStyle(color: metrics.style.textColor, width: 1))
        var marks = Path()
        var widest = 0.0
        for tick in axis.ticks {
            let y = (area.maxY - tick.fraction * area.height).rounded() - 0.5
            marks.move(to: Point(area.maxX, y)); marks.line(to: Point(area.maxX + metrics.tickLength, y))
            canvas.drawText(tick.label, at: Point(area.maxX + metrics.tickLength + metrics.pad * 0.5, y),
                            style: TextStyle(size: metrics.tickSize, color: metrics.style.textColor, vertical: .middle))
            widest = max(widest, metrics.width(tick.label, metrics.tickSize))
        }
        canvas.stroke(marks, style: StrokeStyle(color: metrics.style.textColor, width: 1))
        if let label = heatmap.colorbarLabel, !label.isEmpty {
            let x = area.maxX + metrics.tickLength + metrics.pad * 1.5 + widest
            canvas.drawText(label, at: Point(x, area.midY),
                            style: TextStyle(size: metrics.labelSize, angle: 90, horizontal: .middle, vertical: .top))
        }
    }
}

// MARK: - Clipping

/// Clips polylines to a rectangle (Liang-Barsky per segment) so lines past fixed limits stop at the frame.
enum Clipping {
    /// Joins visible pieces of consecutive segments; nil points break the line.
    static func polyline(_ points: [Point?], to rect: Rect) -> Path {
        var path = Path()
        var penAt: Point?
        for index in 1..<max(1, points.count) {
            guard let start = points[index - 1], let end = points[index] else { penAt = nil; continue }
            guard let (from, to) = clip(start, end, to: rect) else { penAt = nil; continue }
            if penAt != from { path.move(to: from) }
            path.line(to: to)
            penAt = to
        }
        if points.count == 1, let only = points[0], rect.contains(Rect(x: only.x, y: only.y, width: 0, height: 0)) {
            // A single point: a tiny horizontal tick so it is still visible.
            path.move(to: Point(only.x - 1, only.y)); path.line(to: Point(only.x + 1, only.y))
        }
        return path
    }

    static func clip(_ start: Point, _ end: Point, to rect: Rect) -> (Point, Point)? {
        var low = 0.0, high = 1.0
        let dx = end.x - start.x, dy = end.y - start.y
        let checks = [(-dx, start.x - rect.minX), (dx, rect.maxX - start.x), (-dy, start.y - rect.minY), (dy, rect.maxY - start.y)]
        for (p, q) in checks {
            if p == 0 {
                if q < 0 { return nil }
            } else {
                let t = q / p
                if p < 0 { low = max(low, t) } else { high = min(high, t) }
                if low > high { return nil }
            }
        }
        let from = low == 0 ? start : Point(start.x + low * dx, start.y + low * dy)
        let to = high == 1 ? end : Point(start.x + high * dx, start.y + high * dy)
        return (from, to)
    }
}
