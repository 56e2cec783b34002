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
}
