import Testing
@testable import REPL
import Script

/// A tiny native object with members, to complete after a dot.
final class Model: NativeObject {
    var typeName: String { "model" }
    var memberNames: [String] { ["route", "rows", "params", "inner"] }
    func member(_ name: String) throws -> Value? {
        switch name {
        case "params": return .number(3)
        case "inner": return .object(Model())
        default: return nil
        }
    }
}

@Suite("Completion")
struct CompletionTests {
    func interpreter() -> Interpreter {
        let interpreter = Interpreter()
        StandardLibrary.install(into: interpreter)
        interpreter.define("model", .object(Model()))
        interpreter.define("modulo", .number(1))
        return interpreter
    }

    @Test func globalNamesByPrefix() {
        let candidates = Completion.candidates(for: "print(mod", interpreter: interpreter(), commands: [])
        #expect(candidates == ["model", "modulo"])
    }

    @Test func membersAfterADotReplaceTheWholeWord() {
        let candidates = Completion.candidates(for: "y = model.ro", interpreter: interpreter(), commands: [])
        #expect(candidates == ["model.route", "model.rows"])
    }

    @Test func nestedMembers() {
        let candidates = Completion.candidates(for: "model.inner.pa", interpreter: interpreter(), commands: [])
        #expect(candidates == ["model.inner.params"])
    }

    @Test func unknownNamesGiveNothing() {
        #expect(Completion.candidates(for: "nothing.x", interpreter: interpreter(), commands: []).isEmpty)
        #expect(Completion.candidates(for: "", interpreter: interpreter(), commands: []).isEmpty)
    }

    @Test func commandsAtTheStartOfALine() {
        let candidates = Completion.candidates(for: ":l", interpreter: interpreter(), commands: [":load", ":lesson", ":quit"])
        #expect(candidates == [":lesson", ":load"])
    }

    @Test func listMethodsAfterADot() {
        let interpreter = interpreter()
        _ = try? interpreter.run("xs = [1]")
        let candidates = Completion.candidates(for: "xs.app", interpreter: interpreter, commands: [])
        #expect(candidates == ["xs.append"])
    }

    @Test func commonPrefix() {
        #expect(longestCommonPrefix(["model.route", "model.rows"]) == "model.ro")
        #expect(longestCommonPrefix(["a"]) == "a")
        #expect(longestCommonPrefix(["abc", "x"]) == "")
    }

    /// An interpreter with a native whose signature wraps over two lines, as moe's does.
    func withMoe() -> Interpreter {
        let interpreter = interpreter()
        interpreter.define("moe", help: """
            moe(dim=, experts=8, top_k=2, gate="softmax"|"sigmoid", balance="none"|"aux",
                aux_weight=0.01, seed=): a Mixture-of-Experts layer.
              m = moe(dim=16)
            """) { _ in .null }
        return interpreter
    }

    @Test func keywordArgumentsInsideACall() {
        let interpreter = withMoe()
        #expect(Completion.candidates(for: "m = moe(dim=4, ba", interpreter: interpreter, commands: []) == ["balance="])
        // Keywords first, then the global names with the same prefix.
        #expect(Completion.candidates(for: "moe(dim=4, top_k=1, a", interpreter: interpreter, commands: [])
                == ["aux_weight=", "abs", "append", "assert"])
        #expect(Completion.candidates(for: "moe(s", interpreter: interpreter, commands: []) == ["seed=", "sorted", "str", "sum"])
        // Names already given are not offered again; globals still complete after the keywords.
        #expect(Completion.candidates(for: "moe(dim=2, d", interpreter: interpreter, commands: []) == [])
        #expect(Completion.candidates(for: "moe(mo", interpreter: interpreter, commands: []) == ["model", "modulo", "moe"])
    }

    @Test func keywordArgumentsOfSeekFunctionsAndNotInsideValues() throws {
        let interpreter = withMoe()
        _ = try interpreter.run("fn train(model, steps, rate) { steps }")
        #expect(Completion.candidates(for: "train(model, st", interpreter: interpreter, commands: []) == ["steps=", "str"])
        // After "=" the word is a value, not a keyword; a closed call offers no keywords.
        #expect(Completion.candidates(for: "moe(dim=se", interpreter: interpreter, commands: []) == [])
        #expect(Completion.candidates(for: "moe(dim=2) + mo", interpreter: interpreter, commands: []) == ["model", "modulo", "moe"])
        // A string containing "(" does not open a call.
        #expect(Completion.candidates(for: "print(\"moe(\", ba", interpreter: interpreter, commands: []) == [])
    }

    @Test func signaturesParseIntoKeywordNames() {
        #expect(Interpreter.keywordNames(inSignature: "zeros(d1, d2, …) or zeros([d1, …]): zeros.") == [])
        #expect(Interpreter.keywordNames(inSignature: "sorted(xs, key=f, reverse=false): sorted.") == ["key", "reverse"])
        #expect(Interpreter.keywordNames(inSignature: "print(a, b, …, sep=\" \", end=\"\\n\"): write.") == ["sep", "end"])
        #expect(Interpreter.keywordNames(inSignature: "no signature here") == [])
    }
}

