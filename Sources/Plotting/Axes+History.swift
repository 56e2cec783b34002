// Series for training histories and the plane: stacked areas (each expert's share of the load
// over steps) and decision regions (which expert or class wins at each point).

// MARK: - Stacked area and regions

extension Axes {
    /// Adds a stacked area chart: `rows[layer][point]` against `x` (default 0, 1, 2, ...), layer 0
    /// at the bottom. Values must be >= 0; NaN and infinite values count as 0 with a warning.
    public mutating func area(_ rows: [[Double]], x: [Double]? = nil, labels: [String]? = nil) throws {
        guard let count = rows.first?.count, count > 0 else { throw PlotError("area: no values") }
        for (index, row) in rows.enumerated() where row.count != count {
            throw PlotError("area: row \(index) has \(row.count) values but row 0 has \(count)")
        }
        if let labels, labels.count != rows.count {
            throw PlotError("area: \(labels.count) labels for \(rows.count) rows")
        }
        let xs = x ?? (0..<count).map(Double.init)
        guard xs.count == count else { throw PlotError("area: \(xs.count) x values but \(count) values per row") }
        if let index = xs.firstIndex(where: { !$0.isFinite }) {
            throw PlotError("area: x value \(index) is \(xs[index]); x values must be finite")
        }
        var cleaned = rows
        var bad = 0
        for layer in cleaned.indices {
            for index in cleaned[layer].indices {
                let value = cleaned[layer][index]
                if !value.isFinite { cleaned[layer][index] = 0; bad += 1; continue }
                if value < 0 {
                    throw PlotError("area: stacked values must be >= 0; row \(layer) has \(PlotError.number(value)) at point \(index)")
                }
            }
        }
        if bad > 0 { inputWarnings.append("area: \(bad) NaN or infinite value(s) counted as 0") }
        let first = colorIndex
        series.append(.area(AreaSeries(x: xs, rows: cleaned, labels: labels ?? Array(repeating: nil, count: rows.count),
                                       colors: rows.indices.map { Palette.color(first + $0) })))
    }

    /// Adds decision regions: `grid[row][column]` holds the winning category (0..<names.count, or
    /// -1 for none) of equal cells covering `xRange` x `yRange`, row 0 at the lowest y.
    public mutating func regions(_ grid: [[Int]], xRange: ClosedRange<Double>, yRange: ClosedRange<Double>,
                                 categoryNames: [String]) throws {
        guard let columns = grid.first?.count, columns > 0 else { throw PlotError("regions: the grid is empty") }
        for (index, row) in grid.enumerated() where row.count != columns {
            throw PlotError("regions: grid row \(index) has \(row.count) cells but row 0 has \(columns)")
        }
        guard !categoryNames.isEmpty else { throw PlotError("regions: no categories") }
        for row in grid {
            if let bad = row.first(where: { $0 < -1 || $0 >= categoryNames.count }) {
                throw PlotError("regions: category \(bad) is outside 0..<\(categoryNames.count)")
            }
        }
        guard xRange.lowerBound.isFinite, xRange.upperBound.isFinite, yRange.lowerBound.isFinite, yRange.upperBound.isFinite,
              xRange.upperBound > xRange.lowerBound, yRange.upperBound > yRange.lowerBound else {
            throw PlotError("regions: the plane \(xRange) x \(yRange) must have finite, non-empty ranges")
        }
        series.append(.regions(RegionSeries(xRange: xRange, yRange: yRange, grid: grid, categoryNames: categoryNames,
                                             colors: categoryNames.indices.map { Palette.color($0) })))
    }
}

extension Axes {
    /// Adds points coloured by a category index: point i gets `Palette.color(categories[i])` and the
    /// legend name `names[categories[i]]`, so class k has the same colour as region k beneath it
    /// (`colorOffset` shifts the colours when the regions show something else, e.g. experts).
    public mutating func scatter(x: [Double], y: [Double], categories: [Int], names: [String], markerSize: Double = 6,
                                 colorOffset: Int = 0) throws {
        guard !x.isEmpty else { throw PlotError("scatter: no points") }
        guard x.count == y.count, categories.count == x.count else {
            throw PlotError("scatter: \(x.count) x values, \(y.count) y values and \(categories.count) categories")
        }
        if let bad = categories.first(where: { $0 < 0 || $0 >= names.count }) {
            throw PlotError("scatter: category \(bad) is outside 0..<\(names.count)")
        }
        let kept = x.indices.filter { x[$0].isFinite && y[$0].isFinite }
        guard !kept.isEmpty else { throw PlotError("scatter: all \(x.count) points have NaN or infinite coordinates") }
        if kept.count < x.count {
            inputWarnings.append("scatter: skipped \(x.count - kept.count) point(s) with NaN or inf coordinates")
        }
        series.append(.scatter(ScatterSeries(x: kept.map { x[$0] }, y: kept.map { y[$0] }, groupOfPoint: kept.map { categories[$0] },
                                             groupNames: names, colors: names.indices.map { Palette.color(colorOffset + $0) },
                                             markerSize: markerSize)))
    }
}
