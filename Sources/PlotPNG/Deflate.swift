// The zlib stream inside the PNG: one fixed-Huffman deflate block whose matches repeat the
// previous byte or the previous pixel, with its Adler-32 checksum (RFC 1950, RFC 1951).

// MARK: - Deflate stream

/// A zlib stream with one fixed-Huffman deflate block, fed in pieces. Matches are runs that repeat
/// the previous byte or the previous pixel (distance 1 or 3) and stay inside one piece; the
/// choice at each position is greedy (the longer run, distance 1 on a tie; a literal under 3).
struct DeflateStream {
    private var writer = BitWriter()
    private var checksum: UInt32 = 1

    init() {
        writer.write(0x0178, bits: 16) // zlib header 78 01: deflate, 32K window, fastest
        writer.write(1, bits: 1)       // BFINAL
        writer.write(1, bits: 2)       // BTYPE = 01, fixed Huffman
    }

    mutating func compress(_ input: UnsafeBufferPointer<UInt8>) {
        guard let raw = input.baseAddress.map(UnsafeRawPointer.init) else { return }
        checksum = PNGEncoder.adler32(input, continuing: checksum)
        let count = input.count
        // Each byte costs at most 9 bits (a literal); a match costs fewer per byte.
        writer.withRoom(bits: 9 * count) { bits in
            Fixed.literals.withUnsafeBufferPointer { literals in
                Fixed.lengths.withUnsafeBufferPointer { lengths in
                    var position = 0
                    while position < count {
                        // Literal runs (anti-aliased edges, text) in a tight loop: one eight-byte load
                        // holds bytes position-3 ... position+4, enough for both match tests.
                        while position >= 3 && position + 5 <= count {
                            let window = raw.loadUnaligned(fromByteOffset: position - 3, as: UInt64.self).littleEndian
                            let ahead = window >> 24
                            if (ahead ^ window) & 0xff_ffff == 0 || (ahead ^ (window >> 16)) & 0xff_ffff == 0 { break }
                            bits.write(literals[Int(truncatingIfNeeded: ahead & 0xff)])
                            position += 1
                        }
                        if position >= count { break }
                        let limit = min(258, count - position)
                        // A match needs the next three bytes to repeat those one or three bytes back; most
                        // positions that are not inside a run fail both tests and are literals at once.
                        if limit < 3 || !(position >= 1 && Self.threeBytes(raw, position - 1) == Self.threeBytes(raw, position)
                                          || position >= 3 && Self.threeBytes(raw, position - 3) == Self.threeBytes(raw, position)) {
                            bits.write(literals[Int(input[position])])
                            position += 1
                            continue
                        }
                        var runOne = 0, runThree = 0
                        if position >= 1 { runOne = Self.matchLength(raw, position, 1, limit) }
                        if position >= 3 && runOne < limit { runThree = Self.matchLength(raw, position, 3, limit) }
                        let (length, distance) = runOne >= runThree ? (runOne, Fixed.distanceOne) : (runThree, Fixed.distanceThree)
                        bits.write(lengths[length])
                        bits.write(distance)
                        position += length
                    }
                }
            }
        }
    }

    /// Same output as `compress` on [filter, 0, 0, ... (length zeros)], without reading any bytes.
    mutating func compressZeroRow(filter: UInt8, length: Int) {
        // Adler-32: the filter byte adds to a, and each zero then adds a to b.
        var a = UInt64(checksum & 0xffff), b = UInt64(checksum >> 16)
        a = (a + UInt64(filter)) % 65521
        b = (b + a + a * UInt64(length)) % 65521
        checksum = UInt32(b << 16 | a)
        writer.write(Fixed.literals[Int(filter)])
        guard length > 0 else { return }
        // As the greedy matcher does: one literal zero, runs of up to 258, literals for a tail under 3.
        writer.write(Fixed.literals[0])
        var remaining = length - 1
        while remaining >= 3 {
            let run = min(258, remaining)
            writer.write(Fixed.lengths[run])
            writer.write(Fixed.distanceOne)
            remaining -= run
        }
        for _ in 0..<remaining { writer.write(Fixed.literals[0]) }
    }

    /// Ends the block and appends the Adler-32 checksum.
    mutating func finish() -> [UInt8] {
        writer.write(Fixed.literals[256])
        var output = writer.finish()
        PNGEncoder.appendBigEndian(checksum, to: &output)
        return output
    }

