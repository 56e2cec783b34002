// The run-time state compiled code works on: a value stack of frames, the globals, the current
// closure's captured cells, and the call protocol. Kept allocation-free on the call fast path.

import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

/// Buffers of cells (a frame's captured locals, a closure's captures), allocated with `malloc`.
/// `UnsafeMutablePointer.allocate` asks Swift's runtime for "default alignment", which on Linux
/// it serves with `posix_memalign`, about twice the instructions of `malloc` for these small
/// buffers; `malloc` already aligns to 16 bytes, more than a `Cell` reference needs.
enum CellBuffer {
    @inline(__always)
    static func allocate(_ count: Int) -> UnsafeMutablePointer<Cell> {
        guard let raw = malloc(count * MemoryLayout<Cell>.stride) else {
            preconditionFailure("out of memory allocating \(count) cells")
        }
        return raw.bindMemory(to: Cell.self, capacity: count)
    }

    @inline(__always)
    static func deallocate(_ buffer: UnsafeMutablePointer<Cell>) { free(buffer) }
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
    /// The current frame's captured locals: a buffer the running call owns (see
    /// `Machine.enterWithClosureState`), read without reference counting.
    var cells: UnsafeMutablePointer<Cell>?
    /// The running closure's captures: its `FunctionObject`'s buffer (the caller holds the
    /// function for the whole call).
    var upvalues: UnsafeMutablePointer<Cell>?
    /// The span of the native call in progress (for errors from `Interpreter.call` callbacks).
    var nativeCallSpan: SourceSpan?
    /// Calls in progress whose function was borrowed from a global (`Compiler.withGlobalFunction`).
    var borrowedCalls = 0
    /// The highest stack slot used since the last `clearStaleSlots`.
    var highWater = 0
}

/// The mutable state of execution. One per interpreter; compiled closures receive it.
final class Machine {
    static let stackCapacity = 1 << 16
    /// The most globals an interpreter holds (every distinct top-level name ever resolved).
    static let globalCapacity = 1 << 22

    let stack: UnsafeMutablePointer<Value?>
    /// Slots `0..<initializedSlots` of `stack` hold a value (nil when unused); the rest are raw
    /// memory. The stack is initialized as frames first reach it, not all at once: touching all
    /// 65,536 slots (1.5 MB) at start and destroying them one by one at the end cost every
    /// interpreter about 1.7 million instructions, more than many whole scripts.
    private var initializedSlots = 0
    /// The globals buffer lives behind one more pointer so it can grow while compiled code
    /// keeps reading through a `let` (no exclusivity checks, one extra load).
    private let globalStorage: UnsafeMutablePointer<UnsafeMutablePointer<Value?>>
    private(set) var globalCount = 1 << 12
    var globals: UnsafeMutablePointer<Value?> {
        @inline(__always) get { globalStorage.pointee }
    }
    let registers: UnsafeMutablePointer<Registers>
    var recursionLimit = 1000
    let interrupt: InterruptFlag
    unowned let interpreter: Interpreter

    init(interpreter: Interpreter, interrupt: InterruptFlag) {
        self.interpreter = interpreter
        self.interrupt = interrupt
        stack = .allocate(capacity: Self.stackCapacity)
        let buffer = UnsafeMutablePointer<Value?>.allocate(capacity: globalCount)
        buffer.initialize(repeating: nil, count: globalCount)
        globalStorage = .allocate(capacity: 1)
        globalStorage.initialize(to: buffer)
        registers = .allocate(capacity: 1)
        registers.initialize(to: Registers())
    }

