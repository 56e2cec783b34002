// The syntax tree the parser builds: close to the text, names not yet resolved.

/// An expression.
public indirect enum Expression {
    case number(Double, SourceSpan)
    case string(String, SourceSpan)
    /// `"a \(x) b"`: literal pieces and expressions, in order.
    case interpolation([InterpolationPart], SourceSpan)
    case bool(Bool, SourceSpan)
    case null(SourceSpan)
    case variable(String, SourceSpan)
    case list([Expression], SourceSpan)
    case dict([(key: Expression, value: Expression)], SourceSpan)
    /// `-x` and `not x`.
    case unary(UnaryOperator, Expression, SourceSpan)
    case binary(BinaryOperator, Expression, Expression, SourceSpan)
    /// `x in xs`: an element of a list, a key of a dict, a substring of a string.
    case membership(Expression, Expression, SourceSpan)
    /// `a and b`, `a or b`: the right side runs only when needed.
    case logical(LogicalOperator, Expression, Expression, SourceSpan)
    case call(Expression, [Argument], SourceSpan)
    case member(Expression, String, SourceSpan)
    case index(Expression, [IndexExpression], SourceSpan)
    /// `fn(a, b) { … }` (anonymous) — named functions are statements.
    case function(FunctionDeclaration)

    /// Where the expression is.
    public var span: SourceSpan {
        switch self {
        case .number(_, let span), .string(_, let span), .interpolation(_, let span), .bool(_, let span),
             .null(let span), .variable(_, let span), .list(_, let span), .dict(_, let span),
             .unary(_, _, let span), .binary(_, _, _, let span), .logical(_, _, _, let span), .membership(_, _, let span),
             .call(_, _, let span), .member(_, _, let span), .index(_, _, let span):
            return span
        case .function(let declaration): return declaration.span
        }
    }
}

/// A piece of an interpolated string.
public enum InterpolationPart {
    case text(String)
    case expression(Expression)
}

/// A binary operator; native objects may implement any of them (`NativeObject.binary`).
public enum BinaryOperator: String, Sendable, CaseIterable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%", power = "**", matmul = "@"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="

    /// The operator as written.
    public var symbol: String { rawValue }

    /// True for `==`, `!=`, `<`, `<=`, `>`, `>=`.
    public var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return true
        default: return false
        }
    }
}

/// `-` or `not`.
public enum UnaryOperator: String, Sendable {
    case negate = "-", not = "not"
}

/// `and` or `or`.
public enum LogicalOperator: String, Sendable {
    case and, or
}

/// One argument of a call: positional when `name` is nil.
public struct Argument {
    public let name: String?
    public let value: Expression
    public let span: SourceSpan
}

/// One entry inside `[...]`: an expression or a slice with optional bounds.
public enum IndexExpression {
    case value(Expression)
    case slice(Expression?, Expression?, SourceSpan)
}

/// `fn name(params) { body }`.
public struct FunctionDeclaration {
    /// nil for an anonymous function.
    public let name: String?
    public let parameters: [(name: String, span: SourceSpan)]
    public let body: [Statement]
    public let span: SourceSpan
}

/// `=`, `+=`, `-=`, `*=`, `/=`.
public enum AssignmentOperator: String, Sendable {
    case assign = "=", add = "+=", subtract = "-=", multiply = "*=", divide = "/="

    /// The arithmetic a compound assignment applies.
    var binary: BinaryOperator? {
        switch self {
        case .assign: return nil
        case .add: return .add
        case .subtract: return .subtract
        case .multiply: return .multiply
        case .divide: return .divide
        }
    }
}

/// A statement.
public indirect enum Statement {
    case expression(Expression)
    /// `target op value`; the target is a variable, an index or a member.
    case assignment(Expression, AssignmentOperator, Expression, SourceSpan)
    /// `if c { … } else if d { … } else { … }`: the else branch of `else if` holds one `if`.
    case ifStatement(Expression, [Statement], [Statement]?, SourceSpan)
    case whileLoop(Expression, [Statement], SourceSpan)
    /// `a, b = xs`: each name gets one element, in order (the counts must match).
    case unpack([(name: String, span: SourceSpan)], Expression, SourceSpan)
    /// `for x in xs { … }` or `for i, x in enumerate(xs) { … }`.
    case forLoop([(name: String, span: SourceSpan)], Expression, [Statement], SourceSpan)
    case function(FunctionDeclaration)
    case returnStatement(Expression?, SourceSpan)
    case breakStatement(SourceSpan)
    case continueStatement(SourceSpan)
}
