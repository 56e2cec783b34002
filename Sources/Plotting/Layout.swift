import Foundation

// Layout: where each panel's plot area, colorbar and legend go so that titles, axis labels,
// tick labels, legend and colorbar all fit inside the figure without overlapping.

// MARK: - Sizes

/// Font sizes and spacings for one figure, scaled with its panel size.
public struct ChartMetrics: Sendable, Equatable {
    public var tickSize: Double
    public var labelSize: Double
    public var titleSize: Double
    public var figureTitleSize: Double
    public var legendSize: Double
    /// Small gap between neighbouring elements.
    public var pad: Double
    public var tickLength: Double
    /// The figure's style (line weights, chrome colours); sizes above already include its font scale.
    public var style: ChartStyle = .standard

    /// Sizes for panels of `panelWidth` x `panelHeight`: matplotlib-like at 800x600, never
    /// below 10 px text so a 400x300 chart stays readable.
    public init(panelWidth: Double, panelHeight: Double, style: ChartStyle = .standard) {
        let scale = min(1, max(0.5, min(panelWidth / 800, panelHeight / 600)))
        let font = style.fontScale
        tickSize = max(10, 12.5 * scale) * font
        labelSize = max(10.5, 13.5 * scale) * font
        titleSize = max(12, 16 * scale) * font
        figureTitleSize = max(13, 18 * scale) * font
        legendSize = max(10, 12.5 * scale) * font
        pad = max(4, 7 * scale) * font
        tickLength = max(3, 5 * scale) * font
        self.style = style
    }

    /// Height of one line of text at `size` (ascent + descent of DejaVu Sans).
    public func lineHeight(_ size: Double) -> Double { FontMetrics.measure("", size: size).height }
    public func width(_ text: String, _ size: Double) -> Double { FontMetrics.measure(text, size: size).width }
}

// MARK: - Panel layout

/// Where one panel's parts go.
public struct PanelLayout: Sendable, Equatable {
    /// The whole cell of the figure grid given to this panel.
    public var panelArea: Rect
    /// The data area inside the axes frame.
    public var plotArea: Rect
    public var xAxis: AxisModel
    public var yAxis: AxisModel
    /// The colour scale beside a heatmap.
    public var colorbarArea: Rect?
    public var colorbarAxis: AxisModel?
    /// The legend box, nil when the panel has no labelled series or the legend is hidden.
    public var legendArea: Rect?
    public var legendEntries: [LegendEntry]
    /// Font sizes and spacings used for this panel.
    public var metrics: ChartMetrics
}

/// One legend row: a swatch and its text.
public struct LegendEntry: Sendable, Equatable {
    public enum Swatch: Sendable, Equatable {
        case line(width: Double, dash: [Double]?)
        /// A short line with a marker in its middle (a line series drawn with markers).
        case lineWithMarker(width: Double, dash: [Double]?)
        case marker, patch
    }
    public var label: String
    public var color: Color
    public var swatch: Swatch
}

// MARK: - Layout computation

extension FigureRenderer {
    /// The layout of every panel, row by row.
    public func layout() -> [PanelLayout] {
        let width = Double(figure.width), height = Double(figure.height)
        let cellWidth = width / Double(figure.columns)
        // Text sizes follow the figure, as in matplotlib, a little smaller when panels share it.
        let shrink = figure.panels.count > 1 ? 0.8 : 1
        let metrics = ChartMetrics(panelWidth: width * shrink, panelHeight: height * shrink, style: figure.style)
        var top = 0.0
        if let title = figure.title, !title.isEmpty {
            top = metrics.pad * 1.5 + metrics.lineHeight(metrics.figureTitleSize)
        }
        let cellHeight = (height - top) / Double(figure.rows)
        return figure.panels.enumerated().map { index, panel in
            let row = index / figure.columns, column = index % figure.columns
            let area = Rect(x: Double(column) * cellWidth, y: top + Double(row) * cellHeight,
                            width: cellWidth, height: cellHeight)
            return PanelLayouter(axes: panel, area: area, metrics: metrics).layout()
        }
    }
}

