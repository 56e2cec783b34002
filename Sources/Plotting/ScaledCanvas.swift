// A canvas that draws a figure laid out in canvas units onto a denser canvas: every coordinate,
// width and font size times `scale`. `scale=2` gives a crisp PNG for high-density screens with
// exactly the layout of the 1x chart.

// MARK: - Scaled canvas

public struct ScaledCanvas<Base: Canvas>: Canvas {
    public var base: Base
    public let scale: Double
    public init(_ base: Base, scale: Double) { self.base = base; self.scale = scale }

    public var width: Double { base.width / scale }
    public var height: Double { base.height / scale }

    private func scaled(_ point: Point) -> Point { Point(point.x * scale, point.y * scale) }
    private func scaled(_ path: Path) -> Path {
        var result = Path()
        result.elements = path.elements.map { element in
            switch element {
            case .move(let point): return .move(scaled(point))
            case .line(let point): return .line(scaled(point))
            case .close: return .close
            }
        }
        return result
    }

    public mutating func fill(_ path: Path, color: Color) { base.fill(scaled(path), color: color) }

    public mutating func stroke(_ path: Path, style: StrokeStyle) {
        base.stroke(scaled(path), style: StrokeStyle(color: style.color, width: style.width * scale,
                                                     dash: style.dash.map { $0.map { $0 * scale } }))
    }

    public mutating func drawText(_ text: String, at point: Point, style: TextStyle) {
        var style = style
        style.size *= scale
        base.drawText(text, at: scaled(point), style: style)
    }

    public func measureText(_ text: String, size: Double) -> TextMetrics {
        let metrics = base.measureText(text, size: size * scale)
        return TextMetrics(width: metrics.width / scale, ascent: metrics.ascent / scale, descent: metrics.descent / scale)
    }

    public mutating func finish() throws { try base.finish() }
}
