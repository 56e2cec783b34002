// Parser: tokens -> syntax tree. Statements by recursive descent, expressions by Pratt parsing
// over one precedence table. Recovers at statement boundaries to report several errors at once.

/// Binding strength, weakest first.
enum Precedence: Int, Comparable {
    case none, or, and, not, comparison, term, factor, unary, power, postfix

    static func < (left: Precedence, right: Precedence) -> Bool { left.rawValue < right.rawValue }
}

/// Parses tokens into statements.
public final class Parser {
    typealias PrefixRule = (Parser) -> () throws -> Expression
    typealias InfixRule = (Parser) -> (Expression) throws -> Expression

    /// Deepest nesting of brackets, blocks and operator chains accepted (keeps recursion bounded).
    static let nestingLimit = 200
    /// Errors reported per pass before giving up.
    static let errorLimit = 20

    private let tokens: [Token]
    private var index = 0
    private var errors: [ParseError] = []
    private var depth = 0
    /// Whether newlines end statements here (false inside `(`, `[` and dict braces).
    private var newlinesMatter: [Bool] = [true]

    init(tokens: [Token]) {
        precondition(tokens.last.map { $0.kind == .end } ?? false, "token stream must end with .end")
        self.tokens = tokens
    }

    /// Parses a whole program; returns the statements and every syntax error found.
    public static func parse(_ tokens: [Token]) -> (statements: [Statement], errors: [ParseError]) {
        let parser = Parser(tokens: tokens)
        let statements = parser.program()
        return (statements, parser.errors)
    }

    // MARK: - The precedence table

    /// For each token: how it starts an expression, how it continues one, and how tightly.
    private static func rule(for kind: TokenKind) -> (prefix: PrefixRule?, infix: InfixRule?, precedence: Precedence) {
        switch kind {
        //                                  prefix               infix                 precedence
        case .symbol(.leftParen):    return (Parser.grouping,    Parser.call,          .postfix)
        case .symbol(.leftBracket):  return (Parser.listLiteral, Parser.subscription,  .postfix)
        case .symbol(.dot):          return (nil,                Parser.member,        .postfix)
        case .symbol(.starStar):     return (nil,                Parser.power,         .power)
        case .symbol(.minus):        return (Parser.unary,       Parser.binary,        .term)
        case .symbol(.plus):         return (nil,                Parser.binary,        .term)
        case .symbol(.star):         return (nil,                Parser.binary,        .factor)
        case .symbol(.slash):        return (nil,                Parser.binary,        .factor)
        case .symbol(.percent):      return (nil,                Parser.binary,        .factor)
        case .symbol(.at):           return (nil,                Parser.binary,        .factor)
        case .symbol(.equalEqual):   return (nil,                Parser.comparison,    .comparison)
        case .symbol(.bangEqual):    return (nil,                Parser.comparison,    .comparison)
        case .symbol(.less):         return (nil,                Parser.comparison,    .comparison)
        case .symbol(.lessEqual):    return (nil,                Parser.comparison,    .comparison)
        case .symbol(.greater):      return (nil,                Parser.comparison,    .comparison)
        case .symbol(.greaterEqual): return (nil,                Parser.comparison,    .comparison)
        case .keyword(.not):         return (Parser.unary,       Parser.notIn,         .comparison)
        case .keyword(.in):          return (nil,                Parser.membership,    .comparison)
        case .keyword(.and):         return (nil,                Parser.logical,       .and)
        case .keyword(.or):          return (nil,                Parser.logical,       .or)
        case .symbol(.leftBrace):    return (Parser.dictLiteral, nil,                  .none)
        case .keyword(.fn):          return (Parser.lambda,      nil,                  .none)
        case .number, .string, .interpolation, .identifier, .keyword(.true), .keyword(.false), .keyword(.nil):
                                     return (Parser.literal,     nil,                  .none)
        default:                     return (nil,                nil,                  .none)
        }
    }

