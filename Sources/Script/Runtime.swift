// The run-time state compiled code works on: a value stack of frames, the globals, the current
// closure's captured cells, and the call protocol. Kept allocation-free on the call fast path.

import Synchronization

/// A flag another thread or a signal handler sets to stop the running script.
public final class InterruptFlag: Sendable {
    // An atomic (not a lock) because a signal handler may set it; relaxed ordering suffices:
    // the flag carries no data, loops just need to see it eventually.
    private let flag = Atomic<Bool>(false)

    /// Creates a cleared flag.
    public init() {}

    /// Asks the running script to stop at its next loop iteration or call.
    public func request() { flag.store(true, ordering: .relaxed) }

    /// True once requested (until cleared).
    public var isRequested: Bool { flag.load(ordering: .relaxed) }

    /// Clears the request; returns whether it was set.
    @discardableResult
    public func clear() -> Bool { flag.exchange(false, ordering: .relaxed) }
}

/// How a statement finished.
enum Flow {
    case normal, breakLoop, continueLoop, returned
}

typealias Evaluate = (Machine) throws -> Value
typealias Execute = (Machine) throws -> Flow

/// A compiled function: code plus the frame layout the resolver computed.
final class FunctionPrototype {
    let name: String
    let parameterNames: [String]
    /// Stack slots per call (parameters first).
    let frameSize: Int
    /// Cells per call (captured locals).
    let cellCount: Int
    /// Captured parameters: copy from stack slot into cell at entry.
    let capturedParameters: [(slot: Int, cell: Int)]
    /// How a new closure fills its captures from the creating frame.
    let captureSources: [CompiledCapture]
    /// Runs the body and produces the return value.
    let body: Evaluate
    let parameterCount: Int
    /// Whether calls need cells or captures.
    let usesClosureState: Bool

    init(name: String, parameterNames: [String], frameSize: Int, cellCount: Int,
         capturedParameters: [(slot: Int, cell: Int)], captureSources: [CompiledCapture], body: @escaping Evaluate) {
        self.body = body
        self.name = name
        self.parameterNames = parameterNames
        self.frameSize = frameSize
        self.cellCount = cellCount
        self.capturedParameters = capturedParameters
        self.captureSources = captureSources
        self.parameterCount = parameterNames.count
        self.usesClosureState = cellCount > 0 || !captureSources.isEmpty
    }
}

enum CompiledCapture {
    case cell(Int)
    case upvalue(Int)
}

/// The registers of the machine. They live behind a pointer rather than in class properties:
/// Swift checks exclusive access to class properties at run time on every read and write,
/// which cost a third of the time of a simple loop.
struct Registers {
    var base = 0
    var top = 0
    var depth = 0
    var returnValue: Value = .null
    /// The current frame's captured locals.
    var cells: ContiguousArray<Cell> = []
    /// The current closure's captures.
    var upvalues: ContiguousArray<Cell> = []
    /// The span of the native call in progress (for errors from `Interpreter.call` callbacks).
    var nativeCallSpan: SourceSpan?
    /// True while `cells` or `upvalues` is non-empty.
    var hasClosureState = false
}

/// The mutable state of execution. One per interpreter; compiled closures receive it.
final class Machine {
    static let stackCapacity = 1 << 16
    /// Globals have fixed storage so compiled code can hold a stable pointer.
    static let globalCapacity = 1 << 16

    let stack: UnsafeMutablePointer<Value?>
    let globals: UnsafeMutablePointer<Value?>
    let registers: UnsafeMutablePointer<Registers>
    var recursionLimit = 1000
    let interrupt: InterruptFlag
    unowned let interpreter: Interpreter

    init(interpreter: Interpreter, interrupt: InterruptFlag) {
        self.interpreter = interpreter
        self.interrupt = interrupt
        stack = .allocate(capacity: Self.stackCapacity)
        stack.initialize(repeating: nil, count: Self.stackCapacity)
        globals = .allocate(capacity: Self.globalCapacity)
        globals.initialize(repeating: nil, count: Self.globalCapacity)
        registers = .allocate(capacity: 1)
        registers.initialize(to: Registers())
    }

