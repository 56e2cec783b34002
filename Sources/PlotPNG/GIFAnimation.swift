import CGD
import Foundation
import Plotting

// Animated GIFs through libgd's GIF animation API: each figure is drawn on a PNG canvas,
// reduced to a 256-colour palette without dithering (charts are flat colours; dithering would
// add noise and bytes), and appended with gdImageGifAnimAddPtr. Same frames, same bytes.

// MARK: - GIF animation

public enum GIFAnimation {
    /// The frames as an animated GIF that loops forever, `fps` frames per second (GIF delays are
    /// whole hundredths of a second, so 10 fps is exact and 30 fps becomes 3/100 s).
    public static func data(frames: [Figure], fps: Double = 10) throws -> [UInt8] {
        let delay = try validated(frames: frames, fps: fps)
        var bytes: [UInt8] = []
        let gd = try LibGD.functions()
        try encode(frames, delay: delay, into: &bytes, gd: gd)
        try append(&bytes, "finish the GIF", gd: gd) { gd.imageGifAnimEndPtr($0) }
        return bytes
    }

    /// Checks the frames (at least one, all the same pixel size) and `fps`; returns the delay in 1/100 s.
    @discardableResult
    public static func validated(frames: [Figure], fps: Double) throws -> Int32 {
        guard let first = frames.first else { throw PlotError("animate: the frame list is empty; give at least one figure") }
        guard fps.isFinite, fps > 0, fps <= 100 else {
            throw PlotError("animate: fps must be in (0, 100], got \(PlotError.number(fps))")
        }
        for (index, frame) in frames.enumerated()
        where frame.pixelWidth != first.pixelWidth || frame.pixelHeight != first.pixelHeight {
            throw PlotError("animate: frame \(index) is \(frame.pixelWidth)x\(frame.pixelHeight) pixels but frame 0 is "
                + "\(first.pixelWidth)x\(first.pixelHeight); give every frame the same width, height and scale")
        }
        return Int32(max(1, (100 / fps).rounded()))
    }

    /// Adds the frames' palette images to the GIF bytes.
    private static func encode(_ frames: [Figure], delay: Int32, into bytes: inout [UInt8], gd: LibGD) throws {
        for (index, frame) in frames.enumerated() {
            let canvas = try frame.rendered()
            guard let palette = gd.imageCreatePaletteFromTrueColor(canvas.image, 0, 256) else {
                throw PlotError("animate: libgd could not reduce frame \(index) to a palette")
            }
            defer { gd.imageDestroy(palette) }
            if index == 0 {
                // No global colour table (GlobalCM 0): every frame carries its own palette. Loops 0 = forever.
                try append(&bytes, "start the GIF", gd: gd) { gd.imageGifAnimBeginPtr(palette, $0, 0, 0) }
            }
            try append(&bytes, "add frame \(index)", gd: gd) {
                gd.imageGifAnimAddPtr(palette, $0, 1, 0, 0, delay, Int32(gdDisposalNone), nil)
            }
        }
    }

    /// Writes the animation to `path` (which must end in .gif).
    public static func write(frames: [Figure], fps: Double = 10, to path: String) throws {
        guard path.lowercased().hasSuffix(".gif") else { throw PlotError("animate: '\(path)' must end in .gif") }
        try Figure.write(try data(frames: frames, fps: fps), to: path)
    }

    /// Calls a libgd writer that returns a gdMalloc'ed buffer and its size, copies it, frees it.
    private static func append(_ bytes: inout [UInt8], _ step: String, gd: LibGD,
                               _ writer: (UnsafeMutablePointer<Int32>) -> UnsafeMutableRawPointer?) throws {
        var size: Int32 = 0
        guard let buffer = writer(&size), size >= 0 else { throw PlotError("animate: libgd could not \(step)") }
        defer { gd.free(buffer) }
        bytes.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: Int(size)))
    }
}
