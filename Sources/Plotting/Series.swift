// The data a panel shows. Each kind is a plain value; `Axes` validates and builds them.

// MARK: - Series kinds

/// Marker drawn at each point of a line or scatter series.
public enum Marker: String, Sendable { case none, circle, square }

/// A line through (x, y) points.
public struct LineSeries: Sendable, Equatable {
    public var x: [Double]
    public var y: [Double]
    public var label: String?
    public var color: Color
    public var width: Double
    public var dash: [Double]?
    public var marker: Marker
    /// The unsmoothed values, drawn faint behind the line when it is smoothed.
    public var raw: [Double]? = nil
    /// Half-widths of a shaded band around the line (mean ± spread), one per point.
    public var band: [Double]? = nil
}

/// Points, optionally coloured by a category.
public struct ScatterSeries: Sendable, Equatable {
    public var x: [Double]
    public var y: [Double]
    /// Index into `groupNames` for each point.
    public var groupOfPoint: [Int]
    /// Legend names of the groups in first-appearance order; one unnamed group when none given.
    public var groupNames: [String?]
    public var colors: [Color]
    public var markerSize: Double
}

/// Bars over categories; several value rows make grouped bars.
public struct BarSeries: Sendable, Equatable {
    /// `values[group][category]`; one group for plain bars.
    public var values: [[Double]]
    public var categories: [String]
    /// Legend names of the groups (nil entries are left out of the legend).
    public var groupNames: [String?]
    public var colors: [Color]
}

/// Counts of values in equal-width bins.
public struct HistogramSeries: Sendable, Equatable {
    /// bins + 1 edges, increasing.
    public var edges: [Double]
    public var counts: [Int]
    public var label: String?
    public var color: Color
}

/// A matrix drawn as coloured cells, row 0 at the top.
public struct HeatmapSeries: Sendable, Equatable {
    /// `values[row][column]`; non-finite entries are drawn as empty (light gray) cells.
    public var values: [[Double]]
    public var rowLabels: [String]
    public var columnLabels: [String]
    public var colormap: Colormap
    /// The value range mapped onto the colormap.
    public var valueRange: ClosedRange<Double>
    public var showValues: Bool
    public var colorbarLabel: String?
    public var rows: Int { values.count }
    public var columns: Int { values.first?.count ?? 0 }

    /// The colour of `value` under this heatmap's colormap and range.
    public func color(for value: Double) -> Color {
        let span = valueRange.upperBound - valueRange.lowerBound
        let fraction = span > 0 ? (value - valueRange.lowerBound) / span : 0.5
        return colormap.color(at: fraction)
    }
}

/// Layers stacked on top of each other over shared x values (a stacked area chart).
public struct AreaSeries: Sendable, Equatable {
    public var x: [Double]
    /// `rows[layer][point]`, each >= 0; layer 0 is at the bottom.
    public var rows: [[Double]]
    public var labels: [String?]
    public var colors: [Color]

    /// Running totals: `tops[layer][point]` is the upper edge of that layer.
    public var tops: [[Double]] {
        var running = Array(repeating: 0.0, count: x.count)
        return rows.map { row in
            for index in running.indices { running[index] += row[index] }
            return running
        }
    }
}

/// A plane split into regions by category (decision regions): a grid of category indices over
/// `xRange` x `yRange`, drawn as lightly tinted cells under the other series.
public struct RegionSeries: Sendable, Equatable {
    public var xRange: ClosedRange<Double>
    public var yRange: ClosedRange<Double>
    /// `grid[row][column]`: row 0 is the lowest y, column 0 the lowest x; -1 leaves a cell blank.
    public var grid: [[Int]]
    public var categoryNames: [String]
    /// Full-strength category colours (legend and scatter); cells use `tint(of:)`.
    public var colors: [Color]

    /// The light version of a category colour that fills its cells, so points on top stay readable.
    public static func tint(of color: Color) -> Color { color.mixed(with: .white, 0.62) }
}

/// One thing drawn in a panel.
public enum Series: Sendable, Equatable {
    case line(LineSeries)
    case scatter(ScatterSeries)
    case bar(BarSeries)
    case histogram(HistogramSeries)
    case heatmap(HeatmapSeries)
    case area(AreaSeries)
    case regions(RegionSeries)
    /// A paragraph of tokens on category colours (see TokenText.swift).
    case tokenText(TokenTextSeries)
}

// MARK: - Errors

/// Bad chart input, with the offending values in the message.
public struct PlotError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
