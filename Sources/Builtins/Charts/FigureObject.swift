// The figure as scripts see it: `fig.save(path)`, `fig.plot/.scatter/.bar/.hist/.heatmap/.area/
// .regions` filling the next empty panel, `fig.hline/.vline/.annotate` marking a panel, and a
// repr that is the terminal preview (the REPL echo).

import Foundation
import PlotPNG
import Plotting
import Script

/// A chart in a script. The notebook kernel receives these through `BuiltinSettings.onFigure`
/// and renders them with `pngData()` once the cell has run.
public final class FigureObject: NativeObject {
    /// The figure value; chart methods add series to its panels.
    public private(set) var figure: Figure
    private let context: BuiltinContext

    init(_ figure: Figure, context: BuiltinContext) {
        self.figure = figure
        self.context = context
    }

    // MARK: - Rendering (for the notebook kernel and the executable)

    /// The figure encoded as PNG bytes (libgd, DejaVu Sans).
    public func pngData() throws -> [UInt8] { try figure.pngData() }

    /// The figure as an SVG document.
    public func svg() throws -> String { try figure.svg() }

    /// A name for the chart: the figure's title, else the first panel title (a one-panel chart
    /// such as `plot(…, title="loss")` keeps its title on the panel), else nil.
    public var title: String? { figure.title ?? figure.panels.lazy.compactMap(\.title).first }

    /// Whether the default preview uses colour: standard output is a terminal and NO_COLOR is unset.
    public static var terminalWantsColor: Bool {
        isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    }

