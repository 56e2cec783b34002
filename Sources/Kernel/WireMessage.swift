// Jupyter messages on the wire (messaging protocol 5.3): routing identities, the delimiter
// "<IDS|MSG>", an HMAC-SHA256 signature of the four JSON parts, then header, parent header,
// metadata and content. A message whose signature does not match is refused, never executed.
import Crypto
import Foundation

/// One Jupyter message.
struct WireMessage {
    /// ZeroMQ routing identities (shell/control) or the topic (iopub).
    var identities: [Data]
    var header: [String: Any]
    var parentHeader: [String: Any]
    var metadata: [String: Any]
    var content: [String: Any]

    /// The message type ("execute_request").
    var type: String { header["msg_type"] as? String ?? "" }

    static let delimiter = Data("<IDS|MSG>".utf8)

    /// Signs and frames the message with `key`.
    func frames(key: Data) throws -> [Data] {
        let parts = try [header, parentHeader, metadata, content].map {
            try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys])
        }
        return identities + [WireMessage.delimiter, Data(WireMessage.signature(parts, key: key).utf8)] + parts
    }

    /// Parses frames, checking the signature; throws for a malformed or wrongly signed message.
    init(frames: [Data], key: Data) throws {
        guard let split = frames.firstIndex(of: WireMessage.delimiter), frames.count >= split + 6 else {
            throw KernelError("a message without the <IDS|MSG> delimiter and its five parts")
        }
        let parts = Array(frames[(split + 2) ..< (split + 6)])
        let signature = String(decoding: frames[split + 1], as: UTF8.self)
        guard WireMessage.constantTimeEqual(signature, WireMessage.signature(parts, key: key)) else {
            throw KernelError("a message with a bad signature")
        }
        func object(_ data: Data, _ name: String) throws -> [String: Any] {
            guard let value = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw KernelError("a message whose \(name) is not a JSON object")
            }
            return value
        }
        identities = Array(frames[..<split])
        header = try object(parts[0], "header")
        parentHeader = try object(parts[1], "parent header")
        metadata = try object(parts[2], "metadata")
        content = try object(parts[3], "content")
    }

    init(identities: [Data], header: [String: Any], parentHeader: [String: Any], metadata: [String: Any] = [:],
         content: [String: Any]) {
        self.identities = identities
        self.header = header
        self.parentHeader = parentHeader
        self.metadata = metadata
        self.content = content
    }

    /// Hex HMAC-SHA256 of the parts; empty when there is no key (unsigned sessions).
    static func signature(_ parts: [Data], key: Data) -> String {
        guard !key.isEmpty else { return "" }
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: key))
        for part in parts { hmac.update(data: part) }
        return Data(hmac.finalize()).map { String(format: "%02x", $0) }.joined()
    }

    /// Compares signatures without an early exit, so timing tells nothing about the key.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
