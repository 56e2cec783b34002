// The resolved form: the syntax tree with every name bound to a global index, a local of the
// current function, or a captured variable of an enclosing one. The compiler consumes it.

/// Where a name lives at run time.
enum VariableReference {
    /// An index into the interpreter's global table.
    case global(Int)
    /// A variable of the current function (stack slot or, if captured, a cell).
    case local(LocalVariable)
    /// The n-th variable the current closure captured.
    case upvalue(Int)
}

/// A function-local variable; slot and capture status are final once its function is resolved.
final class LocalVariable {
    let name: String
    let isParameter: Bool
    /// True when an inner function refers to it: it then lives in a heap cell.
    var isCaptured = false
    /// Stack slot relative to the frame base (parameters: their position).
    var slot = -1
    /// Index among the frame's cells when captured.
    var cellIndex = -1

    init(name: String, isParameter: Bool) {
        self.name = name
        self.isParameter = isParameter
    }
}

/// What a closure captures when it is created: a cell of the enclosing frame or one of its captures.
enum CaptureSource {
    case local(LocalVariable)
    case upvalue(Int)
}

/// A function after resolution.
final class ResolvedFunction {
    let name: String
    let parameters: [LocalVariable]
    var locals: [LocalVariable] = []
    var captures: [CaptureSource] = []
    var body: [ResolvedStatement] = []
    let span: SourceSpan

    init(name: String, parameters: [LocalVariable], span: SourceSpan) {
        self.name = name
        self.parameters = parameters
        self.span = span
    }
}

/// A resolved index entry.
enum ResolvedIndex {
    case value(ResolvedExpression)
    case slice(ResolvedExpression?, ResolvedExpression?, SourceSpan)
}

/// A resolved expression.
indirect enum ResolvedExpression {
    case constant(Value)
    case interpolation([ResolvedExpression])
    case variable(VariableReference, String, SourceSpan)
    case list([ResolvedExpression])
    case dict([(ResolvedExpression, ResolvedExpression)], SourceSpan)
    case unary(UnaryOperator, ResolvedExpression, SourceSpan)
    case binary(BinaryOperator, ResolvedExpression, ResolvedExpression, SourceSpan)
    case logical(LogicalOperator, ResolvedExpression, ResolvedExpression, SourceSpan)
    /// `element in container`.
    case membership(ResolvedExpression, ResolvedExpression, SourceSpan)
    case call(ResolvedExpression, [ResolvedExpression], [(String, ResolvedExpression)], SourceSpan)
    case member(ResolvedExpression, String, SourceSpan)
    case index(ResolvedExpression, [ResolvedIndex], SourceSpan)
    case function(ResolvedFunction)
}

/// A resolved statement.
indirect enum ResolvedStatement {
    case expression(ResolvedExpression)
    case assignVariable(VariableReference, String, AssignmentOperator, ResolvedExpression, SourceSpan)
    case assignIndex(ResolvedExpression, [ResolvedIndex], AssignmentOperator, ResolvedExpression, SourceSpan)
    case assignMember(ResolvedExpression, String, AssignmentOperator, ResolvedExpression, SourceSpan)
    /// `a, b = xs`.
    case unpack([(VariableReference, String)], ResolvedExpression, SourceSpan)
    case ifStatement(ResolvedExpression, [ResolvedStatement], [ResolvedStatement], SourceSpan)
    case whileLoop(ResolvedExpression, [ResolvedStatement], SourceSpan)
    case forLoop([(VariableReference, String)], ResolvedExpression, [ResolvedStatement], SourceSpan)
    case returnStatement(ResolvedExpression?)
    case breakStatement
    case continueStatement
}