    private static let binaryOperators: [Symbol: BinaryOperator] = [
        .plus: .add, .minus: .subtract, .star: .multiply, .slash: .divide, .percent: .modulo,
        .at: .matmul, .starStar: .power, .equalEqual: .equal, .bangEqual: .notEqual, .less: .less,
        .lessEqual: .lessEqual, .greater: .greater, .greaterEqual: .greaterEqual,
    ]

    // MARK: - Statements

    // program -> statement* EOF
    private func program() -> [Statement] {
        var statements: [Statement] = []
        while true {
            skipTerminators()
            if check(.end) || errors.count >= Self.errorLimit { break }
            if check(.symbol(.rightBrace)) {
                record(.expected("a statement", found: "'}' with no open block", peek().span))
                advance()
                continue
            }
            if let statement = recoveringStatement() { statements.append(statement) }
        }
        return statements
    }

    /// Parses one statement; on a syntax error records it, skips to the next statement, returns nil.
    private func recoveringStatement() -> Statement? {
        let modes = newlinesMatter.count
        let savedDepth = depth
        let start = index
        do {
            return try statement()
        } catch let error as ParseError {
            record(error)
            newlinesMatter.removeLast(newlinesMatter.count - modes)
            depth = savedDepth
            synchronize()
            if index == start, !check(.end), !check(.symbol(.rightBrace)) { advance() }
            return nil
        } catch {
            preconditionFailure("parser threw a non-ParseError: \(error)")
        }
    }

    // statement -> ( fnDeclaration | if | while | for | return | break | continue | simple ) terminator
    private func statement() throws -> Statement {
        let result: Statement
        switch peek().kind {
        case .keyword(.fn) where peek(1).kind.isIdentifier: result = try functionDeclaration()
        case .keyword(.if): result = try ifStatement()
        case .keyword(.while): result = try whileLoop()
        case .keyword(.for): result = try forLoop()
        case .keyword(.return): result = try returnStatement()
        case .keyword(.break): result = .breakStatement(advance().span)
        case .keyword(.continue): result = .continueStatement(advance().span)
        default: result = try simpleStatement()
        }
        try terminator()
        return result
    }

    // terminator -> newline | ";" | (before "}") | EOF
    private func terminator() throws {
        switch peek().kind {
        case .newline, .symbol(.semicolon): advance()
        case .end, .symbol(.rightBrace): break
        default: throw ParseError.expected("end of statement (newline or ';')", found: peek().displayName, peek().span)
        }
    }

    // simple -> expression ( ( "=" | "+=" | "-=" | "*=" | "/=" ) expression )?
    //         | IDENTIFIER ( "," IDENTIFIER )+ "=" expression          (destructuring: `a, b = xs`)
    private func simpleStatement() throws -> Statement {
        let target = try expression()
        if check(.symbol(.comma)) { return try unpackStatement(first: target) }
        let assignments: [Symbol: AssignmentOperator] = [
            .equal: .assign, .plusEqual: .add, .minusEqual: .subtract, .starEqual: .multiply, .slashEqual: .divide,
        ]
        guard case .symbol(let symbol) = peek().kind, let operation = assignments[symbol] else {
            return .expression(target)
        }
        let operatorToken = advance()
        switch target {
        case .variable, .index, .member: break
        default: throw ParseError.invalidAssignmentTarget(describe(target), target.span)
        }
        let value = try expression()
        return .assignment(target, operation, value, operatorToken.span)
    }

    /// `a, b = xs` after its first target: more names, then `=` and the value.
    private func unpackStatement(first: Expression) throws -> Statement {
        var names: [(name: String, span: SourceSpan)] = []
        var target = first
        while true {
            guard case .variable(let name, let span) = target else {
                throw ParseError.invalidAssignmentTarget(describe(target) + " (destructuring assigns to plain names)",
                                                         target.span)
            }
            names.append((name, span))
            guard match(.symbol(.comma)) else { break }
            target = try expression()
        }
        guard check(.symbol(.equal)) else {
            throw expectedError("'=' after the names to assign (as in 'a, b = xs')")
        }
        let operatorToken = advance()
        return .unpack(names, try expression(), operatorToken.span)
    }

