// A thin wrapper over the ZeroMQ sockets the Jupyter protocol uses: bind, send and receive whole
// multipart messages, and poll with a timeout so loops can notice a shutdown.
import CZMQ
import Foundation

/// A ZeroMQ error with the call that failed and zmq's own description.
public struct SocketError: Error, CustomStringConvertible {
    public let description: String
    init(_ call: String) {
        description = "\(call): \(String(cString: zmq_strerror(zmq_errno())))"
    }
}

/// One ZeroMQ context for the kernel's sockets.
final class SocketContext {
    let handle: UnsafeMutableRawPointer

    init() throws {
        guard let handle = zmq_ctx_new() else { throw SocketError("zmq_ctx_new") }
        self.handle = handle
    }

    deinit { zmq_ctx_term(handle) }
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

    /// A socket of `kind` bound to `endpoint` ("tcp://127.0.0.1:5555").
    init(_ context: SocketContext, kind: Kind, endpoint: String) throws {
        guard let handle = zmq_socket(context.handle, kind.value) else { throw SocketError("zmq_socket") }
        self.handle = handle
        var linger: Int32 = 0   // do not block exit on unsent messages
        zmq_setsockopt(handle, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
        guard zmq_bind(handle, endpoint) == 0 else {
            let error = SocketError("bind \(endpoint)")
            zmq_close(handle)
            throw error
        }
    }

    deinit { zmq_close(handle) }

    /// Sends `frames` as one multipart message.
    func send(_ frames: [Data]) throws {
        for (index, frame) in frames.enumerated() {
            let flags: Int32 = index < frames.count - 1 ? ZMQ_SNDMORE : 0
            let sent = frame.withUnsafeBytes { buffer in zmq_send(handle, buffer.baseAddress, buffer.count, flags) }
            guard sent >= 0 else { throw SocketError("zmq_send") }
        }
    }

    /// Receives one whole multipart message (blocking).
    func receive() throws -> [Data] {
        var frames: [Data] = []
        while true {
            var message = zmq_msg_t()
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            guard zmq_msg_recv(&message, handle, 0) >= 0 else { throw SocketError("zmq_msg_recv") }
            let size = zmq_msg_size(&message)
            if let data = zmq_msg_data(&message), size > 0 {
                frames.append(Data(bytes: data, count: size))
            } else {
                frames.append(Data())
            }
            if zmq_msg_more(&message) == 0 { return frames }
        }
    }

    /// Waits up to `milliseconds` for a message; true when one can be received.
    func poll(milliseconds: Int) -> Bool {
        var item = zmq_pollitem_t(socket: handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
        let ready = zmq_poll(&item, 1, milliseconds)
        return ready > 0 && (item.revents & Int16(ZMQ_POLLIN)) != 0
    }
}
