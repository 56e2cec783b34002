// Chart builtins: plot, scatter, bar, hist, heatmap (each a one-panel figure), figure(rows=,
// cols=) for grids filled by its methods, and show(fig). Data may be tensors, lists or lists of
// lists; NaN and infinite values are skipped with a warning by the Plotting module.

import Plotting
import Script

/// The chart kinds, shared by the builtins and the figure methods.
enum ChartKind: String, CaseIterable {
    case plot, scatter, bar, hist, heatmap

    /// Options every chart kind takes for its panel.
    static let panelOptions = ["title", "xlabel", "ylabel", "logx", "logy"]
    /// Options only a new figure takes (a one-panel chart creates one).
    static let figureOptions = ["width", "height"]

    /// The kind's own parameters (data and style).
    var parameters: [String] {
        switch self {
        case .plot: return ["ys", "x", "labels", "label"]
        case .scatter: return ["x", "y", "groups", "label"]
        case .bar: return ["values", "labels", "groups", "label"]
        case .hist: return ["values", "bins", "label"]
        case .heatmap: return ["matrix", "rows", "cols", "values", "cmap", "clabel"]
        }
    }

    var help: String {
        let common = "title=, xlabel=, ylabel=, logy=, width=800, height=600, path="
        switch self {
        case .plot:
            return "plot(ys or [ys1, ys2, …], x=, labels=[…], \(common)): line chart, one line per series (per row of a matrix).\n  plot([losses, val_losses], labels=[\"train\", \"val\"], title=\"loss\", path=\"out/loss.png\")"
        case .scatter:
            return "scatter(x, y, groups=[…], label=, \(common)): points, coloured by group name; scatter(points) takes an [N, 2] tensor.\n  scatter([1, 2, 3], [2, 1, 3], groups=[\"a\", \"b\", \"a\"])"
        case .bar:
            return "bar(values or [row1, row2, …], labels=[…], groups=[…], \(common)): bars, grouped for several rows.\n  bar([3, 5, 2], labels=[\"x\", \"y\", \"z\"])"
        case .hist:
            return "hist(values, bins=10, label=, \(common)): histogram of all the values (any shape) in equal-width bins.\n  hist(randn(1000, seed=0), bins=30)"
        case .heatmap:
            return "heatmap(matrix, rows=[…], cols=[…], values=false, cmap=\"viridis\"|\"magma\"|\"diverging\", clabel=, \(common)): coloured cells with a colorbar.\n  heatmap(softmax(randn(4, 6, seed=0)), values=true)"
        }
    }

    /// Reads this kind's data and options from `arguments` and adds the series to `panel`.
    func add(to panel: inout Axes, _ arguments: Arguments) throws {
        let name = rawValue
        switch self {
        case .plot:
            let series = try Conversions.series(try arguments.require(at: 0, named: "ys"), name, "ys")
            let x = try arguments.value(named: "x").map { try Conversions.doubles($0, name, "x") }
            var labels: [String?] = Array(repeating: nil, count: series.count)
            if let given = try arguments.value(named: "labels") {
                let names = try Conversions.strings(given, name, "labels")
                guard names.count == series.count else {
                    throw NativeError("plot: \(names.count) labels for \(series.count) series")
                }
                labels = names
            } else if let label = try optionalString(arguments, "label") {
                labels[0] = label
            }
            for (ys, label) in zip(series, labels) { try panel.plot(ys, x: x, label: label) }
        case .scatter:
            let first = try arguments.require(at: 0, named: "x")
            let x: [Double], y: [Double]
            if let second = try arguments.value(at: 1, named: "y") {
                x = try Conversions.doubles(first, name, "x")
                y = try Conversions.doubles(second, name, "y")
            } else {
                // scatter(points) with points [N, 2]: the columns are x and y.
                let points = try Conversions.tensor(first, name, "x")
                guard points.rank == 2, points.shape[1] == 2 else {
                    throw NativeError("scatter: give x and y, or one [N, 2] tensor of points; got shape \(points.shape) and no y")
                }
                x = stride(from: 0, to: points.count, by: 2).map { Double(points.storage[$0]) }
                y = stride(from: 1, to: points.count, by: 2).map { Double(points.storage[$0]) }
            }
            let groups = try arguments.value(named: "groups").map { try Conversions.strings($0, name, "groups") }
            try panel.scatter(x: x, y: y, groups: groups, label: try optionalString(arguments, "label"))
        case .bar:
            let rows = try Conversions.series(try arguments.require(at: 0, named: "values"), name, "values")
            let labels = try arguments.value(named: "labels").map { try Conversions.strings($0, name, "labels") }
            if rows.count == 1 {
                try panel.bar(rows[0], labels: labels, label: try optionalString(arguments, "label"))
            } else {
                let groups = try arguments.value(named: "groups").map { try Conversions.strings($0, name, "groups") }
                try panel.groupedBar(rows, labels: labels, groupLabels: groups)
            }
        case .hist:
            // Every value counts, whatever the shape (a weight matrix's distribution).
            let values = try Conversions.tensor(try arguments.require(at: 0, named: "values"), name, "values")
                .storage.map(Double.init)
            let bins = try arguments.integer(at: 1, named: "bins", default: 10)
            try panel.histogram(values, bins: bins, label: try optionalString(arguments, "label"))
        case .heatmap:
            let matrix = try Conversions.matrix(try arguments.require(at: 0, named: "matrix"), name, "matrix")
            let rowLabels = try arguments.value(named: "rows").map { try Conversions.strings($0, name, "rows") }
            let columnLabels = try arguments.value(named: "cols").map { try Conversions.strings($0, name, "cols") }
            let mapName = try arguments.string(named: "cmap", default: "viridis")
            guard let colormap = Colormap(rawValue: mapName) else {
                let names = Colormap.allCases.map(\.rawValue)
                throw NativeError("heatmap: unknown cmap '\(mapName)'"
                    + (nearestName(to: mapName, in: names).map { "; did you mean '\($0)'?" }
                       ?? "; choose one of \(names.joined(separator: ", "))"))
            }
            try panel.heatmap(matrix, rowLabels: rowLabels, columnLabels: columnLabels, colormap: colormap,
                              showValues: try arguments.bool(named: "values", default: false),
                              colorbarLabel: try optionalString(arguments, "clabel"))
        }
        // Panel options, common to every kind.
        if let title = try optionalString(arguments, "title") { panel.title = title }
        if let label = try optionalString(arguments, "xlabel") { panel.xLabel = label }
        if let label = try optionalString(arguments, "ylabel") { panel.yLabel = label }
        if try arguments.bool(named: "logx", default: false) { panel.xScale = .log }
        if try arguments.bool(named: "logy", default: false) { panel.yScale = .log }
    }

