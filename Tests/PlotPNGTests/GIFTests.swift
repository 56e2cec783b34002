import Foundation
import Testing
import Plotting
import PlotPNG

// Animated GIFs: the file is decoded here block by block (header, colour tables, graphic control
// and loop extensions, LZW image data) so the frame count, delays and pixels are checked from the
// bytes themselves, not from what the writer meant to write.

/// A GIF decoded to palette indices per frame (enough of GIF89a for libgd's output).
struct DecodedGIF {
    struct Frame { var width: Int; var height: Int; var delay: Int; var palette: [Color]; var indices: [Int] }
    var width = 0, height = 0
    var loops: Int?
    var frames: [Frame] = []

    enum Failure: Error { case truncated(Int), badHeader, badBlock(UInt8, Int), badCode(Int) }

    init(_ bytes: [UInt8]) throws {
        var at = 0
        func byte() throws -> Int { guard at < bytes.count else { throw Failure.truncated(at) }; at += 1; return Int(bytes[at - 1]) }
        func word() throws -> Int { let low = try byte(); return low | (try byte() << 8) }
        func table(_ count: Int) throws -> [Color] {
            try (0..<count).map { _ in Color(red: UInt8(try byte()), green: UInt8(try byte()), blue: UInt8(try byte())) }
        }
        func subBlocks() throws -> [UInt8] {
            var data: [UInt8] = []
            while true {
                let size = try byte()
                if size == 0 { return data }
                guard at + size <= bytes.count else { throw Failure.truncated(at) }
                data += bytes[at..<(at + size)]; at += size
            }
        }
        guard bytes.count >= 13, Array(bytes[0..<6]) == Array("GIF89a".utf8) else { throw Failure.badHeader }
        at = 6
        width = try word(); height = try word()
        let flags = try byte(); _ = try byte(); _ = try byte()
        let global = flags & 0x80 != 0 ? try table(1 << ((flags & 7) + 1)) : []
        var delay = 0
        while true {
            switch try byte() {
            case 0x21:
                let label = try byte()
                let data = try subBlocks()
                if label == 0xF9, data.count >= 3 { delay = Int(data[1]) | Int(data[2]) << 8 }
                if label == 0xFF, data.count >= 14, Array(data[0..<11]) == Array("NETSCAPE2.0".utf8) { loops = Int(data[12]) | Int(data[13]) << 8 }
            case 0x2C:
                _ = try word(); _ = try word()
                let frameWidth = try word(), frameHeight = try word()
                let frameFlags = try byte()
                let palette = frameFlags & 0x80 != 0 ? try table(1 << ((frameFlags & 7) + 1)) : global
                let minimumCodeSize = try byte()
                let indices = try Self.lzw(try subBlocks(), minimumCodeSize: minimumCodeSize)
                frames.append(Frame(width: frameWidth, height: frameHeight, delay: delay, palette: palette, indices: indices))
            case 0x3B:
                return
            case let other:
                throw Failure.badBlock(UInt8(other), at - 1)
            }
        }
    }

    /// GIF's variable-width LZW (codes read least-significant bit first).
    static func lzw(_ data: [UInt8], minimumCodeSize: Int) throws -> [Int] {
        let clear = 1 << minimumCodeSize, end = clear + 1
        var table: [[Int]] = [], width = minimumCodeSize + 1
        func reset() { table = (0..<clear).map { [$0] } + [[], []]; width = minimumCodeSize + 1 }
        reset()
        var output: [Int] = [], previous: [Int]?
        var bit = 0
        while bit + width <= data.count * 8 {
            var code = 0
            for offset in 0..<width where data[(bit + offset) / 8] & (1 << ((bit + offset) % 8)) != 0 { code |= 1 << offset }
            bit += width
            if code == clear { reset(); previous = nil; continue }
            if code == end { break }
            let entry: [Int]
            if code < table.count { entry = table[code] }
            else if code == table.count, let previous { entry = previous + [previous[0]] }
            else { throw Failure.badCode(code) }
            output += entry
            if let previous, table.count < 4096 { table.append(previous + [entry[0]]) }
            if table.count == 1 << width, width < 12 { width += 1 }
            previous = entry
        }
        return output
    }
}

@Suite struct GIFTests {
    /// A 400x300 chart whose line climbs with `step`.
    static func frame(_ step: Int) throws -> Figure {
        var figure = try Figure(width: 400, height: 300)
        try figure.axes.plot([0, Double(step), Double(step * step)], label: "step \(step)")
        try figure.axes.setYLimits(0, 100)
        figure.axes.title = "frame \(step)"
        return figure
    }

    @Test func aGIFDecodesToItsFramesWithTheirDelays() throws {
        let frames = try (0..<6).map(Self.frame)
        let bytes = try GIFAnimation.data(frames: frames, fps: 5)
        let gif = try DecodedGIF(bytes)
        #expect(gif.width == 400 && gif.height == 300)
        #expect(gif.frames.count == 6)
        #expect(gif.loops == 0)                                         // loops forever
        #expect(gif.frames.allSatisfy { $0.delay == 20 })               // 5 fps = 20/100 s
        #expect(gif.frames.allSatisfy { $0.indices.count == 400 * 300 && $0.width == 400 && $0.height == 300 })
        // Each frame shows its own figure: the pixels match the PNG of that figure (up to the palette).
        for (index, frame) in gif.frames.enumerated() where index == 0 || index == 5 {
            let png = try PNGImage(data: try frames[index].pngData())
            var far = 0
            for y in stride(from: 0, to: 300, by: 7) {
                for x in stride(from: 0, to: 400, by: 7) {
                    let color = frame.palette[frame.indices[y * 400 + x]]
                    guard let expected = png.pixel(x: x, y: y) else { continue }
                    if PNGTests.distance(color, expected) > 24 { far += 1 }
                }
            }
            #expect(far == 0, "frame \(index): \(far) sampled pixels differ from the PNG by more than 24 levels")
        }
        #expect(gif.frames[0].indices != gif.frames[5].indices)
        #expect(try GIFAnimation.data(frames: frames, fps: 5) == bytes)    // same frames, same bytes
    }

    @Test func badAnimationsAreRefusedNamingTheProblem() throws {
        #expect(throws: PlotError("animate: the frame list is empty; give at least one figure")) { try GIFAnimation.data(frames: []) }
        #expect(throws: PlotError("animate: fps must be in (0, 100], got 0")) { try GIFAnimation.data(frames: [try Self.frame(1)], fps: 0) }
        let big = try Figure(width: 800, height: 600)
        #expect(throws: PlotError("animate: frame 1 is 800x600 pixels but frame 0 is 400x300; give every frame the same width, height and scale")) {
            try GIFAnimation.data(frames: [try Self.frame(1), big])
        }
    }

    @Test func aScaledFigureIsAPNGOfTwiceTheSize() throws {
        var figure = try Self.frame(3)
        try figure.setScale(2)
        let image = try PNGImage(data: try figure.pngData())
        #expect(image.width == 800 && image.height == 600)
    }
}
