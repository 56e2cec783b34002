// The kernel's wire format: signatures as Jupyter computes them, refusal of a tampered or unsigned
// message, and the connection file's checks.
import Foundation
import Testing
@testable import Kernel

@Test func signatureIsHMACSHA256OfTheFourParts() throws {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?" (split over parts).
    let parts = [Data("what do ya ".utf8), Data("want ".utf8), Data("for ".utf8), Data("nothing?".utf8)]
    #expect(WireMessage.signature(parts, key: Data("Jefe".utf8))
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    #expect(WireMessage.signature(parts, key: Data()) == "", "no key: unsigned, as Jupyter does")
}

@Test func signedMessagesRoundTripAndTamperedOnesAreRefused() throws {
    let key = Data("secret".utf8)
    let message = WireMessage(identities: [Data("peer".utf8)], header: ["msg_type": "execute_request", "msg_id": "1"],
                              parentHeader: [:], content: ["code": "1 + 1"])
    var frames = try message.frames(key: key)
    let parsed = try WireMessage(frames: frames, key: key)
    #expect(parsed.type == "execute_request" && parsed.content["code"] as? String == "1 + 1")
    #expect(parsed.identities == [Data("peer".utf8)])
    frames[frames.count - 1] = Data(#"{"code":"rm()"}"#.utf8)
    #expect(throws: KernelError.self) { try WireMessage(frames: frames, key: key) }
    #expect(throws: KernelError.self) { try WireMessage(frames: try message.frames(key: Data("other".utf8)), key: key) }
    #expect(throws: KernelError.self) { try WireMessage(frames: [Data("no delimiter".utf8)], key: key) }
}

@Test func connectionFilesAreChecked() throws {
    let folder = FileManager.default.temporaryDirectory
    let good = folder.appendingPathComponent("c-\(UUID().uuidString).json")
    try Data(#"{"transport": "tcp", "ip": "127.0.0.1", "shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003, "control_port": 5004, "hb_port": 5005, "key": "k", "signature_scheme": "hmac-sha256"}"#.utf8).write(to: good)
    let info = try ConnectionInfo.read(from: good.path)
    #expect(info.shellPort == 5001 && info.key == "k" && info.endpoint(5002) == "tcp://127.0.0.1:5002")
    let bad = folder.appendingPathComponent("c-\(UUID().uuidString).json")
    try Data(#"{"shell_port": "x"}"#.utf8).write(to: bad)
    #expect(throws: KernelError.self) { try ConnectionInfo.read(from: bad.path) }
    #expect(throws: KernelError.self) { try ConnectionInfo.read(from: folder.appendingPathComponent("missing.json").path) }
}
