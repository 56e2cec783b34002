// The interpreter: composes the phases (lex, parse, resolve, compile, run) and is the API the
// REPL, the notebook runner and the native libraries use.

import Foundation
import Synchronization

/// Runs Seek programs. Globals persist across `run` calls (a REPL session, a notebook).
/// The core defines no functions; install libraries (e.g. `StandardLibrary.install(into:)`).
public final class Interpreter {
    /// Where `print` and `help` write. Replace it to capture output (notebooks, tests).
    public var output: (String) -> Void = { text in
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Set from any thread or a signal handler to stop the running script with "interrupted".
    public let interruptFlag = InterruptFlag()

    /// Per-interpreter state for installed libraries (e.g. a default random generator seeded by
    /// `--seed`), keyed by a name the library chooses. The core never reads it.
    public var libraryState: [String: Any] = [:]

    /// Deepest call nesting before "recursion too deep".
    public var recursionLimit: Int {
        get { machine.recursionLimit }
        set { machine.recursionLimit = newValue }
    }

    let globals = GlobalTable()
    /// Created on first use: it refers back to the interpreter, which must exist first.
    private(set) lazy var machine = Machine(interpreter: self, interrupt: interruptFlag)
    /// Methods of built-in types by type name (`list`, `string`, `dict`), registered by libraries.
    private(set) var methods: [String: [String: BuiltinMethod]] = [:]
    /// Values installed with `define`, restored by `reset`.
    private var installed: [String: Value] = [:]

    /// Creates an interpreter with no globals at all.
    public init() {}

    // MARK: - Running

    /// Runs source text. Returns the value of the program's last statement if that is an
    /// expression other than `nil` (for the REPL to echo), else nil. Throws `ScriptError` for any error; nothing
    /// is printed by the interpreter itself except through `print`/`help` into `output`.
    /// - Parameters:
    ///   - file: the name errors show.
    ///   - lineOffset: added to line numbers (a notebook cell starting at lesson line 41 passes 40).
    public func run(_ source: String, file: String = "<input>", lineOffset: Int = 0) throws(ScriptError) -> Value? {
        let sourceFile = SourceFile(name: file, text: source, lineOffset: lineOffset)
        interruptFlag.clear()
        let result: Result<Value?, ScriptError> = LargeStack.run { self.execute(sourceFile) }
        return try result.get()
    }

    private func execute(_ file: SourceFile) -> Result<Value?, ScriptError> {
        let code: (Machine) throws -> Value?
        switch compile(file) {
        case .success(let compiled): code = compiled
        case .failure(let error): return .failure(error)
        }
        machine.reserveGlobals(globals.names.count)
        // Errors unwind the frames through `defer`s on the way out, so the machine is consistent
        // afterwards even when this run is nested inside a native called by another run.
        defer { machine.clearStaleSlots() }
        do {
            let value = try code(machine)
            if case .null? = value { return .success(nil) }
            return .success(value)
        } catch let error as RuntimeError {
            return .failure(ScriptError([error]))
        } catch let error as ScriptError {
            return .failure(error)
        } catch {
            return .failure(ScriptError([RuntimeError.nativeFailure("\(error)", fallbackSpan(file))]))
        }
    }

    /// Lex, parse, resolve and compile, collecting the first phase's errors.
    private func compile(_ file: SourceFile) -> Result<(Machine) throws -> Value?, ScriptError> {
        let (tokens, lexErrors) = Lexer.tokenize(file)
        if !lexErrors.isEmpty { return .failure(ScriptError(lexErrors)) }
        let (statements, parseErrors) = Parser.parse(tokens)
        if !parseErrors.isEmpty { return .failure(ScriptError(parseErrors)) }
        let (resolved, resolveErrors) = Resolver.resolve(statements, globals: globals)
        if !resolveErrors.isEmpty { return .failure(ScriptError(resolveErrors)) }
        return .success(Compiler(globals: globals).program(resolved))
    }


    func fallbackSpan(_ file: SourceFile) -> SourceSpan { SourceSpan(file: file, line: 1 + file.lineOffset, column: 1, length: 1) }

    /// Calls a Seek value (function, native, callable object) from Swift, e.g. from inside a native
    /// such as `map(f, xs)`. Errors propagate as `RuntimeError`.
    public func call(_ callee: Value, _ positional: [Value], named: [(name: String, value: Value)] = []) throws -> Value {
        let span = machine.nativeCallSpan ?? fallbackSpan(SourceFile(name: "<native>", text: ""))
        // Inside a run (a native calling back) this is already the large-stack thread: call
        // inline, without the escaping closure and `Result` the move to another thread needs.
        if LargeStack.isCurrentThread {
            defer { if machine.depth == 0 { machine.clearStaleSlots() } }
            return try machine.call(callee, positional, named, span)
        }
        let result: Result<Value, Error> = LargeStack.run {
            defer { if self.machine.depth == 0 { self.machine.clearStaleSlots() } }
            return Result { try self.machine.call(callee, positional, named, span) }
        }
        return try result.get()
    }

    /// `call(callee, [argument])` for the one-argument callbacks of `map`, `filter` and
    /// `sorted(key=)`: a Seek function gets its argument written straight into its frame (no
    /// argument array per element).
    public func call(_ callee: Value, argument: Value) throws -> Value {
        guard LargeStack.isCurrentThread, case .function(let function) = callee else {
            return try call(callee, [argument])
        }
        let span = machine.nativeCallSpan ?? fallbackSpan(SourceFile(name: "<native>", text: ""))
        defer { if machine.depth == 0 { machine.clearStaleSlots() } }
        return try machine.invoke(function, argument: argument, span)
    }

    /// Asks a running script to stop (safe from another thread or a signal handler).
    public func requestInterrupt() { interruptFlag.request() }

    // MARK: - Globals

    /// Binds a global; values installed this way survive `reset()`.
    public func define(_ name: String, _ value: Value) {
        installed[name] = value
        setGlobal(name, value)
    }

    /// Installs a native function under its name.
    public func define(_ function: NativeFunction) { define(function.name, .native(function)) }

    /// Installs a native function from a closure.
    public func define(_ name: String, help: String, _ body: @escaping (Arguments) throws -> Value) {
        define(NativeFunction(name, help: help, body: body))
    }

    /// Registers a method on a built-in type: `defineMethod(on: "list", "append", …)` makes `xs.append(x)`.
    public func defineMethod(on typeName: String, _ name: String, help: String,
                             _ body: @escaping (Value, Arguments) throws -> Value) {
        methods[typeName, default: [:]][name] = BuiltinMethod(help: help, body: body)
    }

    /// `defineMethod` with a direct body for calls with exactly one positional argument, which
    /// must behave as `body` does for them, or return nil to let `body` run.
    func defineMethod(on typeName: String, _ name: String, help: String, oneArgument: @escaping (Value, Value) -> Value?,
                      _ body: @escaping (Value, Arguments) throws -> Value) {
        methods[typeName, default: [:]][name] = BuiltinMethod(help: help, oneArgument: oneArgument, body: body)
    }

    /// `defineMethod` with a direct body for calls without arguments (same contract as above).
    func defineMethod(on typeName: String, _ name: String, help: String, zeroArguments: @escaping (Value) -> Value?,
                      _ body: @escaping (Value, Arguments) throws -> Value) {
        methods[typeName, default: [:]][name] = BuiltinMethod(help: help, oneArgument: nil, zeroArguments: zeroArguments,
                                                              body: body)
    }

    /// The current value of a global, or nil if unbound.
    public func global(_ name: String) -> Value? {
        guard let index = globals.existingIndex(of: name), index < machine.globalCount else { return nil }
        return machine.globals[index]
    }

    /// Sets a global from Swift (not remembered by `reset`).
    public func setGlobal(_ name: String, _ value: Value) {
        guard let index = globals.index(of: name) else {
            preconditionFailure("more than \(Machine.globalCapacity) globals defined from Swift")
        }
        machine.reserveGlobals(globals.names.count)
        machine.storeGlobal(value, at: index)
    }

    /// Names of all bound globals, sorted (for `:vars`, `help()` and completion).
    public var globalNames: [String] {
        globals.names.indices.filter { $0 < machine.globalCount && machine.globals[$0] != nil }
            .map { globals.names[$0] }.sorted()
    }

    /// Names the user bound (everything not installed by a library), sorted.
    public var userGlobalNames: [String] {
        globalNames.filter { name in
            guard let installedValue = installed[name], let current = global(name) else { return true }
            return !installedValue.isEqual(to: current)
        }
    }

    /// Forgets every user global; installed natives keep (or regain) their values.
    public func reset() {
        // Dropping a deeply nested structure releases it recursively: do it on the large stack.
        LargeStack.run {
            for index in 0..<min(self.globals.names.count, self.machine.globalCount) {
                self.machine.globals[index] = nil
            }
        }
        for (name, value) in installed { setGlobal(name, value) }
        machine.unwindAll()
    }

    // MARK: - Introspection for the REPL

    /// Property and method names of a value (Tab completion after a dot).
    public func memberNames(of value: Value) -> [String] {
        if case .object(let object) = value { return object.memberNames.sorted() }
        return (methods[value.typeName]?.keys).map { Array($0).sorted() } ?? []
    }

    /// Help text for a value: a native's or object's own text, a function's signature.
    public func helpText(for value: Value) -> String {
        switch value {
        case .native(let native): return native.help
        case .object(let object): return object.help
        case .function(let function):
            return "fn \(function.name)(\(function.parameters.joined(separator: ", "))): a function written in Seek"
        default:
            let methodNames = memberNames(of: value)
            let methodsLine = methodNames.isEmpty ? "" : "\nmethods: " + methodNames.joined(separator: ", ")
            return "\(value.typeName): \(value.repr)" + methodsLine
        }
    }

    /// The keyword parameters a callable accepts (Tab completion of `name=` inside a call): a
    /// Seek function's parameters, or the `name=` entries of a native's signature, the help
    /// text's opening `name(…)` (which may wrap over lines).
    public func keywordNames(of value: Value) -> [String] {
        switch value {
        case .function(let function): return function.parameters
        case .native(let native): return Self.keywordNames(inSignature: native.help)
        default: return []
        }
    }

    /// `moe(dim=, experts=8, gate="softmax"|"sigmoid")` → ["dim", "experts", "gate"]: the
    /// parameters written with `=` inside the first bracket pair of `help`.
    public static func keywordNames(inSignature help: String) -> [String] {
        guard let open = help.firstIndex(of: "(") else { return [] }
        var depth = 0, inString = false
        var parts: [String] = [], current = ""
        for character in help[help.index(after: open)...] {
            if inString {
                if character == "\"" { inString = false }
                current.append(character)
                continue
            }
            switch character {
            case "\"": inString = true
            case "(", "[", "{": depth += 1
            case ")" where depth == 0:
                parts.append(current)
                return parts.compactMap(keywordName)
            case ")", "]", "}": depth -= 1
            case "," where depth == 0:
                parts.append(current)
                current = ""
                continue
            default: break
            }
            current.append(character)
        }
        return []
    }

    /// The name of a `name=default` signature entry; nil for positional entries.
    private static func keywordName(_ part: String) -> String? {
        let trimmed = part.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let equals = trimmed.firstIndex(of: "=") else { return nil }
        let name = String(trimmed[..<equals])
        guard let first = name.first, first.isLetter || first == "_",
              name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
        return name
    }

    /// True when `source` ends inside an open bracket, block or string: the REPL should read more.
    public static func isIncomplete(_ source: String) -> Bool {
        LargeStack.run {
            let file = SourceFile(name: "<input>", text: source)
            let (tokens, lexErrors) = Lexer.tokenize(file)
            if Lexer.endsInsideString(lexErrors) { return true }
            let (_, parseErrors) = Parser.parse(tokens)
            return parseErrors.contains { if case .unexpectedEnd = $0 { return true } else { return false } }
        }
    }

    /// The tokens of `source`, one per line (`:tokens`). Lexical errors are listed after them.
    public static func dumpTokens(_ source: String) -> String {
        let file = SourceFile(name: "<input>", text: source)
        let (tokens, errors) = Lexer.tokenize(file)
        return SyntaxDumper.tokens(tokens) + errors.map { "\n" + $0.description }.joined()
    }

    /// The syntax tree of `source` as an indented outline (`:ast`); throws on a syntax error.
    public static func dumpSyntax(_ source: String, file: String = "<input>") throws(ScriptError) -> String {
        let sourceFile = SourceFile(name: file, text: source)
        let result: Result<String, ScriptError> = LargeStack.run {
            let (tokens, lexErrors) = Lexer.tokenize(sourceFile)
            if !lexErrors.isEmpty { return .failure(ScriptError(lexErrors)) }
            let (statements, parseErrors) = Parser.parse(tokens)
            if !parseErrors.isEmpty { return .failure(ScriptError(parseErrors)) }
            return .success(SyntaxDumper.statements(statements))
        }
        return try result.get()
    }
}

// MARK: - A large stack for deep recursion

/// Runs work on a thread with a big stack, so the recursion limits (not the OS) stop deep
/// programs: the interpreter recurses through Swift frames for each nested call and expression.
/// The threads are kept and reused: starting one (a 256 MB stack mapped, then unmapped with a
/// TLB shootdown) cost about 100 µs of CPU per `run`, more than a short script, and every REPL
/// line, lesson cell and kernel request is a `run`.
enum LargeStack {
    // Tests pass with 16 MB in a debug build; worst cases (1000 nested calls each inside 200
    // levels of nested expressions) need more. Only touched pages use memory.
    static let size = 256 << 20
    private static let threadName = "seek-interp"