    // fnDeclaration -> "fn" IDENTIFIER "(" parameters? ")" block
    private func functionDeclaration() throws -> Statement {
        let keyword = advance()
        let name = advance()
        guard case .identifier(let identifier) = name.kind else {
            preconditionFailure("functionDeclaration is only entered before an identifier")
        }
        return .function(try functionRest(name: identifier, span: keyword.span.through(name.span)))
    }

    // parameters -> IDENTIFIER ( "," IDENTIFIER )* ","?
    private func functionRest(name: String?, span: SourceSpan) throws -> FunctionDeclaration {
        try consume(.symbol(.leftParen), "'(' before the parameters")
        var parameters: [(String, SourceSpan)] = []
        try bracketed {
            while !check(.symbol(.rightParen)) {
                let token = peek()
                guard case .identifier(let parameter) = token.kind else {
                    throw expectedError("a parameter name")
                }
                advance()
                parameters.append((parameter, token.span))
                if !match(.symbol(.comma)) { break }
            }
            try consume(.symbol(.rightParen), "')' after the parameters")
        }
        let body = try block("the function body")
        return FunctionDeclaration(name: name, parameters: parameters, body: body, span: span)
    }

    // if -> "if" expression block ( "else" ( if | block ) )?
    private func ifStatement() throws -> Statement {
        let keyword = advance()
        let condition = try expression()
        let thenBranch = try block("the 'if' body")
        guard skipNewlines(before: .keyword(.else)) else {
            return .ifStatement(condition, thenBranch, nil, keyword.span)
        }
        advance()
        if check(.keyword(.if)) {
            try enter()
            defer { leave() }
            return .ifStatement(condition, thenBranch, [try ifStatement()], keyword.span)
        }
        return .ifStatement(condition, thenBranch, try block("the 'else' body"), keyword.span)
    }

    // while -> "while" expression block
    private func whileLoop() throws -> Statement {
        let keyword = advance()
        let condition = try expression()
        return .whileLoop(condition, try block("the loop body"), keyword.span)
    }

    // for -> "for" IDENTIFIER ( "," IDENTIFIER )* "in" expression block
    private func forLoop() throws -> Statement {
        let keyword = advance()
        var names: [(String, SourceSpan)] = []
        repeat {
            let token = peek()
            guard case .identifier(let name) = token.kind else { throw expectedError("a loop variable name") }
            advance()
            names.append((name, token.span))
        } while match(.symbol(.comma))
        try consume(.keyword(.in), "'in' after the loop variable")
        let sequence = try expression()
        return .forLoop(names, sequence, try block("the loop body"), keyword.span)
    }

    // return -> "return" expression?
    private func returnStatement() throws -> Statement {
        let keyword = advance()
        switch peek().kind {
        case .newline, .symbol(.semicolon), .symbol(.rightBrace), .end: return .returnStatement(nil, keyword.span)
        default: return .returnStatement(try expression(), keyword.span)
        }
    }

    // block -> "{" statement* "}"
    private func block(_ what: String) throws -> [Statement] {
        try consume(.symbol(.leftBrace), "'{' to start \(what)")
        try enter()
        defer { leave() }
        newlinesMatter.append(true)
        defer { newlinesMatter.removeLast() }
        var statements: [Statement] = []
        while true {
            skipTerminators()
            if check(.symbol(.rightBrace)) || check(.end) || errors.count >= Self.errorLimit { break }
            if let statement = recoveringStatement() { statements.append(statement) }
        }
        try consume(.symbol(.rightBrace), "'}' to close \(what)")
        return statements
    }

    // MARK: - Expressions

    // expression -> precedence(or)
    private func expression() throws -> Expression { try parse(.or) }

