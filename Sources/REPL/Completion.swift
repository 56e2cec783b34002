import Script

/// Tab-completion candidates: global names, `:commands` at the start of a line, and members
/// after a dot (`model.ro` → `model.route`).
///
/// Only plain name chains (`a.b.c`) are looked up, and only through member access, so pressing
/// Tab never calls a function the user did not run.
public enum Completion {
    /// Candidates for the word ending at the end of `line`, each a full replacement of that word.
    public static func candidates(for line: String, interpreter: Interpreter, commands: [String]) -> [String] {
        let word = lastWord(of: line)
        if line.trimmingCharacters(in: .whitespaces).hasPrefix(":") && !line.contains(" ") {
            return commands.filter { $0.hasPrefix(word) }.sorted()
        }
        guard let dot = word.lastIndex(of: ".") else {
            guard !word.isEmpty else { return [] }
            return interpreter.globalNames.filter { $0.hasPrefix(word) }
        }
        let chain = word[..<dot].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let partial = String(word[word.index(after: dot)...])
        guard let value = resolve(chain, interpreter: interpreter) else { return [] }
        let prefix = String(word[...dot])
        return interpreter.memberNames(of: value).filter { $0.hasPrefix(partial) }.map { prefix + $0 }
    }

    /// The trailing run of identifier characters and dots.
    static func lastWord(of line: String) -> String {
        String(line.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == ":" }.reversed())
    }

    /// Follows `a.b.c` through globals and members; nil when any step is unknown.
    private static func resolve(_ chain: [String], interpreter: Interpreter) -> Value? {
        guard let first = chain.first, !first.isEmpty, var value = interpreter.global(first) else { return nil }
        for name in chain.dropFirst() {
            guard case .object(let object) = value, let next = try? object.member(name) else { return nil }
            value = next
        }
        return value
    }
}
