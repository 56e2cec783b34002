import Testing
import Plotting
@testable import PlotPNG

// The hand-written PNG encoder: checksums against published check values, and the zero-row
// shortcut against the general compressor.

@Suite struct PNGEncoderTests {
    @Test func checksumsMatchPublishedValues() {
        // Adler-32 of "Wikipedia" is 0x11E60398 (RFC 1950 example on Wikipedia);
        // CRC-32 of "123456789" is 0xCBF43926 (the standard check value).
        let wikipedia = Array("Wikipedia".utf8)
        #expect(wikipedia.withUnsafeBufferPointer { PNGEncoder.adler32($0) } == 0x11E6_0398)
        #expect(PNGEncoder.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        // Split in two, the running checksum gives the same result; long input exercises the SIMD blocks.
        let long = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 / 13) }
        let whole = long.withUnsafeBufferPointer { PNGEncoder.adler32($0) }
        let first = long[..<4321].withUnsafeBufferPointer { PNGEncoder.adler32($0) }
        let both = long[4321...].withUnsafeBufferPointer { PNGEncoder.adler32($0, continuing: first) }
        #expect(whole == both)
        // Byte-by-byte reference.
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in long { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        #expect(whole == (b << 16 | a))
    }

    @Test func sliceByEightCRCMatchesTheBitwiseDefinition() {
        // Lengths around the 8-byte step, checked against the CRC computed bit by bit (RFC 1952).
        let bytes = (0..<1_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 3) }
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 999, 1_000] {
            var crc: UInt32 = 0xffff_ffff
            for byte in bytes[..<length] {
                crc ^= UInt32(byte)
                for _ in 0..<8 { crc = crc & 1 == 1 ? 0xedb8_8320 ^ (crc >> 1) : crc >> 1 }
            }
            #expect(PNGEncoder.crc32(Array(bytes[..<length])) == crc ^ 0xffff_ffff, "length \(length)")
        }
    }

    @Test(arguments: [0, 1, 2, 3, 4, 257, 258, 259, 260, 261, 2400])
    func zeroRowShortcutMatchesTheGeneralPath(length: Int) {
        var general = DeflateStream()
        let row = [UInt8(2)] + Array(repeating: 0, count: length)
        row.withUnsafeBufferPointer { general.compress($0) }
        var shortcut = DeflateStream()
        shortcut.compressZeroRow(filter: 2, length: length)
        #expect(general.finish() == shortcut.finish())
    }

    @Test func encodedImageDecodesToTheSamePixels() throws {
        // A small image with flat areas, a gradient and noise, through our encoder and libpng's decoder.
        let width = 37, height = 23
        var pixels = [Int32](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let noise = Int32(truncatingIfNeeded: (x &* 2_654_435_761 ^ y &* 40_503) & 0xff)
                pixels[y * width + x] = y < 8 ? 0xffffff : (y < 15 ? Int32(x * 6) << 8 : noise << 16 | noise)
            }
        }
        let bytes = pixels.withUnsafeMutableBufferPointer { buffer in
            PNGEncoder.encode(width: width, height: height) { y in buffer.baseAddress.map { $0 + y * width } }
        }
        let image = try PNGImage(data: bytes)
        for y in 0..<height {
            for x in 0..<width {
                #expect(image.pixel(x: x, y: y) == Color(hex: UInt32(pixels[y * width + x])))
            }
        }
    }

    @Test func wideImageWithLongRunsDecodesToTheSamePixels() throws {
        // Rows of 900 bytes: runs longer than 258 bytes of one colour (distance 1) and of a repeating
        // two-colour pixel pattern (distance 3), rows equal to the one above, a ramp and noise,
        // so every branch of the matcher and both filters are used.
        let width = 300, height = 40
        var pixels = [Int32](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let noise = Int32(truncatingIfNeeded: (x &* 2_654_435_761 ^ y &* 40_503) & 0xff)
                let value: Int32
                switch y % 8 {
                case 0, 1: value = 0xffffff
                case 2: value = x % 2 == 0 ? 0x1f77b4 : 0xff7f0e
                case 3: value = x < 200 ? 0x2ca02c : noise << 8
                case 4, 5: value = Int32(x % 256) << 16 | Int32(y)
                default: value = noise << 16 | noise << 8 | (noise ^ 0x55)
                }
                pixels[y * width + x] = value
            }
        }
        let bytes = pixels.withUnsafeMutableBufferPointer { buffer in
            PNGEncoder.encode(width: width, height: height) { y in buffer.baseAddress.map { $0 + y * width } }
        }
        let image = try PNGImage(data: bytes)
        var mismatches = 0
        for y in 0..<height {
            for x in 0..<width where image.pixel(x: x, y: y) != Color(hex: UInt32(pixels[y * width + x])) {
                mismatches += 1
            }
        }
        #expect(mismatches == 0)
    }
}
