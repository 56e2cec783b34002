// What the composition root decides for the natives (BuiltinSettings) and the state the natives
// of one interpreter share (BuiltinContext): the default generator, seeds, warnings, define.

import Autograd
import Script

// MARK: - Settings

/// What the composition root (executable, REPL, notebook kernel, tests) decides for the natives.
public struct BuiltinSettings {
    /// Seeds the one interpreter-wide generator that creators called without `seed=` draw from
    /// (`--seed`, default 0): even an unseeded script prints the same numbers on every run.
    public var seed: UInt64
    /// The folder scripts see as the global `out_dir` (the examples write their charts there).
    public var outputDirectory: String
    /// Whether `install` also installs `StandardLibrary` (print, len, range, …). Default true.
    public var installStandardLibrary: Bool
    /// Called with every figure a chart builtin creates (`plot`, `figure`, …). The object is live:
    /// a `figure(rows=2)` is filled by later calls, so render it after the cell or script has run.
    public var onFigure: ((FigureObject) -> Void)?

    /// Settings with the given seed and observer; `out_dir` is "out" unless told otherwise.
    public init(seed: UInt64 = 0, outputDirectory: String = "out",
                installStandardLibrary: Bool = true, onFigure: ((FigureObject) -> Void)? = nil) {
        self.seed = seed
        self.outputDirectory = outputDirectory
        self.installStandardLibrary = installStandardLibrary
        self.onFigure = onFigure
    }
}

// MARK: - Shared state

/// State the natives of one interpreter share: the settings and the default random generator.
/// Not thread-safe, like the interpreter it belongs to: natives run on the interpreter's thread.
public final class BuiltinContext {
    /// The interpreter the natives were installed into. Weak: the interpreter owns the natives,
    /// which own this context, so a strong reference would be a cycle; a figure kept after its
    /// interpreter is gone must not reach a dangling one.
    public private(set) weak var interpreter: Interpreter?
    /// The settings `install` was given.
    public let settings: BuiltinSettings
    /// The generator for creators called without `seed=`, seeded with `settings.seed`.
    public var defaultGenerator: SeededGenerator

    init(interpreter: Interpreter, settings: BuiltinSettings) {
        self.interpreter = interpreter
        self.settings = settings
        defaultGenerator = SeededGenerator(seed: settings.seed)
    }

    /// Restarts the default generator from `settings.seed` (the REPL's `:reset`, so a reset
    /// session prints the same numbers as a fresh one).
    public func resetGenerator() { defaultGenerator = SeededGenerator(seed: settings.seed) }

    /// Runs `body` with the generator a creator should use: a fresh one for an explicit
    /// `seed=`, else the interpreter-wide one (which advances).
    public func withGenerator<Result>(_ arguments: Arguments,
                                      _ body: (inout SeededGenerator) throws -> Result) throws -> Result {
        if let seed = try arguments.optionalInteger(named: "seed") {
            guard seed >= 0 else {
                throw NativeError("\(arguments.functionName): seed must be 0 or more, got \(seed)")
            }
            var generator = SeededGenerator(seed: UInt64(seed))
            return try body(&generator)
        }
        return try body(&defaultGenerator)
    }

    /// An explicit `seed=` (the same seed Swift code would pass) or one drawn from the
    /// interpreter-wide generator: for creators that take a seed number rather than a generator.
    public func seed(_ arguments: Arguments) throws -> UInt64 {
        if let seed = try arguments.optionalInteger(named: "seed") {
            guard seed >= 0 else { throw NativeError("\(arguments.functionName): seed must be 0 or more, got \(seed)") }
            return UInt64(seed)
        }
        return defaultGenerator.next() & 0x7FFF_FFFF
    }

    /// Writes one "warning: …" line per message through the interpreter's output.
    public func warn(_ messages: [String]) {
        for message in messages { interpreter?.output("warning: \(message)\n") }
    }

    /// Defines a native function that turns library errors (`TensorError`, `PlotError`) into
    /// `NativeError`s prefixed with the builtin's name when they do not already start with it.
    func define(_ name: String, help: String, _ body: @escaping (Arguments) throws -> Value) {
        interpreter?.define(name, help: help) { arguments in
            try rethrowingNamed(name) { try body(arguments) }
        }
    }
}
