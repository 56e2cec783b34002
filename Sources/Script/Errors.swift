// Errors: one type per phase, one case per failure, each with a span; and their rendering.

// MARK: - The common shape

/// A problem found in a script, located by a span; every phase's error conforms.
public protocol Diagnostic: Error, CustomStringConvertible {
    /// Where the problem is.
    var span: SourceSpan { get }
    /// One line saying what went wrong, with the values involved (no location).
    var message: String { get }
}

extension Diagnostic {
    /// The message rendered like a compiler: location, message, the line, an underline.
    public var description: String { renderDiagnostic(span: span, message: message) }
}

/// Renders `file:line:col: error: message`, the source line, and `^~~~` under the span.
func renderDiagnostic(span: SourceSpan, message: String) -> String {
    var text = "\(span.location): error: \(message)"
    if let line = span.file.lineText(span.line) {
        let number = String(span.line)
        let gutter = String(repeating: " ", count: number.count)
        let lineScalars = Array(line.unicodeScalars)
        // Keep tabs in the padding so the caret lines up under tabbed code.
        let padding = String(String.UnicodeScalarView(
            lineScalars.prefix(max(0, span.column - 1)).map { $0 == "\t" ? "\t" : " " }))
        let available = max(1, lineScalars.count - (span.column - 1))
        let width = max(1, min(span.length, available))
        text += "\n \(number) | \(line)\n \(gutter) | \(padding)^\(String(repeating: "~", count: width - 1))"
    }
    return text
}

// MARK: - Phase errors

/// An error found while splitting the text into tokens.
public enum LexError: Diagnostic {
    /// A character that starts no token, e.g. `$`.
    case unexpectedCharacter(String, SourceSpan)
    /// A string literal with no closing quote before the end of the input.
    case unterminatedString(SourceSpan)
    /// An escape the language does not know, e.g. `\q`.
    case invalidEscape(String, SourceSpan)
    /// A number that does not read as one, e.g. `1e`.
    case malformedNumber(String, SourceSpan)
    /// A `\(` interpolation with no closing `)` before the end of the string.
    case unterminatedInterpolation(SourceSpan)

    public var span: SourceSpan {
        switch self {
        case .unexpectedCharacter(_, let span), .unterminatedString(let span), .invalidEscape(_, let span),
             .malformedNumber(_, let span), .unterminatedInterpolation(let span):
            return span
        }
    }

    public var message: String {
        switch self {
        case .unexpectedCharacter(let character, _): return "unexpected character '\(character)'"
        case .unterminatedString: return "unterminated string: expected a closing quote"
        case .invalidEscape(let escape, _):
            return "invalid escape '\\\(escape)' in string (known: \\n \\t \\r \\0 \\\\ \\\" \\' \\( \\u{…})"
        case .malformedNumber(let text, _): return "malformed number '\(text)'"
        case .unterminatedInterpolation: return "unterminated interpolation: expected ')' to close '\\('"
        }
    }
}

/// A syntax error; the parser collects several in one pass.
public enum ParseError: Diagnostic {
    /// A specific token was required: `expected ')' after arguments, found newline`.
    case expected(String, found: String, SourceSpan)
    /// An expression was required.
    case expectedExpression(found: String, SourceSpan)
    /// The input ended while a construct was still open (the REPL asks for more lines).
    case unexpectedEnd(expected: String, SourceSpan)
    /// The left side of `=` cannot be assigned to.
    case invalidAssignmentTarget(String, SourceSpan)
    /// `a < b < c`: comparisons do not chain.
    case chainedComparison(SourceSpan)
    /// Brackets, blocks or operators nested deeper than the limit.
    case nestingTooDeep(limit: Int, SourceSpan)
    /// A positional argument after a `name=value` argument.
    case positionalAfterNamed(SourceSpan)
    /// The same keyword argument twice.
    case duplicateKeyword(String, SourceSpan)

    public var span: SourceSpan {
        switch self {
        case .expected(_, _, let span), .expectedExpression(_, let span), .unexpectedEnd(_, let span),
             .invalidAssignmentTarget(_, let span), .chainedComparison(let span), .nestingTooDeep(_, let span),
             .positionalAfterNamed(let span), .duplicateKeyword(_, let span):
            return span
        }
    }

    public var message: String {
        switch self {
        case .expected(let what, let found, _): return "expected \(what), found \(found)"
        case .expectedExpression(let found, _): return "expected an expression, found \(found)"
        case .unexpectedEnd(let what, _): return "unexpected end of input: expected \(what)"
        case .invalidAssignmentTarget(let target, _):
            return "cannot assign to \(target); expected a name, an index a[i] or a property a.b"
        case .chainedComparison: return "comparisons do not chain; write 'a < b and b < c'"
        case .nestingTooDeep(let limit, _): return "expression or block nested too deeply (limit \(limit))"
        case .positionalAfterNamed: return "positional argument after a keyword argument"
        case .duplicateKeyword(let name, _): return "keyword argument '\(name)' given twice"
        }
    }
}

