// safetensors: the layout byte for byte, round trips, files written by Python's safetensors, and a
// clear error (never a crash) for every kind of malformed file.
import Autograd
import Foundation
import Testing
@testable import Interop

@Test func encodingFollowsTheFormat() throws {
    let bytes = try SafeTensors.encode([("w", try Tensor(shape: [2], values: [1, -2]))], metadata: ["format": "pt"])
    let length = Int(bytes[0]) | Int(bytes[1]) << 8
    #expect(bytes[2 ..< 8].allSatisfy { $0 == 0 })
    let header = String(decoding: bytes[8 ..< 8 + length], as: UTF8.self)
    #expect(header.trimmingCharacters(in: .whitespaces) == #"{"__metadata__":{"format":"pt"},"w":{"data_offsets":[0,8],"dtype":"F32","shape":[2]}}"#)
    #expect((8 + length) % 8 == 0, "data starts 8-byte aligned")
    #expect(Array(bytes[(8 + length)...]) == [0, 0, 0x80, 0x3F, 0, 0, 0, 0xC0], "1.0 and -2.0, little-endian")
}

@Test func tensorsRoundTripWithTheirNamesShapesAndMetadata() throws {
    let tensors: [(name: String, tensor: Tensor)] = [
        ("0.weight", try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, .pi])),
        ("0.bias", try Tensor(shape: [2], values: [-0.5, 1e-30])),
        ("scalar", try Tensor(shape: [], values: [7])),
        ("empty", try Tensor(shape: [0, 4], values: [])),
    ]
    let decoded = try SafeTensors.decode(try SafeTensors.encode(tensors, metadata: ["k": "v"]))
    #expect(decoded.tensors.map(\.name) == tensors.map(\.name), "file order is kept")
    for ((_, original), (_, read)) in zip(tensors, decoded.tensors) {
        #expect(read.shape == original.shape && read.storage == original.storage)
    }
    #expect(decoded.metadata == ["k": "v"])
}

/// `safetensors.torch.save_file({"b": torch.tensor([[1.5, -2.0]]), "a": torch.arange(3.0)},
/// path, metadata={"format": "pt"})` with safetensors 0.8.0 and torch 2.15, as base64.
private let pythonFile = "kAAAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJwdCJ9LCJhIjp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlszXSwiZGF0YV9vZmZzZXRzIjpbMCwxMl19LCJiIjp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlsxLDJdLCJkYXRhX29mZnNldHMiOlsxMiwyMF19fSAAAAAAAACAPwAAAEAAAMA/AAAAwA=="

@Test func filesWrittenByPythonAreRead() throws {
    let bytes = try #require(Data(base64Encoded: pythonFile))
    let contents = try SafeTensors.decode([UInt8](bytes))
    #expect(contents.tensors.map(\.name) == ["a", "b"])
    #expect(contents.tensors[0].tensor.storage == [0, 1, 2] && contents.tensors[0].tensor.shape == [3])
    #expect(contents.tensors[1].tensor.storage == [1.5, -2] && contents.tensors[1].tensor.shape == [1, 2])
    #expect(contents.metadata == ["format": "pt"])
}

@Test func malformedFilesAreRefusedWithAReason() throws {
    let good = try SafeTensors.encode([("w", try Tensor(shape: [2], values: [1, 2]))])
    func reason(_ bytes: [UInt8]) -> String? {
        do { _ = try SafeTensors.decode(bytes); return nil } catch { return "\(error)" }
    }
    #expect(reason([1, 2, 3])?.contains("8-byte header length") == true)
    #expect(reason(Array(good.prefix(20)))?.contains("truncated") == true)
    #expect(reason(Array(good.dropLast(4)))?.contains("outside the 4 data bytes") == true)
    var notJSON = good
    notJSON[8] = UInt8(ascii: "[")
    #expect(reason(notJSON)?.contains("not a JSON object") == true)
    func withHeader(_ json: String, data: Int) -> [UInt8] {
        var length = UInt64(json.utf8.count).littleEndian
        return withUnsafeBytes(of: &length) { Array($0) } + Array(json.utf8) + [UInt8](repeating: 0, count: data)
    }
    #expect(reason(withHeader(#"{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#, data: 4))?.contains("dtype F16; only F32") == true)
    #expect(reason(withHeader(#"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: 8))?.contains("span 8 bytes") == true)
    #expect(reason(withHeader(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, data: 8))?.contains("outside") == true)
    #expect(reason(withHeader(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: 8))?.contains("overlap") == true)
    #expect(reason(withHeader(#"{"w":{"dtype":"F32","data_offsets":[0,8]}}"#, data: 8))?.contains("no valid shape") == true)
    #expect(reason(withHeader(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"__metadata__":{"a":1}}"#, data: 8))?.contains("__metadata__") == true)
}

@Test func writingGoesThroughATemporaryFileAndNamesThePath() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("st-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let path = folder.appendingPathComponent("m.safetensors").path
    try SafeTensors.write([("w", try Tensor(shape: [1], values: [3]))], to: path)
    #expect(try SafeTensors.read(from: path).tensors.first?.tensor.storage == [3])
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["m.safetensors"], "no temporary file is left")
    let missing = folder.appendingPathComponent("nope/m.safetensors").path
    #expect(throws: SafeTensors.FormatError.self) { try SafeTensors.write([], to: missing) }
    do { _ = try SafeTensors.read(from: missing) } catch { #expect("\(error)".contains(missing)) }
}