    deinit {
        stack.deinitialize(count: Self.stackCapacity)
        stack.deallocate()
        globals.deinitialize(count: Self.globalCapacity)
        globals.deallocate()
        registers.deinitialize(count: 1)
        registers.deallocate()
    }

    var base: Int {
        @inline(__always) get { registers.pointee.base }
        @inline(__always) set { registers.pointee.base = newValue }
    }
    var top: Int {
        @inline(__always) get { registers.pointee.top }
        @inline(__always) set { registers.pointee.top = newValue }
    }
    var depth: Int {
        @inline(__always) get { registers.pointee.depth }
        @inline(__always) set { registers.pointee.depth = newValue }
    }
    var returnValue: Value {
        @inline(__always) get { registers.pointee.returnValue }
        @inline(__always) set { registers.pointee.returnValue = newValue }
    }
    var cells: ContiguousArray<Cell> {
        @inline(__always) get { registers.pointee.cells }
        @inline(__always) set { registers.pointee.cells = newValue }
    }
    var upvalues: ContiguousArray<Cell> {
        @inline(__always) get { registers.pointee.upvalues }
        @inline(__always) set { registers.pointee.upvalues = newValue }
    }
    var nativeCallSpan: SourceSpan? {
        @inline(__always) get { registers.pointee.nativeCallSpan }
        @inline(__always) set { registers.pointee.nativeCallSpan = newValue }
    }

    /// Resets the stack after an error left frames behind.
    func unwindAll() {
        for slot in 0..<top { stack[slot] = nil }
        base = 0
        top = 0
        depth = 0
        cells = []
        upvalues = []
        registers.pointee.hasClosureState = false
        returnValue = .null
    }

    @inline(__always)
    func checkInterrupt(_ span: SourceSpan) throws {
        if interrupt.isRequested {
            interrupt.clear()
            throw RuntimeError.interrupted(span)
        }
    }

    // MARK: - Calls

    /// Checks arity and depth and reserves a frame; the caller fills the parameter slots, then
    /// calls `enter`, and always `releaseFrame` (arguments may throw while being evaluated).
    @inline(__always)
    func reserveFrame(_ function: FunctionObject, arguments: Int, _ span: SourceSpan) throws -> Int {
        guard arguments == function.parameterCount else {
            throw RuntimeError.wrongArgumentCount(function: function.name, expected: function.parameterCount,
                                                  got: arguments, span)
        }
        guard depth < recursionLimit, top + function.frameSize <= Self.stackCapacity else {
            throw RuntimeError.recursionTooDeep(limit: recursionLimit, span)
        }
        let frameBase = top
        top = frameBase + function.frameSize
        return frameBase
    }

    @inline(__always)
    func releaseFrame(_ frameBase: Int, _ function: FunctionObject) {
        for slot in frameBase..<(frameBase + function.frameSize) { stack[slot] = nil }
        top = frameBase
    }

    /// Calls a Seek function with already evaluated arguments (natives calling back, keyword calls).
    func invoke(_ function: FunctionObject, values: [Value], _ span: SourceSpan) throws -> Value {
        let frameBase = try reserveFrame(function, arguments: values.count, span)
        defer { releaseFrame(frameBase, function) }
        for index in values.indices { stack[frameBase + index] = values[index] }
        return try enter(function, frameBase: frameBase, span)
    }

