// Options shared by every chart: panel options (title, labels, log axes, limits, legend) and
// figure options (size, style, pixel density), read from a call's keywords. Errors name the option.

import Plotting
import Script

/// Per-interpreter chart state: the session style (`chart_style`) and whether new figures are
/// announced to the notebook (not while `animate` draws its frames).
final class ChartSession {
    var style: ChartStyle = .standard
    var announcesFigures = true
}

enum ChartOptions {
    /// Options every chart kind takes for its panel.
    static let panel = ["title", "xlabel", "ylabel", "logx", "logy", "xlim", "ylim", "legend"]
    /// Options only a new figure takes (a one-panel chart creates one).
    static let figure = ["width", "height", "style", "dpi", "scale"]

    /// The legend placements by the names scripts use.
    static let legendNames: [(String, LegendPosition)] = [
        ("best", .best), ("upper right", .upperRight), ("upper left", .upperLeft),
        ("lower left", .lowerLeft), ("lower right", .lowerRight), ("outside", .outside),
    ]

    /// Reads the panel options into `panel`.
    static func applyPanel(_ arguments: Arguments, to panel: inout Axes) throws {
        if let title = try optionalString(arguments, "title") { panel.title = title }
        if let label = try optionalString(arguments, "xlabel") { panel.xLabel = label }
        if let label = try optionalString(arguments, "ylabel") { panel.yLabel = label }
        if try arguments.bool(named: "logx", default: false) { panel.xScale = .log }
        if try arguments.bool(named: "logy", default: false) { panel.yScale = .log }
        if let (lower, upper) = try limits(arguments, "xlim") { try panel.setXLimits(lower, upper) }
        if let (lower, upper) = try limits(arguments, "ylim") { try panel.setYLimits(lower, upper) }
        if let value = try arguments.value(named: "legend") { panel.legend = try legend(value) }
    }

    /// `xlim=[a, b]` with either end nil; nil when the option is absent.
    static func limits(_ arguments: Arguments, _ name: String) throws -> (Double?, Double?)? {
        guard let value = try arguments.value(named: name), !value.isNull else { return nil }
        guard case .list(let list) = value, list.elements.count == 2 else {
            let got: String
            if case .list(let list) = value { got = "a list of \(list.elements.count)" } else { got = value.typeAndValue }
            throw PlotError("\(name): give [lower, upper] (either may be nil), got \(got)")
        }
        let ends = try list.elements.map { element -> Double? in
            switch element {
            case .null: return nil
            case .number(let number): return number
            default: throw PlotError("\(name): limits must be numbers or nil, got \(element.typeAndValue)")
            }
        }
        return (ends[0], ends[1])
    }

    /// `legend="upper right"` … or `false` (hidden) / `true` (best).
    static func legend(_ value: Value) throws -> LegendPosition {
        switch value {
        case .bool(let shown): return shown ? .best : .hidden
        case .string(let name):
            if let found = legendNames.first(where: { $0.0 == name }) { return found.1 }
            let names = legendNames.map(\.0)
            throw PlotError("legend: unknown placement '\(name)'"
                + (nearestName(to: name, in: names).map { "; did you mean '\($0)'? Choose" } ?? "; choose")
                + " one of \(names.map { "\"\($0)\"" }.joined(separator: ", ")) or false")
        default:
            throw PlotError("legend: give a placement such as \"upper right\", or false, got \(value.typeAndValue)")
        }
    }

    /// The style named by `style=`, else the session's.
    static func style(_ arguments: Arguments, session: ChartSession) throws -> ChartStyle {
        guard let value = try arguments.value(named: "style"), !value.isNull else { return session.style }
        return try namedStyle(try arguments.string(named: "style"))
    }

    static func namedStyle(_ name: String) throws -> ChartStyle {
        if let style = ChartStyle.named(name) { return style }
        let names = ChartStyle.all.map(\.name)
        throw PlotError("style: unknown chart style '\(name)'"
            + (nearestName(to: name, in: names).map { "; did you mean '\($0)'? Choose" } ?? "; choose")
            + " one of \(names.map { "\"\($0)\"" }.joined(separator: ", "))")
    }

    /// Pixel density from `scale=` or `dpi=` (100 dpi is scale 1, as a 800x600 chart is 8x6 in).
    static func scale(_ arguments: Arguments) throws -> Double? {
        let scale = try arguments.value(named: "scale").flatMap { $0.isNull ? nil : $0 }.map { _ in try arguments.number(named: "scale") }
        let dpi = try arguments.value(named: "dpi").flatMap { $0.isNull ? nil : $0 }.map { _ in try arguments.number(named: "dpi") }
        if scale != nil && dpi != nil { throw PlotError("dpi: give dpi= or scale=, not both") }
        if let dpi {
            guard dpi.isFinite, dpi >= 25, dpi <= 800 else { throw PlotError("dpi: must be in 25...800, got \(PlotError.number(dpi))") }
            return dpi / 100
        }
        return scale
    }

    static func optionalString(_ arguments: Arguments, _ name: String) throws -> String? {
        guard let value = try arguments.value(named: name), !value.isNull else { return nil }
        return try arguments.string(named: name)
    }

    /// Numbers from a list without the Float32 round trip of a tensor (ema, moving_average keep
    /// a script's doubles as they are); tensors and ranges go through `Conversions.doubles`.
    static func numbers(_ value: Value, _ function: String, _ parameter: String) throws -> [Double] {
        if case .list(let list) = value {
            var result: [Double] = []
            result.reserveCapacity(list.elements.count)
            for element in list.elements {
                guard case .number(let number) = element else { return try Conversions.doubles(value, function, parameter) }
                result.append(number)
            }
            return result
        }
        return try Conversions.doubles(value, function, parameter)
    }
}
