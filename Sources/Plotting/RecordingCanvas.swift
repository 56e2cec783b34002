import Foundation

// A canvas that records every call as a line of text: golden tests compare these lines, and
// layout tests check the recorded text boxes for overlaps and clipping.

// MARK: - Recording canvas

/// Records canvas calls; `transcript` prints one call per line.
public struct RecordingCanvas: Canvas {
    /// One recorded call.
    public enum Call: Sendable, Equatable {
        case fill(Path, Color)
        case stroke(Path, StrokeStyle)
        case text(String, Point, TextStyle)
        case finish
    }

    public let width: Double
    public let height: Double
    public private(set) var calls: [Call] = []

    public init(width: Double, height: Double) { self.width = width; self.height = height }

    public mutating func fill(_ path: Path, color: Color) { calls.append(.fill(path, color)) }
    public mutating func stroke(_ path: Path, style: StrokeStyle) { calls.append(.stroke(path, style)) }
    public mutating func drawText(_ text: String, at point: Point, style: TextStyle) {
        calls.append(.text(text, point, style))
    }
    public mutating func finish() throws { calls.append(.finish) }

    /// Every call as text, coordinates to two decimals.
    public var transcript: String {
        calls.map { call -> String in
            switch call {
            case .fill(let path, let color):
                return "fill \(color.hexString)\(alphaText(color)) \(SVGCanvas.pathData(path))"
            case .stroke(let path, let style):
                let dash = style.dash.map { " dash " + $0.map(SVGCanvas.number).joined(separator: ",") } ?? ""
                return "stroke \(style.color.hexString)\(alphaText(style.color)) width \(SVGCanvas.number(style.width))\(dash) \(SVGCanvas.pathData(path))"
            case .text(let text, let point, let style):
                return "text \"\(text)\" at \(SVGCanvas.number(point.x)),\(SVGCanvas.number(point.y)) size \(SVGCanvas.number(style.size)) "
                    + "\(style.color.hexString) angle \(SVGCanvas.number(style.angle)) \(style.horizontal.rawValue)/\(style.vertical.rawValue)"
            case .finish:
                return "finish"
            }
        }.joined(separator: "\n") + "\n"
    }

    private func alphaText(_ color: Color) -> String {
        color.alpha < 1 ? "@\(SVGCanvas.number(color.alpha))" : ""
    }

    /// The axis-aligned bounding box of each drawn text (rotation included).
    public var textBoxes: [(text: String, box: Rect)] {
        calls.compactMap { call in
            guard case .text(let text, let point, let style) = call else { return nil }
            return (text, Self.boundingBox(of: text, at: point, style: style))
        }
    }

    /// The four corners of each drawn text's rotated box (baseline start, end, then the descent side).
    public var textCorners: [(text: String, corners: [Point])] {
        calls.compactMap { call in
            guard case .text(let text, let point, let style) = call else { return nil }
            return (text, Self.corners(of: text, at: point, style: style))
        }
    }

    /// Where `text` lands when drawn with `style` at `point`.
    public static func boundingBox(of text: String, at point: Point, style: TextStyle) -> Rect {
        let rotated = corners(of: text, at: point, style: style)
        let xs = rotated.map(\.x), ys = rotated.map(\.y)
        let minX = xs.min() ?? point.x, minY = ys.min() ?? point.y
        return Rect(x: minX, y: minY, width: (xs.max() ?? minX) - minX, height: (ys.max() ?? minY) - minY)
    }

    /// Corners of the text's ascent-to-descent box, rotated about the anchor point.
    public static func corners(of text: String, at point: Point, style: TextStyle) -> [Point] {
        let metrics = FontMetrics.measure(text, size: style.size)
        let offset = style.baselineOffset(for: metrics)
        // Corners in the text's frame (x along the baseline, y down), relative to the anchor.
        let local = [(offset.x, offset.y - metrics.ascent), (offset.x + metrics.width, offset.y - metrics.ascent),
                     (offset.x + metrics.width, offset.y + metrics.descent), (offset.x, offset.y + metrics.descent)]
        let radians = style.angle * Double.pi / 180
        let cosine = cos(radians), sine = sin(radians)
        // Counter-clockwise on screen (y down): x' = x cos + y sin, y' = -x sin + y cos.
        return local.map { (x, y) in Point(point.x + x * cosine + y * sine, point.y - x * sine + y * cosine) }
    }
}
