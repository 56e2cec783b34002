// The renderer contract: a canvas needs only these primitives. Axes, ticks, legends,
// colorbars, heatmap cells and markers are all built from them by `FigureRenderer`.

// MARK: - Styles

/// How a stroke looks.
public struct StrokeStyle: Sendable, Equatable {
    public var color: Color
    public var width: Double
    /// Alternating on/off lengths; nil for a solid line.
    public var dash: [Double]?
    public init(color: Color, width: Double, dash: [Double]? = nil) {
        self.color = color; self.width = width; self.dash = dash
    }
}

/// Where the anchor point sits horizontally in a piece of text.
public enum HorizontalAnchor: String, Sendable { case start, middle, end }

/// Where the anchor point sits vertically in a piece of text.
public enum VerticalAnchor: String, Sendable {
    /// The top of the ascent.
    case top
    /// Halfway between ascent and descent.
    case middle
    /// The baseline.
    case baseline
    /// The bottom of the descent.
    case bottom
}

/// How a piece of text is set.
public struct TextStyle: Sendable, Equatable {
    /// Font size in canvas units per em.
    public var size: Double
    public var color: Color
    /// Rotation in degrees, counter-clockwise as seen on screen (90 reads bottom to top).
    public var angle: Double
    public var horizontal: HorizontalAnchor
    public var vertical: VerticalAnchor
    public init(size: Double, color: Color = .black, angle: Double = 0,
                horizontal: HorizontalAnchor = .start, vertical: VerticalAnchor = .baseline) {
        self.size = size; self.color = color; self.angle = angle
        self.horizontal = horizontal; self.vertical = vertical
    }

    /// Offset from the anchor point to the start of the baseline, in the text's own
    /// (unrotated) frame: x along the text, y downwards.
    public func baselineOffset(for metrics: TextMetrics) -> (x: Double, y: Double) {
        let x: Double
        switch horizontal {
        case .start: x = 0
        case .middle: x = -metrics.width / 2
        case .end: x = -metrics.width
        }
        let y: Double
        switch vertical {
        case .top: y = metrics.ascent
        case .middle: y = (metrics.ascent - metrics.descent) / 2
        case .baseline: y = 0
        case .bottom: y = -metrics.descent
        }
        return (x, y)
    }
}

// MARK: - Canvas

/// The minimal drawing surface a figure is rendered onto.
public protocol Canvas {
    /// Width in canvas units.
    var width: Double { get }
    /// Height in canvas units.
    var height: Double { get }
    /// Fills the closed subpaths of `path` (non-zero winding).
    mutating func fill(_ path: Path, color: Color)
    /// Strokes the subpaths of `path` at `style.width` (round joins where the canvas can).
    mutating func stroke(_ path: Path, style: StrokeStyle)
    /// Draws one line of text anchored at `point` (see `TextStyle`).
    mutating func drawText(_ text: String, at point: Point, style: TextStyle)
    /// The metrics of `text` at `size`; all built-in canvases use `FontMetrics`.
    func measureText(_ text: String, size: Double) -> TextMetrics
    /// Completes the drawing (closes documents, flushes buffers).
    mutating func finish() throws
}

extension Canvas {
    /// DejaVu Sans metrics from the embedded table, so layout is the same on every canvas.
    public func measureText(_ text: String, size: Double) -> TextMetrics {
        FontMetrics.measure(text, size: size)
    }
}
