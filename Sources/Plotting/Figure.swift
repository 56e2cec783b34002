// A figure: pixel size, an optional title, and a grid of panels (matplotlib's `Figure`).

// MARK: - Figure

/// A chart as a plain value: size, title and a row-major grid of `Axes`.
public struct Figure: Sendable, Equatable {
    /// Width in pixels (canvas units).
    public var width: Int
    /// Height in pixels (canvas units).
    public var height: Int
    public var title: String?
    public let rows: Int
    public let columns: Int
    /// The panels, row by row; `panels.count == rows * columns`.
    public var panels: [Axes]
    /// Text sizes and line weights (`.standard`, `.slides`, `.paper`).
    public var style: ChartStyle = .standard
    /// Pixels per canvas unit in PNG output (2 for high-density screens); layout is unchanged.
    public private(set) var scale: Double = 1

    /// Sets the PNG pixel density: `scale` in 0.25...8, and at most 20000 pixels each way.
    public mutating func setScale(_ scale: Double) throws {
        guard scale.isFinite, (0.25...8).contains(scale) else {
            throw PlotError("scale: must be in 0.25...8 (dpi 25...800), got \(PlotError.number(scale))")
        }
        guard Double(max(width, height)) * scale <= 20_000 else {
            throw PlotError("scale: \(width)x\(height) at scale \(PlotError.number(scale)) is over 20000 pixels")
        }
        self.scale = scale
    }

    /// The PNG size in pixels: the figure size times `scale`, rounded.
    public var pixelWidth: Int { Int((Double(width) * scale).rounded()) }
    public var pixelHeight: Int { Int((Double(height) * scale).rounded()) }

    /// A figure with `rows` x `columns` empty panels.
    public init(width: Int = 800, height: Int = 600, title: String? = nil, rows: Int = 1, columns: Int = 1) throws {
        guard (50...10_000).contains(width), (50...10_000).contains(height) else {
            throw PlotError("figure: size \(width)x\(height) is outside 50...10000 pixels")
        }
        guard (1...16).contains(rows), (1...16).contains(columns) else {
            throw PlotError("figure: grid \(rows)x\(columns) must have 1...16 rows and columns")
        }
        self.width = width; self.height = height; self.title = title
        self.rows = rows; self.columns = columns
        panels = Array(repeating: Axes(), count: rows * columns)
    }

    /// The first panel; the whole chart for a one-panel figure.
    public var axes: Axes {
        get { panels[0] }
        set { panels[0] = newValue }
    }

    /// The panel at `row`, `column` (both from 0).
    public subscript(row: Int, column: Int) -> Axes {
        get {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns,
                         "panel (\(row), \(column)) outside the \(rows)x\(columns) grid")
            return panels[row * columns + column]
        }
        set {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns,
                         "panel (\(row), \(column)) outside the \(rows)x\(columns) grid")
            panels[row * columns + column] = newValue
        }
    }

    /// Index of the first panel with no series, nil when all are filled (for "fill the next panel").
    public var nextEmptyPanel: Int? { panels.firstIndex(where: \.isEmpty) }

    /// Every panel's warnings, prefixed with the panel number when there are several.
    public var warnings: [String] {
        panels.enumerated().flatMap { index, panel in
            panel.warnings.map { panels.count > 1 ? "panel \(index + 1): \($0)" : $0 }
        }
    }

    /// Draws the figure onto `canvas` and finishes it.
    public func draw<C: Canvas>(on canvas: inout C) throws {
        FigureRenderer(figure: self).render(on: &canvas)
        try canvas.finish()
    }
}
