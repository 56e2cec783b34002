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
                    throw PlotError("area: stacked values must be >= 0; row \(layer) has \(TickFormatter.compact(value)) at point \(index)")
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