    deinit {
        stack.deinitialize(count: initializedSlots)
        stack.deallocate()
        globals.deinitialize(count: globalCount)
        globals.deallocate()
        globalStorage.deallocate()
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
    /// The current frame's cell `index` (the resolver only emits indices the frame has).
    @inline(__always)
    func cell(_ index: Int) -> Cell {
        guard let cells = registers.pointee.cells else { preconditionFailure("a cell read outside a frame with cells") }
        return cells[index]
    }
    /// The running closure's capture `index`.
    @inline(__always)
    func upvalue(_ index: Int) -> Cell {
        guard let upvalues = registers.pointee.upvalues else { preconditionFailure("a capture read outside a closure") }
        return upvalues[index]
    }
    var nativeCallSpan: SourceSpan? {
        @inline(__always) get { registers.pointee.nativeCallSpan }
        @inline(__always) set { registers.pointee.nativeCallSpan = newValue }
    }

    /// Makes room for `count` globals (called before running newly compiled code).
    func reserveGlobals(_ count: Int) {
        guard count > globalCount else { return }
        precondition(count <= Self.globalCapacity, "the resolver limits globals to \(Self.globalCapacity)")
        var newCount = globalCount
        while newCount < count { newCount *= 2 }
        let buffer = UnsafeMutablePointer<Value?>.allocate(capacity: newCount)
        buffer.moveInitialize(from: globals, count: globalCount)
        (buffer + globalCount).initialize(repeating: nil, count: newCount - globalCount)
        globals.deallocate()
        globalStorage.pointee = buffer
        globalCount = newCount
    }

    // MARK: - Globals, and functions called from them without a retain

    /// Functions (Seek's and natives) displaced from globals while borrowed calls ran: held until the last such call
    /// returns, since one of them may be running (a function that reassigns its own name).
    private var displacedFunctions: [Value] = []

    @inline(__always)
    func beginBorrowedCall() { registers.pointee.borrowedCalls += 1 }

    @inline(__always)
    func endBorrowedCall() {
        registers.pointee.borrowedCalls -= 1
        if registers.pointee.borrowedCalls == 0, !displacedFunctions.isEmpty { releaseDisplacedFunctions() }
    }

    @inline(never)
    private func releaseDisplacedFunctions() { displacedFunctions.removeAll() }

    /// Writes global `index`. Every write of a global goes through here (or `storeGlobal(_:at:)`
    /// below): a function (Seek's or a native) it displaces while a borrowed call runs is kept, not released; an old
    /// value with nothing to release (unassigned, nil, a boolean, a number) is overwritten inline.
    @inline(__always)
    func storeGlobal(_ value: Value, at index: Int) {
        let slot = globals + index
        switch slot.pointee {
        case nil, .null?, .bool?, .number?: slot.initialize(to: value)
        case .function?, .native?: storeOverFunction(value, slot)
        default: slot.pointee = value
        }
    }

    /// `storeGlobal` of the element at `element`, a number rebuilt from its payload rather than
    /// copied by the generic copy (as `Machine.store(_:into:)`).
    @inline(__always)
    func storeGlobal(_ element: UnsafePointer<Value>, at index: Int) {
        if case .number(let x) = element.pointee { return storeGlobal(.number(x), at: index) }
        storeGlobal(element.pointee, at: index)
    }

    @inline(never)
    private func storeOverFunction(_ value: Value, _ slot: UnsafeMutablePointer<Value?>) {
        guard registers.pointee.borrowedCalls > 0 else {
            slot.pointee = value
            return
        }
        if let old = slot.move() { displacedFunctions.append(old) }
        slot.initialize(to: value)
    }

    /// Resets the stack after an error left frames behind.
    func unwindAll() {
        for slot in 0..<max(top, registers.pointee.highWater) { stack[slot] = nil }
        registers.pointee.highWater = 0
        base = 0
        top = 0
        depth = 0
        registers.pointee.cells = nil
        registers.pointee.upvalues = nil
        registers.pointee.borrowedCalls = 0
        displacedFunctions.removeAll()
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
        let end = frameBase + function.frameSize
        top = end
        if end > registers.pointee.highWater {
            registers.pointee.highWater = end
            if end > initializedSlots { initializeSlots(through: end) }
        }
        // Locals start unassigned; the caller writes the parameter slots.
        var slot = frameBase + function.parameterCount
        while slot < end {
            Machine.clear(stack + slot)
            slot += 1
        }
        return frameBase
    }

    /// Unassigns a slot a popped frame may have left a value in. Nothing to release (unassigned,
    /// nil, a boolean or a number: most stale slots) is overwritten inline; anything else is
    /// released through the generic destroy, which assigning nil called for every slot.
    @inline(__always)
    static func clear(_ slot: UnsafeMutablePointer<Value?>) {
        switch slot.pointee {
        case nil, .null?, .bool?, .number?: slot.initialize(to: nil)
        default: slot.pointee = nil
        }
    }

    /// Initializes stack slots up to at least `end` (doubling, so a deep recursion pays this
    /// a handful of times, not once per frame).
    @inline(never)
    private func initializeSlots(through end: Int) {
        let target = min(Self.stackCapacity, max(end, 2 * initializedSlots, 256))
        (stack + initializedSlots).initialize(repeating: nil, count: target - initializedSlots)
        initializedSlots = target
    }

    /// Pops a frame. Its slots are not cleared here (that was a tenth of a call's cost): the next
    /// frame overwrites them, and `clearStaleSlots` drops what is left when a run ends.
    @inline(__always)
    func releaseFrame(_ frameBase: Int, _ function: FunctionObject) {
        top = frameBase
    }

    /// Releases values left in popped frames (above `top`), so they do not outlive the run.
    func clearStaleSlots() {
        let highWater = registers.pointee.highWater
        if highWater > top {
            for slot in top..<highWater { stack[slot] = nil }
        }
        registers.pointee.highWater = top
        if depth == 0 { returnValue = .null }
    }

    /// Calls a Seek function with already evaluated arguments (natives calling back, keyword calls).
    func invoke(_ function: FunctionObject, values: [Value], _ span: SourceSpan) throws -> Value {
        let frameBase = try reserveFrame(function, arguments: values.count, span)
        defer { releaseFrame(frameBase, function) }
        for index in values.indices { stack[frameBase + index] = values[index] }
        return try enter(function, frameBase: frameBase, span)
    }

    /// `invoke` with one argument, without an array.
    func invoke(_ function: FunctionObject, argument: Value, _ span: SourceSpan) throws -> Value {
        let frameBase = try reserveFrame(function, arguments: 1, span)
        defer { releaseFrame(frameBase, function) }
        stack[frameBase] = argument
        return try enter(function, frameBase: frameBase, span)
    }

    /// `invoke` with one argument read where it lies (`map`, `filter`, `sorted(key=)` over a
    /// list's elements): a number is stored without the generic copy, and the stale slot it
    /// replaces without the generic destroy when it holds nothing to release.
    func invoke(_ function: FunctionObject, argumentAt argument: UnsafePointer<Value>, _ span: SourceSpan) throws -> Value {
        let frameBase = try reserveFrame(function, arguments: 1, span)
        defer { releaseFrame(frameBase, function) }
        Machine.store(argument, into: stack + frameBase)
        return try enter(function, frameBase: frameBase, span)
    }

    /// Runs a function whose frame is reserved and whose parameters are in place.
    @inline(__always)
    func enter(_ function: FunctionObject, frameBase: Int, _ span: SourceSpan) throws -> Value {
        // A function without cells or captures never reads the closure registers, so a call of
        // one leaves them as they are (the caller's stay in place for when it resumes).
        if function.usesClosureState {
            return try enterWithClosureState(function, frameBase: frameBase, span)
        }
        let savedBase = base
        base = frameBase
        depth += 1
        defer {
            base = savedBase
            depth -= 1
        }
        try checkInterrupt(span)
        return try function.runBody(self)
    }

    /// `enter` for closures and functions whose locals are captured: gives the frame its cells
    /// and points the registers at the closure's captures. Saving and restoring them is two
    /// pointers, with no reference counting (like clox's call frame pointing at its closure).
    @inline(never)
    private func enterWithClosureState(_ function: FunctionObject, frameBase: Int, _ span: SourceSpan) throws -> Value {
        let prototype = function.prototype
        if prototype.cellCount == 0 {
            // A closure none of whose locals are captured (`fn(x) { items.append(x) }`, most
            // methods): only its captures change; the caller's cells stay, unread, until it resumes.
            let savedBase = base
            let savedUpvalues = registers.pointee.upvalues
            base = frameBase
            depth += 1
            registers.pointee.upvalues = function.captureBase
            defer {
                base = savedBase
                depth -= 1
                registers.pointee.upvalues = savedUpvalues
            }
            try checkInterrupt(span)
            return try function.runBody(self)
        }
        let savedBase = base
        let savedCells = registers.pointee.cells
        let savedUpvalues = registers.pointee.upvalues
        let cellCount = prototype.cellCount
        var frameCells: UnsafeMutablePointer<Cell>?
        if cellCount > 0 {
            let buffer = CellBuffer.allocate(cellCount)
            for index in 0..<cellCount { (buffer + index).initialize(to: Cell()) }
            for (slot, cell) in prototype.capturedParameters { buffer[cell].value = stack[frameBase + slot] }
            frameCells = buffer
        }
        base = frameBase
        depth += 1
        registers.pointee.cells = frameCells
        registers.pointee.upvalues = function.captureBase
        defer {
            base = savedBase
            depth -= 1
            registers.pointee.cells = savedCells
            registers.pointee.upvalues = savedUpvalues
            if let frameCells {
                frameCells.deinitialize(count: cellCount)
                CellBuffer.deallocate(frameCells)
            }
        }
        try checkInterrupt(span)
        return try function.runBody(self)
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
        FunctionObject(prototype: prototype) { source in
            switch source {
            case .cell(let index): return cell(index)
            case .upvalue(let index): return upvalue(index)
            }
        }
    }
}
