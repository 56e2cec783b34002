// Chart builtins: plot, scatter, bar, hist, heatmap, area, regions (each a one-panel figure),
// figure(rows=, cols=) for grids filled by its methods, show(fig), chart_style(name). Data may be
// tensors, lists or lists of lists; NaN and infinite values are skipped with a warning by the
// Plotting module. Smoothing helpers and animate are in ChartHelpers.swift.

import Plotting
import Script

/// The chart kinds, shared by the builtins and the figure methods.
enum ChartKind: String, CaseIterable {
    case plot, scatter, bar, hist, heatmap, area, regions

    /// The kind's own parameters (data and style).
    var parameters: [String] {
        switch self {
        case .plot: return ["ys", "x", "labels", "label", "smooth", "band"]
        case .scatter: return ["x", "y", "groups", "label"]
        case .bar: return ["values", "labels", "groups", "label"]
        case .hist: return ["values", "bins", "label"]
        case .heatmap: return ["matrix", "rows", "cols", "values", "cmap", "clabel", "vmin", "vmax", "transpose"]
        case .area: return ["rows", "x", "labels"]
        case .regions: return ChartRegions.parameters
        }
    }

    var help: String {
        let common = "title=, xlabel=, ylabel=, path="
        switch self {
        case .plot:
            return """
                plot(ys or [ys1, ys2, …], x=, labels=[…], smooth=0, band=, \(common)): line chart, one line per series (per row of a matrix).
                  plot([losses, val_losses], labels=["train", "val"], title="loss", path=out_dir + "/loss.png")
                  plot(randn(200, seed=0), smooth=0.9)   # TensorBoard's debiased moving average, the raw series faint behind
                  plot([1, 2, 3, 2.5], band=[0.1, 0.3, 0.2, 0.4])   # mean line with a shaded ±band (e.g. the spread over seeds)
                Every chart also takes xlim=[a, b] and ylim=[a, b] (either end nil), logx=true, logy=true,
                legend="best"|"upper right"|"upper left"|"lower left"|"lower right"|"outside"|false, style="slides"|"paper"
                (chart_style("slides") sets it for the session), width=800, height=600, and dpi=100 or scale=2 for denser PNGs:
                  plot([3, 1, 2], ylim=[0, nil], xlim=[0, 2], legend="lower right", label="a", style="slides", scale=2)
                Charts return a figure: fig.hline(y, label=, style="dashed"), fig.vline(x, …), fig.annotate(x, y, "text"), fig.save(path):
                  plot([1.3, 1.1, 1.02]).hline(1, label="balanced").annotate(2, 1.02, "after balancing")
                """
        case .scatter:
            return "scatter(x, y, groups=[…], label=, \(common)): points, coloured by group name; scatter(points) takes an [N, 2] tensor.\n  scatter([1, 2, 3], [2, 1, 3], groups=[\"a\", \"b\", \"a\"])"
        case .bar:
            return "bar(values or [row1, row2, …], labels=[…], groups=[…], \(common)): bars, grouped for several rows.\n  bar([3, 5, 2], labels=[\"x\", \"y\", \"z\"])"
        case .hist:
            return "hist(values, bins=10, label=, \(common)): histogram of all the values (any shape) in equal-width bins.\n  hist(randn(1000, seed=0), bins=30)"
        case .heatmap:
            return """
                heatmap(matrix, rows=[…], cols=[…], values=false, cmap="viridis"|"magma"|"diverging", vmin=, vmax=, transpose=false, clabel=, \(common)): coloured cells with a colorbar.
                  heatmap(softmax(randn(4, 6, seed=0)), values=true)          # rows sum to 1: the scale is [0, 1]
                  heatmap([[0.5, 0.2], [0.1, 0.9]], vmin=0, vmax=1)             # a fixed scale (either end may be left out)
                  heatmap(randn(4, 4, seed=1), cmap="diverging")               # centred on 0, symmetric limits
                  heatmap([[1, 2, 3], [4, 5, 6]], transpose=true)               # rows become columns (a history's steps on y)
                """
        case .area:
            return """
                area(rows, x=, labels=[…], \(common)): stacked area chart, one layer per row (e.g. each expert's share of the load over steps).
                  area([[0.5, 0.4, 0.3], [0.5, 0.6, 0.7]], labels=["e0", "e1"], title="load")
                """
        case .regions:
            return ChartRegions.help
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
            } else if let label = try ChartOptions.optionalString(arguments, "label") {
                labels[0] = label
            }
            let smooth = try arguments.number(named: "smooth", default: 0)
            var bands: [[Double]?] = Array(repeating: nil, count: series.count)
            if let given = try arguments.value(named: "band"), !given.isNull {
                let rows = try Conversions.series(given, name, "band")
                guard rows.count == series.count else {
                    throw NativeError("plot: band has \(rows.count) rows for \(series.count) series")
                }
                bands = rows
            }
            for index in series.indices {
                try panel.plot(series[index], x: x, label: labels[index], smooth: smooth, band: bands[index])
            }
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
            try panel.scatter(x: x, y: y, groups: groups, label: try ChartOptions.optionalString(arguments, "label"))
        case .bar:
            let rows = try Conversions.series(try arguments.require(at: 0, named: "values"), name, "values")
            let labels = try arguments.value(named: "labels").map { try Conversions.strings($0, name, "labels") }
            if rows.count == 1 {
                try panel.bar(rows[0], labels: labels, label: try ChartOptions.optionalString(arguments, "label"))
            } else {
                let groups = try arguments.value(named: "groups").map { try Conversions.strings($0, name, "groups") }
                try panel.groupedBar(rows, labels: labels, groupLabels: groups)
            }
        case .hist:
            // Every value counts, whatever the shape (a weight matrix's distribution).
            let values = try Conversions.tensor(try arguments.require(at: 0, named: "values"), name, "values")
                .storage.map(Double.init)
            let bins = try arguments.integer(at: 1, named: "bins", default: 10)
            try panel.histogram(values, bins: bins, label: try ChartOptions.optionalString(arguments, "label"))
        case .heatmap:
            try addHeatmap(to: &panel, arguments)
        case .area:
            let rows = try Conversions.series(try arguments.require(at: 0, named: "rows"), name, "rows")
            let x = try arguments.value(named: "x").map { try Conversions.doubles($0, name, "x") }
            let labels = try arguments.value(named: "labels").map { try Conversions.strings($0, name, "labels") }
            try panel.area(rows, x: x, labels: labels)
        case .regions:
            try ChartRegions.add(to: &panel, arguments)
        }
        try ChartOptions.applyPanel(arguments, to: &panel)
    }

    private func addHeatmap(to panel: inout Axes, _ arguments: Arguments) throws {
        let name = rawValue
        var matrix = try Conversions.matrix(try arguments.require(at: 0, named: "matrix"), name, "matrix")
        var rowLabels = try arguments.value(named: "rows").map { try Conversions.strings($0, name, "rows") }
        var columnLabels = try arguments.value(named: "cols").map { try Conversions.strings($0, name, "cols") }
        if try arguments.bool(named: "transpose", default: false) {
            // rows= and cols= name the matrix as given; they swap with it.
            let columns = matrix.first?.count ?? 0
            matrix = (0..<columns).map { column in matrix.map { $0[column] } }
            (rowLabels, columnLabels) = (columnLabels, rowLabels)
        }
        let mapName = try arguments.string(named: "cmap", default: "viridis")
        guard let colormap = Colormap(rawValue: mapName) else {
            let names = Colormap.allCases.map(\.rawValue)
            throw NativeError("heatmap: unknown cmap '\(mapName)'"
                + (nearestName(to: mapName, in: names).map { "; did you mean '\($0)'?" }
                   ?? "; choose one of \(names.joined(separator: ", "))"))
        }
        let vmin = try arguments.value(named: "vmin").flatMap { $0.isNull ? nil : $0 }.map { _ in try arguments.number(named: "vmin") }
        let vmax = try arguments.value(named: "vmax").flatMap { $0.isNull ? nil : $0 }.map { _ in try arguments.number(named: "vmax") }
        try panel.heatmap(matrix, rowLabels: rowLabels, columnLabels: columnLabels, colormap: colormap,
                          showValues: try arguments.bool(named: "values", default: false),
                          vmin: vmin, vmax: vmax, colorbarLabel: try ChartOptions.optionalString(arguments, "clabel"))
    }
}

