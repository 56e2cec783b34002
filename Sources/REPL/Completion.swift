import Script

/// Tab-completion candidates: global names, `:commands` at the start of a line, members
/// after a dot (`model.ro` → `model.route`), and keyword arguments inside a call
/// (`moe(dim=4, ba` → `balance=`).
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
            return keywordCandidates(for: line, word: word, interpreter: interpreter)
                + interpreter.globalNames.filter { $0.hasPrefix(word) }
        }
        let chain = word[..<dot].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let partial = String(word[word.index(after: dot)...])
        guard let value = resolve(chain, interpreter: interpreter) else { return [] }
        let prefix = String(word[...dot])
        return interpreter.memberNames(of: value).filter { $0.hasPrefix(partial) }.map { prefix + $0 }
    }

    /// `name=` for the keyword parameters of the call the cursor is inside (`moe(dim=4, ba` →
    /// `balance=`), leaving out those the call already names. The callee must be a plain name
    /// chain, resolved like members are (nothing is called).
    static func keywordCandidates(for line: String, word: String, interpreter: Interpreter) -> [String] {
        let before = line.dropLast(word.count)
        // The word must start an argument: right after "(" or "," (spaces allowed).
        guard let previous = before.last(where: { $0 != " " }), previous == "(" || previous == "," else { return [] }
        guard let open = openCall(in: before) else { return [] }
        let callee = lastWord(of: String(before[..<open]))
        guard !callee.isEmpty, !callee.hasPrefix(":") else { return [] }
        let chain = callee.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let value = resolve(chain, interpreter: interpreter) else { return [] }
        let arguments = before[before.index(after: open)...]
        let used = Set(arguments.split(separator: ",").compactMap { part -> String? in
            guard let equals = part.firstIndex(of: "=") else { return nil }
            return part[..<equals].trimmingCharacters(in: .whitespaces)
        })
        return interpreter.keywordNames(of: value).filter { $0.hasPrefix(word) && !used.contains($0) }.map { $0 + "=" }
    }

    /// The position of the innermost "(" still open at the end of `text` (strings skipped).
    private static func openCall(in text: Substring) -> String.Index? {
        var opens: [(String.Index, Character)] = []
        var inString = false
        for index in text.indices {
            let character = text[index]
            if inString {
                if character == "\"" { inString = false }
                continue
            }
            switch character {
            case "\"": inString = true
            case "(", "[", "{": opens.append((index, character))
            case ")", "]", "}": if !opens.isEmpty { opens.removeLast() }
            default: break
            }
        }
        guard let last = opens.last, last.1 == "(" else { return nil }
        return last.0
    }

    /// The trailing run of identifier characters and dots.
    static func lastWord(of line: String) -> String {
        String(line.reversed().prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == ":" }.reversed())
    }

    /// Follows `a.b.c` through globals and members (member access only, so nothing is called); nil
    /// when any step is unknown. Also the Jupyter kernel's inspect.
    public static func resolve(_ chain: [String], interpreter: Interpreter) -> Value? {
        guard let first = chain.first, !first.isEmpty, var value = interpreter.global(first) else { return nil }
        for name in chain.dropFirst() {
            guard case .object(let object) = value, let next = try? object.member(name) else { return nil }
            value = next
        }
        return value
    }
}
