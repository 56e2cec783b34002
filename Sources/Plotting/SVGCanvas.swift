import Foundation

// An SVG document canvas: paths as <path>, text as <text> (selectable, searchable).

// MARK: - SVG canvas

/// Builds an SVG 1.1 document; read `document` after `finish()`.
public struct SVGCanvas: Canvas {
    public let width: Double
    public let height: Double
    private var body: [String] = []
    /// The finished SVG text (empty until `finish()`).
    public private(set) var document = ""

    public init(width: Double, height: Double) {
        self.width = width; self.height = height
    }

    public mutating func fill(_ path: Path, color: Color) {
        guard !path.elements.isEmpty else { return }
        body.append("<path d=\"\(Self.pathData(path))\" fill=\"\(color.hexString)\"\(Self.opacity("fill-opacity", color))/>")
    }

    public mutating func stroke(_ path: Path, style: StrokeStyle) {
        guard !path.elements.isEmpty else { return }
        var attributes = "fill=\"none\" stroke=\"\(style.color.hexString)\" stroke-width=\"\(Self.number(style.width))\""
        attributes += " stroke-linejoin=\"round\" stroke-linecap=\"butt\"" + Self.opacity("stroke-opacity", style.color)
        if let dash = style.dash, !dash.isEmpty {
            attributes += " stroke-dasharray=\"\(dash.map(Self.number).joined(separator: " "))\""
        }
        body.append("<path d=\"\(Self.pathData(path))\" \(attributes)/>")
    }

    public mutating func drawText(_ text: String, at point: Point, style: TextStyle) {
        let metrics = measureText(text, size: style.size)
        // Vertical anchoring is done here (not with dominant-baseline, which viewers treat
        // differently); horizontal anchoring uses text-anchor.
        let offset = style.baselineOffset(for: metrics)
        let anchor: String
        switch style.horizontal {
        case .start: anchor = "start"
        case .middle: anchor = "middle"
        case .end: anchor = "end"
        }
        var element = "<text x=\"\(Self.number(point.x))\" y=\"\(Self.number(point.y + offset.y))\""
        element += " font-size=\"\(Self.number(style.size))\" fill=\"\(style.color.hexString)\""
        if anchor != "start" { element += " text-anchor=\"\(anchor)\"" }
        if style.angle != 0 {
            element += " transform=\"rotate(\(Self.number(-style.angle)) \(Self.number(point.x)) \(Self.number(point.y)))\""
        }
        body.append(element + ">" + Self.escape(text) + "</text>")
    }

    public mutating func finish() throws {
        let header = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\(Self.number(width))" \
        height="\(Self.number(height))" viewBox="0 0 \(Self.number(width)) \(Self.number(height))" \
        font-family="DejaVu Sans, Bitstream Vera Sans, Verdana, sans-serif">
        """
        document = ([header] + body + ["</svg>", ""]).joined(separator: "\n")
    }

    // MARK: Formatting

    /// Up to two decimals, trailing zeros dropped: stable text for golden files.
    static func number(_ value: Double) -> String {
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    static func pathData(_ path: Path) -> String {
        var parts: [String] = []
        parts.reserveCapacity(path.elements.count)
        for element in path.elements {
            switch element {
            case .move(let point): parts.append("M\(number(point.x)) \(number(point.y))")
            case .line(let point): parts.append("L\(number(point.x)) \(number(point.y))")
            case .close: parts.append("Z")
            }
        }
        return parts.joined()
    }

    static func opacity(_ name: String, _ color: Color) -> String {
        color.alpha < 1 ? " \(name)=\"\(number(color.alpha))\"" : ""
    }

    /// Escapes the five XML special characters.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default: result.append(character)
            }
        }
        return result
    }
}

// MARK: - Figure conveniences

extension Figure {
    /// The figure as an SVG document.
    public func svg() throws -> String {
        var canvas = SVGCanvas(width: Double(width), height: Double(height))
        try draw(on: &canvas)
        return canvas.document
    }
}