// MARK: - Builtins

enum ChartBuiltins {
    static func install(_ context: BuiltinContext) {
        let session = ChartSession()
        for kind in ChartKind.allCases {
            context.define(kind.rawValue, help: kind.help) { arguments in
                try arguments.rejectUnknownNames(kind.parameters + ChartOptions.panel + ChartOptions.figure + ["path"])
                let figure = try makeFigure(context, session, arguments, title: nil, rows: 1, columns: 1)
                try figure.addPanel(kind, arguments, extraNames: ChartOptions.figure)
                // Announced only once it holds a chart: a call that failed made no figure.
                if session.announcesFigures { context.settings.onFigure?(figure) }
                return .object(figure)
            }
        }
        context.define("figure", help: """
            figure(rows=1, cols=1, width=800, height=600, title=, style=, dpi= or scale=): an empty grid of panels; fig.plot(…), fig.heatmap(…) fill the next one.
              fig = figure(rows=1, cols=2, title="training"); fig.plot([3, 2, 1.5]); fig.bar([3, 1]); fig.save(out_dir + "/training.png")
            """) { arguments in
            try arguments.rejectUnknownNames(["rows", "cols", "title"] + ChartOptions.figure)
            try arguments.expectCount(0)
            let title = try ChartOptions.optionalString(arguments, "title")
            let figure = try makeFigure(context, session, arguments, title: title,
                                        rows: try arguments.integer(named: "rows", default: 1),
                                        columns: try arguments.integer(named: "cols", default: 1))
            if session.announcesFigures { context.settings.onFigure?(figure) }
            return .object(figure)
        }
        context.define("show", help: "show(fig): print the figure's terminal preview.\n  show(plot([1, 4, 9]))") { arguments in
            try arguments.rejectUnknownNames([])
            try arguments.expectCount(1)
            let figure = try arguments.object(at: 0, named: "fig", as: FigureObject.self, described: "a figure")
            arguments.interpreter.output(figure.preview() + "\n")
            return .null
        }
        context.define("chart_style", help: """
            chart_style(name): the style of every later chart in this session: "slides" (larger text, thicker lines, higher contrast), "paper" (smaller, thinner) or "default"; returns the previous one.
              chart_style("slides"); plot([1, 3, 2]); chart_style("default")
            """) { arguments in
            try arguments.rejectUnknownNames(["name"])
            try arguments.expectCount(0...1)
            let previous = session.style.name
            if let value = try arguments.value(at: 0, named: "name"), !value.isNull {
                session.style = try ChartOptions.namedStyle(try arguments.string(at: 0, named: "name"))
            }
            return .string(previous)
        }
        ChartHelpers.install(context, session: session)
    }

    /// A new figure from `width=`/`height=`/`style=`/`dpi=`/`scale=` (the caller announces it).
    static func makeFigure(_ context: BuiltinContext, _ session: ChartSession, _ arguments: Arguments, title: String?,
                           rows: Int, columns: Int) throws -> FigureObject {
        let width = try arguments.integer(named: "width", default: 800)
        let height = try arguments.integer(named: "height", default: 600)
        var figure: Figure
        do {
            figure = try Figure(width: width, height: height, title: title, rows: rows, columns: columns)
        } catch let error as PlotError {
            // Plotting says "figure: …"; a chart builtin puts its own name first instead.
            let message = error.message.hasPrefix("figure: ") ? String(error.message.dropFirst(8)) : error.message
            throw NativeError("\(arguments.functionName): \(message)")
        }
        figure.style = try ChartOptions.style(arguments, session: session)
        if let scale = try ChartOptions.scale(arguments) { try figure.setScale(scale) }
        return FigureObject(figure, context: context)
    }
}
