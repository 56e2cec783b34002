import Builtins
import Foundation
import Kernel
import REPL
import Script

/// The Jupyter kernel's view of a Seek session: the same interpreter and libraries as the REPL,
/// its output streamed as it is printed, and every chart a cell makes returned as a PNG.
final class JupyterSession: KernelSession {
    private let interpreter: Interpreter
    private let figures = FigureCollector()

    init(seed: UInt64) {
        interpreter = Libraries.makeInterpreter(seed: seed, figures: figures)
    }

    /// The interpreter's stop request (for SIGINT, when Jupyter interrupts by signal).
    var interruptFlag: InterruptFlag { interpreter.interruptFlag }

    func execute(_ code: String, stream: @escaping (String) -> Void) -> ExecutionOutcome {
        figures.begin()
        interpreter.output = stream
        var outcome = ExecutionOutcome()
        do {
            if let value = try interpreter.run(code, file: "<cell>"), !figures.isFigure(value) {
                outcome.value = value.repr
            }
        } catch {
            let cell = SeekKernel.cellError(from: error)
            let name: String
            switch cell.kind {
            case .syntax: name = "SyntaxError"
            case .assertion: name = "AssertionError"
            case .runtime: name = "RuntimeError"
            }
            outcome.error = (name, cell.message, error.description.split(separator: "\n").map(String.init))
        }
        outcome.images = figures.end().map { ([UInt8]($0.png), "<figure: \($0.title)>") }
        for failure in figures.failures { stream("warning: \(failure)\n") }
        return outcome
    }

    func complete(_ code: String, cursor: Int) -> (matches: [String], start: Int) {
        let before = String(String.UnicodeScalarView(code.unicodeScalars.prefix(cursor)))
        let word = before.unicodeScalars.reversed().prefix { Self.isWordScalar($0) }
        let matches = Completion.candidates(for: before, interpreter: interpreter, commands: [])
        return (matches, cursor - word.count)
    }

    func inspect(_ code: String, cursor: Int) -> String? {
        let scalars = Array(code.unicodeScalars)
        let position = min(max(cursor, 0), scalars.count)
        var start = position, end = position
        while start > 0 && Self.isWordScalar(scalars[start - 1]) { start -= 1 }
        while end < scalars.count && Self.isWordScalar(scalars[end]) && scalars[end] != "." { end += 1 }
        let chain = String(String.UnicodeScalarView(scalars[start ..< end])).split(separator: ".").map(String.init)
        return Completion.resolve(chain, interpreter: interpreter).map(interpreter.helpText(for:))
    }

    func completeness(of code: String) -> Completeness {
        Interpreter.isIncomplete(code) ? .incomplete : .complete
    }

    func interrupt() { interpreter.requestInterrupt() }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || ("0" ... "9").contains(scalar) || scalar == "_" || scalar == "."
    }

    /// The kernelspec's 64×64 logo: four experts' shares as a tiny heatmap, drawn by microseek.
    static func logo() -> [UInt8]? {
        let interpreter = Libraries.makeInterpreter(seed: 0)
        let source = "heatmap([[0.7, 0.1], [0.2, 0.9]], width=64, height=64)"
        guard case .object(let figure as FigureObject)? = try? interpreter.run(source, file: "<logo>") else { return nil }
        return try? figure.pngData()
    }
}
