import Foundation

// What an axis shows: its range and scale (numeric) or its categories, and the ticks
// with labels at fractions 0...1 along the plot area.

// MARK: - Axis model

/// One labelled tick, `fraction` of the way along the axis (0 = left or bottom).
public struct AxisTick: Sendable, Equatable {
    public var fraction: Double
    public var label: String
}

/// A panel axis after layout.
public struct AxisModel: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case numeric(lower: Double, upper: Double, scale: Scale)
        /// `count` categories, each centred in an equal slot; `topDown` for heatmap rows.
        case categorical(count: Int, topDown: Bool)
    }

    public var kind: Kind
    public var ticks: [AxisTick] = []
    /// Label rotation in degrees (0 or 45); only category labels rotate.
    public var labelAngle: Double = 0
    /// Empty space, in category slots, before the first and after the last category (bars get
    /// matplotlib-like margins; heatmap cells fill the axis).
    public var categoryPadding: Double = 0

    /// Width of one category slot as a fraction of the axis.
    public var categorySlot: Double {
        guard case .categorical(let count, _) = kind else { return 0 }
        return 1 / (Double(count) + 2 * categoryPadding)
    }

    /// Where `value` falls along the axis (0...1 inside the limits), nil where it cannot be
    /// shown (non-positive on a log axis, non-finite).
    public func fraction(_ value: Double) -> Double? {
        guard value.isFinite else { return nil }
        switch kind {
        case .numeric(let lower, let upper, .linear):
            return (value - lower) / (upper - lower)
        case .numeric(let lower, let upper, .log):
            guard value > 0 else { return nil }
            return (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
        case .categorical(let count, let topDown):
            let fraction = (value + 0.5 + categoryPadding) / (Double(count) + 2 * categoryPadding)
            return topDown ? 1 - fraction : fraction
        }
    }

    // MARK: Building

    /// A numeric axis over the data values with matplotlib's 5% margins; `sticksToZero` keeps
    /// bars and histograms starting exactly at zero. A fixed end of `limits` replaces that end
    /// (ends a log axis cannot show are ignored).
    static func numeric(values: [Double], limits: AxisLimits, scale: Scale, sticksToZero: Bool) -> AxisModel {
        let usable = { (value: Double?) -> Double? in
            guard let value, value.isFinite, scale == .linear || value > 0 else { return nil }
            return value
        }
        let fixedLower = usable(limits.lower), fixedUpper = usable(limits.upper)
        if let fixedLower, let fixedUpper, fixedUpper > fixedLower {
            return AxisModel(kind: .numeric(lower: fixedLower, upper: fixedUpper, scale: scale))
        }
        guard case .numeric(var lower, var upper, _) = automatic(values: values, scale: scale, sticksToZero: sticksToZero).kind else {
            preconditionFailure("automatic axes are numeric")
        }
        if let fixedLower { lower = fixedLower }
        if let fixedUpper { upper = fixedUpper }
        if upper <= lower {
            // One end fixed beyond all the data: keep it and open the other end by one unit (a decade on log).
            if fixedLower != nil { upper = scale == .log ? lower * 10 : lower + 1 } else { lower = scale == .log ? upper / 10 : upper - 1 }
        }
        return AxisModel(kind: .numeric(lower: lower, upper: upper, scale: scale))
    }

    /// The automatic range of `values` with margins.
    static func automatic(values: [Double], scale: Scale, sticksToZero: Bool) -> AxisModel {
        let usable = values.filter { $0.isFinite && (scale == .linear || $0 > 0) }
        var lower = usable.min() ?? (scale == .log ? 1 : 0)
        var upper = usable.max() ?? (scale == .log ? 10 : 1)
        switch scale {
        case .linear:
            if lower == upper {
                let pad = lower == 0 ? 1 : abs(lower) * 0.1
                lower -= pad; upper += pad
            }
            let margin = (upper - lower) * 0.05
            if !(sticksToZero && lower == 0) { lower -= margin }
            if !(sticksToZero && upper == 0) { upper += margin }
        case .log:
            var logLower = log10(lower), logUpper = log10(upper)
            if logLower == logUpper { logLower -= 0.5; logUpper += 0.5 }
            let margin = (logUpper - logLower) * 0.05
            lower = pow(10, logLower - margin); upper = pow(10, logUpper + margin)
        }
        return AxisModel(kind: .numeric(lower: lower, upper: upper, scale: scale))
    }

    /// Fills `ticks` for a numeric axis with about `targetCount` intervals.
    mutating func placeNumericTicks(targetCount: Int) {
        guard case .numeric(let lower, let upper, let scale) = kind else { return }
        switch scale {
        case .linear:
            let (values, step) = TickLocator.linear(lower: lower, upper: upper, targetCount: targetCount)
            let labels = TickFormatter.labels(for: values, step: step)
            ticks = zip(values, labels).compactMap { value, label in
                fraction(value).map { AxisTick(fraction: $0, label: label) }
            }
        case .log:
            let values = TickLocator.log(lower: lower, upper: upper, maxCount: targetCount)
            ticks = values.compactMap { value in
                fraction(value).map { AxisTick(fraction: $0, label: TickFormatter.logLabel(value)) }
            }
        }
    }

    /// Fills `ticks` for a categorical axis, labelling every `stride`-th category.
    mutating func placeCategoryTicks(labels: [String], stride: Int) {
        ticks = Swift.stride(from: 0, to: labels.count, by: max(1, stride)).compactMap { index in
            fraction(Double(index)).map { AxisTick(fraction: $0, label: labels[index]) }
        }
    }

    /// The smallest "nice" stride (1, 2, 4, 5, 10, 20, 25, 50, ...) that is at least `minimum`.
    static func niceStride(atLeast minimum: Double) -> Int {
        if minimum <= 1 { return 1 }
        var magnitude = 1
        while true {
            for mantissa in [1, 2, 4, 5] where Double(mantissa * magnitude) >= minimum - 1e-9 {
                return mantissa * magnitude
            }
            magnitude *= 10
        }
    }
}