    /// Runs a function whose frame is reserved and whose parameters are in place.
    @inline(__always)
    func enter(_ function: FunctionObject, frameBase: Int, _ span: SourceSpan) throws -> Value {
        let savedBase = base
        base = frameBase
        depth += 1
        // Closure state (cells, captures) is swapped only when caller or callee has any, so plain
        // recursive functions pay no reference counting for it.
        let swapsClosureState = function.usesClosureState || registers.pointee.hasClosureState
        var savedCells: ContiguousArray<Cell> = []
        var savedUpvalues: ContiguousArray<Cell> = []
        if swapsClosureState {
            savedCells = cells
            savedUpvalues = upvalues
            let prototype = function.prototype
            var frameCells = ContiguousArray<Cell>()
            if prototype.cellCount > 0 {
                frameCells.reserveCapacity(prototype.cellCount)
                for _ in 0..<prototype.cellCount { frameCells.append(Cell()) }
                for (slot, cell) in prototype.capturedParameters { frameCells[cell].value = stack[frameBase + slot] }
            }
            cells = frameCells
            upvalues = function.captures
            registers.pointee.hasClosureState = prototype.usesClosureState
        }
        defer {
            base = savedBase
            depth -= 1
            if swapsClosureState {
                cells = savedCells
                upvalues = savedUpvalues
                registers.pointee.hasClosureState = !savedCells.isEmpty || !savedUpvalues.isEmpty
            }
        }
        try checkInterrupt(span)
        return try function.body(self)
    }

    /// Takes the value a `return` statement left behind.
    @inline(__always)
    func takeReturnValue() -> Value {
        let result = returnValue
        returnValue = .null
        return result
    }

    /// Calls any callable value with evaluated arguments.
    func call(_ callee: Value, _ positional: [Value], _ named: [(name: String, value: Value)],
              _ span: SourceSpan) throws -> Value {
        switch callee {
        case .function(let function):
            if named.isEmpty { return try invoke(function, values: positional, span) }
            return try invoke(function, values: try bindKeywords(function, positional, named, span), span)
        case .native(let native):
            let arguments = Arguments(functionName: native.name, positional: positional, named: named,
                                      interpreter: interpreter)
            return try runNative(span) { try native.body(arguments) }
        case .object(let object):
            let arguments = Arguments(functionName: object.typeName, positional: positional, named: named,
                                      interpreter: interpreter)
            return try runNative(span) { try object.call(arguments) }
        default:
            throw RuntimeError.notCallable(callee.typeAndValue, span)
        }
    }

    /// Orders keyword arguments by parameter name.
    private func bindKeywords(_ function: FunctionObject, _ positional: [Value],
                              _ named: [(name: String, value: Value)], _ span: SourceSpan) throws -> [Value] {
        let parameters = function.parameters
        var values: [Value?] = positional.map { $0 } + Array(repeating: nil, count: max(0, parameters.count - positional.count))
        for (name, value) in named {
            guard let position = parameters.firstIndex(of: name) else {
                throw RuntimeError.unknownKeyword(function: function.name, name: name,
                                                  suggestion: nearestName(to: name, in: parameters), span)
            }
            guard position < values.count, values[position] == nil else {
                throw RuntimeError.duplicateArgument(function: function.name, name: name, span)
            }
            values[position] = value
        }
        let given = values.compactMap { $0 }
        guard given.count == parameters.count else {
            throw RuntimeError.wrongArgumentCount(function: function.name, expected: parameters.count,
                                                  got: given.count, span)
        }
        return given
    }

    /// Runs native code, turning its errors into runtime errors at `span`.
    func runNative<T>(_ span: SourceSpan, _ body: () throws -> T) throws -> T {
        let savedSpan = nativeCallSpan
        nativeCallSpan = span
        defer { nativeCallSpan = savedSpan }
        do {
            return try body()
        } catch let error as RuntimeError {
            throw error
        } catch let error as NativeError {
            throw RuntimeError.nativeFailure(error.message, span)
        } catch let error as ScriptError {
            throw error
        } catch {
            throw RuntimeError.nativeFailure("\(error)", span)
        }
    }

    // MARK: - Closures

    /// Creates a closure, capturing from the current frame.
    func makeClosure(_ prototype: FunctionPrototype) -> FunctionObject {
        var captures = ContiguousArray<Cell>()
        captures.reserveCapacity(prototype.captureSources.count)
        for source in prototype.captureSources {
            switch source {
            case .cell(let index): captures.append(cells[index])
            case .upvalue(let index): captures.append(upvalues[index])
            }
        }
        return FunctionObject(prototype: prototype, captures: captures)
    }
}