    /// A kept thread and its hand-over: the caller that takes it from `idle` owns it until the
    /// job is done, then puts it back.
    private final class Worker: @unchecked Sendable {
        // Safe: `job` is written by the owning caller before `wake.signal()` and cleared by the
        // worker before `finished.signal()`; the semaphores order the two threads.
        var job: (() -> Void)?
        let wake = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)

        func serve() {
            pthread_setspecific(LargeStack.marker, UnsafeRawPointer(bitPattern: 1))
            while true {
                wake.wait()
                job?()
                job = nil
                finished.signal()
            }
        }
    }

    /// Holds the result while the caller waits.
    private final class Box<T>: @unchecked Sendable {
        // Safe: written by the worker before `finished.signal()`, read by the caller after `wait()`.
        var result: T?
    }

    /// Threads waiting for work (as many as callers have run at once).
    private static let idle = Mutex<[Worker]>([])

    /// Marks the threads `run` starts. A thread-specific key, not the thread's name: Linux keeps
    /// 15 characters of a name, so comparing names never matched and every callback from a native
    /// (`map`, `sorted(key=)`) started a thread of its own.
    private static let marker: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// True on a thread `run` started (work there runs inline).
    static var isCurrentThread: Bool { pthread_getspecific(marker) != nil }

    static func run<T>(_ work: @escaping () -> T) -> T {
        if isCurrentThread { return work() }
        let worker = idle.withLock { $0.popLast() } ?? startWorker()
        let box = Box<T>()
        worker.job = { box.result = work() }
        worker.wake.signal()
        worker.finished.wait()
        idle.withLock { $0.append(worker) }
        guard let result = box.result else { preconditionFailure("interpreter thread finished without a result") }
        return result
    }

    private static func startWorker() -> Worker {
        let worker = Worker()
        let thread = Thread { worker.serve() }
        thread.name = threadName
        thread.stackSize = size
        thread.start()
        return worker
    }
}
