// Resolver: syntax tree -> resolved form. Binds each name by the language's scope rule:
// top-level names are globals; inside a function, assigning a name rebinds it in the innermost
// enclosing function where it is already bound, else creates a local; reading looks in the
// function, then enclosing functions, then globals. Loops and blocks create no scope.

/// The interpreter's global names, shared by every run so a REPL line sees earlier definitions.
final class GlobalTable {
    private(set) var names: [String] = []
    private var indices: [String: Int] = [:]

    /// The index of `name`, adding it if new; nil when the table is full.
    func index(of name: String) -> Int? {
        if let index = indices[name] { return index }
        guard names.count < Machine.globalCapacity else { return nil }
        names.append(name)
        indices[name] = names.count - 1
        return names.count - 1
    }

    /// The index of `name` if it exists.
    func existingIndex(of name: String) -> Int? { indices[name] }
}

/// Binds names to variables.
struct Resolver {
    private final class FunctionScope {
        let function: ResolvedFunction
        var locals: [String: LocalVariable] = [:]
        var captureIndices: [ObjectIdentifier: Int] = [:]
        var upvalueIndices: [Int: Int] = [:]
        var loopDepth = 0
        init(_ function: ResolvedFunction) { self.function = function }
    }

    private let globals: GlobalTable
    private var scopes: [FunctionScope] = []
    private var topLevelLoopDepth = 0
    private var errors: [ResolveError] = []

    /// Resolves a program against the global table (which grows with new top-level names).
    static func resolve(_ statements: [Statement], globals: GlobalTable)
        -> (statements: [ResolvedStatement], errors: [ResolveError]) {
        var resolver = Resolver(globals: globals)
        let resolved = statements.map { resolver.statement($0) }
        return (resolved, resolver.errors)
    }

    private init(globals: GlobalTable) { self.globals = globals }

    // MARK: - Names

    /// The binding a read of `name` sees.
    private mutating func lookup(_ name: String, _ span: SourceSpan) -> VariableReference {
        if let scope = scopes.last {
            if let local = scope.locals[name] { return .local(local) }
            if let upvalue = upvalue(name, in: scopes.count - 1) { return .upvalue(upvalue) }
        }
        return global(name, span)
    }

    private mutating func global(_ name: String, _ span: SourceSpan) -> VariableReference {
        guard let index = globals.index(of: name) else {
            errors.append(.tooManyGlobals(limit: Machine.globalCapacity, span))
            return .global(0)
        }
        return .global(index)
    }

    /// The binding an assignment to `name` writes (creating a local when nothing encloses it).
    private mutating func bind(_ name: String, _ span: SourceSpan) -> VariableReference {
        guard let scope = scopes.last else { return global(name, span) }
        if let local = scope.locals[name] { return .local(local) }
        if let upvalue = upvalue(name, in: scopes.count - 1) { return .upvalue(upvalue) }
        return .local(declare(name, in: scope, isParameter: false))
    }

    private func declare(_ name: String, in scope: FunctionScope, isParameter: Bool) -> LocalVariable {
        let local = LocalVariable(name: name, isParameter: isParameter)
        scope.locals[name] = local
        scope.function.locals.append(local)
        return local
    }

    /// The capture index of `name` in scope `level`, threading it through every function between.
    private func upvalue(_ name: String, in level: Int) -> Int? {
        guard level > 0 else { return nil }
        let scope = scopes[level]
        let enclosing = scopes[level - 1]
        if let local = enclosing.locals[name] {
            local.isCaptured = true
            if let index = scope.captureIndices[ObjectIdentifier(local)] { return index }
            scope.function.captures.append(.local(local))
            scope.captureIndices[ObjectIdentifier(local)] = scope.function.captures.count - 1
            return scope.function.captures.count - 1
        }
        guard let outer = upvalue(name, in: level - 1) else { return nil }
        if let index = scope.upvalueIndices[outer] { return index }
        scope.function.captures.append(.upvalue(outer))
        scope.upvalueIndices[outer] = scope.function.captures.count - 1
        return scope.function.captures.count - 1
    }

    // MARK: - Statements

