// Dumpers for the intermediate forms: `:tokens` and `:ast` in the REPL print these.

/// Renders tokens and syntax trees as text.
public enum SyntaxDumper {
    /// One token per line: `line:column  kind  lexeme`.
    public static func tokens(_ tokens: [Token]) -> String {
        tokens.map { token in
            let position = "\(token.span.line):\(token.span.column)"
            let padded = position.padding(toLength: 7)
            return padded + describe(token.kind)
        }.joined(separator: "\n")
    }

    private static func describe(_ kind: TokenKind) -> String {
        switch kind {
        case .number(let value): return "number " + Value.format(value)
        case .string(let text): return "string " + Value.quote(text)
        case .interpolation(let text): return "interpolation " + Value.quote(text) + " \\("
        case .interpolationMiddle(let text): return "interpolation ) " + Value.quote(text) + " \\("
        case .interpolationEnd(let text): return "interpolation ) " + Value.quote(text)
        case .identifier(let name): return "identifier " + name
        case .keyword(let keyword): return "keyword " + keyword.rawValue
        case .symbol(let symbol): return "symbol " + symbol.rawValue
        case .newline: return "newline"
        case .end: return "end"
        }
    }

    /// Statements as an indented outline, one node per line.
    public static func statements(_ statements: [Statement]) -> String {
        var lines: [String] = []
        for statement in statements { dump(statement, 0, &lines) }
        return lines.joined(separator: "\n")
    }

    /// One expression as an S-expression on one line: `(+ 1 (* 2 x))`.
    public static func expression(_ expression: Expression) -> String {
        switch expression {
        case .number(let value, _): return Value.format(value)
        case .string(let text, _): return Value.quote(text)
        case .interpolation(let parts, _):
            let rendered = parts.map { part -> String in
                switch part {
                case .text(let text): return Value.quote(text)
                case .expression(let inner): return self.expression(inner)
                }
            }
            return "(interpolate " + rendered.joined(separator: " ") + ")"
        case .bool(let flag, _): return flag ? "true" : "false"
        case .null: return "nil"
        case .variable(let name, _): return name
        case .list(let elements, _): return "(list" + elements.map { " " + self.expression($0) }.joined() + ")"
        case .dict(let entries, _):
            return "(dict" + entries.map { " (\(self.expression($0.key)) \(self.expression($0.value)))" }.joined() + ")"
        case .unary(let operation, let operand, _): return "(\(operation.rawValue) \(self.expression(operand)))"
        case .binary(let operation, let left, let right, _):
            return "(\(operation.symbol) \(self.expression(left)) \(self.expression(right)))"
        case .logical(let operation, let left, let right, _):
            return "(\(operation.rawValue) \(self.expression(left)) \(self.expression(right)))"
        case .membership(let element, let container, _):
            return "(in \(self.expression(element)) \(self.expression(container)))"
        case .call(let callee, let arguments, _):
            let rendered = arguments.map { argument in
                (argument.name.map { "\($0)=" } ?? "") + self.expression(argument.value)
            }
            return "(call \(self.expression(callee))" + rendered.map { " " + $0 }.joined() + ")"
        case .member(let target, let name, _): return "(. \(self.expression(target)) \(name))"
        case .index(let target, let indices, _):
            let rendered = indices.map { index -> String in
                switch index {
                case .value(let value): return self.expression(value)
                case .slice(let lower, let upper, _):
                    return "(slice \(lower.map { self.expression($0) } ?? "_") \(upper.map { self.expression($0) } ?? "_"))"
                }
            }
            return "(index \(self.expression(target))" + rendered.map { " " + $0 }.joined() + ")"
        case .function(let declaration):
            return "(fn (\(declaration.parameters.map(\.name).joined(separator: " "))) \(declaration.body.count) statement(s))"
        }
    }

    private static func dump(_ statement: Statement, _ level: Int, _ lines: inout [String]) {
        let indent = String(repeating: "  ", count: level)
        func block(_ title: String, _ body: [Statement]) {
            lines.append(indent + title)
            for inner in body { dump(inner, level + 1, &lines) }
        }
        switch statement {
        case .expression(let value): lines.append(indent + "expr " + expression(value))
        case .assignment(let target, let operation, let value, _):
            lines.append(indent + "assign \(expression(target)) \(operation.rawValue) \(expression(value))")
        case .unpack(let names, let value, _):
            lines.append(indent + "assign \(names.map(\.name).joined(separator: ", ")) = \(expression(value))")
        case .ifStatement(let condition, let thenBranch, let elseBranch, _):
            block("if " + expression(condition), thenBranch)
            if let elseBranch { block("else", elseBranch) }
        case .whileLoop(let condition, let body, _): block("while " + expression(condition), body)
        case .forLoop(let names, let sequence, let body, _):
            block("for \(names.map(\.name).joined(separator: ", ")) in \(expression(sequence))", body)
        case .function(let declaration):
            block("fn \(declaration.name ?? "<anonymous>")(\(declaration.parameters.map(\.name).joined(separator: ", ")))",
                  declaration.body)
        case .returnStatement(let value, _): lines.append(indent + "return" + (value.map { " " + expression($0) } ?? ""))
        case .breakStatement: lines.append(indent + "break")
        case .continueStatement: lines.append(indent + "continue")
        }
    }
}

extension String {
    func padding(toLength length: Int) -> String {
        count >= length ? self + " " : self + String(repeating: " ", count: length - count)
    }
}