/// Lays out one panel: measures everything around the plot area, then shrinks the plot area
/// until it all fits; runs twice because tick labels depend on the plot size.
struct PanelLayouter {
    let axes: Axes
    let area: Rect
    let metrics: ChartMetrics

    var heatmap: HeatmapSeries? {
        for case .heatmap(let heatmap) in axes.series { return heatmap }
        return nil
    }
    var barSeries: BarSeries? {
        for case .bar(let bars) in axes.series { return bars }
        return nil
    }

    /// "best" goes outside for stacked areas and regions: they fill the plot, so every corner
    /// would hide data.
    var effectiveLegendPosition: LegendPosition {
        guard axes.legend == .best else { return axes.legend }
        let fills = axes.series.contains { item in
            switch item { case .area, .regions, .tokenText: return true; default: return false }
        }
        return fills ? .outside : .best
    }

    func layout() -> PanelLayout {
        let legendEntries = axes.legend == .hidden ? [] : self.legendEntries()
        let legendPosition = effectiveLegendPosition
        var x = initialXAxis(), y = initialYAxis()
        var colorbar: AxisModel? = heatmap.map { heatmap in
            AxisModel(kind: .numeric(lower: heatmap.valueRange.lowerBound, upper: heatmap.valueRange.upperBound,
                                     scale: .linear))
        }
        var plot = area.insetBy(metrics.pad * 6)
        for _ in 0..<3 {
            placeTicks(x: &x, y: &y, colorbar: &colorbar, plot: plot)
            plot = plotArea(x: x, y: y, colorbar: colorbar, legendEntries: legendEntries)
        }
        placeTicks(x: &x, y: &y, colorbar: &colorbar, plot: plot)
        plot = plotArea(x: x, y: y, colorbar: colorbar, legendEntries: legendEntries)
        var colorbarArea: Rect?
        if colorbar != nil {
            let gap = metrics.pad * 2.5
            // Whole pixels, like the plot area: crisp frame and colour strips.
            colorbarArea = Rect(x: (plot.maxX + gap).rounded(), y: plot.minY, width: colorbarWidth.rounded(), height: plot.height)
        }
        var legendArea: Rect?
        if !legendEntries.isEmpty {
            let size = legendSize(legendEntries)
            if legendPosition == .outside {
                legendArea = Rect(x: plot.maxX + metrics.pad * 1.5, y: plot.minY, width: size.width, height: size.height)
            } else {
                legendArea = LegendPlacer(axes: axes, plot: plot, xAxis: x, yAxis: y, metrics: metrics)
                    .place(size: size, position: legendPosition)
            }
        }
        if let box = legendArea {
            legendArea = Rect(x: box.x.rounded(), y: box.y.rounded(), width: box.width.rounded(.up), height: box.height.rounded(.up))
        }
        return PanelLayout(panelArea: area, plotArea: plot, xAxis: x, yAxis: y, colorbarArea: colorbarArea,
                           colorbarAxis: colorbar, legendArea: legendArea, legendEntries: legendEntries, metrics: metrics)
    }

    // MARK: Axes

    func initialXAxis() -> AxisModel {
        if let heatmap { return AxisModel(kind: .categorical(count: heatmap.columns, topDown: false)) }
        if let bars = barSeries {
            var axis = AxisModel(kind: .categorical(count: bars.categories.count, topDown: false))
            axis.categoryPadding = 0.3
            return axis
        }
        var values: [Double] = []
        var limits = axes.xLimits
        for item in axes.series {
            switch item {
            case .line(let line): values += line.x
            case .scatter(let scatter): values += scatter.x
            case .histogram(let histogram): values += [histogram.edges.first ?? 0, histogram.edges.last ?? 1]
            case .area(let area):
                // Areas fill the axis edge to edge, as matplotlib's stackplot with margins off.
                values += area.x
                limits.lower = limits.lower ?? area.x.min(); limits.upper = limits.upper ?? area.x.max()
            case .regions(let regions):
                limits.lower = limits.lower ?? regions.xRange.lowerBound
                limits.upper = limits.upper ?? regions.xRange.upperBound
            case .bar, .heatmap, .tokenText: break
            }
        }
        values += axes.referenceLines.filter { $0.orientation == .vertical }.map(\.value)
        return AxisModel.numeric(values: values, limits: limits, scale: axes.xScale, sticksToZero: false)
    }

