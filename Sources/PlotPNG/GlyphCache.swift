import CGD
import Foundation
import Plotting

// Cached glyph coverage bitmaps.
//
// Why: gdImageStringFTEx sets the font size and runs the TrueType hinting program on every
// call (~130 us per label), which alone would exceed the render budget. Each (character, size,
// angle) is rendered once through gdImageStringFTEx — white on black, so a pixel's gray level is
// FreeType's anti-aliased coverage — and kept; labels are then blended from the cache at
// positions taken from the same DejaVu Sans advance table the layout uses.

// MARK: - Glyph cache

/// One glyph's coverage, relative to its pen position on the baseline.
struct GlyphBitmap: Sendable {
    var offsetX: Int
    var offsetY: Int
    var width: Int
    var height: Int
    /// Row-major coverage, 0...255.
    var coverage: [UInt8]
}

/// Process-wide cache of glyph bitmaps, guarded by a lock (canvases on several threads may share it).
final class GlyphCache: @unchecked Sendable {
    static let shared = GlyphCache()

    /// Which glyph: font file, character, size and angle (both in hundredths, so keys hash exactly).
    struct Key: Hashable, Sendable {
        var font: String
        var scalar: UInt32
        var size: Int
        var angle: Int
        init(font: String, scalar: Unicode.Scalar, size: Double, angle: Double) {
            self.font = font; self.scalar = scalar.value
            self.size = Int((size * 100).rounded()); self.angle = Int((angle * 100).rounded())
        }
    }

    private let lock = NSLock()
    private var glyphs: [Key: GlyphBitmap] = [:]

    /// The bitmap for `key`, rendering it on first use; FreeType's message when the font fails.
    func glyph(_ key: Key) -> Result<GlyphBitmap, PlotError> {
        lock.lock()
        if let cached = glyphs[key] { lock.unlock(); return .success(cached) }
        lock.unlock()
        let rendered = Self.render(Unicode.Scalar(key.scalar) ?? " ", font: key.font,
                                   size: Double(key.size) / 100, angle: Double(key.angle) / 100)
        if case .success(let bitmap) = rendered {
            lock.lock(); glyphs[key] = bitmap; lock.unlock()
        }
        return rendered
    }

    private static func render(_ scalar: Unicode.Scalar, font: String, size: Double, angle: Double) -> Result<GlyphBitmap, PlotError> {
        // A square scratch image big enough for any rotation of a glyph at this size.
        let extent = Int((size * 3).rounded(.up)) + 8
        let origin = extent / 2
        let gd: LibGD
        do { gd = try LibGD.functions() } catch { return .failure(error) }
        guard let scratch = gd.imageCreateTrueColor(Int32(extent), Int32(extent)) else {
            return .failure(PlotError("png: libgd could not allocate a glyph image"))
        }
        defer { gd.imageDestroy(scratch) }
        gd.imageAlphaBlending(scratch, 1)
        var extra = gdFTStringExtra()
        extra.flags = gdFTEX_RESOLUTION
        extra.hdpi = 72   // at 72 dpi a point is a pixel, so `size` is the em size in pixels
        extra.vdpi = 72
        var bounds = [Int32](repeating: 0, count: 8)
        let text = String(Character(scalar))
        let failure = text.withCString { textPointer in
            font.withCString { fontPointer in
                gd.imageStringFTEx(scratch, &bounds, 0xffffff, fontPointer, size,
                                  angle * Double.pi / 180, Int32(origin), Int32(origin),
                                  textPointer, &extra)
            }
        }
        if let failure { return .failure(PlotError("png: FreeType could not draw text with \(font): \(String(cString: failure))")) }
        // Crop to the covered pixels.
        var minX = extent, minY = extent, maxX = -1, maxY = -1
        for y in 0..<extent {
            guard let row = scratch.pointee.tpixels[y] else { continue }
            for x in 0..<extent where row[x] & 0xff != 0 {
                minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
            }
        }
        guard maxX >= minX else { return .success(GlyphBitmap(offsetX: 0, offsetY: 0, width: 0, height: 0, coverage: [])) }
        let width = maxX - minX + 1, height = maxY - minY + 1
        var coverage = [UInt8](repeating: 0, count: width * height)
        for y in 0..<height {
            guard let row = scratch.pointee.tpixels[minY + y] else { continue }
            for x in 0..<width { coverage[y * width + x] = UInt8(row[minX + x] & 0xff) }
        }
        return .success(GlyphBitmap(offsetX: minX - origin, offsetY: minY - origin, width: width, height: height, coverage: coverage))
    }
}
