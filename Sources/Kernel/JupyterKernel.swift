// A Jupyter kernel (messaging protocol 5.3) over ZeroMQ. The shell thread (the caller of `run`)
// answers kernel_info, execute, complete, inspect, is_complete, history and comm_info; a control
// thread answers interrupt and shutdown while a cell runs; a heartbeat thread echoes pings. Output
// goes out on iopub as it happens: status busy/idle, execute_input, stream, display_data with
// image/png, execute_result, error. stdin is bound but never asked (input is declined).
import CZMQ
import Foundation

/// One kernel process serving one connection file. Shared between the shell and control threads:
/// each socket belongs to one thread, iopub is sent under `iopubLock`, and the mutable state
/// (shutdown flag, history) is read and written under `state` (hence `@unchecked Sendable`).
public final class JupyterKernel: @unchecked Sendable {
    /// Name, version and language facts reported in kernel_info_reply.
    public struct Identity {
        public var implementation: String
        public var version: String
        public var languageVersion: String
        public var banner: String
        public init(implementation: String, version: String, languageVersion: String, banner: String) {
            self.implementation = implementation
            self.version = version
            self.languageVersion = languageVersion
            self.banner = banner
        }
    }

    private let info: ConnectionInfo
    private let identity: Identity
    private let session: KernelSession
    private let key: Data
    private let sessionID = UUID().uuidString
    private let context: SocketContext
    private let shell: Socket, control: Socket, stdin: Socket, iopub: Socket, heartbeat: Socket
    private let iopubLock = NSLock()
    private let state = NSLock()
    private var shuttingDown = false
    private var executionCount = 0
    private var history: [(Int, String)] = []
    /// Where rejected messages are reported (stderr in the executable).
    private let log: (String) -> Void

    /// Binds every socket of the connection.
    public init(connection: ConnectionInfo, identity: Identity, session: KernelSession,
                log: @escaping (String) -> Void) throws {
        info = connection
        self.identity = identity
        self.session = session
        self.log = log
        key = Data(connection.key.utf8)
        context = try SocketContext()
        shell = try Socket(context, kind: .router, endpoint: connection.endpoint(connection.shellPort))
        control = try Socket(context, kind: .router, endpoint: connection.endpoint(connection.controlPort))
        stdin = try Socket(context, kind: .router, endpoint: connection.endpoint(connection.stdinPort))
        iopub = try Socket(context, kind: .publisher, endpoint: connection.endpoint(connection.iopubPort))
        heartbeat = try Socket(context, kind: .reply, endpoint: connection.endpoint(connection.heartbeatPort))
    }

    private var isShuttingDown: Bool {
        state.lock(); defer { state.unlock() }
        return shuttingDown
    }

    /// Serves until a shutdown request.
    public func run() {
        let heartbeatThread = Thread { [heartbeat] in
            while true {
                guard let ping = try? heartbeat.receive() else { return }
                try? heartbeat.send(ping)
            }
        }
        heartbeatThread.start()
        let controlThread = Thread { [weak self] in self?.serve(self?.control) }
        controlThread.stackSize = 1 << 20
        controlThread.start()
        publish("status", content: ["execution_state": "starting"], parent: [:])
        serve(shell)
    }

    /// Answers requests on `socket` until shutdown.
    private func serve(_ socket: Socket?) {
        guard let socket else { return }
        while !isShuttingDown {
            guard socket.poll(milliseconds: 100) else { continue }
            guard let frames = try? socket.receive() else { continue }
            let request: WireMessage
            do {
                request = try WireMessage(frames: frames, key: key)
            } catch {
                log("microseek kernel: dropped \(error)")
                continue
            }
            handle(request, on: socket)
        }
    }

    // MARK: - Requests

