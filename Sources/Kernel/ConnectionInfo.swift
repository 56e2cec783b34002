// The connection file Jupyter writes for a kernel: where to bind its five sockets, and the key
// that signs every message.
import Foundation

/// The contents of a Jupyter connection file.
public struct ConnectionInfo: Equatable {
    public var transport: String
    public var ip: String
    public var shellPort: Int, iopubPort: Int, stdinPort: Int, controlPort: Int, heartbeatPort: Int
    /// The HMAC key (empty: messages are not signed).
    public var key: String
    /// "hmac-sha256" (the only scheme supported).
    public var signatureScheme: String

    /// Reads and checks a connection file; errors name the path and the field.
    public static func read(from path: String) throws -> ConnectionInfo {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KernelError("cannot read the connection file \(path)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw KernelError("\(path) is not a JSON object")
        }
        func port(_ name: String) throws -> Int {
            guard let value = object[name] as? Int, (0 ... 65535).contains(value) else {
                throw KernelError("\(path): \(name) must be a port number")
            }
            return value
        }
        let info = ConnectionInfo(
            transport: object["transport"] as? String ?? "tcp", ip: object["ip"] as? String ?? "127.0.0.1",
            shellPort: try port("shell_port"), iopubPort: try port("iopub_port"), stdinPort: try port("stdin_port"),
            controlPort: try port("control_port"), heartbeatPort: try port("hb_port"),
            key: object["key"] as? String ?? "", signatureScheme: object["signature_scheme"] as? String ?? "hmac-sha256")
        guard info.signatureScheme == "hmac-sha256" else {
            throw KernelError("\(path): signature_scheme \(info.signatureScheme) is not supported (only hmac-sha256)")
        }
        guard info.transport == "tcp" else {
            throw KernelError("\(path): transport \(info.transport) is not supported (only tcp)")
        }
        return info
    }

    /// "tcp://127.0.0.1:port".
    func endpoint(_ port: Int) -> String { "\(transport)://\(ip):\(port)" }
}

/// A kernel error for a person: a bad connection file, a socket that cannot bind.
public struct KernelError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