    /// The three bytes at `offset` as one number (they must lie inside the input).
    @inline(__always)
    static func threeBytes(_ base: UnsafeRawPointer, _ offset: Int) -> UInt32 {
        UInt32(base.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
            | UInt32(base.load(fromByteOffset: offset + 2, as: UInt8.self)) << 16
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
}

// MARK: - Fixed Huffman codes

/// Deflate's fixed codes (RFC 1951, 3.2.6) as ready-to-write bit strings: Huffman codes are
/// defined MSB-first, so they are stored bit-reversed, with any extra bits already after them.
enum Fixed {
    /// One symbol's bits (LSB first) and how many there are.
    struct Code {
        var bits: UInt64
        var count: Int
    }

    /// Literal bytes 0...255 and end-of-block (256).
    static let literals: [Code] = (0..<257).map(symbol)

    /// Match lengths 3...258 (indices below 3 are unused): length symbol plus extra bits.
    static let lengths: [Code] = {
        let bases = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115,
                     131, 163, 195, 227, 258]
        let extras = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
        var table = [Code](repeating: Code(bits: 0, count: 0), count: 259)
        for length in 3...258 {
            // The last code whose base does not exceed the length (258 has its own code, 285).
            let index = length == 258 ? 28 : (bases.lastIndex { $0 <= length } ?? 0)
            let code = symbol(257 + index)
            table[length] = Code(bits: code.bits | UInt64(length - bases[index]) << UInt64(code.count),
                                 count: code.count + extras[index])
        }
        return table
    }()

    /// Fixed distance codes are 5 bits: distance 1 is code 0, distance 3 is code 2 (00010, reversed 01000).
    static let distanceOne = Code(bits: 0, count: 5)
    static let distanceThree = Code(bits: 0b01000, count: 5)

    /// The fixed literal/length code of `symbol` (0...287), bit-reversed.
    static func symbol(_ symbol: Int) -> Code {
        let (code, count): (Int, Int)
        switch symbol {
        case 0...143: (code, count) = (0x30 + symbol, 8)
        case 144...255: (code, count) = (0x190 + symbol - 144, 9)
        case 256...279: (code, count) = (symbol - 256, 7)
        default: (code, count) = (0xc0 + symbol - 280, 8)
        }
        var reversed = 0
        for bit in 0..<count where code & (1 << bit) != 0 { reversed |= 1 << (count - 1 - bit) }
        return Code(bits: UInt64(reversed), count: count)
    }
}

// MARK: - Bit writer

/// Writes deflate's LSB-first bit stream, 32 bits at a time into a buffer that grows by doubling.
struct BitWriter {
    private var storage = [UInt8](repeating: 0, count: 64 * 1024)
    private var bits = PendingBits()

    /// The bits not yet written out as whole 32-bit words, and where the next word goes.
    struct PendingBits {
        var value: UInt64 = 0
        var count = 0
        var used = 0
        /// The storage; set only inside `withRoom`.
        var output: UnsafeMutableRawPointer?

        /// Appends `code` (at most 32 bits); the caller has made room.
        @inline(__always)
        mutating func write(_ code: Fixed.Code) {
            value |= code.bits << UInt64(count)
            count += code.count
            if count >= 32 {
                output?.storeBytes(of: UInt32(truncatingIfNeeded: value).littleEndian, toByteOffset: used, as: UInt32.self)
                used += 4
                value >>= 32
                count -= 32
            }
        }
    }

    /// Runs `body` with the pending bits in a local variable (not written back to the struct
    /// after every code) and room for `bits` more bits in the storage.
    @inline(__always)
    mutating func withRoom(bits extra: Int, _ body: (inout PendingBits) -> Void) {
        let needed = bits.used + (bits.count + extra) / 8 + 8
        if needed > storage.count { storage.append(contentsOf: repeatElement(0, count: max(needed, storage.count))) }
        var local = bits
        storage.withUnsafeMutableBytes { buffer in
            local.output = buffer.baseAddress
            body(&local)
            local.output = nil
        }
        bits = local
    }

    mutating func write(_ code: Fixed.Code) {
        withRoom(bits: code.count) { $0.write(code) }
    }

    /// Appends the low `count` bits of `value` (at most 32).
    mutating func write(_ value: UInt64, bits count: Int) {
        write(Fixed.Code(bits: value, count: count))
    }

    /// The bytes written, the last one padded with zero bits.
    mutating func finish() -> [UInt8] {
        var output = Array(storage[..<bits.used])
        while bits.count > 0 {
            output.append(UInt8(truncatingIfNeeded: bits.value))
            bits.value >>= 8
            bits.count -= 8
        }
        bits.count = 0
        return output
    }
}

// MARK: - Adler-32

extension PNGEncoder {
    /// A whole buffer as a zlib stream (used by tests; `encode` streams row by row).
    static func zlibCompress(_ data: [UInt8]) -> [UInt8] {
        var deflate = DeflateStream()
        data.withUnsafeBufferPointer { deflate.compress($0) }
        return deflate.finish()
    }

    /// Adler-32 of `bytes`, continuing from `running` (1 for a fresh checksum).
    static func adler32(_ bytes: UnsafeBufferPointer<UInt8>, continuing running: UInt32 = 1) -> UInt32 {
        guard let base = bytes.baseAddress.map(UnsafeRawPointer.init) else { return running }
        var a = UInt64(running & 0xffff), b = UInt64(running >> 16)
        var index = 0
        // Blocks of 256 chunks of 16 bytes. For a block of n bytes a += sum(x) and
        // b += n * a + sum((n - i) * x_i); the sums are kept lane-wise in SIMD vectors (the byte-
        // by-byte recurrence cannot vectorize). Within a chunk the weight of a byte depends only on
        // its lane, so that part is applied once per block to the lane sums (no multiply per chunk:
        // baseline x86-64 has no 32-bit vector multiply). Lane totals stay far below 2^32.
        while index + 16 <= bytes.count {
            let chunks = min(256, (bytes.count - index) / 16)
            var laneSums = SIMD16<UInt32>(repeating: 0)
            var lanePrefixes = SIMD16<UInt32>(repeating: 0)
            for chunk in 0..<chunks {
                let values = SIMD16<UInt32>(truncatingIfNeeded: base.loadUnaligned(fromByteOffset: index + chunk * 16,
                                                                                  as: SIMD16<UInt8>.self))
                lanePrefixes &+= laneSums
                laneSums &+= values
            }
            let length = UInt64(chunks * 16)
            var prefixTotal: UInt64 = 0, sumTotal: UInt64 = 0, weightedTotal: UInt64 = 0
            for lane in 0..<16 {
                prefixTotal += UInt64(lanePrefixes[lane]); sumTotal += UInt64(laneSums[lane])
                weightedTotal += UInt64(16 - lane) * UInt64(laneSums[lane])  // lane 0 weighs 16, lane 15 weighs 1
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
}