    /// The terminal preview (Plotting's `TerminalPreview`) without a trailing newline; ANSI
    /// colours when `color` (default: `terminalWantsColor`).
    public func preview(color: Bool = FigureObject.terminalWantsColor) -> String {
        var text = figure.terminalPreview(useColor: color)
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// Writes PNG or SVG by the extension of `path`, creating missing folders, and prints
    /// `saved <path>` through the interpreter (REPL, scripts and lessons alike).
    public func save(to path: String) throws {
        try Self.prepareFolder(for: path)
        try rethrowingNamed("save") { try figure.save(to: path) }
        context.interpreter?.output("saved \(path)\n")
    }

    /// Creates the folder `path` goes in when it is missing.
    static func prepareFolder(for path: String) throws {
        guard !path.isEmpty else { throw NativeError("save: the path is empty; give a file name ending in .png or .svg") }
        // Split by hand: NSString.deletingLastPathComponent traps on some inputs in corelibs Foundation.
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? ""
        if !folder.isEmpty && !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw NativeError("save: cannot create folder '\(folder)' for '\(path)': \(error.localizedDescription)")
            }
        }
    }

    // MARK: - NativeObject

    public var typeName: String { "figure" }
    public var repr: String { preview() }
    public var memberNames: [String] {
        ["save", "title", "width", "height", "panels", "style", "hline", "vline", "annotate"] + ChartKind.allCases.map(\.rawValue)
    }
    public var help: String {
        """
        figure: a chart of \(figure.rows)×\(figure.columns) panels. Save it as PNG or SVG by the extension.
          fig = figure(rows=1, cols=2); fig.plot([1, 3, 2]); fig.hist(randn(100)); fig.save(out_dir + "/two.png")
        properties: title (writable), width, height, panels, style
        methods: save(path), \(ChartKind.allCases.map { "\($0.rawValue)(…)" }.joined(separator: ", ")) (fill the next empty panel),
          hline(y, label=, style="dashed"|"solid"|"dotted"|"dashdot", panel=), vline(x, …), annotate(x, y, "text", panel=)
          (on the last filled panel unless panel= gives its index from 0)
        """
    }

    public func member(_ name: String) throws -> Value? {
        switch name {
        case "title": return figure.title.map(Value.string) ?? .null
        case "width": return .number(Double(figure.width))
        case "height": return .number(Double(figure.height))
        case "panels": return .number(Double(figure.panels.count))
        case "style": return .string(figure.style.name)
        case "hline", "vline":
            let axis = name == "hline" ? "y" : "x"
            let help = "fig.\(name)(\(axis), label=, style=\"dashed\"|\"solid\"|\"dotted\"|\"dashdot\", panel=): a \(name == "hline" ? "horizontal" : "vertical") reference line across a panel.\n"
                + (name == "hline" ? "  plot([0.3, 0.2, 0.26]).hline(0.25, label=\"fair share 1/4\")" : "  plot([3, 2, 1]).vline(1, label=\"balancing on\", style=\"dotted\")")
            return boundMethod("figure", name, help: help) { arguments in
                try arguments.rejectUnknownNames([axis, "label", "style", "panel"])
                try arguments.expectCount(1)
                let value = try arguments.number(at: 0, named: axis)
                let label = try ChartOptions.optionalString(arguments, "label")
                let styleName = try arguments.string(named: "style", default: "dashed")
                guard let style = LineStyle(rawValue: styleName) else {
                    throw NativeError("\(name): unknown style '\(styleName)'; choose one of "
                        + LineStyle.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))
                }
                try self.markPanel(name, arguments) { panel in
                    if name == "hline" { try panel.hline(value, label: label, style: style) }
                    else { try panel.vline(value, label: label, style: style) }
                }
                return .object(self)
            }
        case "annotate":
            return boundMethod("figure", "annotate", help: "fig.annotate(x, y, text, panel=): text at a data point, marked by a dot.\n  plot([3, 1, 2]).annotate(1, 1, \"lowest\")") { arguments in
                try arguments.rejectUnknownNames(["x", "y", "text", "panel"])
                try arguments.expectCount(3)
                let x = try arguments.number(at: 0, named: "x"), y = try arguments.number(at: 1, named: "y")
                let text = try arguments.string(at: 2, named: "text")
                try self.markPanel("annotate", arguments) { try $0.annotate(x: x, y: y, text: text) }
                return .object(self)
            }
        case "save":
            return boundMethod("figure", "save", help: "fig.save(path): write the figure as PNG (.png) or SVG (.svg).\n  fig.save(\"out/loss.svg\")") { arguments in
                try arguments.rejectUnknownNames(["path"])
                try arguments.expectCount(1)
                try self.save(to: try arguments.string(at: 0, named: "path"))
                return .null
            }
        default:
            guard let kind = ChartKind(rawValue: name) else { return nil }
            return boundMethod("figure", name, help: kind.help + "\n  (on a figure: fills its next empty panel)") { arguments in
                try self.addPanel(kind, arguments)
                return .object(self)
            }
        }
    }

    public func setMember(_ name: String, to value: Value) throws {
        guard name == "title" else { throw NativeError("cannot assign to '\(name)' of a figure; only title can change") }
        switch value {
        case .string(let text): figure.title = text
        case .null: figure.title = nil
        default: throw NativeError("figure title must be a string, got \(value.typeAndValue)")
        }
    }

    // MARK: - Filling panels

    /// Adds a chart to the next empty panel, prints its warnings, saves when `path=` is given.
    /// `extraNames` are further keywords the caller handles (a one-panel chart's width/height).
    func addPanel(_ kind: ChartKind, _ arguments: Arguments, extraNames: [String] = []) throws {
        guard let index = figure.nextEmptyPanel else {
            throw NativeError("\(kind.rawValue): all \(figure.panels.count) panels of the figure are filled; "
                + "make a bigger one with figure(rows=, cols=)")
        }
        try rethrowingNamed(kind.rawValue) {
            try arguments.rejectUnknownNames(kind.parameters + ChartOptions.panel + ["path"] + extraNames)
            var panel = figure.panels[index]
            try kind.add(to: &panel, arguments)
            figure.panels[index] = panel
        }
        context.warn(figure.panels[index].warnings)
        if let path = try arguments.value(named: "path"), !path.isNull {
            try save(to: try arguments.string(named: "path"))
        }
    }

    /// Applies `change` to the panel `panel=` names (from 0), else the last filled one.
    private func markPanel(_ name: String, _ arguments: Arguments, _ change: (inout Axes) throws -> Void) throws {
        let count = figure.panels.count
        let index: Int
        if let given = try arguments.optionalInteger(named: "panel") {
            guard (0..<count).contains(given) else {
                throw NativeError("\(name): panel=\(given) is outside the figure's \(count) panel(s) (0...\(count - 1))")
            }
            index = given
        } else {
            index = figure.panels.lastIndex { !$0.isEmpty } ?? 0
        }
        try rethrowingNamed(name) { try change(&figure.panels[index]) }
    }
}
