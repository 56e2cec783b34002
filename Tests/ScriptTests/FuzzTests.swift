// Random and mutated inputs must never crash or hang any phase: each gets a value or a clean
// error. The mutations are seeded, so a failure reproduces.
import Foundation
import Testing
import TestSupport
@testable import Script

/// SplitMix64: a small, seedable generator (same seed, same sequence).
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The corpus: every language test script.
private let corpus: [String] = LanguageTestFile.all().compactMap { try? String(contentsOfFile: $0.path, encoding: .utf8) }

private let fragments = ["(", ")", "[", "]", "{", "}", "\"", "\\(", "fn", "if", "else", "for", "in", "while",
                         "return", "break", ":", ",", ".", "=", "+=", "**", "@", "not", "and", "\n", ";", "-",
                         "1e", "#", "'", "\\", "x", "0", "nil", "é", "\u{0}", "1:", "[:, 0]"]

/// One random edit: delete, duplicate, insert a fragment, or swap a span.
private func mutate(_ text: String, _ generator: inout SplitMix64) -> String {
    var scalars = Array(text.unicodeScalars)
    for _ in 0..<Int.random(in: 1...4, using: &generator) {
        let position = scalars.isEmpty ? 0 : Int.random(in: 0..<scalars.count, using: &generator)
        switch Int.random(in: 0..<4, using: &generator) {
        case 0 where !scalars.isEmpty:
            let end = min(scalars.count, position + Int.random(in: 1...8, using: &generator))
            scalars.removeSubrange(position..<end)
        case 1 where !scalars.isEmpty:
            let end = min(scalars.count, position + Int.random(in: 1...20, using: &generator))
            scalars.insert(contentsOf: scalars[position..<end], at: position)
        case 2:
            let fragment = fragments[Int.random(in: 0..<fragments.count, using: &generator)]
            scalars.insert(contentsOf: fragment.unicodeScalars, at: position)
        default:
            if scalars.count > 2 {
                let other = Int.random(in: 0..<scalars.count, using: &generator)
                scalars.swapAt(position, other)
            }
        }
    }
    return String(String.UnicodeScalarView(scalars))
}

/// Mutation and random-input runs: slow, so tagged and in a suite the fast loop can skip.
@Suite(.tags(.slow)) struct FuzzTests {
    @Test func mutatedScriptsNeverCrashTheFrontEnd() {
        #expect(corpus.count > 50)
        var generator = SplitMix64(seed: 20_261_129)
        var syntaxErrors = 0
        for round in 0..<4_000 {
            let source = mutate(corpus[round % corpus.count], &generator)
            let file = SourceFile(name: "fuzz", text: source)
            let (tokens, lexErrors) = Lexer.tokenize(file)
            let (statements, parseErrors) = LargeStack.run { Parser.parse(tokens) }
            if !lexErrors.isEmpty || !parseErrors.isEmpty { syntaxErrors += 1 }
            #expect(tokens.last?.kind == .end)
            #expect(parseErrors.count <= Parser.errorLimit)
            _ = Resolver.resolve(statements, globals: GlobalTable())
            _ = Interpreter.isIncomplete(source)
            _ = Interpreter.dumpTokens(source)
        }
        // The mutations are real: most of them break the syntax.
        #expect(syntaxErrors > 1_000)
    }

    @Test func randomBytesNeverCrashTheFrontEnd() {
        var generator = SplitMix64(seed: 7)
        let alphabet = Array("abc01 \n\t(){}[]\"'\\#.,:;=+-*/%@<>!éfnifor".unicodeScalars)
        var rejected = 0, accepted = 0
        for _ in 0..<3_000 {
            let length = Int.random(in: 0...120, using: &generator)
            let scalars = (0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
            let source = String(String.UnicodeScalarView(scalars))
            let (tokens, lexErrors) = Lexer.tokenize(SourceFile(name: "fuzz", text: source))
            let (_, parseErrors) = LargeStack.run { Parser.parse(tokens) }
            #expect(tokens.last?.kind == .end)
            #expect(parseErrors.count <= Parser.errorLimit)
            // Every error is located inside the text it came from.
            for error in lexErrors.map({ $0 as any Diagnostic }) + parseErrors.map({ $0 as any Diagnostic }) {
                #expect(error.span.line >= 1 && error.span.line <= source.split(separator: "\n", omittingEmptySubsequences: false).count,
                        "\(error.message) at line \(error.span.line) of \(source.debugDescription)")
                #expect(!error.message.isEmpty)
            }
            if lexErrors.isEmpty && parseErrors.isEmpty { accepted += 1 } else { rejected += 1 }
        }
        // Random text is mostly refused, and the short inputs that are valid (empty, "a", "1") parse.
        #expect(rejected > 2_000)
        #expect(accepted > 20)
    }

    /// Holds the interpreter for the watchdog (see RuntimeTests).
    private final class Watched: @unchecked Sendable {
        let interpreter: Interpreter
        /// Set when the fuzzing loop is over; read by the watchdog. Guarded by `lock`.
        private var isFinished = false
        private let lock = NSLock()
        init(_ interpreter: Interpreter) { self.interpreter = interpreter }

        var finished: Bool {
            get { lock.withLock { isFinished } }
            set { lock.withLock { isFinished = newValue } }
        }
    }

    @Test func mutatedScriptsRunToAValueOrACleanError() throws {
        var generator = SplitMix64(seed: 99)
        let harness = Harness()
        harness.interpreter.output = { _ in }
        harness.interpreter.recursionLimit = 200
        let watched = Watched(harness.interpreter)
        // A mutation may loop forever; a watchdog interrupts every run that takes too long.
        let watchdog = Thread {
            while true {
                Thread.sleep(forTimeInterval: 0.05)
                if watched.finished { return }
                watched.interpreter.requestInterrupt()
            }
        }
        watchdog.start()
        var values = 0, errors = 0
        for round in 0..<600 {
            let source = mutate(corpus[round % corpus.count], &generator)
            do {
                _ = try harness.interpreter.run(source, file: "fuzz")
                values += 1
            } catch {
                errors += 1
                // A clean error: located in the file it came from, with a message.
                #expect(error.description.hasPrefix("fuzz:"), "\(error.description)")
                #expect(!error.message.isEmpty)
            }
            harness.interpreter.reset()
        }
        watched.finished = true
        // Both outcomes occur: mutations break most scripts, but some still run to the end.
        #expect(errors > 200, "\(errors) errors")
        #expect(values > 5, "\(values) ran cleanly")
        // After all that, the interpreter still works.
        #expect(try harness.run("1 + 2") == "3")
    }
}
