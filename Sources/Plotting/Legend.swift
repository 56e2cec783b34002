// Legend placement and drawing.

// MARK: - Placement

/// Picks the legend corner that covers the fewest data points (matplotlib's loc="best").
struct LegendPlacer {
    let axes: Axes
    let plot: Rect
    let xAxis: AxisModel
    let yAxis: AxisModel
    let metrics: ChartMetrics

    /// Candidate boxes in matplotlib's preference order for "best": the corners, then the
    /// middles of the edges (those have no fixed `LegendPosition` of their own).
    func candidates(width: Double, height: Double) -> [(LegendPosition?, Rect)] {
        let inset = metrics.pad * 1.2
        let left = plot.minX + inset, right = plot.maxX - inset - width
        let top = plot.minY + inset, bottom = plot.maxY - inset - height
        let centerX = plot.midX - width / 2, centerY = plot.midY - height / 2
        return [
            (.upperRight, Rect(x: right, y: top, width: width, height: height)),
            (.upperLeft, Rect(x: left, y: top, width: width, height: height)),
            (.lowerLeft, Rect(x: left, y: bottom, width: width, height: height)),
            (.lowerRight, Rect(x: right, y: bottom, width: width, height: height)),
            (nil, Rect(x: right, y: centerY, width: width, height: height)),
            (nil, Rect(x: left, y: centerY, width: width, height: height)),
            (nil, Rect(x: centerX, y: bottom, width: width, height: height)),
            (nil, Rect(x: centerX, y: top, width: width, height: height)),
        ]
    }

    func place(size: (width: Double, height: Double), position: LegendPosition) -> Rect {
        let boxes = candidates(width: size.width, height: size.height)
        if let fixed = boxes.first(where: { $0.0 == position }) { return fixed.1 }
        let points = samplePoints()
        var best = boxes[0].1
        var fewest = Int.max
        for (index, (_, box)) in boxes.enumerated() {
            let covered = points.reduce(0) { count, point in
                count + (point.x >= box.minX && point.x <= box.maxX && point.y >= box.minY && point.y <= box.maxY ? 1 : 0)
            }
            // A corner is preferred; an edge middle wins only when it hides nothing at all.
            let isCorner = index < 4
            if (isCorner && covered < fewest) || (!isCorner && covered == 0 && fewest > 0) {
                fewest = covered; best = box
            }
        }
        return best
    }

    /// Data points in canvas coordinates (bars and histogram bins contribute points along their
    /// height, so a legend avoids tall bars too). At most ~4000 points are tested.
    func samplePoints() -> [Point] {
        var points: [Point] = []
        func add(_ x: Double, _ y: Double) {
            if let fx = xAxis.fraction(x), let fy = yAxis.fraction(y) {
                points.append(Point(plot.minX + fx * plot.width, plot.maxY - fy * plot.height))
            }
        }
        for item in axes.series {
            switch item {
            case .line(let line):
                let step = max(1, line.x.count / 1000)
                for index in stride(from: 0, to: line.x.count, by: step) { add(line.x[index], line.y[index]) }
            case .scatter(let scatter):
                let step = max(1, scatter.x.count / 1000)
                for index in stride(from: 0, to: scatter.x.count, by: step) { add(scatter.x[index], scatter.y[index]) }
            case .bar(let bars):
                for group in bars.values {
                    for (index, value) in group.enumerated() where value.isFinite {
                        for part in 0...10 { add(Double(index), value * Double(part) / 10) }
                    }
                }
            case .histogram(let histogram):
                for index in histogram.counts.indices {
                    let center = (histogram.edges[index] + histogram.edges[index + 1]) / 2
                    for part in 0...10 { add(center, Double(histogram.counts[index]) * Double(part) / 10) }
                }
            case .area(let area):
                for top in area.tops {
                    let step = max(1, top.count / 200)
                    for index in stride(from: 0, to: top.count, by: step) {
                        for part in 0...10 { add(area.x[index], top[index] * Double(part) / 10) }
                    }
                }
            case .heatmap, .regions, .tokenText:
                break
            }
        }
        for line in axes.referenceLines {
            // Sample the reference line across the panel so a legend does not sit on it.
            for part in 0...20 {
                let fraction = Double(part) / 20
                switch line.orientation {
                case .horizontal:
                    if let fy = yAxis.fraction(line.value) { points.append(Point(plot.minX + fraction * plot.width, plot.maxY - fy * plot.height)) }
                case .vertical:
                    if let fx = xAxis.fraction(line.value) { points.append(Point(plot.minX + fx * plot.width, plot.maxY - fraction * plot.height)) }
                }
            }
        }
        return points
    }
}

// MARK: - Drawing

extension FigureRenderer {
    /// A white, lightly framed box with one swatch and label per entry.
    func drawLegend<C: Canvas>(_ entries: [LegendEntry], in box: Rect, metrics: ChartMetrics, on canvas: inout C) {
        let size = metrics.legendSize
        canvas.fill(Path.rectangle(box), color: Color.white.withAlpha(0.85))
        canvas.stroke(Path.rectangle(box.insetBy(0.5)), style: StrokeStyle(color: Color(hex: 0xcccccc), width: 1))
        let rowHeight = metrics.lineHeight(size) * 1.15
        for (index, entry) in entries.enumerated() {
            let centerY = box.minY + size * 0.5 + rowHeight * (Double(index) + 0.5)
            let swatchLeft = box.minX + size * 0.6
            let swatchRight = swatchLeft + size * 2
            switch entry.swatch {
            case .line(let width, let dash):
                canvas.stroke(Path.polyline([Point(swatchLeft, centerY), Point(swatchRight, centerY)]),
                              style: StrokeStyle(color: entry.color, width: width * metrics.style.lineScale, dash: dash))
            case .lineWithMarker(let width, let dash):
                let width = width * metrics.style.lineScale
                canvas.stroke(Path.polyline([Point(swatchLeft, centerY), Point(swatchRight, centerY)]),
                              style: StrokeStyle(color: entry.color, width: width, dash: dash))
                canvas.fill(Path.circle(center: Point((swatchLeft + swatchRight) / 2, centerY), radius: max(2, width * 1.8), segments: 12),
                            color: entry.color)
            case .marker:
                canvas.fill(Path.circle(center: Point((swatchLeft + swatchRight) / 2, centerY), radius: size * 0.3),
                            color: entry.color)
            case .patch:
                canvas.fill(Path.rectangle(Rect(x: swatchLeft, y: centerY - size * 0.35, width: size * 2, height: size * 0.7)),
                            color: entry.color)
            }
            canvas.drawText(entry.label, at: Point(swatchRight + size * 0.6, centerY),
                            style: TextStyle(size: size, color: .black, vertical: .middle))
        }
    }
}
