// A small, fast PNG writer for chart images.
//
// Why not gdImagePngPtrEx: libgd's true-colour PNG path converts every pixel and lets libpng try
// all five row filters; on an 800x600 chart that costs ~9 ms even at zlib level 0, more than our
// whole render budget. Charts are mostly flat colour, so a simple scheme compresses them well:
// every row is filtered with Up (a row repeating the one above becomes all zeros, a band of new
// colour a run of one repeated pixel), then deflated with run-length matches (distance 1 byte or
// 1 pixel) and the fixed Huffman code, row by row (`Deflate.swift`). Choosing Sub or Up per row
// by libpng's heuristic (smallest sum of |filtered byte|) made all three bench charts 1-5%
// larger with this compressor and cost a quarter of the encoding time. Output is standard PNG
// (RGB, 8 bits), byte-identical for identical pixels.

import Foundation

// MARK: - PNG encoder

enum PNGEncoder {
    /// Encodes `pixels` (0x00RRGGBB, row-major) as an RGB PNG. Rows are filtered and
    /// compressed one at a time, so no image-sized byte buffer is needed.
    static func encode(width: Int, height: Int, pixels: (Int) -> UnsafeMutablePointer<Int32>?) -> [UInt8] {
        let stride = width * 3
        var deflate = DeflateStream()
        // The filter byte, the row, and two spare bytes: pixels are stored two at a time as eight
        // bytes whose last two the next pair (or, at the end, the spare bytes) overwrites.
        var scanline = [UInt8](repeating: 0, count: stride + 3)
        var blankRow = [Int32](repeating: 0, count: width)
        scanline.withUnsafeMutableBytes { buffer in
            blankRow.withUnsafeMutableBufferPointer { blank in
                guard let zeros = blank.baseAddress, let row = buffer.baseAddress else { return }
                let filtered = UnsafeBufferPointer(start: row.assumingMemoryBound(to: UInt8.self), count: stride + 1)
                var previous = zeros
                for y in 0..<height {
                    let current = pixels(y) ?? zeros
                    // A row equal to the one above (most chart rows) is all zeros under Up.
                    if y > 0 && memcmp(current, previous, width * 4) == 0 {
                        deflate.compressZeroRow(filter: 2, length: stride)
                        previous = current
                        continue
                    }
                    row.storeBytes(of: 2, as: UInt8.self)
                    filterRow(UnsafeRawPointer(current), minus: UnsafeRawPointer(previous), count: width, into: row + 1)
                    deflate.compress(filtered)
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
        appendChunk("IDAT", deflate.finish(), to: &png)
        appendChunk("IEND", [], to: &png)
        return png
    }

    // MARK: Filtering

    /// `a - b` in each of the four bytes independently, modulo 256 (SWAR: the high bit of each
    /// byte is set aside so no borrow crosses into the next byte, then put back by xor).
    @inline(__always)
    static func byteDifference(_ a: UInt32, _ b: UInt32) -> UInt32 {
        let high: UInt32 = 0x8080_8080
        return ((a | high) &- (b & ~high)) ^ ((a ^ ~b) & high)
    }

    /// Stores `pixels[x] - references[x]` (bytewise, 0x00RRGGBB words) for `count` pixels as
    /// R G B bytes at `output`; writes up to two bytes past the last pixel.
    @inline(__always)
    static func filterRow(_ pixels: UnsafeRawPointer, minus references: UnsafeRawPointer, count: Int,
                          into output: UnsafeMutableRawPointer) {
        var x = 0
        // Two pixels per step: one 64-bit SWAR subtraction and one eight-byte store.
        while x + 2 <= count {
            let difference = byteDifference(pixels.loadUnaligned(fromByteOffset: 4 * x, as: UInt64.self),
                                            references.loadUnaligned(fromByteOffset: 4 * x, as: UInt64.self))
            // Each 0x..RRGGBB half becomes 0x00BBGGRR; side by side they read R G B R G B in memory.
            let first = UInt64(UInt32(truncatingIfNeeded: difference).byteSwapped >> 8)
            let second = UInt64(UInt32(truncatingIfNeeded: difference >> 32).byteSwapped >> 8)
            output.storeBytes(of: (first | second << 24).littleEndian, toByteOffset: 3 * x, as: UInt64.self)
            x += 2
        }
        if x < count {
            storePixel(byteDifference(pixels.load(fromByteOffset: 4 * x, as: UInt32.self),
                                      references.load(fromByteOffset: 4 * x, as: UInt32.self)),
                       into: output, at: 3 * x)
        }
    }

    /// `a - b` in each of the eight bytes independently, modulo 256 (as the 32-bit version).
    @inline(__always)
    static func byteDifference(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let high: UInt64 = 0x8080_8080_8080_8080
        return ((a | high) &- (b & ~high)) ^ ((a ^ ~b) & high)
    }

    /// Writes the red, green and blue bytes of `difference` (0x..RRGGBB) at `offset`, `offset + 1`,
    /// `offset + 2` with one four-byte store; the byte at `offset + 3` gets a zero.
    @inline(__always)
    static func storePixel(_ difference: UInt32, into row: UnsafeMutableRawPointer, at offset: Int) {
        // byteSwapped >> 8 is 0x00BBGGRR, which little-endian memory holds as RR GG BB 00.
        row.storeBytes(of: (difference.byteSwapped >> 8).littleEndian, toByteOffset: offset, as: UInt32.self)
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
        // The chunk CRC covers the type and the data, computed in two steps without joining them.
        let typeCRC = typeBytes.withUnsafeBytes { crc32Update(0xffff_ffff, $0) }
        appendBigEndian(data.withUnsafeBytes { crc32Update(typeCRC, $0) } ^ 0xffff_ffff, to: &png)
    }

    /// CRC-32 tables for slicing by 8: `crcTables[k * 256 + byte]` is the CRC of `byte` followed
    /// by k zero bytes, so eight input bytes are folded in with eight lookups and no dependency
    /// chain between them (the byte-at-a-time loop waits on each previous lookup).
    static let crcTables: [UInt32] = {
        var tables = [UInt32](repeating: 0, count: 8 * 256)
        for index in 0..<256 {
            var value = UInt32(index)
            for _ in 0..<8 { value = value & 1 == 1 ? 0xedb8_8320 ^ (value >> 1) : value >> 1 }
            tables[index] = value
        }
        for index in 0..<256 {
            for slice in 1..<8 {
                let previous = tables[(slice - 1) * 256 + index]
                tables[slice * 256 + index] = tables[Int(previous & 0xff)] ^ (previous >> 8)
            }
        }
        return tables
    }()

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { crc32Update(0xffff_ffff, $0) } ^ 0xffff_ffff
    }

    /// Continues the (pre-inverted) CRC register `crc` over `bytes`.
    static func crc32Update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress else { return crc }
        var crc = crc
        var index = 0
        crcTables.withUnsafeBufferPointer { table in
            while index + 8 <= bytes.count {
                let low = base.loadUnaligned(fromByteOffset: index, as: UInt32.self).littleEndian ^ crc
                let high = base.loadUnaligned(fromByteOffset: index + 4, as: UInt32.self).littleEndian
                crc = table[7 * 256 + Int(low & 0xff)] ^ table[6 * 256 + Int((low >> 8) & 0xff)]
                    ^ table[5 * 256 + Int((low >> 16) & 0xff)] ^ table[4 * 256 + Int(low >> 24)]
                    ^ table[3 * 256 + Int(high & 0xff)] ^ table[2 * 256 + Int((high >> 8) & 0xff)]
                    ^ table[1 * 256 + Int((high >> 16) & 0xff)] ^ table[Int(high >> 24)]
                index += 8
            }
            while index < bytes.count {
                crc = table[Int((crc ^ UInt32(base.load(fromByteOffset: index, as: UInt8.self))) & 0xff)] ^ (crc >> 8)
                index += 1
            }
        }
        return crc
    }
}