    private mutating func statement(_ statement: Statement) -> ResolvedStatement {
        switch statement {
        case .expression(let expression):
            return .expression(self.expression(expression))
        case .assignment(let target, let operation, let value, let span):
            let resolvedValue = expression(value)
            switch target {
            case .variable(let name, let nameSpan):
                let reference = operation == .assign ? bind(name, nameSpan) : compoundTarget(name, nameSpan)
                return .assignVariable(reference, name, operation, resolvedValue, nameSpan.through(span))
            case .index(let object, let indices, _):
                return .assignIndex(expression(object), indices.map { index($0) }, operation, resolvedValue, span)
            case .member(let object, let name, let nameSpan):
                return .assignMember(expression(object), name, operation, resolvedValue, nameSpan)
            default:
                preconditionFailure("the parser only builds assignments to variables, indices and members")
            }
        case .unpack(let names, let value, let span):
            let resolvedValue = expression(value)
            var seen: Set<String> = []
            for (name, nameSpan) in names where !seen.insert(name).inserted {
                errors.append(.duplicateLoopVariable(name, nameSpan))
            }
            return .unpack(names.map { (bind($0.name, $0.span), $0.name) }, resolvedValue, span)
        case .ifStatement(let condition, let thenBranch, let elseBranch, let span):
            return .ifStatement(expression(condition), block(thenBranch), block(elseBranch ?? []), span)
        case .whileLoop(let condition, let body, let span):
            let resolvedCondition = expression(condition)
            return .whileLoop(resolvedCondition, loopBody(body), span)
        case .forLoop(let names, let sequence, let body, let span):
            let resolvedSequence = expression(sequence)
            var seen: Set<String> = []
            for (name, nameSpan) in names where !seen.insert(name).inserted {
                errors.append(.duplicateLoopVariable(name, nameSpan))
            }
            let variables = names.map { (bind($0.name, $0.span), $0.name) }
            return .forLoop(variables, resolvedSequence, loopBody(body), span)
        case .function(let declaration):
            let name = declaration.name ?? "<anonymous>"
            let reference = bind(name, declaration.span)
            let function = self.function(declaration)
            return .assignVariable(reference, name, .assign, .function(function), declaration.span)
        case .returnStatement(let value, let span):
            if scopes.isEmpty { errors.append(.returnOutsideFunction(span)) }
            return .returnStatement(value.map { expression($0) })
        case .breakStatement(let span):
            if currentLoopDepth == 0 { errors.append(.outsideLoop("break", span)) }
            return .breakStatement
        case .continueStatement(let span):
            if currentLoopDepth == 0 { errors.append(.outsideLoop("continue", span)) }
            return .continueStatement
        }
    }

    /// `x += 1` reads x first, so it targets whatever a read finds when nothing local exists —
    /// except a global from inside a function, which becomes a (then unassigned) local.
    private mutating func compoundTarget(_ name: String, _ span: SourceSpan) -> VariableReference {
        let reference = lookup(name, span)
        if case .global = reference, !scopes.isEmpty { return bind(name, span) }
        return reference
    }

    private var currentLoopDepth: Int { scopes.last?.loopDepth ?? topLevelLoopDepth }

    private mutating func loopBody(_ body: [Statement]) -> [ResolvedStatement] {
        if let scope = scopes.last { scope.loopDepth += 1 } else { topLevelLoopDepth += 1 }
        defer { if let scope = scopes.last { scope.loopDepth -= 1 } else { topLevelLoopDepth -= 1 } }
        return block(body)
    }

    private mutating func block(_ statements: [Statement]) -> [ResolvedStatement] {
        statements.map { statement($0) }
    }

    // MARK: - Functions

    private mutating func function(_ declaration: FunctionDeclaration) -> ResolvedFunction {
        var seen: Set<String> = []
        var parameters: [LocalVariable] = []
        for (name, span) in declaration.parameters {
            if !seen.insert(name).inserted { errors.append(.duplicateParameter(name, span)) }
            parameters.append(LocalVariable(name: name, isParameter: true))
        }
        let function = ResolvedFunction(name: declaration.name ?? "<anonymous>", parameters: parameters,
                                        span: declaration.span)
        let scope = FunctionScope(function)
        for parameter in parameters {
            scope.locals[parameter.name] = parameter
            function.locals.append(parameter)
        }
        scopes.append(scope)
        // A block's value is its last expression: make it the return value.
        function.body = Self.returningLastValue(block(declaration.body))
        scopes.removeLast()
        Self.assignSlots(function)
        return function
    }