/// An error found while binding names to variables, before anything runs.
public enum ResolveError: Diagnostic {
    /// `return` at the top level.
    case returnOutsideFunction(SourceSpan)
    /// `break` or `continue` outside a loop.
    case outsideLoop(String, SourceSpan)
    /// `fn f(a, a)`.
    case duplicateParameter(String, SourceSpan)
    /// A loop variable list that names one variable twice: `for a, a in ...`.
    case duplicateLoopVariable(String, SourceSpan)
    /// More distinct global names than the interpreter's fixed global storage holds.
    case tooManyGlobals(limit: Int, SourceSpan)

    public var span: SourceSpan {
        switch self {
        case .returnOutsideFunction(let span), .outsideLoop(_, let span), .duplicateParameter(_, let span),
             .duplicateLoopVariable(_, let span), .tooManyGlobals(_, let span):
            return span
        }
    }

    public var message: String {
        switch self {
        case .returnOutsideFunction: return "'return' outside a function"
        case .outsideLoop(let keyword, _): return "'\(keyword)' outside a loop"
        case .duplicateParameter(let name, _): return "parameter '\(name)' appears twice"
        case .duplicateLoopVariable(let name, _): return "loop variable '\(name)' appears twice"
        case .tooManyGlobals(let limit, _): return "too many global names (limit \(limit))"
        }
    }
}

/// An error raised while the program runs.
public enum RuntimeError: Diagnostic {
    /// A name that is bound nowhere; `suggestion` is a near name.
    case undefinedVariable(String, suggestion: String?, SourceSpan)
    /// A local read before any assignment ran.
    case unassignedLocal(String, SourceSpan)
    /// An operator applied to values it does not accept.
    case unsupportedOperands(operator: String, left: String, right: String, SourceSpan)
    /// Unary minus or `not` on a value it does not accept.
    case unsupportedOperand(operator: String, operand: String, SourceSpan)
    /// `if`, `while`, `and`, `or`, `not` on a non-boolean.
    case conditionNotBoolean(got: String, SourceSpan)
    /// Division or modulo by zero.
    case divisionByZero(SourceSpan)
    /// Calling something that is not a function.
    case notCallable(String, SourceSpan)
    /// Wrong number of arguments to a script function.
    case wrongArgumentCount(function: String, expected: Int, got: Int, SourceSpan)
    /// A keyword argument the function has no parameter for.
    case unknownKeyword(function: String, name: String, suggestion: String?, SourceSpan)
    /// A parameter given both by position and by name.
    case duplicateArgument(function: String, name: String, SourceSpan)
    /// An index past either end.
    case indexOutOfRange(index: Int, count: Int, SourceSpan)
    /// An index of the wrong kind (a string for a list, 1.5, several indices for a list).
    case invalidIndex(String, SourceSpan)
    /// A dictionary key that is not present.
    case keyNotFound(String, suggestion: String?, SourceSpan)
    /// Indexing a value that has no elements.
    case notIndexable(String, SourceSpan)
    /// A property or method that does not exist.
    case noSuchMember(type: String, name: String, suggestion: String?, SourceSpan)
    /// `for x in` over something that cannot be iterated.
    case notIterable(String, SourceSpan)
    /// `for a, b in` over an element that does not unpack into that many values.
    case cannotUnpack(expected: Int, got: String, SourceSpan)
    /// Too many nested calls.
    case recursionTooDeep(limit: Int, SourceSpan)
    /// Ctrl-C (or `requestInterrupt()`).
    case interrupted(SourceSpan)
    /// A native function or object reported a failure.
    case nativeFailure(String, SourceSpan)
    /// `assert(condition, message)` with a false condition; the message is the script's own.
    case assertionFailed(message: String?, SourceSpan)
    /// `a, b = xs` (or `for a, b in …`) where xs has a different number of elements.
    case unpackCount(expected: Int, got: Int, SourceSpan)

    public var span: SourceSpan {
        switch self {
        case .undefinedVariable(_, _, let span), .unassignedLocal(_, let span),
             .unsupportedOperands(_, _, _, let span), .unsupportedOperand(_, _, let span),
             .conditionNotBoolean(_, let span), .divisionByZero(let span), .notCallable(_, let span),
             .wrongArgumentCount(_, _, _, let span), .unknownKeyword(_, _, _, let span),
             .duplicateArgument(_, _, let span), .indexOutOfRange(_, _, let span), .invalidIndex(_, let span),
             .keyNotFound(_, _, let span), .notIndexable(_, let span), .noSuchMember(_, _, _, let span),
             .notIterable(_, let span), .cannotUnpack(_, _, let span), .recursionTooDeep(_, let span),
             .interrupted(let span), .nativeFailure(_, let span), .assertionFailed(_, let span),
             .unpackCount(_, _, let span):
            return span
        }
    }

