import Foundation

// Draws a Figure onto any Canvas using only the Canvas primitives.

// MARK: - Renderer

/// Turns a `Figure` into canvas calls: layout first, then each panel's grid, data, frame,
/// ticks, labels, colorbar and legend.
public struct FigureRenderer: Sendable {
    public let figure: Figure
    public init(figure: Figure) { self.figure = figure }

    static let background = Color.white
    static let frameColor = Color(hex: 0x262626)
    static let gridColor = Color(hex: 0xe6e6e6)

    /// Draws everything (does not call `finish`).
    public func render<C: Canvas>(on canvas: inout C) {
        let width = Double(figure.width), height = Double(figure.height)
        canvas.fill(Path.rectangle(Rect(x: 0, y: 0, width: width, height: height)), color: Self.background)
        let layouts = layout()
        if let title = figure.title, !title.isEmpty, let first = layouts.first {
            let metrics = first.metrics
            canvas.drawText(title, at: Point(width / 2, metrics.pad),
                            style: TextStyle(size: metrics.figureTitleSize, horizontal: .middle, vertical: .top))
        }
        for (panel, layout) in zip(figure.panels, layouts) {
            drawPanel(panel, layout: layout, on: &canvas)
        }
    }

    func drawPanel<C: Canvas>(_ axes: Axes, layout: PanelLayout, on canvas: inout C) {
        let metrics = layout.metrics
        let plot = layout.plotArea
        let isHeatmap = axes.series.contains { if case .heatmap = $0 { return true } else { return false } }
        // Regions lie under everything, grid included, like an image.
        for case .regions(let regions) in axes.series { drawRegions(regions, layout: layout, on: &canvas) }
        if axes.showGrid && !isHeatmap && !axes.isEmpty { drawGrid(layout: layout, on: &canvas) }
        // Bands and raw (unsmoothed) lines stay behind every main line.
        for case .line(let line) in axes.series where line.band != nil { drawBand(line, layout: layout, on: &canvas) }
        for case .line(let line) in axes.series where line.raw != nil { drawRawLine(line, layout: layout, on: &canvas) }
        for item in axes.series {
            switch item {
            case .line(let line): drawLine(line, layout: layout, on: &canvas)
            case .scatter(let scatter): drawScatter(scatter, layout: layout, on: &canvas)
            case .bar(let bars): drawBars(bars, layout: layout, on: &canvas)
            case .histogram(let histogram): drawHistogram(histogram, layout: layout, on: &canvas)
            case .heatmap(let heatmap): drawHeatmap(heatmap, layout: layout, metrics: metrics, on: &canvas)
            case .area(let area): drawArea(area, layout: layout, on: &canvas)
            case .regions: break
            case .tokenText(let text): drawTokenText(text, layout: layout, on: &canvas)
            }
        }
        drawReferenceLines(axes.referenceLines, layout: layout, on: &canvas)
        drawAnnotations(axes.annotations, layout: layout, on: &canvas)
        canvas.stroke(Path.rectangle(plot.insetBy(-0.5 * metrics.style.chromeWidth)),
                      style: StrokeStyle(color: metrics.style.textColor, width: metrics.style.chromeWidth))
        drawTicks(layout: layout, metrics: metrics, on: &canvas)
        drawAxisTitles(axes, layout: layout, metrics: metrics, on: &canvas)
        if let heatmap = axes.series.compactMap({ if case .heatmap(let map) = $0 { return map } else { return nil } }).first,
           let area = layout.colorbarArea, let axis = layout.colorbarAxis {
            drawColorbar(heatmap, area: area, axis: axis, metrics: metrics, on: &canvas)
        }
        if let box = layout.legendArea { drawLegend(layout.legendEntries, in: box, metrics: metrics, on: &canvas) }
    }

    // MARK: Grid, ticks and titles

    func drawGrid<C: Canvas>(layout: PanelLayout, on canvas: inout C) {
        let plot = layout.plotArea
        var path = Path()
        if case .numeric = layout.xAxis.kind {
            for tick in layout.xAxis.ticks {
                let x = (plot.minX + tick.fraction * plot.width).rounded() + 0.5
                path.move(to: Point(x, plot.minY)); path.line(to: Point(x, plot.maxY))
            }
        }
        if case .numeric = layout.yAxis.kind {
            for tick in layout.yAxis.ticks {
                let y = (plot.maxY - tick.fraction * plot.height).rounded() - 0.5
                path.move(to: Point(plot.minX, y)); path.line(to: Point(plot.maxX, y))
            }
        }
        if !path.elements.isEmpty {
            canvas.stroke(path, style: StrokeStyle(color: layout.metrics.style.gridColor, width: layout.metrics.style.chromeWidth))
        }
    }

