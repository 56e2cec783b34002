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
}
