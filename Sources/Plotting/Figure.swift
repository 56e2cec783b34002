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
