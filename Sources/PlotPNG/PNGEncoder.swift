// A small, fast PNG writer for chart images.
//
// Why not gdImagePngPtrEx: libgd's true-colour PNG path converts every pixel and lets libpng try
// all five row filters; on an 800x600 chart that costs ~9 ms even at zlib level 0, more than our
// whole render budget. Charts are mostly flat colour, so a simple scheme compresses them well:
// each row is filtered with Sub or Up (whichever gives the smaller sum of absolute bytes, the
// libpng heuristic), then deflated with run-length matches (distance 1 byte or 1 pixel) and the
// fixed Huffman code. Output is standard PNG (RGB, 8 bits), byte-identical for identical pixels.

// MARK: - PNG encoder

enum PNGEncoder {
    /// Encodes `pixels` (0x00RRGGBB, row-major) as an RGB PNG.
    static func encode(width: Int, height: Int, pixels: (Int) -> UnsafeMutablePointer<Int32>?) -> [UInt8] {
        let stride = width * 3
        var filtered = [UInt8](repeating: 0, count: (stride + 1) * height)
        var blankRow = [Int32](repeating: 0, count: width)
        filtered.withUnsafeMutableBufferPointer { output in
            blankRow.withUnsafeMutableBufferPointer { blank in
                guard let zeros = blank.baseAddress, let out = output.baseAddress else { return }
                var previous = zeros
                for y in 0..<height {
                    let current = pixels(y) ?? zeros
                    // Score Sub and Up by the sum of |filtered byte| read as signed (libpng's heuristic),
                    // on every fourth pixel: as good a choice on charts at a quarter of the cost.
                    var subScore = 0, upScore = 0
                    for x in Swift.stride(from: 1, to: width, by: 4) {
                        let value = UInt32(bitPattern: current[x])
                        subScore &+= Self.byteDistance(value, UInt32(bitPattern: current[x - 1]))
                        upScore &+= Self.byteDistance(value, UInt32(bitPattern: previous[x]))
                    }
                    var left: UInt32 = 0
                    let row = out + y * (stride + 1)
                    row[0] = upScore <= subScore ? 2 : 1
                    for x in 0..<width {
                        let value = UInt32(bitPattern: current[x])
                        let reference = upScore <= subScore ? UInt32(bitPattern: previous[x]) : left
                        row[1 + x * 3] = UInt8(truncatingIfNeeded: value >> 16) &- UInt8(truncatingIfNeeded: reference >> 16)
                        row[2 + x * 3] = UInt8(truncatingIfNeeded: value >> 8) &- UInt8(truncatingIfNeeded: reference >> 8)
                        row[3 + x * 3] = UInt8(truncatingIfNeeded: value) &- UInt8(truncatingIfNeeded: reference)
                        left = value
                    }
                    previous = current
                }
            }
        }
        var png: [UInt8] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
        var header: [UInt8] = []
        appendBigEndian(UInt32(width), to: &header)
        appendBigEndian(UInt32(height), to: &header)
        header += [8, 2, 0, 0, 0] // 8-bit depth, RGB, deflate, adaptive filtering, no interlace
        appendChunk("IHDR", header, to: &png)
        appendChunk("IDAT", zlibCompress(filtered), to: &png)
        appendChunk("IEND", [], to: &png)
        return png
    }

    /// Sum over the three colour bytes of |a - b| with the difference read as a signed byte.
    @inline(__always)
    static func byteDistance(_ a: UInt32, _ b: UInt32) -> Int {
        let red = Int(Int8(bitPattern: UInt8(truncatingIfNeeded: a >> 16) &- UInt8(truncatingIfNeeded: b >> 16)))
        let green = Int(Int8(bitPattern: UInt8(truncatingIfNeeded: a >> 8) &- UInt8(truncatingIfNeeded: b >> 8)))
        let blue = Int(Int8(bitPattern: UInt8(truncatingIfNeeded: a) &- UInt8(truncatingIfNeeded: b)))
        return abs(red) + abs(green) + abs(blue)
    }

    // MARK: Chunks and checksums