    func drawTicks<C: Canvas>(layout: PanelLayout, metrics: ChartMetrics, on canvas: inout C) {
        let plot = layout.plotArea
        let length = metrics.tickLength
        var marks = Path()
        let labelStyle = TextStyle(size: metrics.tickSize, color: metrics.style.textColor)
        for tick in layout.xAxis.ticks {
            let x = (plot.minX + tick.fraction * plot.width).rounded() + 0.5
            marks.move(to: Point(x, plot.maxY)); marks.line(to: Point(x, plot.maxY + length))
            var style = labelStyle
            let anchor = Point(x, plot.maxY + length + metrics.pad * 0.5)
            if layout.xAxis.labelAngle != 0 {
                style.angle = layout.xAxis.labelAngle
                style.horizontal = .end
                style.vertical = .middle
                let radians = layout.xAxis.labelAngle * Double.pi / 180
                // Shift so the rotated label's upper-right end sits just below the tick.
                let shift = metrics.lineHeight(metrics.tickSize) / 2
                canvas.drawText(tick.label, at: Point(anchor.x + shift * sin(radians), anchor.y + shift * cos(radians)), style: style)
            } else {
                style.horizontal = .middle
                style.vertical = .top
                canvas.drawText(tick.label, at: anchor, style: style)
            }
        }
        for tick in layout.yAxis.ticks {
            let y = (plot.maxY - tick.fraction * plot.height).rounded() - 0.5
            marks.move(to: Point(plot.minX, y)); marks.line(to: Point(plot.minX - length, y))
            var style = labelStyle
            style.horizontal = .end
            style.vertical = .middle
            canvas.drawText(tick.label, at: Point(plot.minX - length - metrics.pad * 0.5, y), style: style)
        }
        canvas.stroke(marks, style: StrokeStyle(color: metrics.style.textColor, width: metrics.style.chromeWidth))
    }

    /// Axis labels sit just outside the tick labels (as in matplotlib), the title above the plot.
    func drawAxisTitles<C: Canvas>(_ axes: Axes, layout: PanelLayout, metrics: ChartMetrics, on canvas: inout C) {
        let plot = layout.plotArea
        if let title = axes.title, !title.isEmpty {
            canvas.drawText(title, at: Point(plot.midX, plot.minY - metrics.pad),
                            style: TextStyle(size: metrics.titleSize, color: metrics.style.titleColor, horizontal: .middle, vertical: .bottom))
        }
        if let label = axes.xLabel, !label.isEmpty {
            let widest = layout.xAxis.ticks.map { metrics.width($0.label, metrics.tickSize) }.max() ?? 0
            let tickLine = metrics.lineHeight(metrics.tickSize)
            let radians = layout.xAxis.labelAngle * Double.pi / 180
            let extent = layout.xAxis.labelAngle == 0 ? tickLine : widest * sin(radians) + tickLine * cos(radians)
            canvas.drawText(label, at: Point(plot.midX, plot.maxY + metrics.tickLength + metrics.pad * 1.5 + extent),
                            style: TextStyle(size: metrics.labelSize, color: metrics.style.titleColor, horizontal: .middle, vertical: .top))
        }
        if let label = axes.yLabel, !label.isEmpty {
            let widest = layout.yAxis.ticks.map { metrics.width($0.label, metrics.tickSize) }.max() ?? 0
            let x = plot.minX - metrics.tickLength - metrics.pad * 1.5 - widest
            canvas.drawText(label, at: Point(x, plot.midY),
                            style: TextStyle(size: metrics.labelSize, color: metrics.style.titleColor, angle: 90, horizontal: .middle, vertical: .bottom))
        }
    }

    // MARK: Data

    /// Canvas position of a data point, nil when an axis cannot show it.
    func position(_ x: Double, _ y: Double, layout: PanelLayout) -> Point? {
        guard let fx = layout.xAxis.fraction(x), let fy = layout.yAxis.fraction(y) else { return nil }
        return Point(layout.plotArea.minX + fx * layout.plotArea.width, layout.plotArea.maxY - fy * layout.plotArea.height)
    }

