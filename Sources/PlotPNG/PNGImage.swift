import CGD
import Plotting

// Reading PNGs back (tests check sizes and sample pixels of what was written).

// MARK: - Decoded PNG

/// A decoded PNG image held as 0xRRGGBB pixels.
public struct PNGImage: Sendable {
    public let width: Int
    public let height: Int
    private let pixels: [UInt32]

    /// Decodes `data`; throws when libgd cannot read it as PNG.
    public init(data: [UInt8]) throws {
        let gd = try LibGD.functions()
        var bytes = data
        let decoded = bytes.withUnsafeMutableBytes { buffer in
            gd.imageCreateFromPngPtr(Int32(buffer.count), buffer.baseAddress)
        }
        guard let image = decoded else { throw PlotError("png: \(data.count) bytes are not a readable PNG") }
        defer { gd.imageDestroy(image) }
        width = Int(image.pointee.sx); height = Int(image.pointee.sy)
        var pixels = [UInt32](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                pixels[y * width + x] = UInt32(bitPattern: gd.imageGetTrueColorPixel(image, Int32(x), Int32(y))) & 0xffffff
            }
        }
        self.pixels = pixels
    }

    /// The colour at (`x`, `y`), nil outside the image.
    public func pixel(x: Int, y: Int) -> Color? {
        guard x >= 0, y >= 0, x < width, y < height else { return nil }
        return Color(hex: pixels[y * width + x])
    }
}
