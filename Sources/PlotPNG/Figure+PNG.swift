import Foundation
import Plotting

// Saving figures: PNG through libgd, SVG through the Plotting module, chosen by extension.

// MARK: - Figure output

extension Figure {
    /// The figure rendered and encoded as PNG bytes.
    public func pngData() throws -> [UInt8] {
        var canvas = try PNGCanvas(width: width, height: height)
        try draw(on: &canvas)
        return try canvas.pngData()
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
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        } catch {
            throw PlotError("save: cannot write '\(path)': \(error.localizedDescription)")
        }
    }
}
