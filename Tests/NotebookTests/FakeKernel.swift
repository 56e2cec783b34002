// A scripted kernel for tests: a tiny line language with no dependence on Script.
import Foundation
import Notebook

/// Runs a toy language line by line so the notebook can be tested without the Seek interpreter.
///
/// `# …` is a comment; `name = N` binds an integer; `print X` prints a name or literal; `show N` echoes a value;
/// `plot TITLE` draws a 1×1 "PNG"; `assert NAME == N` checks; `fail MSG` is a runtime error;
/// `syntax!` is a syntax error. Errors report the lesson line (`firstLine` + line offset).
final class FakeKernel: LessonKernel {
    private(set) var variables: [String: Int] = [:]
    private(set) var executed: [(code: String, firstLine: Int)] = []

    func execute(_ code: String, firstLine: Int) -> CellOutcome {
        executed.append((code, firstLine))
        var outputs: [CellOutput] = []
        let lines = code.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (offset, line) in lines.enumerated() {
            let lessonLine = firstLine + offset
            let words = line.split(separator: " ").map(String.init)
            guard let head = words.first, !head.hasPrefix("#") else { continue }
            switch head {
            case "print":
                let name = words.dropFirst().joined(separator: " ")
                outputs.append(.text((variables[name].map(String.init) ?? name) + "\n"))
            case "show":
                outputs.append(.value(words.dropFirst().joined(separator: " ")))
            case "plot":
                let title = words.dropFirst().joined(separator: " ")
                outputs.append(.image(CellImage(png: Self.samplePNG, title: title, terminalPreview: "[chart \(title)]")))
            case "assert":
                if words.count == 4, let expected = Int(words[3]), variables[words[1]] != expected {
                    let actual = variables[words[1]].map(String.init) ?? "nil"
                    return CellOutcome(outputs: outputs, error: CellError(
                        kind: .assertion, message: "\(words[1]) == \(expected) (got \(actual))", line: lessonLine, column: 1))
                }
            case "fail":
                return CellOutcome(outputs: outputs, error: CellError(
                    kind: .runtime, message: words.dropFirst().joined(separator: " "), line: lessonLine, column: 1,
                    excerpt: "  \(line)\n  ^^^^"))
            case "syntax!":
                return CellOutcome(outputs: outputs, error: CellError(
                    kind: .syntax, message: "expected an expression", line: lessonLine, column: 1))
            default:
                if words.count == 3, words[1] == "=", let value = Int(words[2]) {
                    variables[head] = value
                } else if words.count == 5, words[1] == "=", words[3] == "+",
                          let base = variables[words[2]], let step = Int(words[4]) {
                    variables[head] = base + step
                } else {
                    return CellOutcome(outputs: outputs, error: CellError(
                        kind: .runtime, message: "unknown statement '\(line)'", line: lessonLine, column: 1))
                }
            }
        }
        return CellOutcome(outputs: outputs)
    }

    /// A real 32×16 RGB PNG (a coloured triangle), made once with python3's zlib and struct.
    static let samplePNG = Data(base64Encoded: """
        iVBORw0KGgoAAAANSUhEUgAAACAAAAAQCAIAAAD4YuoOAAAB5ElEQVR42rXNoY7bQBRA0f2ooqJFQQuioCggyCjACooMggYZXBlZA4weMhgZWQOMHjIYGVkPGBnNZxQVFVRq1W67ez/gnpdvn9zL5633A/nApwDrke3IfiQfPxqYLywX1gvbhf1CvnwcMBVowVywFKwFW8FekIuPAIaSsWQq0ZK5ZClZS7aSvSSX/wdIRV8xVIwVU4VWzBVLxVqxVewVufpXoHV0DnH0jsExOiaHOmbH4lgdm2N3ZPd+oIYGWuhAoIcBRphAYYYFVthgh8x7gKfHeWpP42k9nUc8vWfwjJ7Jo57Zs3hWz+bZPdn/HXAXHsJTcEItNEIrdIIIvTAIozAJKszCIqzCJuxClj8BReAWuAcegWfABepAE2gDXUACfWAIjIEpoIE5sATWwBbYAzn8HjhHrpEicovcI4/IM+IidaSJtJEuIpE+MkTGyBTRyBxZImtki+yRHH8FvCkn5axclUK5KXfloTwVp9RKo7RKp4jSK4MyKpOiyqwsyqpsyq5k/Rl4TRwSb4lT4py4JorELXFPPBLPhEvUiSbRJrqEJPrEkBgTU0ITc2JJrIktsSdy+gF8Mb4ar8bBeDNOxtm4GoVxM+7Gw3gazqiNxmiNzhCjNwZjNCZDjdlYjNXYjN3Ixnc2sdYNlJNlBgAAAABJRU5ErkJggg==
        """, options: .ignoreUnknownCharacters) ?? Data()
}
