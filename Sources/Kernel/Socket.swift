// A thin wrapper over the ZeroMQ sockets the Jupyter protocol uses: bind, send and receive whole
// multipart messages, and poll with a timeout so loops can notice a shutdown.
import CZMQ
import Foundation

/// A ZeroMQ error with the call that failed and zmq's own description.
public struct SocketError: Error, CustomStringConvertible {
    public let description: String
    /// The failed call and zmq's description of its `errno`.
    init(_ call: String) {
        let reason = LibZMQ.loaded.flatMap { zmq in zmq.strerror(zmq.errno()).map { String(cString: $0) } }
        description = "\(call): \(reason ?? "libzmq is not loaded")"
    }

    init(message: String) { description = message }
}

/// One ZeroMQ context for the kernel's sockets.
final class SocketContext {
    let handle: UnsafeMutableRawPointer
    let zmq: LibZMQ

    init() throws {
        zmq = try LibZMQ.functions()
        guard let handle = zmq.ctxNew() else { throw SocketError("zmq_ctx_new") }
        self.handle = handle
    }

    deinit { _ = zmq.ctxTerm(handle) }
}

/// A bound ZeroMQ socket. Not thread-safe: each socket is used by one thread, or under a lock
/// (that discipline is what makes handing it to its thread sound, hence `@unchecked Sendable`).
final class Socket: @unchecked Sendable {
    enum Kind {
        case router, publisher, reply
        var value: Int32 {
            switch self {
            case .router: ZMQ_ROUTER
            case .publisher: ZMQ_PUB
            case .reply: ZMQ_REP
            }
        }
    }

    let handle: UnsafeMutableRawPointer
    private let zmq: LibZMQ

    /// A socket of `kind` bound to `endpoint` ("tcp://127.0.0.1:5555").
    init(_ context: SocketContext, kind: Kind, endpoint: String) throws {
        zmq = context.zmq
        guard let handle = zmq.socket(context.handle, kind.value) else { throw SocketError("zmq_socket") }
        self.handle = handle
        var linger: Int32 = 0   // do not block exit on unsent messages
        _ = zmq.setsockopt(handle, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
        guard zmq.bind(handle, endpoint) == 0 else {
            let error = SocketError("bind \(endpoint)")
            _ = zmq.close(handle)
            throw error
        }
    }

    deinit { _ = zmq.close(handle) }

    /// Sends `frames` as one multipart message.
    func send(_ frames: [Data]) throws {
        for (index, frame) in frames.enumerated() {
            let flags: Int32 = index < frames.count - 1 ? ZMQ_SNDMORE : 0
            let sent = frame.withUnsafeBytes { buffer in zmq.send(handle, buffer.baseAddress, buffer.count, flags) }
            guard sent >= 0 else { throw SocketError("zmq_send") }
        }
    }

    /// Receives one whole multipart message (blocking).
    func receive() throws -> [Data] {
        var frames: [Data] = []
        while true {
            var message = zmq_msg_t()
            _ = zmq.messageInit(&message)
            defer { _ = zmq.messageClose(&message) }
            guard zmq.messageReceive(&message, handle, 0) >= 0 else { throw SocketError("zmq_msg_recv") }
            let size = zmq.messageSize(&message)
            if let data = zmq.messageData(&message), size > 0 {
                frames.append(Data(bytes: data, count: size))
            } else {
                frames.append(Data())
            }
            if zmq.messageMore(&message) == 0 { return frames }
        }
    }

    /// Waits up to `milliseconds` for a message; true when one can be received.
    func poll(milliseconds: Int) -> Bool {
        var item = zmq_pollitem_t(socket: handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
        let ready = zmq.poll(&item, 1, milliseconds)
        return ready > 0 && (item.revents & Int16(ZMQ_POLLIN)) != 0
    }
}
