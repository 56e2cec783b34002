// Runs Seek snippets through a fresh interpreter with the builtins and captures what they print.

import Builtins
import Foundation
import Script

/// One interpreter with the builtins installed and its output captured.
final class ScriptRunner {
    let interpreter = Interpreter()
    private(set) var output = ""
    private(set) var figures: [FigureObject] = []

    init(seed: UInt64 = 0, outputDirectory: String = "out") {
        var settings = BuiltinSettings(seed: seed, outputDirectory: outputDirectory)
        settings.onFigure = { [unowned self] figure in self.figures.append(figure) }
        Builtins.install(into: interpreter, settings: settings)
        interpreter.output = { [unowned self] text in self.output += text }
    }

    /// Runs `source` and returns everything it printed (and clears the capture).
    @discardableResult
    func run(_ source: String) throws -> String {
        _ = try interpreter.run(source)
        defer { output = "" }
        return output
    }

    /// Runs `source` and returns the echo of its last expression (as the REPL shows it).
    func echo(_ source: String) throws -> String {
        try interpreter.run(source)?.repr ?? "nil"
    }

    /// The one-line message of the error `source` raises, or nil if it runs cleanly.
    func error(_ source: String) -> String? {
        do {
            _ = try interpreter.run(source)
            return nil
        } catch {
            return error.message
        }
    }
}

/// Prints `source`'s output through a fresh runner.
func output(of source: String, seed: UInt64 = 0) throws -> String {
    try ScriptRunner(seed: seed).run(source)
}

/// A fresh temporary folder for chart files.
func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("builtins-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