    func initialYAxis() -> AxisModel {
        if let heatmap { return AxisModel(kind: .categorical(count: heatmap.rows, topDown: true)) }
        var values: [Double] = []
        var sticky = false
        var limits = axes.yLimits
        for item in axes.series {
            switch item {
            case .line(let line):
                values += zip(line.x, line.y).filter { $0.0.isFinite }.map(\.1)
                if let raw = line.raw { values += zip(line.x, raw).filter { $0.0.isFinite }.map(\.1) }
                if let band = line.band {
                    for index in line.y.indices where line.x[index].isFinite && band[index].isFinite {
                        values += [line.y[index] - band[index], line.y[index] + band[index]]
                    }
                }
            case .scatter(let scatter): values += scatter.y
            case .histogram(let histogram): values += [0] + histogram.counts.map(Double.init); sticky = true
            case .bar(let bars): values += [0] + bars.values.flatMap { $0 }; sticky = true
            case .area(let area): values += [0] + (area.tops.last ?? []); sticky = true
            case .regions(let regions):
                limits.lower = limits.lower ?? regions.yRange.lowerBound
                limits.upper = limits.upper ?? regions.yRange.upperBound
            case .heatmap, .tokenText: break
            }
        }
        values += axes.referenceLines.filter { $0.orientation == .horizontal }.map(\.value)
        return AxisModel.numeric(values: values, limits: limits, scale: axes.yScale, sticksToZero: sticky)
    }

    var xCategoryLabels: [String] { heatmap?.columnLabels ?? barSeries?.categories ?? [] }
    var yCategoryLabels: [String] { heatmap?.rowLabels ?? [] }

    /// Ticks for the current plot size: numeric tick counts scale with length, category labels
    /// rotate (x) or thin out so neighbours never touch.
    func placeTicks(x: inout AxisModel, y: inout AxisModel, colorbar: inout AxisModel?, plot: Rect) {
        // A token-text panel is a paragraph, not a plane: no ticks on either side.
        if axes.tokenTextSeries != nil {
            x.ticks = []; y.ticks = []
            return
        }
        let size = metrics.tickSize
        let lineHeight = metrics.lineHeight(size)
        switch y.kind {
        case .numeric:
            y.placeNumericTicks(targetCount: max(3, min(9, Int(plot.height / (lineHeight * 2.4)))))
        case .categorical(let count, _):
            let spacing = plot.height / Double(max(1, count))
            y.placeCategoryTicks(labels: yCategoryLabels, stride: AxisModel.niceStride(atLeast: lineHeight * 1.1 / spacing))
        }
        switch x.kind {
        case .numeric:
            var target = max(3, min(9, Int(plot.width / (size * 5))))
            x.placeNumericTicks(targetCount: target)
            // Fewer ticks while neighbouring labels would come closer than two em.
            while target > 2, let gap = minimumLabelGap(x.ticks, length: plot.width), gap < size * 1.5 {
                target -= 1
                x.placeNumericTicks(targetCount: target)
            }
        case .categorical:
            let labels = xCategoryLabels
            let spacing = plot.width * x.categorySlot
            let widest = labels.map { metrics.width($0, size) }.max() ?? 0
            let horizontalStride = AxisModel.niceStride(atLeast: (widest + size * 0.6) / spacing)
            let rotatedStride = AxisModel.niceStride(atLeast: lineHeight * 1.25 / spacing)
            if horizontalStride > 1 && rotatedStride < horizontalStride {
                x.labelAngle = 45
                // Rotated labels may use at most ~30% of the panel height; longer ones are shortened.
                let longest = area.height * 0.3 / sin(Double.pi / 4)
                x.placeCategoryTicks(labels: labels.map { shortened($0, toWidth: longest, size: size) }, stride: rotatedStride)
            } else {
                x.labelAngle = 0
                x.placeCategoryTicks(labels: labels, stride: horizontalStride)
            }
        }
        if var bar = colorbar {
            bar.placeNumericTicks(targetCount: max(2, min(8, Int(plot.height / (lineHeight * 2.6)))))
            colorbar = bar
        }
    }