    /// Pratt loop: a prefix rule, then infix rules while they bind tighter than `minimum`.
    private func parse(_ minimum: Precedence) throws -> Expression {
        try enter()
        defer { leave() }
        let token = peek()
        guard let prefix = Self.rule(for: token.kind).prefix else { throw expectedError("an expression") }
        var left = try prefix(self)()
        var chain = 0
        while true {
            let rule = Self.rule(for: peek().kind)
            guard let infix = rule.infix, rule.precedence >= minimum, rule.precedence > .none else { break }
            // A left-deep chain (a + b + c …, f()()…) nests as deeply as a bracketed one.
            chain += 1
            if depth + chain > Self.nestingLimit {
                throw ParseError.nestingTooDeep(limit: Self.nestingLimit, peek().span)
            }
            left = try infix(self)(left)
        }
        return left
    }

    // literal -> NUMBER | STRING | interpolation | IDENTIFIER | "true" | "false" | "nil"
    private func literal() throws -> Expression {
        let token = advance()
        switch token.kind {
        case .number(let value): return .number(value, token.span)
        case .string(let text): return .string(text, token.span)
        case .interpolation(let text): return try interpolation(first: text, span: token.span)
        case .identifier(let name): return .variable(name, token.span)
        case .keyword(.true): return .bool(true, token.span)
        case .keyword(.false): return .bool(false, token.span)
        default: return .null(token.span)
        }
    }

    // interpolation -> INTERPOLATION expression ( INTERPOLATION_MIDDLE expression )* INTERPOLATION_END
    private func interpolation(first: String, span: SourceSpan) throws -> Expression {
        var parts: [InterpolationPart] = first.isEmpty ? [] : [.text(first)]
        newlinesMatter.append(false)
        defer { newlinesMatter.removeLast() }
        while true {
            parts.append(.expression(try expression()))
            let token = peek()
            switch token.kind {
            case .interpolationMiddle(let text):
                advance()
                if !text.isEmpty { parts.append(.text(text)) }
            case .interpolationEnd(let text):
                advance()
                if !text.isEmpty { parts.append(.text(text)) }
                return .interpolation(parts, span)
            default:
                throw expectedError("')' to close the interpolation '\\('")
            }
        }
    }

    // grouping -> "(" expression ")"
    private func grouping() throws -> Expression {
        advance()
        return try bracketed {
            let inner = try expression()
            try consume(.symbol(.rightParen), "')' to close '('")
            return inner
        }
    }

    // list -> "[" ( expression ( "," expression )* ","? )? "]"
    private func listLiteral() throws -> Expression {
        let open = advance()
        return try bracketed {
            var elements: [Expression] = []
            while !check(.symbol(.rightBracket)) {
                elements.append(try expression())
                if !match(.symbol(.comma)) { break }
            }
            try consume(.symbol(.rightBracket), "']' to close the list")
            return .list(elements, open.span)
        }
    }

    // dict -> "{" ( expression ":" expression ( "," expression ":" expression )* ","? )? "}"
    private func dictLiteral() throws -> Expression {
        let open = advance()
        return try bracketed {
            var entries: [(key: Expression, value: Expression)] = []
            while !check(.symbol(.rightBrace)) {
                let key = try expression()
                try consume(.symbol(.colon), "':' after a dictionary key")
                entries.append((key, try expression()))
                if !match(.symbol(.comma)) { break }
            }
            try consume(.symbol(.rightBrace), "'}' to close the dictionary")
            return .dict(entries, open.span)
        }
    }

    // lambda -> "fn" "(" parameters? ")" block
    private func lambda() throws -> Expression {
        let keyword = advance()
        newlinesMatter.append(true)
        defer { newlinesMatter.removeLast() }
        return .function(try functionRest(name: nil, span: keyword.span))
    }

    // unary -> ( "-" | "not" ) precedence(unary | not)
    private func unary() throws -> Expression {
        let token = advance()
        if token.kind == .keyword(.not) {
            return .unary(.not, try parse(.not), token.span)
        }
        return .unary(.negate, try parse(.unary), token.span)
    }

