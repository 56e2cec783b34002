import Foundation
import Plotting

// Saving figures: PNG through libgd, SVG through the Plotting module, chosen by extension.

// MARK: - Figure output

extension Figure {
    /// The figure rendered and encoded as PNG bytes.
    public func pngData() throws -> [UInt8] {
        try rendered().pngData()
    }

    /// The figure drawn on a PNG canvas of `pixelWidth` x `pixelHeight` (its size times `scale`).
    func rendered() throws -> PNGCanvas {
        var canvas = try PNGCanvas(width: pixelWidth, height: pixelHeight)
        if scale == 1 {
            try draw(on: &canvas)
        } else {
            var scaled = ScaledCanvas(canvas, scale: scale)
            try draw(on: &scaled)
        }
        return canvas
    }

    /// Writes the figure to `path`: PNG for ".png", SVG for ".svg" (case-insensitive).
    public func save(to path: String) throws {
        let lowered = path.lowercased()
        let bytes: [UInt8]
        if lowered.hasSuffix(".png") {
            bytes = try pngData()
        } else if lowered.hasSuffix(".svg") {
            bytes = Array(try svg().utf8)
        } else {
            throw PlotError("save: '\(path)' must end in .png or .svg")
        }
        try Self.write(bytes, to: path)
    }

    /// Creates or truncates `path` and writes `bytes`, as matplotlib's `savefig` does.
    /// Not `Data.write(to:)`: on Linux that also calls fsync, which waits for the disk
    /// (0.1 ms on an idle disk, several ms while other processes write) for a durability a
    /// chart file does not need.
    static func write(_ bytes: [UInt8], to path: String) throws {
        func failure(_ action: String) -> PlotError {
            PlotError("save: cannot write '\(path)': \(action): \(String(cString: strerror(errno)))")
        }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw failure("open") }
        var written = 0
        let writeError: PlotError? = bytes.withUnsafeBytes { buffer -> PlotError? in
            guard let base = buffer.baseAddress else { return nil }
            while written < buffer.count {
                let result = Foundation.write(descriptor, base + written, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    return failure("write")
                }
                written += result
            }
            return nil
        }
        if let writeError {
            close(descriptor)
            throw writeError
        }
        guard close(descriptor) == 0 else { throw failure("close") }
    }
}
