import CZMQ
import Foundation

// libzmq is opened with dlopen when a kernel starts, not linked into the binary: linked, it and
// what it pulls in (libsodium, Kerberos, PGM, NORM) were loaded by every `microseek` process,
// about 4 ms of start-up, though only `microseek kernel` uses it. CZMQ's module map gives only
// zmq.h's types and constants; the functions come from here, their C signatures written out.

/// The libzmq functions the kernel calls, found with dlsym.
struct LibZMQ: @unchecked Sendable {
    typealias Handle = UnsafeMutableRawPointer
    typealias Message = UnsafeMutablePointer<zmq_msg_t>

    let errno: @convention(c) () -> Int32
    let strerror: @convention(c) (Int32) -> UnsafePointer<CChar>?
    let ctxNew: @convention(c) () -> Handle?
    let ctxTerm: @convention(c) (Handle?) -> Int32
    /// (context, type)
    let socket: @convention(c) (Handle?, Int32) -> Handle?
    let close: @convention(c) (Handle?) -> Int32
    /// (socket, option, value, length)
    let setsockopt: @convention(c) (Handle?, Int32, UnsafeRawPointer?, Int) -> Int32
    /// (socket, endpoint)
    let bind: @convention(c) (Handle?, UnsafePointer<CChar>?) -> Int32
    /// (socket, buffer, length, flags) → bytes sent or -1
    let send: @convention(c) (Handle?, UnsafeRawPointer?, Int, Int32) -> Int32
    let messageInit: @convention(c) (Message?) -> Int32
    /// (message, socket, flags) → bytes or -1
    let messageReceive: @convention(c) (Message?, Handle?, Int32) -> Int32
    let messageClose: @convention(c) (Message?) -> Int32
    let messageData: @convention(c) (Message?) -> UnsafeMutableRawPointer?
    let messageSize: @convention(c) (Message?) -> Int
    let messageMore: @convention(c) (Message?) -> Int32
    /// (items, count, timeout in ms) → ready items or -1
    let poll: @convention(c) (UnsafeMutablePointer<zmq_pollitem_t>?, Int32, Int) -> Int32

    /// The runtime package's file name first (`libzmq5` ships only the versioned one).
    static let fileNames = ["libzmq.so.5", "libzmq.so"]

    private static let opened: Result<LibZMQ, SocketError> = open()

    /// libzmq's functions, or an error naming the library and the package to install.
    static func functions() throws -> LibZMQ { try opened.get() }

    /// The functions once libzmq is open: sockets and contexts exist only after it opened.
    static var loaded: LibZMQ? { try? opened.get() }

    private static func open() -> Result<LibZMQ, SocketError> {
        guard let handle = fileNames.lazy.compactMap({ dlopen($0, RTLD_NOW | RTLD_LOCAL) }).first else {
            let reason = dlerror().map { String(cString: $0) } ?? "not found"
            return .failure(SocketError(message: "cannot load libzmq (\(fileNames.joined(separator: " or "))): \(reason); "
                + "install it with apt-get install libzmq5"))
        }
        var missing: [String] = []
        // Each property's type is inferred from the member it initialises, so the signatures are
        // written once, above. A missing symbol is recorded and the table discarded unused.
        func symbol<Function>(_ name: String) -> Function {
            let address = dlsym(handle, name)
            if address == nil { missing.append(name) }
            return unsafeBitCast(address, to: Function.self)
        }
        let library = LibZMQ(
            errno: symbol("zmq_errno"), strerror: symbol("zmq_strerror"), ctxNew: symbol("zmq_ctx_new"),
            ctxTerm: symbol("zmq_ctx_term"), socket: symbol("zmq_socket"), close: symbol("zmq_close"),
            setsockopt: symbol("zmq_setsockopt"), bind: symbol("zmq_bind"), send: symbol("zmq_send"),
            messageInit: symbol("zmq_msg_init"), messageReceive: symbol("zmq_msg_recv"),
            messageClose: symbol("zmq_msg_close"), messageData: symbol("zmq_msg_data"),
            messageSize: symbol("zmq_msg_size"), messageMore: symbol("zmq_msg_more"), poll: symbol("zmq_poll"))
        guard missing.isEmpty else {
            return .failure(SocketError(message: "libzmq lacks \(missing.joined(separator: ", ")); the kernel needs libzmq 4"))
        }
        return .success(library)
    }
}