    // binary -> expression ( "+" | "-" | "*" | "/" | "%" | "@" ) precedence(next tighter)
    private func binary(_ left: Expression) throws -> Expression {
        let token = advance()
        guard case .symbol(let symbol) = token.kind, let operation = Self.binaryOperators[symbol] else {
            preconditionFailure("binary rule on a non-operator token")
        }
        let precedence = Self.rule(for: token.kind).precedence
        let right = try operand(after: precedence)
        return .binary(operation, left, right, token.span)
    }

    // power -> expression "**" precedence(unary)      (right-associative: 2 ** 3 ** 2 = 2 ** 9)
    private func power(_ left: Expression) throws -> Expression {
        let token = advance()
        skipNewlinesInExpression()
        return .binary(.power, left, try parse(.unary), token.span)
    }

    // comparison -> expression ( "==" | "!=" | "<" | "<=" | ">" | ">=" ) precedence(term)
    private func comparison(_ left: Expression) throws -> Expression {
        let result = try binary(left)
        if Self.rule(for: peek().kind).precedence == .comparison {
            throw ParseError.chainedComparison(peek().span)
        }
        return result
    }

    // membership -> expression "in" precedence(next tighter)
    private func membership(_ left: Expression) throws -> Expression {
        let token = advance()
        let result = Expression.membership(left, try operand(after: .comparison), token.span)
        if Self.rule(for: peek().kind).precedence == .comparison {
            throw ParseError.chainedComparison(peek().span)
        }
        return result
    }

    // notIn -> expression "not" "in" precedence(next tighter)      (`x not in xs` is `not (x in xs)`)
    private func notIn(_ left: Expression) throws -> Expression {
        let token = advance()
        guard check(.keyword(.in)) else { throw expectedError("'in' after 'not' (as in 'x not in xs')") }
        return .unary(.not, try membership(left), token.span)
    }

    // logical -> expression ( "and" | "or" ) precedence(next tighter)
    private func logical(_ left: Expression) throws -> Expression {
        let token = advance()
        let operation: LogicalOperator = token.kind == .keyword(.and) ? .and : .or
        let right = try operand(after: Self.rule(for: token.kind).precedence)
        return .logical(operation, left, right, token.span)
    }

    // call -> expression "(" ( argument ( "," argument )* ","? )? ")"
    // argument -> ( IDENTIFIER "=" )? expression
    private func call(_ callee: Expression) throws -> Expression {
        let open = advance()
        return try bracketed {
            var arguments: [Argument] = []
            while !check(.symbol(.rightParen)) {
                let start = peek()
                if case .identifier(let name) = start.kind, peek(1).kind == .symbol(.equal) {
                    advance()
                    advance()
                    if arguments.contains(where: { $0.name == name }) {
                        throw ParseError.duplicateKeyword(name, start.span)
                    }
                    arguments.append(Argument(name: name, value: try expression(), span: start.span))
                } else {
                    let value = try expression()
                    if arguments.contains(where: { $0.name != nil }) {
                        throw ParseError.positionalAfterNamed(value.span)
                    }
                    arguments.append(Argument(name: nil, value: value, span: value.span))
                }
                if !match(.symbol(.comma)) { break }
            }
            try consume(.symbol(.rightParen), "')' after the arguments")
            return .call(callee, arguments, callee.span.through(open.span))
        }
    }

    // subscription -> expression "[" index ( "," index )* "]"
    // index -> expression | expression? ":" expression?
    private func subscription(_ target: Expression) throws -> Expression {
        let open = advance()
        return try bracketed {
            var indices: [IndexExpression] = []
            repeat {
                if check(.symbol(.rightBracket)) { break }
                let start = peek().span
                let lower = check(.symbol(.colon)) ? nil : try expression()
                if match(.symbol(.colon)) {
                    let upper = check(.symbol(.comma)) || check(.symbol(.rightBracket)) ? nil : try expression()
                    indices.append(.slice(lower, upper, start))
                } else if let lower {
                    indices.append(.value(lower))
                }
            } while match(.symbol(.comma))
            if indices.isEmpty { throw expectedError("an index") }
            try consume(.symbol(.rightBracket), "']' after the index")
            return .index(target, indices, target.span.through(open.span))
        }
    }