    /// `text` cut with an ellipsis so it is at most `width` wide at `size`.
    func shortened(_ text: String, toWidth width: Double, size: Double) -> String {
        guard metrics.width(text, size) > width else { return text }
        var characters = Array(text)
        while !characters.isEmpty && metrics.width(String(characters) + "\u{2026}", size) > width { characters.removeLast() }
        return String(characters).trimmingCharacters(in: .whitespaces) + "\u{2026}"
    }

    /// The smallest space between neighbouring horizontal tick labels, nil with fewer than two.
    func minimumLabelGap(_ ticks: [AxisTick], length: Double) -> Double? {
        guard ticks.count > 1 else { return nil }
        var smallest = Double.infinity
        for index in 1..<ticks.count {
            let left = ticks[index - 1], right = ticks[index]
            let distance = (right.fraction - left.fraction) * length
            let halfWidths = (metrics.width(left.label, metrics.tickSize) + metrics.width(right.label, metrics.tickSize)) / 2
            smallest = min(smallest, distance - halfWidths)
        }
        return smallest
    }

    // MARK: Margins

    var colorbarWidth: Double { max(12, area.width * 0.03) }

    /// The plot area left after reserving room for everything around it.
    func plotArea(x: AxisModel, y: AxisModel, colorbar: AxisModel?, legendEntries: [LegendEntry]) -> Rect {
        let pad = metrics.pad
        let tickLine = metrics.lineHeight(metrics.tickSize)
        let tickWidths = y.ticks.map { metrics.width($0.label, metrics.tickSize) }
        var left = pad + metrics.tickLength + pad * 0.5 + (tickWidths.max() ?? 0)
        if axes.yLabel?.isEmpty == false { left += metrics.lineHeight(metrics.labelSize) + pad }

        var top = pad * 1.5
        if let title = axes.title, !title.isEmpty { top += metrics.lineHeight(metrics.titleSize) + pad }
        else { top += tickLine / 2 } // room for the top y tick label's upper half

        var bottom = pad + metrics.tickLength + pad * 0.5
        let xLabelWidths = x.ticks.map { metrics.width($0.label, metrics.tickSize) }
        let widestX = xLabelWidths.max() ?? 0
        if x.labelAngle == 0 {
            bottom += tickLine
        } else {
            let radians = x.labelAngle * Double.pi / 180
            bottom += widestX * sin(radians) + tickLine * cos(radians)
        }
        if axes.xLabel?.isEmpty == false { bottom += metrics.lineHeight(metrics.labelSize) + pad }

        var right = pad * 1.5
        if let colorbar {
            let widest = colorbar.ticks.map { metrics.width($0.label, metrics.tickSize) }.max() ?? 0
            right += pad * 2.5 + colorbarWidth + metrics.tickLength + pad * 0.5 + widest
            if heatmap?.colorbarLabel?.isEmpty == false { right += pad + metrics.lineHeight(metrics.labelSize) }
        }
        if effectiveLegendPosition == .outside, !legendEntries.isEmpty {
            right += pad * 1.5 + legendSize(legendEntries).width
        }

        // Labels centred on the first/last x tick may stick out past the plot edges.
        var plotWidth = area.width - left - right
        if x.labelAngle == 0, let first = x.ticks.first, let last = x.ticks.last {
            let overhangLeft = xLabelWidths[0] / 2 - first.fraction * plotWidth
            left += max(0, overhangLeft - (left - pad))
            plotWidth = area.width - left - right
            let overhangRight = xLabelWidths[xLabelWidths.count - 1] / 2 - (1 - last.fraction) * plotWidth
            if colorbar == nil { right += max(0, overhangRight - (right - pad)) }
        } else if x.labelAngle != 0, let first = x.ticks.first {
            // 45-degree labels end at their tick and run down-left.
            let reach = widestX * cos(x.labelAngle * Double.pi / 180) - first.fraction * plotWidth
            left += max(0, reach - (left - pad))
        }
        let rect = Rect(x: area.x + left, y: area.y + top,
                        width: max(10, area.width - left - right), height: max(10, area.height - top - bottom))
        // Whole pixels keep frames and heatmap cells crisp.
        return Rect(x: rect.x.rounded(), y: rect.y.rounded(), width: rect.width.rounded(), height: rect.height.rounded())
    }

