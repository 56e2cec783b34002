// One panel of a figure: labels, scales, limits, legend and the series it shows.
// Methods that add series validate their input and throw `PlotError` with the values in it.

// MARK: - Axes

/// Linear or base-10 logarithmic axis.
public enum Scale: String, Sendable { case linear, log }

/// Where a panel's legend goes.
public enum LegendPosition: String, Sendable {
    /// The corner that hides the fewest data points (matplotlib's "best").
    case best
    case upperRight, upperLeft, lowerLeft, lowerRight
    /// To the right of the plot area, outside the data.
    case outside
    case hidden
}

/// A panel: a plot area with its axes, labels, legend and series (matplotlib's `Axes`).
public struct Axes: Sendable, Equatable {
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    public var xScale: Scale = .linear
    public var yScale: Scale = .linear
    /// Fixed x range; either end nil fits the data (see `setLimits`).
    public var xLimits = AxisLimits()
    /// Fixed y range; either end nil fits the data.
    public var yLimits = AxisLimits()
    public var showGrid: Bool = true
    public var legend: LegendPosition = .best
    public internal(set) var series: [Series] = []
    /// Horizontal and vertical reference lines (`hline`, `vline`), drawn over the data.
    public internal(set) var referenceLines: [ReferenceLine] = []
    /// Text placed at data coordinates (`annotate`).
    public internal(set) var annotations: [Annotation] = []
    /// Problems found in the input that did not stop the chart (skipped NaN values, ...).
    public internal(set) var inputWarnings: [String] = []