    private func handle(_ request: WireMessage, on socket: Socket) {
        publish("status", content: ["execution_state": "busy"], parent: request.header)
        defer { publish("status", content: ["execution_state": "idle"], parent: request.header) }
        switch request.type {
        case "kernel_info_request":
            reply(request, on: socket, type: "kernel_info_reply", content: kernelInfo)
        case "execute_request":
            execute(request, on: socket)
        case "complete_request":
            let code = request.content["code"] as? String ?? ""
            let cursor = request.content["cursor_pos"] as? Int ?? code.count
            let (matches, start) = session.complete(code, cursor: cursor)
            reply(request, on: socket, type: "complete_reply", content: [
                "status": "ok", "matches": matches, "cursor_start": start, "cursor_end": cursor, "metadata": [String: Any](),
            ])
        case "inspect_request":
            let code = request.content["code"] as? String ?? ""
            let text = session.inspect(code, cursor: request.content["cursor_pos"] as? Int ?? code.count)
            reply(request, on: socket, type: "inspect_reply", content: [
                "status": "ok", "found": text != nil, "data": text.map { ["text/plain": $0] } ?? [String: Any](),
                "metadata": [String: Any](),
            ])
        case "is_complete_request":
            let status = session.completeness(of: request.content["code"] as? String ?? "")
            var content: [String: Any] = ["status": status.rawValue]
            if status == .incomplete { content["indent"] = "    " }
            reply(request, on: socket, type: "is_complete_reply", content: content)
        case "history_request":
            let entries = state.withLock { history }.map { [0, $0.0, $0.1] as [Any] }
            reply(request, on: socket, type: "history_reply", content: ["status": "ok", "history": entries])
        case "comm_info_request":
            reply(request, on: socket, type: "comm_info_reply", content: ["status": "ok", "comms": [String: Any]()])
        case "interrupt_request":
            session.interrupt()
            reply(request, on: socket, type: "interrupt_reply", content: ["status": "ok"])
        case "shutdown_request":
            let restart = request.content["restart"] as? Bool ?? false
            state.withLock { shuttingDown = true }
            session.interrupt()
            reply(request, on: socket, type: "shutdown_reply", content: ["status": "ok", "restart": restart])
        default:
            log("microseek kernel: no handler for \(request.type); ignored")
        }
    }

    private var kernelInfo: [String: Any] {
        [
            "status": "ok", "protocol_version": "5.3", "implementation": identity.implementation,
            "implementation_version": identity.version, "banner": identity.banner,
            "language_info": [
                "name": "seek", "version": identity.languageVersion, "mimetype": "text/x-seek",
                "file_extension": ".seek", "pygments_lexer": "text", "codemirror_mode": "text/x-seek",
            ] as [String: Any],
            "help_links": [Any](),
        ]
    }

    private func execute(_ request: WireMessage, on socket: Socket) {
        let code = request.content["code"] as? String ?? ""
        let silent = request.content["silent"] as? Bool ?? false
        let storeHistory = (request.content["store_history"] as? Bool ?? true) && !silent
        if storeHistory { executionCount += 1 }
        let count = executionCount
        if storeHistory { state.withLock { history.append((count, code)) } }
        if !silent { publish("execute_input", content: ["code": code, "execution_count": count], parent: request.header) }
        let outcome = session.execute(code) { [weak self] text in
            guard !silent else { return }
            self?.publish("stream", content: ["name": "stdout", "text": text], parent: request.header)
        }
        if !silent {
            for image in outcome.images {
                publish("display_data", content: [
                    "data": ["image/png": Data(image.png).base64EncodedString(), "text/plain": image.text],
                    "metadata": [String: Any](), "transient": [String: Any](),
                ], parent: request.header)
            }
        }
        if let error = outcome.error {
            let content: [String: Any] = ["ename": error.name, "evalue": error.message, "traceback": error.traceback]
            if !silent { publish("error", content: content, parent: request.header) }
            reply(request, on: socket, type: "execute_reply",
                  content: content.merging(["status": "error", "execution_count": count]) { $1 })
            return
        }
        if !silent, let value = outcome.value {
            publish("execute_result", content: [
                "execution_count": count, "data": ["text/plain": value], "metadata": [String: Any](),
            ], parent: request.header)
        }
        reply(request, on: socket, type: "execute_reply", content: [
            "status": "ok", "execution_count": count, "user_expressions": [String: Any](), "payload": [Any](),
        ])
    }

    // MARK: - Sending

    private func header(_ type: String) -> [String: Any] {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return ["msg_id": UUID().uuidString, "session": sessionID, "username": "microseek",
                "date": formatter.string(from: Date()), "msg_type": type, "version": "5.3"]
    }

    private func reply(_ request: WireMessage, on socket: Socket, type: String, content: [String: Any]) {
        let message = WireMessage(identities: request.identities, header: header(type), parentHeader: request.header,
                                  content: content)
        do { try socket.send(try message.frames(key: key)) } catch { log("microseek kernel: could not reply: \(error)") }
    }

    private func publish(_ type: String, content: [String: Any], parent: [String: Any]) {
        let message = WireMessage(identities: [Data(type.utf8)], header: header(type), parentHeader: parent, content: content)
        iopubLock.lock(); defer { iopubLock.unlock() }
        do { try iopub.send(try message.frames(key: key)) } catch { log("microseek kernel: could not publish: \(error)") }
    }
}
