// What a panel shows besides its series: axis limits, reference lines (hline, vline) and
// annotations, with the validation that names the option at fault.

// MARK: - Limits

/// A fixed axis range; a nil end follows the data.
public struct AxisLimits: Sendable, Equatable {
    public var lower: Double?
    public var upper: Double?
    public init(lower: Double? = nil, upper: Double? = nil) { self.lower = lower; self.upper = upper }

    /// Checked limits for the option named `option` (`"xlim"`, `"ylim"`): ends finite and in order.
    public static func checked(lower: Double?, upper: Double?, option: String) throws -> AxisLimits {
        for value in [lower, upper] {
            if let value, !value.isFinite { throw PlotError("\(option): limits must be finite numbers or nil, got \(value)") }
        }
        if let lower, let upper, lower >= upper {
            throw PlotError("\(option): lower limit \(PlotError.number(lower)) must be below upper limit \(PlotError.number(upper))")
        }
        return AxisLimits(lower: lower, upper: upper)
    }

    public var isAutomatic: Bool { lower == nil && upper == nil }
}

// MARK: - Reference lines and annotations

/// How a reference line is dashed.
public enum LineStyle: String, Sendable, CaseIterable {
    case solid, dashed, dotted, dashdot

    /// The dash pattern for a line of `width` (nil for solid), scaled like matplotlib's.
    public func dash(width: Double) -> [Double]? {
        let unit = max(1, width)
        switch self {
        case .solid: return nil
        case .dashed: return [3.7 * unit, 1.6 * unit]
        case .dotted: return [1 * unit, 1.65 * unit]
        case .dashdot: return [6.4 * unit, 1.6 * unit, 1 * unit, 1.6 * unit]
        }
    }
}

/// A line across the whole panel at a fixed y (`horizontal`) or x.
public struct ReferenceLine: Sendable, Equatable {
    public enum Orientation: String, Sendable { case horizontal, vertical }
    public var orientation: Orientation
    public var value: Double
    public var label: String?
    public var color: Color
    public var width: Double
    public var style: LineStyle
}

/// Text at a data point, with a small dot marking the point.
public struct Annotation: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var text: String
    public var color: Color
}

extension Axes {
    /// The default colour of reference lines: dark gray, apart from the palette's series colours.
    public static let referenceColor = Color(hex: 0x555555)

    /// Fixes the x range; either end nil follows the data. Throws naming `xlim` when out of order.
    public mutating func setXLimits(_ lower: Double?, _ upper: Double?) throws {
        xLimits = try AxisLimits.checked(lower: lower, upper: upper, option: "xlim")
    }

    /// Fixes the y range; either end nil follows the data. Throws naming `ylim` when out of order.
    public mutating func setYLimits(_ lower: Double?, _ upper: Double?) throws {
        yLimits = try AxisLimits.checked(lower: lower, upper: upper, option: "ylim")
    }

    /// A horizontal line at `y` across the panel (e.g. the fair share 1/N), in the legend when labelled.
    public mutating func hline(_ y: Double, label: String? = nil, style: LineStyle = .dashed,
                               color: Color = Axes.referenceColor, width: Double = 1.5) throws {
        guard y.isFinite else { throw PlotError("hline: y must be a finite number, got \(y)") }
        referenceLines.append(ReferenceLine(orientation: .horizontal, value: y, label: label, color: color,
                                            width: width, style: style))
    }

    /// A vertical line at `x` across the panel (e.g. the step where balancing switches on).
    public mutating func vline(_ x: Double, label: String? = nil, style: LineStyle = .dashed,
                               color: Color = Axes.referenceColor, width: Double = 1.5) throws {
        guard x.isFinite else { throw PlotError("vline: x must be a finite number, got \(x)") }
        referenceLines.append(ReferenceLine(orientation: .vertical, value: x, label: label, color: color,
                                            width: width, style: style))
    }

    /// `text` at data point (`x`, `y`), marked by a small dot.
    public mutating func annotate(x: Double, y: Double, text: String, color: Color = .black) throws {
        guard x.isFinite, y.isFinite else { throw PlotError("annotate: x and y must be finite numbers, got \(x), \(y)") }
        guard !text.isEmpty else { throw PlotError("annotate: the text is empty") }
        annotations.append(Annotation(x: x, y: y, text: text, color: color))
    }
}

extension PlotError {
    /// A number as a script would print it ("2", "-0.1", "1e-08"), for error messages.
    public static func number(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