    /// Rewrites a trailing expression statement (also inside trailing if/else branches) into a return.
    private static func returningLastValue(_ body: [ResolvedStatement]) -> [ResolvedStatement] {
        guard let last = body.last else { return body }
        var result = body
        switch last {
        case .expression(let value):
            result[result.count - 1] = .returnStatement(value)
        case .ifStatement(let condition, let thenBranch, let elseBranch, let span):
            result[result.count - 1] = .ifStatement(condition, returningLastValue(thenBranch),
                                                    returningLastValue(elseBranch), span)
        default: break
        }
        return result
    }

    /// Parameters take the first stack slots; captured variables also get a cell.
    private static func assignSlots(_ function: ResolvedFunction) {
        var nextSlot = 0
        var nextCell = 0
        for local in function.locals where local.isParameter || !local.isCaptured {
            local.slot = nextSlot
            nextSlot += 1
        }
        for local in function.locals where local.isCaptured {
            local.cellIndex = nextCell
            nextCell += 1
        }
    }

    // MARK: - Expressions

    private mutating func expression(_ expression: Expression) -> ResolvedExpression {
        switch expression {
        case .number(let value, _): return .constant(.number(value))
        case .string(let text, _): return .constant(.string(text))
        case .bool(let flag, _): return .constant(.bool(flag))
        case .null: return .constant(.null)
        case .interpolation(let parts, _):
            return .interpolation(parts.map { part in
                switch part {
                case .text(let text): return .constant(.string(text))
                case .expression(let inner): return self.expression(inner)
                }
            })
        case .variable(let name, let span): return .variable(lookup(name, span), name, span)
        case .list(let elements, _): return .list(elements.map { self.expression($0) })
        case .dict(let entries, let span):
            return .dict(entries.map { (self.expression($0.key), self.expression($0.value)) }, span)
        case .unary(let operation, let operand, let span): return .unary(operation, self.expression(operand), span)
        case .binary(let operation, let left, let right, let span):
            return .binary(operation, self.expression(left), self.expression(right), span)
        case .logical(let operation, let left, let right, let span):
            return .logical(operation, self.expression(left), self.expression(right), span)
        case .membership(let element, let container, let span):
            return .membership(self.expression(element), self.expression(container), span)
        case .call(let callee, let arguments, let span):
            let resolvedCallee = self.expression(callee)
            var positional: [ResolvedExpression] = []
            var named: [(String, ResolvedExpression)] = []
            for argument in arguments {
                if let name = argument.name {
                    named.append((name, self.expression(argument.value)))
                } else {
                    positional.append(self.expression(argument.value))
                }
            }
            return .call(resolvedCallee, positional, named, span)
        case .member(let object, let name, let span): return .member(self.expression(object), name, span)
        case .index(let object, let indices, let span):
            return .index(self.expression(object), indices.map { index($0) }, span)
        case .function(let declaration): return .function(function(declaration))
        }
    }

    private mutating func index(_ index: IndexExpression) -> ResolvedIndex {
        switch index {
        case .value(let value): return .value(expression(value))
        case .slice(let lower, let upper, let span):
            return .slice(lower.map { expression($0) }, upper.map { expression($0) }, span)
        }
    }
}

extension ResolvedExpression {
    /// A span for the expression (constants and lists have none of their own; callers avoid them).
    var span: SourceSpan? {
        switch self {
        case .variable(_, _, let span), .dict(_, let span), .unary(_, _, let span), .binary(_, _, _, let span),
             .logical(_, _, _, let span), .call(_, _, _, let span), .member(_, _, let span),
             .index(_, _, let span), .membership(_, _, let span):
            return span
        case .function(let function): return function.span
        case .constant, .interpolation, .list: return nil
        }
    }
}
