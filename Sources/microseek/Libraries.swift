import Builtins
import Foundation
import Notebook
import Script

/// Builds interpreters with every library installed (as Lua's linit.c registers its libraries).
enum Libraries {
    /// An interpreter with the standard library and microseek's builtins. Creators called
    /// without `seed=` draw from one generator seeded with `seed`; `figures`, when given,
    /// hears of every chart a script makes (the notebook kernel renders them after each cell);
    /// `outputDirectory` is the folder scripts see as `out_dir`.
    static func makeInterpreter(seed: UInt64, figures: FigureCollector? = nil, outputDirectory: String = "out") -> Interpreter {
        makeSession(seed: seed, figures: figures, outputDirectory: outputDirectory).interpreter
    }

    /// The interpreter and the builtins' shared state (its default generator, for `:reset`).
    static func makeSession(seed: UInt64, figures: FigureCollector? = nil,
                            outputDirectory: String = "out") -> (interpreter: Interpreter, builtins: BuiltinContext) {
        let interpreter = Interpreter()
        var settings = BuiltinSettings(seed: seed, outputDirectory: outputDirectory)
        if let figures { settings.onFigure = { figure in figures.add(figure) } }
        let context = Builtins.install(into: interpreter, settings: settings)
        return (interpreter, context)
    }
}

/// Collects the figures a notebook cell made and renders them to PNG after the cell, so a
/// `figure(rows=2)` filled by later lines of the cell is drawn complete.
final class FigureCollector {
    private var pending: [FigureObject] = []
    /// Render failures, reported as text outputs by the kernel.
    private(set) var failures: [String] = []

    func begin() {
        pending = []
        failures = []
    }

    func add(_ figure: FigureObject) {
        if !pending.contains(where: { $0 === figure }) { pending.append(figure) }
    }

    /// Whether a value is a figure (its image replaces the echoed text).
    func isFigure(_ value: Value) -> Bool {
        if case .object(let object) = value { return object is FigureObject }
        return false
    }

    /// The cell's charts as PNG images with a terminal preview each.
    func end() -> [CellImage] {
        defer { pending = [] }
        let color = isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        return pending.compactMap { figure in
            do {
                let chart = figure.figure
                let title = chart.title ?? chart.panels.lazy.compactMap(\.title).first ?? "figure"
                return CellImage(png: Data(try figure.pngData()), title: title,
                                 terminalPreview: figure.preview(color: color))
            } catch {
                failures.append("could not draw the figure: \(error)")
                return nil
            }
        }
    }
}