    func drawLine<C: Canvas>(_ line: LineSeries, layout: PanelLayout, on canvas: inout C) {
        var points: [Point?] = []
        points.reserveCapacity(line.x.count)
        for index in line.x.indices { points.append(position(line.x[index], line.y[index], layout: layout)) }
        let path = Clipping.polyline(points, to: layout.plotArea)
        if !path.elements.isEmpty {
            canvas.stroke(path, style: StrokeStyle(color: line.color, width: line.width * layout.metrics.style.lineScale,
                                                   dash: line.dash))
        }
        guard line.marker != .none else { return }
        let radius = max(2, line.width * layout.metrics.style.lineScale * 1.8)
        var markers = Path()
        for case let point? in points where layout.plotArea.contains(Rect(x: point.x, y: point.y, width: 0, height: 0)) {
            let shape = line.marker == .circle
                ? Path.circle(center: point, radius: radius, segments: 12)
                : Path.rectangle(Rect(x: point.x - radius, y: point.y - radius, width: 2 * radius, height: 2 * radius))
            markers.elements += shape.elements
        }
        canvas.fill(markers, color: line.color)
    }

    func drawScatter<C: Canvas>(_ scatter: ScatterSeries, layout: PanelLayout, on canvas: inout C) {
        let radius = scatter.markerSize * layout.metrics.style.lineScale.squareRoot() / 2
        var paths = Array(repeating: Path(), count: scatter.colors.count)
        for index in scatter.x.indices {
            guard let point = position(scatter.x[index], scatter.y[index], layout: layout),
                  layout.plotArea.contains(Rect(x: point.x, y: point.y, width: 0, height: 0)) else { continue }
            paths[scatter.groupOfPoint[index]].elements += Path.circle(center: point, radius: radius, segments: 12).elements
        }
        for (path, color) in zip(paths, scatter.colors) where !path.elements.isEmpty {
            canvas.fill(path, color: color)
        }
    }

    func drawBars<C: Canvas>(_ bars: BarSeries, layout: PanelLayout, on canvas: inout C) {
        let plot = layout.plotArea
        let slot = plot.width * layout.xAxis.categorySlot
        let groupWidth = slot * 0.8
        let barWidth = groupWidth / Double(bars.values.count)
        for (group, values) in bars.values.enumerated() {
            var path = Path()
            for (index, value) in values.enumerated() {
                guard let top = layout.yAxis.fraction(value) else { continue }
                // A log axis cannot show zero; bars then start at the bottom edge.
                let base = layout.yAxis.fraction(0) ?? 0
                let left = plot.minX + slot * (layout.xAxis.categoryPadding + Double(index) + 0.1) + barWidth * Double(group)
                let y0 = plot.maxY - min(1, max(0, base)) * plot.height
                let y1 = plot.maxY - min(1, max(0, top)) * plot.height
                let rect = Rect(x: left.rounded(), y: min(y0, y1).rounded(), width: max(1, barWidth.rounded()),
                                height: abs(y1 - y0).rounded())
                if rect.height > 0 { path.elements += Path.rectangle(rect).elements }
            }
            canvas.fill(path, color: bars.colors[group])
        }
    }

    func drawHistogram<C: Canvas>(_ histogram: HistogramSeries, layout: PanelLayout, on canvas: inout C) {
        let plot = layout.plotArea
        var path = Path()
        for index in histogram.counts.indices where histogram.counts[index] > 0 {
            guard let left = layout.xAxis.fraction(histogram.edges[index]),
                  let right = layout.xAxis.fraction(histogram.edges[index + 1]),
                  let top = layout.yAxis.fraction(Double(histogram.counts[index])) else { continue }
            let base = layout.yAxis.fraction(0) ?? 0
            let x0 = plot.minX + max(0, left) * plot.width, x1 = plot.minX + min(1, right) * plot.width
            let y0 = plot.maxY - min(1, max(0, base)) * plot.height, y1 = plot.maxY - min(1, max(0, top)) * plot.height
            guard x1 > x0 else { continue }
            path.elements += Path.rectangle(Rect(x: x0, y: min(y0, y1), width: x1 - x0, height: abs(y0 - y1))).elements
        }
        canvas.fill(path, color: histogram.color)
        // Thin white separators so neighbouring bins read as separate bars; each stops at the
        // taller neighbour so grid lines above the bars stay whole.
        var separators = Path()
        let base = plot.maxY - min(1, max(0, layout.yAxis.fraction(0) ?? 0)) * plot.height
        for index in 1..<histogram.counts.count {
            guard let fraction = layout.xAxis.fraction(histogram.edges[index]), fraction > 0, fraction < 1,
                  let top = layout.yAxis.fraction(Double(max(histogram.counts[index - 1], histogram.counts[index]))),
                  max(histogram.counts[index - 1], histogram.counts[index]) > 0 else { continue }
            let x = plot.minX + fraction * plot.width
            separators.move(to: Point(x, base)); separators.line(to: Point(x, plot.maxY - min(1, top) * plot.height))
        }
        if !separators.elements.isEmpty {
            canvas.stroke(separators, style: StrokeStyle(color: .white, width: 1))
        }
    }
}