    static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)]
    }

    static func appendChunk(_ type: String, _ data: [UInt8], to png: inout [UInt8]) {
        appendBigEndian(UInt32(data.count), to: &png)
        let typeBytes = Array(type.utf8)
        png += typeBytes
        png += data
        appendBigEndian(crc32(typeBytes + data), to: &png)
    }

    static let crcTable: [UInt32] = (0..<256).map { index -> UInt32 in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xedb88320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xffffffff
        bytes.withUnsafeBufferPointer { buffer in
            crcTable.withUnsafeBufferPointer { table in
                for byte in buffer { crc = table[Int((crc ^ UInt32(byte)) & 0xff)] ^ (crc >> 8) }
            }
        }
        return crc ^ 0xffffffff
    }

    static func adler32(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        guard let base = bytes.baseAddress.map(UnsafeRawPointer.init) else { return 1 }
        var a: UInt64 = 1, b: UInt64 = 0
        var index = 0
        // Blocks of 256 chunks of 16 bytes. For a block of n bytes a += sum(x) and
        // b += n * a + sum((n - i) * x_i); the sums are kept lane-wise in SIMD vectors (the byte-
        // by-byte recurrence cannot vectorize). Lane totals stay far below 2^32 at this block size.
        let weights = SIMD16<UInt32>(16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1)
        while index + 16 <= bytes.count {
            let chunks = min(256, (bytes.count - index) / 16)
            var laneSums = SIMD16<UInt32>(repeating: 0)
            var lanePrefixes = SIMD16<UInt32>(repeating: 0)
            var laneWeighted = SIMD16<UInt32>(repeating: 0)
            for chunk in 0..<chunks {
                let values = SIMD16<UInt32>(truncatingIfNeeded: base.loadUnaligned(fromByteOffset: index + chunk * 16,
                                                                                  as: SIMD16<UInt8>.self))
                lanePrefixes &+= laneSums
                laneSums &+= values
                laneWeighted &+= values &* weights
            }
            let length = UInt64(chunks * 16)
            var prefixTotal: UInt64 = 0, sumTotal: UInt64 = 0, weightedTotal: UInt64 = 0
            for lane in 0..<16 {
                prefixTotal += UInt64(lanePrefixes[lane]); sumTotal += UInt64(laneSums[lane])
                weightedTotal += UInt64(laneWeighted[lane])
            }
            b = (b + length * a + 16 * prefixTotal + weightedTotal) % 65521
            a = (a + sumTotal) % 65521
            index += chunks * 16
        }
        while index < bytes.count {
            a = (a + UInt64(bytes[index])) % 65521
            b = (b + a) % 65521
            index += 1
        }
        return UInt32(b << 16 | a)
    }

    /// How many bytes from `position` (at most `limit`) repeat those `distance` bytes earlier;
    /// compares eight bytes at a time.
    @inline(__always)
    static func matchLength(_ base: UnsafeRawPointer, _ position: Int, _ distance: Int, _ limit: Int) -> Int {
        var length = 0
        while length + 8 <= limit {
            let ahead = base.loadUnaligned(fromByteOffset: position + length, as: UInt64.self)
            let behind = base.loadUnaligned(fromByteOffset: position + length - distance, as: UInt64.self)
            let difference = ahead ^ behind
            if difference != 0 { return length + difference.littleEndian.trailingZeroBitCount / 8 }
            length += 8
        }
        while length < limit && base.load(fromByteOffset: position + length, as: UInt8.self)
                == base.load(fromByteOffset: position + length - distance, as: UInt8.self) {
            length += 1
        }
        return length
    }

    // MARK: Deflate (fixed Huffman, run-length matches)

    /// zlib stream: header, one fixed-Huffman deflate block, Adler-32.
    static func zlibCompress(_ data: [UInt8]) -> [UInt8] {
        var writer = BitWriter()
        writer.output.reserveCapacity(data.count / 8 + 64)
        writer.output += [0x78, 0x01]
        writer.write(1, bits: 1) // BFINAL
        writer.write(1, bits: 2) // BTYPE = 01, fixed Huffman
        data.withUnsafeBufferPointer { input in
            guard let raw = input.baseAddress.map(UnsafeRawPointer.init) else {
                preconditionFailure("PNG scanline data always has at least one filter byte")
            }
            var position = 0
            let count = input.count
            while position < count {
                // Longest run repeating the previous byte (distance 1) or the previous pixel (distance 3).
                let limit = min(258, count - position)
                var runOne = 0, runThree = 0
                if position >= 1 { runOne = matchLength(raw, position, 1, limit) }
                if position >= 3 && runOne < limit { runThree = matchLength(raw, position, 3, limit) }
                let (length, distanceCode) = runOne >= runThree ? (runOne, 0) : (runThree, 2)
                if length >= 3 {
                    writer.writeLength(length)
                    // Fixed distance codes are 5 bits; distance 1 is code 0, distance 3 is code 2.
                    writer.writeReversed(distanceCode, bits: 5)
                    position += length
                } else {
                    writer.writeLiteral(Int(input[position]))
                    position += 1
                }
            }
            writer.writeLiteral(256) // end of block
            writer.flush()
            appendBigEndian(adler32(input), to: &writer.output)
        }
        return writer.output
    }

    /// Length code, extra-bit count and base for match lengths 3...258 (RFC 1951, 3.2.5).
    static let lengthCodes: [(code: Int, extraBits: Int, base: Int)] = {
        let bases = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115,
                     131, 163, 195, 227, 258]
        let extras = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
        var table = [(code: Int, extraBits: Int, base: Int)](repeating: (0, 0, 0), count: 259)
        for length in 3...258 {
            // The last code whose base does not exceed the length (258 has its own code, 285).
            let index = length == 258 ? 28 : (bases.lastIndex { $0 <= length } ?? 0)
            table[length] = (257 + index, extras[index], bases[index])
        }
        return table
    }()
}

