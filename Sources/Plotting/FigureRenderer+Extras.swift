import Foundation

// Drawing what training histories and teaching need beyond plain series: shaded bands, the
// faint raw line behind a smoothed one, stacked areas, decision regions, reference lines and
// annotations. All of it goes through the same Canvas primitives.

// MARK: - Bands, raw lines, areas

extension FigureRenderer {
    /// Opacity of the raw series behind a smoothed line (TensorBoard draws it faint in the same colour).
    static let rawOpacity = 0.25
    /// Opacity of a ± band.
    static let bandOpacity = 0.2

    /// y ± band as one filled polygon per run of finite points, clipped to the plot.
    func drawBand<C: Canvas>(_ line: LineSeries, layout: PanelLayout, on canvas: inout C) {
        guard let band = line.band else { return }
        var path = Path()
        var upper: [Point] = [], lower: [Point] = []
        func flush() {
            if upper.count >= 2 { path.elements += Clipping.polygon(upper + lower.reversed(), to: layout.plotArea).elements }
            upper.removeAll(); lower.removeAll()
        }
        for index in line.x.indices {
            guard band[index].isFinite,
                  let top = position(line.x[index], line.y[index] + band[index], layout: layout),
                  let bottom = position(line.x[index], line.y[index] - band[index], layout: layout) else { flush(); continue }
            upper.append(top); lower.append(bottom)
        }
        flush()
        if !path.elements.isEmpty { canvas.fill(path, color: line.color.withAlpha(Self.bandOpacity)) }
    }

    /// The unsmoothed values of a smoothed line, faint, in the line's colour.
    func drawRawLine<C: Canvas>(_ line: LineSeries, layout: PanelLayout, on canvas: inout C) {
        guard let raw = line.raw else { return }
        let points = line.x.indices.map { position(line.x[$0], raw[$0], layout: layout) }
        let path = Clipping.polyline(points, to: layout.plotArea)
        guard !path.elements.isEmpty else { return }
        canvas.stroke(path, style: StrokeStyle(color: line.color.withAlpha(Self.rawOpacity),
                                               width: line.width * layout.metrics.style.lineScale, dash: line.dash))
    }

    /// Stacked layers drawn top layer first, each from the base up to its running total, so
    /// neighbouring layers share no anti-aliased edge (no light seams between them).
    func drawArea<C: Canvas>(_ area: AreaSeries, layout: PanelLayout, on canvas: inout C) {
        let tops = area.tops
        let base = max(0, min(1, layout.yAxis.fraction(0) ?? 0))
        let plot = layout.plotArea
        for layer in tops.indices.reversed() {
            var outline: [Point] = []
            outline.reserveCapacity(area.x.count + 2)
            for index in area.x.indices {
                guard let fx = layout.xAxis.fraction(area.x[index]), let fy = layout.yAxis.fraction(tops[layer][index]) else { continue }
                outline.append(Point(plot.minX + fx * plot.width, plot.maxY - fy * plot.height))
            }
            guard let first = outline.first, let last = outline.last else { continue }
            let baseY = plot.maxY - base * plot.height
            outline += [Point(last.x, baseY), Point(first.x, baseY)]
            let path = Clipping.polygon(outline, to: plot)
            if !path.elements.isEmpty { canvas.fill(path, color: area.colors[layer]) }
        }
    }

    // MARK: Regions

    /// Each category's cells as one path of whole-pixel rectangles (runs of equal neighbours
    /// merged along rows), tinted so the points drawn on top stay readable.
    func drawRegions<C: Canvas>(_ regions: RegionSeries, layout: PanelLayout, on canvas: inout C) {
        let plot = layout.plotArea
        let rows = regions.grid.count, columns = regions.grid.first?.count ?? 0
        guard rows > 0, columns > 0 else { return }
        func edge(_ value: Double, _ axis: AxisModel, horizontal: Bool) -> Double? {
            guard let fraction = axis.fraction(value) else { return nil }
            let clamped = min(1, max(0, fraction))
            return (horizontal ? plot.minX + clamped * plot.width : plot.maxY - clamped * plot.height).rounded()
        }
        let xSpan = regions.xRange.upperBound - regions.xRange.lowerBound
        let ySpan = regions.yRange.upperBound - regions.yRange.lowerBound
        let xEdges = (0...columns).map { edge(regions.xRange.lowerBound + xSpan * Double($0) / Double(columns), layout.xAxis, horizontal: true) }
        let yEdges = (0...rows).map { edge(regions.yRange.lowerBound + ySpan * Double($0) / Double(rows), layout.yAxis, horizontal: false) }
        var paths = Array(repeating: Path(), count: regions.categoryNames.count)
        for row in 0..<rows {
            guard let bottom = yEdges[row], let top = yEdges[row + 1], bottom > top else { continue }
            var column = 0
            while column < columns {
                let category = regions.grid[row][column]
                var end = column + 1
                while end < columns && regions.grid[row][end] == category { end += 1 }
                if category >= 0, let left = xEdges[column], let right = xEdges[end], right > left {
                    paths[category].elements += Path.rectangle(Rect(x: left, y: top, width: right - left, height: bottom - top)).elements
                }
                column = end
            }
        }
        for (path, color) in zip(paths, regions.colors) where !path.elements.isEmpty {
            canvas.fill(path, color: RegionSeries.tint(of: color))
        }
    }