    // member -> expression "." IDENTIFIER
    private func member(_ target: Expression) throws -> Expression {
        advance()
        let token = peek()
        guard case .identifier(let name) = token.kind else { throw expectedError("a property name after '.'") }
        advance()
        return .member(target, name, token.span)
    }

    /// The right operand of a left-associative operator: everything binding tighter.
    private func operand(after precedence: Precedence) throws -> Expression {
        skipNewlinesInExpression()
        return try parse(Precedence(rawValue: precedence.rawValue + 1) ?? .postfix)
    }

    // MARK: - Token helpers

    private func peek(_ ahead: Int = 0) -> Token {
        skipIgnoredNewlines()
        var position = index
        var remaining = ahead
        while remaining > 0, position < tokens.count - 1 {
            position += 1
            if !(tokens[position].kind == .newline && newlinesMatter.last == false) { remaining -= 1 }
        }
        return tokens[position]
    }

    @discardableResult
    private func advance() -> Token {
        skipIgnoredNewlines()
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    private func skipIgnoredNewlines() {
        while newlinesMatter.last == false, tokens[index].kind == .newline { index += 1 }
    }

    /// After a binary operator the expression obviously continues, so a line break is allowed.
    private func skipNewlinesInExpression() {
        while tokens[index].kind == .newline { index += 1 }
    }

    private func check(_ kind: TokenKind) -> Bool { peek().kind == kind }

    private func match(_ kind: TokenKind) -> Bool {
        guard check(kind) else { return false }
        advance()
        return true
    }

    private func consume(_ kind: TokenKind, _ what: String) throws {
        guard match(kind) else { throw expectedError(what) }
    }

    private func skipTerminators() {
        while check(.newline) || check(.symbol(.semicolon)) { advance() }
    }

    /// Looks past line breaks for `kind` (so `}` newline `else` works); consumes them only if found.
    private func skipNewlines(before kind: TokenKind) -> Bool {
        var position = index
        while tokens[position].kind == .newline, position < tokens.count - 1 { position += 1 }
        guard tokens[position].kind == kind else { return false }
        index = position
        return true
    }

    /// Runs `body` with newlines ignored (inside brackets).
    private func bracketed<T>(_ body: () throws -> T) throws -> T {
        newlinesMatter.append(false)
        defer { newlinesMatter.removeLast() }
        return try body()
    }

    private func enter() throws {
        depth += 1
        if depth > Self.nestingLimit {
            depth -= 1
            throw ParseError.nestingTooDeep(limit: Self.nestingLimit, peek().span)
        }
    }

    private func leave() { depth -= 1 }

    private func expectedError(_ what: String) -> ParseError {
        let token = peek()
        if token.kind == .end { return .unexpectedEnd(expected: what, token.span) }
        if what == "an expression" { return .expectedExpression(found: token.displayName, token.span) }
        return .expected(what, found: token.displayName, token.span)
    }

    private func record(_ error: ParseError) {
        if errors.count < Self.errorLimit { errors.append(error) }
    }

    /// Skips to the start of the next statement: past a newline or ';', or up to a '}' closing the
    /// enclosing block. Balanced braces on the way are skipped whole.
    private func synchronize() {
        var braces = 0
        while true {
            let kind = tokens[index].kind
            switch kind {
            case .end: return
            case .newline, .symbol(.semicolon):
                if braces == 0 { index += 1; return }
            case .symbol(.leftBrace): braces += 1
            case .symbol(.rightBrace):
                if braces == 0 { return }
                braces -= 1
            default: break
            }
            index += 1
        }
    }

    private func describe(_ expression: Expression) -> String {
        switch expression {
        case .call: return "a function call"
        case .number, .string, .bool, .null, .interpolation: return "a literal"
        case .binary(let operation, _, _, _): return "the result of '\(operation.symbol)'"
        case .list: return "a list literal"
        default: return "this expression"
        }
    }
}

extension TokenKind {
    var isIdentifier: Bool { if case .identifier = self { return true } else { return false } }
}
