import Foundation

// Tick positions and labels. Linear ticks use steps of 1, 2, 2.5 and 5 times a power of ten
// (matplotlib's MaxNLocator / Heckbert's "nice numbers"); log ticks sit at powers of ten.

// MARK: - Tick locators

/// Chooses tick values for an axis.
public enum TickLocator {
    /// Mantissas of allowed steps, ascending.
    static let niceMantissas: [Double] = [1, 2, 2.5, 5, 10]

    /// The smallest nice step (1, 2, 2.5 or 5 times a power of ten) giving at most about
    /// `targetCount` intervals over `span`.
    public static func niceStep(span: Double, targetCount: Int) -> Double {
        guard span > 0, span.isFinite else { return 1 }
        let raw = span / Double(max(1, targetCount))
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        for mantissa in niceMantissas where mantissa * magnitude >= raw * (1 - 1e-9) {
            return mantissa * magnitude
        }
        return 10 * magnitude
    }

    /// Ticks at multiples of a nice step inside `lower...upper`.
    public static func linear(lower: Double, upper: Double, targetCount: Int) -> (values: [Double], step: Double) {
        guard lower.isFinite, upper.isFinite, upper > lower else { return ([lower], 1) }
        let step = niceStep(span: upper - lower, targetCount: targetCount)
        let first = (lower / step - 1e-9).rounded(.up)
        let last = (upper / step + 1e-9).rounded(.down)
        guard last >= first else { return ([], step) }
        // Multiply an integer count by the step (rather than accumulating) to avoid drift.
        let values = stride(from: first, through: last, by: 1).map { index -> Double in
            let value = index * step
            return abs(value) < step * 1e-9 ? 0 : value
        }
        return (values, step)
    }

    /// Ticks for a log axis over `lower...upper` (both > 0): powers of ten, every k-th decade
    /// when there are many, and 1-2-5 ticks when that still gives at most `maxCount` ticks.
    public static func log(lower: Double, upper: Double, maxCount: Int) -> [Double] {
        guard lower > 0, upper > lower, lower.isFinite, upper.isFinite else { return [] }
        let firstDecade = Int((log10(lower) - 1e-9).rounded(.up))
        let lastDecade = Int((log10(upper) + 1e-9).rounded(.down))
        let decades = max(0, lastDecade - firstDecade + 1)
        // Few decades: 1-2-5 ticks inside each, if they fit; otherwise powers of ten only.
        if decades >= 2 && decades * 3 > maxCount {
            let every = max(1, Int((Double(decades) / Double(max(2, maxCount))).rounded(.up)))
            // Start on a multiple of `every` so the labelled decades read 1, 100, 10^4, ...
            let start = Int((Double(firstDecade) / Double(every)).rounded(.up)) * every
            return stride(from: start, through: lastDecade, by: every).map { pow(10, Double($0)) }
        }
        var values: [Double] = []
        for decade in (firstDecade - 1)...(lastDecade + 1) {
            for mantissa in [1.0, 2.0, 5.0] {
                let value = mantissa * pow(10, Double(decade))
                if value >= lower * (1 - 1e-9) && value <= upper * (1 + 1e-9) { values.append(value) }
            }
        }
        return values
    }
}

// MARK: - Tick labels

/// Turns tick values into short, exact-looking labels.
public enum TickFormatter {
    /// The minus sign typography uses (U+2212), as matplotlib does.
    public static let minus = "\u{2212}"

    /// Labels for linear ticks spaced `step` apart: no float noise (0.3, not 0.30000000000000004),
    /// "k"/"M" suffixes from 10 000, scientific notation for very large or very small values.
    public static func labels(for values: [Double], step: Double) -> [String] {
        let largest = values.map(abs).max() ?? 0
        if largest >= 1e9 || (largest > 0 && largest < 1e-3) {
            return values.map { scientific($0, step: step) }
        }
        var divisor = 1.0, suffix = ""
        if largest >= 1e6 { divisor = 1e6; suffix = "M" } else if largest >= 1e4 { divisor = 1e3; suffix = "k" }
        let decimals = decimalsNeeded(step / divisor)
        return values.map { value in
            if value == 0 { return "0" }
            let text = fixed(value / divisor, decimals: decimals)
            // With a suffix the label is already approximate in style: "5M", not "5.0M".
            return (suffix.isEmpty ? text : trimmingZeros(text)) + suffix
        }
    }

    /// A label for a power-of-ten-ish value on a log axis: plain from 0.001 to 1000, else "1e5".
    public static func logLabel(_ value: Double) -> String {
        let exponent = log10(value)
        if exponent >= -3 - 1e-9 && exponent <= 4 + 1e-9 {
            let decimals = max(0, Int((-exponent).rounded(.up)))
            return fixed(value, decimals: decimals)
        }
        return scientific(value, step: value)
    }

    /// A compact label for one value (cell values, colorbar extremes): about three significant digits.
    public static func compact(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "\(minus)inf") }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e5 || magnitude < 1e-3 {
            let exponent = Int(log10(magnitude).rounded(.down))
            let mantissa = trimmingZeros(fixed(value / pow(10, Double(exponent)), decimals: 2))
            return mantissa + "e" + (exponent < 0 ? minus + String(-exponent) : String(exponent))
        }
        let digits = magnitude >= 100 ? 0 : (magnitude >= 10 ? 1 : 2)
        return trimmingZeros(fixed(value, decimals: digits))
    }

    /// "2.50" -> "2.5", "3.00" -> "3"; integers are left alone.
    static func trimmingZeros(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var result = text
        while result.hasSuffix("0") { result.removeLast() }
        if result.hasSuffix(".") { result.removeLast() }
        return result
    }

    /// The fewest decimals that write every multiple of `step` exactly (0.25 needs 2).
    static func decimalsNeeded(_ step: Double) -> Int {
        for decimals in 0...12 {
            let scaled = step * pow(10, Double(decimals))
            if abs(scaled - scaled.rounded()) < 1e-6 * max(1, scaled) { return decimals }
        }
        return 12
    }

    /// `value` with `decimals` decimals and a typographic minus; never "-0".
    static func fixed(_ value: Double, decimals: Int) -> String {
        var text = String(format: "%.\(decimals)f", value)
        if text.hasPrefix("-") {
            let digits = text.dropFirst()
            if digits.allSatisfy({ $0 == "0" || $0 == "." }) { return String(digits) }
            text = minus + digits
        }
        return text
    }

    /// "2.5e-4" style: the shortest mantissa that still separates ticks `step` apart.
    static func scientific(_ value: Double, step: Double) -> String {
        if value == 0 { return "0" }
        let exponent = Int(log10(abs(value)).rounded(.down))
        let mantissa = value / pow(10, Double(exponent))
        let decimals = min(3, max(0, decimalsNeeded(step / pow(10, Double(exponent)))))
        let text = trimmingZeros(fixed(mantissa, decimals: decimals))
        let exponentText = exponent < 0 ? minus + String(-exponent) : String(exponent)
        return text + "e" + exponentText
    }
}