    // MARK: Reference lines and annotations

    func drawReferenceLines<C: Canvas>(_ lines: [ReferenceLine], layout: PanelLayout, on canvas: inout C) {
        let plot = layout.plotArea
        for line in lines {
            let width = line.width * layout.metrics.style.lineScale
            var path = Path()
            switch line.orientation {
            case .horizontal:
                guard let fraction = layout.yAxis.fraction(line.value), (0...1).contains(fraction) else { continue }
                let y = plot.maxY - fraction * plot.height
                path.move(to: Point(plot.minX, y)); path.line(to: Point(plot.maxX, y))
            case .vertical:
                guard let fraction = layout.xAxis.fraction(line.value), (0...1).contains(fraction) else { continue }
                let x = plot.minX + fraction * plot.width
                path.move(to: Point(x, plot.maxY)); path.line(to: Point(x, plot.minY))
            }
            canvas.stroke(path, style: StrokeStyle(color: line.color, width: width, dash: line.style.dash(width: width)))
        }
    }

    /// A dot at the point and the text just above-right of it (above-left near the right edge).
    func drawAnnotations<C: Canvas>(_ annotations: [Annotation], layout: PanelLayout, on canvas: inout C) {
        let plot = layout.plotArea
        let metrics = layout.metrics
        for note in annotations {
            guard let point = position(note.x, note.y, layout: layout),
                  plot.contains(Rect(x: point.x, y: point.y, width: 0, height: 0)) else { continue }
            let radius = 2.5 * metrics.style.lineScale.squareRoot()
            canvas.fill(Path.circle(center: point, radius: radius, segments: 12), color: note.color)
            let offset = metrics.pad * 0.7
            let fitsRight = point.x + offset + metrics.width(note.text, metrics.tickSize) <= plot.maxX
            let nearTop = point.y - offset - metrics.lineHeight(metrics.tickSize) < plot.minY
            canvas.drawText(note.text, at: Point(fitsRight ? point.x + offset : point.x - offset,
                                                 nearTop ? point.y + offset : point.y - offset),
                            style: TextStyle(size: metrics.tickSize, color: note.color,
                                             horizontal: fitsRight ? .start : .end, vertical: nearTop ? .top : .bottom))
        }
    }
}

// MARK: - Polygon clipping

extension Clipping {
    /// Clips a closed polygon to a rectangle (Sutherland-Hodgman); an empty path when nothing is left.
    static func polygon(_ points: [Point], to rect: Rect) -> Path {
        var current = points
        let edges: [(Point) -> Bool] = [{ $0.x >= rect.minX }, { $0.x <= rect.maxX }, { $0.y >= rect.minY }, { $0.y <= rect.maxY }]
        let crossings: [(Point, Point) -> Point] = [
            { a, b in Point(rect.minX, a.y + (b.y - a.y) * (rect.minX - a.x) / (b.x - a.x)) },
            { a, b in Point(rect.maxX, a.y + (b.y - a.y) * (rect.maxX - a.x) / (b.x - a.x)) },
            { a, b in Point(a.x + (b.x - a.x) * (rect.minY - a.y) / (b.y - a.y), rect.minY) },
            { a, b in Point(a.x + (b.x - a.x) * (rect.maxY - a.y) / (b.y - a.y), rect.maxY) },
        ]
        for (inside, crossing) in zip(edges, crossings) {
            guard !current.isEmpty else { break }
            // Nothing to cut on this side: keep the polygon as it is (the common case).
            if current.allSatisfy(inside) { continue }
            var output: [Point] = []
            var previous = current[current.count - 1]
            for point in current {
                let pointInside = inside(point), previousInside = inside(previous)
                if pointInside {
                    if !previousInside { output.append(crossing(previous, point)) }
                    output.append(point)
                } else if previousInside {
                    output.append(crossing(previous, point))
                }
                previous = point
            }
            current = output
        }
        guard current.count >= 3 else { return Path() }
        var path = Path()
        path.move(to: current[0])
        for point in current.dropFirst() { path.line(to: point) }
        path.elements.append(.close)
        return path
    }
}
