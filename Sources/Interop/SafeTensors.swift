// Hugging Face's safetensors format, so trained weights leave microseek for PyTorch and come back:
// an 8-byte little-endian header length N, N bytes of JSON (`{"name": {"dtype": "F32", "shape":
// [2, 3], "data_offsets": [begin, end]}, …, "__metadata__": {…}}`, padded with spaces to 8 bytes),
// then the raw little-endian data; offsets count from the end of the header. Only F32 is written
// or read (microseek's tensors are Float32); every malformed file gets an error that says what
// is wrong, never a crash.
import Autograd
import Foundation

/// Reading and writing `.safetensors` files.
public enum SafeTensors {
    /// What a file holds: named tensors in file order (sorted by offset), and the metadata.
    public struct Contents {
        /// The tensors, in the order of their data in the file.
        public var tensors: [(name: String, tensor: Tensor)]
        /// The optional `__metadata__` strings.
        public var metadata: [String: String]
    }

    /// Why a file cannot be read or written.
    public struct FormatError: Error, CustomStringConvertible, Equatable {
        /// What is wrong, for a person (the path is added by the caller that knows it).
        public let description: String
        init(_ description: String) { self.description = description }
    }

    // MARK: - Encoding

    /// The bytes of a safetensors file holding `tensors` (in order) and `metadata`.
    public static func encode(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:]) throws -> [UInt8] {
        var seen = Set<String>()
        var header: [String: Any] = [:]
        var offset = 0
        for (name, tensor) in tensors {
            guard !name.isEmpty, name != "__metadata__", seen.insert(name).inserted else {
                throw FormatError("the tensor name \"\(name)\" is empty, reserved or used twice")
            }
            let size = tensor.count * MemoryLayout<Float>.size
            header[name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [offset, offset + size]] as [String: Any]
            offset += size
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Pad with spaces so the data starts at a multiple of 8 bytes (the format allows it; readers
        // that map the file can then read floats in place).
        while (8 + json.count) % 8 != 0 { json.append(0x20) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + json.count + offset)
        var length = UInt64(json.count).littleEndian
        withUnsafeBytes(of: &length) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: json)
        for (_, tensor) in tensors {
            for value in tensor.storage {
                var bits = value.bitPattern.littleEndian
                withUnsafeBytes(of: &bits) { bytes.append(contentsOf: $0) }
            }
        }
        return bytes
    }

    /// Writes `tensors` to `path` through a temporary file in the same folder and a rename, so a
    /// failure never leaves a partial file under the real name.
    public static func write(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:],
                             to path: String) throws {
        let bytes = try encode(tensors, metadata: metadata)
        try AtomicFile.write(Data(bytes), to: path)
    }

    // MARK: - Decoding

    /// Reads the tensors of a safetensors file's bytes.
    public static func decode(_ bytes: [UInt8]) throws -> Contents {
        guard bytes.count >= 8 else {
            throw FormatError("the file has \(bytes.count) bytes; a safetensors file starts with an 8-byte header length")
        }
        let headerLength = bytes[0 ..< 8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw FormatError("the header claims \(headerLength) bytes but only \(bytes.count - 8) follow: the file is truncated or not safetensors")
        }
        let dataStart = 8 + Int(headerLength)
        let json = Data(bytes[8 ..< dataStart])
        guard let object = try? JSONSerialization.jsonObject(with: json), let header = object as? [String: Any] else {
            throw FormatError("the header is not a JSON object")
        }
        let dataLength = bytes.count - dataStart
        var metadata: [String: String] = [:]
        var entries: [(name: String, shape: [Int], begin: Int, end: Int)] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard let strings = value as? [String: String] else {
                    throw FormatError("__metadata__ must map strings to strings")
                }
                metadata = strings
                continue
            }
            guard let fields = value as? [String: Any] else { throw FormatError("the entry for \"\(name)\" is not an object") }
            guard let dtype = fields["dtype"] as? String else { throw FormatError("\"\(name)\" has no dtype") }
            guard dtype == "F32" else {
                throw FormatError("\"\(name)\" has dtype \(dtype); only F32 is supported (convert with tensor.float() before saving)")
            }
            guard let shape = integers(fields["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
                throw FormatError("\"\(name)\" has no valid shape")
            }
            guard let offsets = integers(fields["data_offsets"]), offsets.count == 2 else {
                throw FormatError("\"\(name)\" has no valid data_offsets")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end, end <= dataLength else {
                throw FormatError("\"\(name)\" has data_offsets [\(begin), \(end)] outside the \(dataLength) data bytes")
            }
            var elements = 1, overflow = false
            for dimension in shape where !overflow { (elements, overflow) = elements.multipliedReportingOverflow(by: dimension) }
            guard !overflow, end - begin == elements * 4 else {
                throw FormatError("\"\(name)\" has shape \(shape) (\(elements * 4) bytes) but data_offsets [\(begin), \(end)] span \(end - begin) bytes")
            }
            entries.append((name, shape, begin, end))
        }
        entries.sort { ($0.begin, $0.name) < ($1.begin, $1.name) }
        for (previous, next) in zip(entries, entries.dropFirst()) where next.begin < previous.end {
            throw FormatError("\"\(previous.name)\" and \"\(next.name)\" overlap in the data")
        }
        let tensors = try entries.map { entry in
            var values = [Float](repeating: 0, count: (entry.end - entry.begin) / 4)
            for index in values.indices {
                let at = dataStart + entry.begin + 4 * index
                let bits = UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
                values[index] = Float(bitPattern: bits)
            }
            return (entry.name, try Tensor(shape: entry.shape, values: values))
        }
        return Contents(tensors: tensors, metadata: metadata)
    }

    /// Reads a safetensors file; errors name the path.
    public static func read(from path: String) throws -> Contents {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FormatError("cannot read \(path): no such file, or it is not readable")
        }
        do {
            return try decode([UInt8](data))
        } catch let error as FormatError {
            throw FormatError("\(path): \(error.description)")
        }
    }

    /// JSON numbers as whole numbers (JSONSerialization gives NSNumber, sometimes as Double).
    private static func integers(_ value: Any?) -> [Int]? {
        guard let numbers = value as? [Any] else { return nil }
        var result: [Int] = []
        for number in numbers {
            if let integer = number as? Int { result.append(integer); continue }
            guard let double = number as? Double, double.rounded() == double, abs(double) < 1e15 else { return nil }
            result.append(Int(double))
        }
        return result
    }
}

/// Writing a file so that readers never see it half written.
public enum AtomicFile {
    /// Writes `data` to a temporary file beside `path`, then renames it over `path`.
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        guard FileManager.default.fileExists(atPath: folder.path) else {
            throw SafeTensors.FormatError("cannot write \(path): the folder \(folder.path) does not exist")
        }
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try data.write(to: temporary)
        } catch {
            throw SafeTensors.FormatError("cannot write \(path): \(error.localizedDescription)")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw SafeTensors.FormatError("cannot write \(path): \(reason)")
        }
    }
}