    public var message: String {
        switch self {
        case .undefinedVariable(let name, let suggestion, _):
            return "undefined variable '\(name)'" + didYouMean(suggestion)
        case .unassignedLocal(let name, _):
            return "local variable '\(name)' is read before it is assigned"
                + " (assigning a name inside a function makes it local; functions do not rebind globals)"
        case .unsupportedOperands(let op, let left, let right, _):
            return "cannot apply '\(op)' to \(left) and \(right)"
        case .unsupportedOperand(let op, let operand, _): return "cannot apply '\(op)' to \(operand)"
        case .conditionNotBoolean(let got, _): return "condition must be a boolean, got \(got)"
        case .divisionByZero: return "division by zero"
        case .notCallable(let what, _): return "\(what) is not callable"
        case .wrongArgumentCount(let function, let expected, let got, _):
            return "\(function)() takes \(expected) argument\(expected == 1 ? "" : "s"), got \(got)"
        case .unknownKeyword(let function, let name, let suggestion, _):
            return "\(function)() has no parameter '\(name)'" + didYouMean(suggestion)
        case .duplicateArgument(let function, let name, _):
            return "\(function)() got two values for '\(name)'"
        case .indexOutOfRange(let index, let count, _):
            return "index \(index) out of range for length \(count)"
        case .invalidIndex(let text, _): return text
        case .keyNotFound(let key, let suggestion, _): return "key \"\(key)\" not found" + didYouMean(suggestion)
        case .notIndexable(let what, _): return "\(what) cannot be indexed"
        case .noSuchMember(let type, let name, let suggestion, _):
            return "\(type) has no member '\(name)'" + didYouMean(suggestion)
        case .notIterable(let what, _): return "cannot iterate over \(what)"
        case .cannotUnpack(let expected, let got, _): return "cannot unpack \(got) into \(expected) variables"
        case .recursionTooDeep(let limit, _): return "recursion too deep (more than \(limit) nested calls)"
        case .interrupted: return "interrupted"
        case .nativeFailure(let text, _): return text
        case .assertionFailed(let text, _): return "assertion failed" + (text.map { ": \($0)" } ?? "")
        case .unpackCount(let expected, let got, _):
            return "cannot unpack \(got) value\(got == 1 ? "" : "s") into \(expected) variables"
                + " (the counts must match)"
        }
    }
}

/// The error `Interpreter.run` throws: one or more diagnostics from one phase.
public struct ScriptError: Error, CustomStringConvertible {
    /// The problems, in source order (several only for syntax errors).
    public let diagnostics: [any Diagnostic]

    /// True for lexing, parsing and resolving errors (nothing ran): exit code 65.
    public var isSyntaxError: Bool { !(diagnostics.first is RuntimeError) }

    /// True when a failed `assert` stopped the script (a lesson's check, not a bug in the cell).
    public var isAssertionFailure: Bool {
        if case .assertionFailed? = diagnostics.first as? RuntimeError { return true }
        return false
    }

    /// The first diagnostic's one-line message.
    public var message: String { diagnostics.first?.message ?? "unknown error" }

    /// Every diagnostic rendered with its source line, separated by blank lines.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }

    /// Wraps diagnostics.
    public init(_ diagnostics: [any Diagnostic]) {
        precondition(!diagnostics.isEmpty, "a ScriptError needs at least one diagnostic")
        self.diagnostics = diagnostics
    }
}

// MARK: - Did you mean

func didYouMean(_ suggestion: String?) -> String {
    suggestion.map { "; did you mean '\($0)'?" } ?? ""
}

/// The candidate nearest to `name` by edit distance, if it is near enough to be a likely typo.
public func nearestName(to name: String, in candidates: some Sequence<String>) -> String? {
    let target = Array(name.lowercased().unicodeScalars)
    var best: (name: String, distance: Int)?
    for candidate in candidates where candidate != name {
        let distance = editDistance(target, Array(candidate.lowercased().unicodeScalars))
        if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
    }
    guard let best else { return nil }
    let allowed = max(1, min(3, target.count / 3))
    return best.distance <= allowed ? best.name : nil
}

/// Levenshtein distance with adjacent transpositions counted as one edit.
func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previousPrevious = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                current[j] = min(current[j], previousPrevious[j - 2] + 1)
            }
        }
        (previousPrevious, previous, current) = (previous, current, previousPrevious)
    }
    return previous[b.count]
}