    private func optionalString(_ arguments: Arguments, _ name: String) throws -> String? {
        guard let value = try arguments.value(named: name), !value.isNull else { return nil }
        return try arguments.string(named: name)
    }
}

// MARK: - Builtins

enum ChartBuiltins {
    static func install(_ context: BuiltinContext) {
        for kind in ChartKind.allCases {
            context.define(kind.rawValue, help: kind.help) { arguments in
                try arguments.rejectUnknownNames(kind.parameters + ChartKind.panelOptions + ChartKind.figureOptions + ["path"])
                let figure = try makeFigure(context, arguments, title: nil, rows: 1, columns: 1)
                try figure.addPanel(kind, arguments, extraNames: ChartKind.figureOptions)
                // Announced only once it holds a chart: a call that failed made no figure.
                context.settings.onFigure?(figure)
                return .object(figure)
            }
        }
        context.define("figure", help: """
            figure(rows=1, cols=1, width=800, height=600, title=): an empty grid of panels; fig.plot(…), fig.heatmap(…) fill the next one.
              fig = figure(rows=1, cols=2, title="training"); fig.plot(losses); fig.bar([3, 1]); fig.save("out/training.png")
            """) { arguments in
            try arguments.rejectUnknownNames(["rows", "cols", "width", "height", "title"])
            try arguments.expectCount(0)
            let title = try arguments.value(named: "title").flatMap { $0.isNull ? nil : $0 }
                .map { _ in try arguments.string(named: "title") }
            let figure = try makeFigure(context, arguments, title: title,
                                        rows: try arguments.integer(named: "rows", default: 1),
                                        columns: try arguments.integer(named: "cols", default: 1))
            context.settings.onFigure?(figure)
            return .object(figure)
        }
        context.define("show", help: "show(fig): print the figure's terminal preview.\n  show(plot([1, 4, 9]))") { arguments in
            try arguments.rejectUnknownNames([])
            try arguments.expectCount(1)
            let figure = try arguments.object(at: 0, named: "fig", as: FigureObject.self, described: "a figure")
            arguments.interpreter.output(figure.preview() + "\n")
            return .null
        }
    }

    /// A new figure from `width=`/`height=` (the caller announces it to the observer).
    private static func makeFigure(_ context: BuiltinContext, _ arguments: Arguments, title: String?,
                                   rows: Int, columns: Int) throws -> FigureObject {
        let width = try arguments.integer(named: "width", default: 800)
        let height = try arguments.integer(named: "height", default: 600)
        let figure: Figure
        do {
            figure = try Figure(width: width, height: height, title: title, rows: rows, columns: columns)
        } catch let error as PlotError {
            // Plotting says "figure: …"; a chart builtin puts its own name first instead.
            let message = error.message.hasPrefix("figure: ") ? String(error.message.dropFirst(8)) : error.message
            throw NativeError("\(arguments.functionName): \(message)")
        }
        return FigureObject(figure, context: context)
    }
}
