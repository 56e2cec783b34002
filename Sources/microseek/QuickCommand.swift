import ArgumentParser
import Foundation

/// The two commands people run most, `microseek -e CODE` and `microseek run FILE`, recognised
/// without ArgumentParser. Parsing builds the whole command tree by reflection, and each of its
/// ~140 dynamic casts scans the conformance records of the statically linked runtime and
/// Foundation: 16 million instructions, 45% of a `-e '1'` run. Any other spelling (another flag,
/// `--seed`, a value that starts with `-`, `--help`) goes to ArgumentParser, so usage errors and
/// help read the same as ever; both paths run the same functions below.
enum QuickCommand {
    case evaluate(code: String)
    case runFile(path: String)

    /// Recognises `-e CODE` and `run FILE` exactly; nil for anything else.
    init?<Arguments: Collection<String>>(_ arguments: Arguments) {
        let words = Array(arguments)
        guard words.count == 2, !words[1].hasPrefix("-") else { return nil }
        switch words[0] {
        case "-e": self = .evaluate(code: words[1])
        case "run": self = .runFile(path: words[1])
        default: return nil
        }
    }

    func run() throws {
        switch self {
        case .evaluate(let code): try Self.evaluate(code, seed: 0)
        case .runFile(let path): try Self.runFile(path, seed: 0)
        }
    }

    /// `-e CODE`: runs it and echoes its last value.
    static func evaluate(_ code: String, seed: UInt64) throws {
        try Session(seed: seed).runScript(code, file: "<-e>", echoLastValue: true)
    }

    /// `run FILE`.
    static func runFile(_ path: String, seed: UInt64) throws {
        guard let source = readTextFile(path) else {
            printError("microseek: cannot read '\(path)': no such file, or not UTF-8 text")
            throw ExitCode(ExitCodes.unreadableInput)
        }
        try Session(seed: seed).runScript(source, file: path, echoLastValue: false)
    }
}