    public init(title: String? = nil, xLabel: String? = nil, yLabel: String? = nil) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel
    }

    /// True when nothing has been added yet.
    public var isEmpty: Bool { series.isEmpty }

    /// Input warnings plus warnings about the current scales (values a log axis cannot show).
    public var warnings: [String] {
        var result = inputWarnings
        if xScale == .log || yScale == .log {
            var skipped = 0
            for case .line(let line) in series {
                for (x, y) in zip(line.x, line.y) where (xScale == .log && x <= 0) || (yScale == .log && y <= 0) {
                    skipped += 1
                }
            }
            for case .scatter(let scatter) in series {
                for (x, y) in zip(scatter.x, scatter.y) where (xScale == .log && x <= 0) || (yScale == .log && y <= 0) {
                    skipped += 1
                }
            }
            if skipped > 0 { result.append("log scale: skipped \(skipped) point(s) with values <= 0") }
        }
        return result
    }

    /// The number of line, scatter, bar, histogram and area series so far; picks the next palette colour.
    var colorIndex: Int {
        series.reduce(0) { count, item in
            switch item {
            case .line, .histogram: return count + 1
            case .scatter(let scatter): return count + scatter.groupNames.count
            case .bar(let bars): return count + bars.values.count
            case .area(let area): return count + area.rows.count
            case .heatmap, .regions, .tokenText: return count
            }
        }
    }

    // MARK: - Adding series

    /// Adds a line through `y` against `x` (default 0, 1, 2, ...). Non-finite points are
    /// skipped (the line breaks there) with a warning. `smooth` in 0..<1 draws TensorBoard's
    /// debiased moving average as the line with the raw values faint behind it; `band` (one
    /// non-negative half-width per point) shades y ± band.
    public mutating func plot(_ y: [Double], x: [Double]? = nil, label: String? = nil, color: Color? = nil,
                              width: Double = 1.5, dash: [Double]? = nil, marker: Marker = .none,
                              smooth: Double = 0, band: [Double]? = nil) throws {
        let name = label.map { "'\($0)'" } ?? "#\(colorIndex + 1)"
        guard !y.isEmpty else { throw PlotError("plot: series \(name) has no values") }
        let xs = x ?? y.indices.map(Double.init)
        guard xs.count == y.count else {
            throw PlotError("plot: series \(name) has \(xs.count) x values but \(y.count) y values")
        }
        guard width.isFinite, width > 0 else { throw PlotError("plot: line width must be positive, got \(width)") }
        let bad = zip(xs, y).filter { !$0.0.isFinite || !$0.1.isFinite }.count
        if bad == y.count { throw PlotError("plot: all \(y.count) values of series \(name) are NaN or infinite") }
        if bad > 0 { inputWarnings.append("plot: skipped \(bad) non-finite point(s) (NaN or inf) in series \(name)") }
        let smoothed = smooth == 0 ? y : try Smoothing.ema(y, weight: smooth, option: "smooth")
        if let band {
            guard band.count == y.count else {
                throw PlotError("band: \(band.count) values for the \(y.count) points of series \(name)")
            }
            if let index = band.firstIndex(where: { $0.isFinite && $0 < 0 }) {
                throw PlotError("band: half-widths must be >= 0, got \(PlotError.number(band[index])) at point \(index)")
            }
        }
        series.append(.line(LineSeries(x: xs, y: smoothed, label: label, color: color ?? Palette.color(colorIndex),
                                       width: width, dash: dash, marker: marker,
                                       raw: smooth == 0 ? nil : y, band: band)))
    }

    /// Adds one line per row of `ys` (all against the same `x`), named by `labels` when given.
    public mutating func plot(series ys: [[Double]], x: [Double]? = nil, labels: [String]? = nil,
                              smooth: Double = 0) throws {
        guard !ys.isEmpty else { throw PlotError("plot: no series given") }
        if let labels, labels.count != ys.count {
            throw PlotError("plot: \(labels.count) labels for \(ys.count) series")
        }
        for (index, y) in ys.enumerated() { try plot(y, x: x, label: labels?[index], smooth: smooth) }
    }

    /// Adds points at (x, y); `groups` (one name per point) colours them by category with a legend.
    public mutating func scatter(x: [Double], y: [Double], groups: [String]? = nil, label: String? = nil,
                                 markerSize: Double = 6) throws {
        guard !x.isEmpty else { throw PlotError("scatter: no points") }
        guard x.count == y.count else { throw PlotError("scatter: \(x.count) x values but \(y.count) y values") }
        if let groups, groups.count != x.count {
            throw PlotError("scatter: \(groups.count) group names for \(x.count) points")
        }
        var keptX: [Double] = [], keptY: [Double] = [], keptGroups: [Int] = []
        var names: [String?] = []
        var indexOfName: [String: Int] = [:]
        for index in x.indices {
            guard x[index].isFinite, y[index].isFinite else { continue }
            var group = 0
            if let groups {
                let name = groups[index]
                if let known = indexOfName[name] { group = known } else {
                    group = names.count; indexOfName[name] = group; names.append(name)
                }
            }
            keptX.append(x[index]); keptY.append(y[index]); keptGroups.append(group)
        }
        if keptX.isEmpty { throw PlotError("scatter: all \(x.count) points have NaN or infinite coordinates") }
        if keptX.count < x.count {
            inputWarnings.append("scatter: skipped \(x.count - keptX.count) point(s) with NaN or inf coordinates")
        }
        if groups == nil { names = [label] }
        let first = colorIndex
        series.append(.scatter(ScatterSeries(x: keptX, y: keptY, groupOfPoint: keptGroups, groupNames: names,
                                             colors: names.indices.map { Palette.color(first + $0) },
                                             markerSize: markerSize)))
    }

    /// Adds one bar per value, labelled by `labels` (default "0", "1", ...).
    public mutating func bar(_ values: [Double], labels: [String]? = nil, label: String? = nil) throws {
        try groupedBar([values], labels: labels, groupLabels: [label])
    }

    /// Adds grouped bars: `values[group][category]`, one colour and legend entry per group.
    public mutating func groupedBar(_ values: [[Double]], labels: [String]? = nil, groupLabels: [String?]? = nil) throws {
        guard let count = values.first?.count, count > 0 else { throw PlotError("bar: no values") }
        for (group, row) in values.enumerated() where row.count != count {
            throw PlotError("bar: group \(group) has \(row.count) values but group 0 has \(count)")
        }
        let categories = labels ?? (0..<count).map(String.init)
        guard categories.count == count else {
            throw PlotError("bar: \(categories.count) labels for \(count) bars")
        }
        let names = groupLabels ?? Array(repeating: nil, count: values.count)
        guard names.count == values.count else {
            throw PlotError("bar: \(names.count) group labels for \(values.count) groups")
        }
        var cleaned = values
        var bad = 0
        for group in cleaned.indices {
            for index in cleaned[group].indices where !cleaned[group][index].isFinite {
                cleaned[group][index] = .nan; bad += 1
            }
        }
        if bad == count * values.count { throw PlotError("bar: all \(bad) values are NaN or infinite") }
        if bad > 0 { inputWarnings.append("bar: skipped \(bad) NaN or infinite value(s)") }
        let first = colorIndex
        series.append(.bar(BarSeries(values: cleaned, categories: categories, groupNames: names,
                                     colors: values.indices.map { Palette.color(first + $0) })))
    }

    /// Adds a histogram of `values` in `bins` equal-width bins spanning their range.
    public mutating func histogram(_ values: [Double], bins: Int = 10, label: String? = nil) throws {
        guard bins >= 1, bins <= 10_000 else { throw PlotError("hist: bins must be in 1...10000, got \(bins)") }
        let finite = values.filter(\.isFinite)
        guard !values.isEmpty else { throw PlotError("hist: no values") }
        guard let low = finite.min(), let high = finite.max() else {
            throw PlotError("hist: all \(values.count) values are NaN or infinite")
        }
        if finite.count < values.count {
            inputWarnings.append("hist: skipped \(values.count - finite.count) NaN or infinite value(s)")
        }
        let (start, end) = low < high ? (low, high) : (low - 0.5, high + 0.5)
        let binWidth = (end - start) / Double(bins)
        let edges = (0...bins).map { start + Double($0) * binWidth }
        var counts = Array(repeating: 0, count: bins)
        for value in finite {
            // The last bin is closed on the right, as in numpy.histogram.
            counts[min(bins - 1, Int((value - start) / binWidth))] += 1
        }
        series.append(.histogram(HistogramSeries(edges: edges, counts: counts, label: label,
                                                 color: Palette.color(colorIndex))))
    }

    /// Adds a heatmap of `matrix[row][column]` (row 0 at the top) with a colorbar.
    /// The colour range is `valueRange`, else `vmin`/`vmax` (either may be nil: that end follows
    /// the automatic range), else automatic: the data range, symmetric about zero for
    /// `.diverging`, and 0...1 for probability-like matrices (rows or columns summing to 1).
    public mutating func heatmap(_ matrix: [[Double]], rowLabels: [String]? = nil, columnLabels: [String]? = nil,
                                 colormap: Colormap = .viridis, showValues: Bool = false,
                                 valueRange: ClosedRange<Double>? = nil, vmin: Double? = nil, vmax: Double? = nil,
                                 colorbarLabel: String? = nil) throws {
        guard let columns = matrix.first?.count, columns > 0 else {
            throw PlotError("heatmap: matrix is empty (\(matrix.count)x\(matrix.first?.count ?? 0))")
        }
        for (row, values) in matrix.enumerated() where values.count != columns {
            throw PlotError("heatmap: row \(row) has \(values.count) columns but row 0 has \(columns)")
        }
        let rowNames = rowLabels ?? matrix.indices.map(String.init)
        let columnNames = columnLabels ?? (0..<columns).map(String.init)
        guard rowNames.count == matrix.count else {
            throw PlotError("heatmap: \(rowNames.count) row labels for \(matrix.count) rows")
        }
        guard columnNames.count == columns else {
            throw PlotError("heatmap: \(columnNames.count) column labels for \(columns) columns")
        }
        for (name, value) in [("vmin", vmin), ("vmax", vmax)] {
            if let value, !value.isFinite { throw PlotError("heatmap: \(name) must be finite, got \(value)") }
        }
        if let vmin, let vmax, vmin >= vmax {
            throw PlotError("heatmap: vmin \(PlotError.number(vmin)) must be below vmax \(PlotError.number(vmax))")
        }
        let finite = matrix.flatMap { $0 }.filter(\.isFinite)
        guard var low = finite.min(), var high = finite.max() else {
            throw PlotError("heatmap: all \(matrix.count * columns) values are NaN or infinite")
        }
        let bad = matrix.count * columns - finite.count
        if bad > 0 { inputWarnings.append("heatmap: \(bad) NaN or infinite cell(s) left blank") }
        if let valueRange {
            guard valueRange.lowerBound.isFinite, valueRange.upperBound.isFinite else {
                throw PlotError("heatmap: value range \(valueRange) is not finite")
            }
            low = valueRange.lowerBound; high = valueRange.upperBound
        } else if colormap.isDiverging {
            let extent = max(abs(low), abs(high))
            (low, high) = (-extent, extent)
        } else if Self.isProbabilityLike(matrix) {
            // Shares on [0, 1]: a 0.5 share looks half full, not as full as the largest cell.
            (low, high) = (0, 1)
        }
        if let vmin { low = vmin }
        if let vmax { high = vmax }
        if (vmin != nil || vmax != nil) && low >= high {
            throw PlotError(vmin != nil
                ? "heatmap: vmin \(PlotError.number(low)) is not below the largest value \(PlotError.number(high)); give vmax too"
                : "heatmap: vmax \(PlotError.number(high)) is not above the smallest value \(PlotError.number(low)); give vmin too")
        }
        if low == high { (low, high) = (low - 0.5, high + 0.5) }
        series.append(.heatmap(HeatmapSeries(values: matrix, rowLabels: rowNames, columnLabels: columnNames,
                                             colormap: colormap, valueRange: low...high, showValues: showValues,
                                             colorbarLabel: colorbarLabel)))
    }
}

extension Axes {
    /// True when every value is in 0...1 and every row (or every column: a load history with one
    /// row per expert) sums to 1 within 1e-3 — a matrix of probabilities or shares.
    static func isProbabilityLike(_ matrix: [[Double]]) -> Bool {
        guard let columns = matrix.first?.count, columns > 0 else { return false }
        for row in matrix { for value in row where !(value >= 0 && value <= 1) { return false } }
        let tolerance = 1e-3
        if matrix.allSatisfy({ abs($0.reduce(0, +) - 1) <= tolerance }) { return true }
        return (0..<columns).allSatisfy { column in abs(matrix.reduce(0) { $0 + $1[column] } - 1) <= tolerance }
    }
}