    // MARK: Legend

    func legendEntries() -> [LegendEntry] {
        var entries: [LegendEntry] = []
        var regionNames: Set<String> = []
        for case .regions(let regions) in axes.series { regionNames.formUnion(regions.categoryNames) }
        for item in axes.series {
            switch item {
            case .line(let line):
                if let label = line.label {
                    entries.append(LegendEntry(label: label, color: line.color,
                                               swatch: line.marker == .none ? .line(width: line.width, dash: line.dash)
                                                   : .lineWithMarker(width: line.width, dash: line.dash)))
                }
            case .scatter(let scatter):
                for (name, color) in zip(scatter.groupNames, scatter.colors) {
                    // Points named like a region beneath them share its legend row.
                    if let name, !regionNames.contains(name) { entries.append(LegendEntry(label: name, color: color, swatch: .marker)) }
                }
            case .bar(let bars):
                for (name, color) in zip(bars.groupNames, bars.colors) {
                    if let name { entries.append(LegendEntry(label: name, color: color, swatch: .patch)) }
                }
            case .histogram(let histogram):
                if let label = histogram.label { entries.append(LegendEntry(label: label, color: histogram.color, swatch: .patch)) }
            case .area(let area):
                // Top layer first, so the legend reads in the order of the stack.
                for (name, color) in zip(area.labels, area.colors).reversed() {
                    if let name { entries.append(LegendEntry(label: name, color: color, swatch: .patch)) }
                }
            case .regions(let regions):
                for (name, color) in zip(regions.categoryNames, regions.colors) {
                    entries.append(LegendEntry(label: name, color: RegionSeries.tint(of: color), swatch: .patch))
                }
            case .tokenText(let text):
                for (name, color) in zip(text.categoryNames, text.colors) {
                    entries.append(LegendEntry(label: name, color: TokenTextSeries.tint(of: color), swatch: .patch))
                }
            case .heatmap:
                break
            }
        }
        for line in axes.referenceLines {
            if let label = line.label {
                entries.append(LegendEntry(label: label, color: line.color,
                                           swatch: .line(width: line.width, dash: line.style.dash(width: line.width))))
            }
        }
        return entries
    }

    /// Legend box size: padding, a two-em swatch, the widest label, one line per entry.
    func legendSize(_ entries: [LegendEntry]) -> (width: Double, height: Double) {
        let size = metrics.legendSize
        let widest = entries.map { metrics.width($0.label, size) }.max() ?? 0
        let rowHeight = metrics.lineHeight(size) * 1.15
        return (size * 0.6 + size * 2 + size * 0.6 + widest + size * 0.6,
                size * 0.5 * 2 + rowHeight * Double(entries.count))
    }
}