/// Writes deflate's LSB-first bit stream.
struct BitWriter {
    var output: [UInt8] = []
    private var buffer: UInt64 = 0
    private var count = 0

    mutating func write(_ value: Int, bits: Int) {
        buffer |= UInt64(value) << UInt64(count)
        count += bits
        while count >= 8 {
            output.append(UInt8(buffer & 0xff))
            buffer >>= 8
            count -= 8
        }
    }

    /// Huffman codes are defined MSB-first, so they go into the stream bit-reversed.
    mutating func writeReversed(_ code: Int, bits: Int) {
        var reversed = 0
        for bit in 0..<bits where code & (1 << bit) != 0 { reversed |= 1 << (bits - 1 - bit) }
        write(reversed, bits: bits)
    }

    /// Fixed literal/length codes (RFC 1951, 3.2.6), already bit-reversed, with their lengths.
    static let literalCodes: [(code: Int, bits: Int)] = (0..<288).map { symbol in
        let (code, bits): (Int, Int)
        switch symbol {
        case 0...143: (code, bits) = (0x30 + symbol, 8)
        case 144...255: (code, bits) = (0x190 + symbol - 144, 9)
        case 256...279: (code, bits) = (symbol - 256, 7)
        default: (code, bits) = (0xc0 + symbol - 280, 8)
        }
        var reversed = 0
        for bit in 0..<bits where code & (1 << bit) != 0 { reversed |= 1 << (bits - 1 - bit) }
        return (reversed, bits)
    }

    /// A literal byte or end-of-block (256) with the fixed literal/length code.
    mutating func writeLiteral(_ symbol: Int) {
        let entry = BitWriter.literalCodes[symbol]
        write(entry.code, bits: entry.bits)
    }

    mutating func writeLength(_ length: Int) {
        let entry = PNGEncoder.lengthCodes[length]
        writeLiteral(entry.code)
        if entry.extraBits > 0 { write(length - entry.base, bits: entry.extraBits) }
    }

    mutating func flush() {
        if count > 0 { output.append(UInt8(buffer & 0xff)); buffer = 0; count = 0 }
    }
}
