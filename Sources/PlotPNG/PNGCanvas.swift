import CGD
import Foundation
import Plotting

// The libgd canvas: a true-colour image, our coverage rasterizer for fills and strokes,
// FreeType text through gdImageStringFTEx, PNG encoding by `PNGEncoder`.

// MARK: - PNG canvas

/// Draws into a libgd true-colour image and encodes it as PNG.
public final class PNGCanvas: Canvas {
    public let width: Double
    public let height: Double
    private let pixelWidth: Int
    private let pixelHeight: Int
    /// The libgd image (internal: the GIF writer quantizes it into a frame).
    let image: gdImagePtr
    private let fontPath: String
    /// First FreeType error, reported by `finish()` rather than lost.
    private var textError: PlotError?
    /// Glyphs this canvas has used, so repeated characters skip the shared cache's lock.
    private var localGlyphs: [GlyphCache.Key: GlyphBitmap] = [:]
    /// Coverage accumulation buffer reused by every fill and stroke (always all zero between calls),
    /// taken from and returned to the shared pool so consecutive charts do not allocate it anew.
    private var coverageScratch: [Float] = ScratchPool.shared.take()

    /// A white `width` x `height` image; throws if the size is unusable or the font is missing.
    public init(width: Int, height: Int, fontPath: String? = nil) throws {
        guard width > 0, height > 0, width <= 20_000, height <= 20_000 else {
            throw PlotError("png: size \(width)x\(height) must be 1...20000 pixels each way")
        }
        let gd = try LibGD.functions()
        // A pooled image of this size is as good as a new one: the white fill below covers it.
        guard let image = ImagePool.shared.take(width: width, height: height)
                ?? gd.imageCreateTrueColor(Int32(width), Int32(height)) else {
            throw PlotError("png: libgd could not allocate a \(width)x\(height) image")
        }
        do {
            self.fontPath = try fontPath ?? FontLocator.dejaVuSans()
        } catch {
            ImagePool.shared.give(image, width: width, height: height)
            throw error
        }
        self.image = image
        self.width = Double(width); self.height = Double(height)
        pixelWidth = width; pixelHeight = height
        gd.imageAlphaBlending(image, 1)
        gd.imageSaveAlpha(image, 0)
        fillRectangle((0, 0, width, height), color: .white)
    }

    deinit {
        ImagePool.shared.give(image, width: pixelWidth, height: pixelHeight)
        ScratchPool.shared.give(coverageScratch)
    }

    // MARK: Primitives

    public func fill(_ path: Path, color: Color) {
        guard color.alpha > 0 else { return }
        var polygons = PolygonBuilder.fillPolygons(path)
        // Whole-pixel rectangles (backgrounds, heatmap cells, bars) need no coverage buffer.
        if polygons.count == 1, let rect = Self.pixelAlignedRectangle(polygons[0]) {
            fillRectangle(rect, color: color)
            return
        }
        if color.alpha >= 1 {
            // Opaque: painting the aligned rectangles of a multi-part path directly is the same
            // as their union, so only the other parts go through the rasterizer.
            polygons.removeAll { polygon in
                guard let rect = Self.pixelAlignedRectangle(polygon) else { return false }
                fillRectangle(rect, color: color)
                return true
            }
            guard !polygons.isEmpty else { return }
        }
        blend(polygons, color: color)
    }

    public func stroke(_ path: Path, style: StrokeStyle) {
        guard style.color.alpha > 0, style.width > 0 else { return }
        let solid = style.dash.map { path.dashed($0) } ?? path
        var polygons = PolygonBuilder.strokePolygons(solid, width: style.width)
        if style.color.alpha >= 1 {
            // Frames, ticks and grid lines are whole-pixel rectangles: set those pixels directly
            // (painting an opaque colour twice changes nothing) and rasterize only the rest.
            polygons.removeAll { polygon in
                guard let rect = Self.pixelAlignedRectangle(polygon) else { return false }
                fillRectangle(rect, color: style.color)
                return true
            }
        }
        guard !polygons.isEmpty else { return }
        blend(polygons, color: style.color)
    }

    public func drawText(_ text: String, at point: Point, style: TextStyle) {
        guard !text.isEmpty, style.color.alpha > 0 else { return }
        let metrics = measureText(text, size: style.size)
        let offset = style.baselineOffset(for: metrics)
        let radians = style.angle * Double.pi / 180
        let cosine = cos(radians), sine = sin(radians)
        if style.angle.truncatingRemainder(dividingBy: 90) != 0 {
            drawSlantedText(text, metrics: metrics, baselineStart: Point(point.x + offset.x * cosine + offset.y * sine,
                                                                        point.y - offset.x * sine + offset.y * cosine),
                            cosine: cosine, sine: sine, style: style)
            return
        }
        // The pen walks along the rotated baseline by the same advances the layout measured.
        var penX = offset.x
        for scalar in text.unicodeScalars {
            let x = point.x + penX * cosine + offset.y * sine
            let y = point.y - penX * sine + offset.y * cosine
            let key = GlyphCache.Key(font: fontPath, scalar: scalar, size: style.size, angle: style.angle)
            if let glyph = localGlyphs[key] {
                blendGlyph(glyph, x: Int(x.rounded()), y: Int(y.rounded()), color: style.color)
            } else {
                switch GlyphCache.shared.glyph(key) {
                case .success(let glyph):
                    localGlyphs[key] = glyph
                    blendGlyph(glyph, x: Int(x.rounded()), y: Int(y.rounded()), color: style.color)
                case .failure(let error):
                    if textError == nil { textError = error }
                    return
                }
            }
            penX += FontMetrics.advance(of: scalar, size: style.size)
        }
    }

    /// Slanted text (45-degree category labels): glyphs snapped one by one to whole pixels along
    /// a diagonal look uneven (libgd's own rotated strings too), so the string is set horizontally
    /// into a coverage mask and that mask is rotated with bilinear sampling.
    private func drawSlantedText(_ text: String, metrics: TextMetrics, baselineStart: Point,
                                 cosine: Double, sine: Double, style: TextStyle) {
        let padding = 2
        let maskWidth = Int(metrics.width.rounded(.up)) + 2 * padding
        let maskHeight = Int(metrics.height.rounded(.up)) + 2 * padding
        let baseline = padding + Int(metrics.ascent.rounded())
        var mask = [UInt8](repeating: 0, count: maskWidth * maskHeight)
        var penX = 0.0
        for scalar in text.unicodeScalars {
            let key = GlyphCache.Key(font: fontPath, scalar: scalar, size: style.size, angle: 0)
            let glyph: GlyphBitmap
            if let cached = localGlyphs[key] { glyph = cached } else {
                switch GlyphCache.shared.glyph(key) {
                case .success(let rendered): glyph = rendered; localGlyphs[key] = rendered
                case .failure(let error):
                    if textError == nil { textError = error }
                    return
                }
            }
            let originX = padding + Int(penX.rounded()) + glyph.offsetX, originY = baseline + glyph.offsetY
            for row in 0..<glyph.height where originY + row >= 0 && originY + row < maskHeight {
                for column in 0..<glyph.width where originX + column >= 0 && originX + column < maskWidth {
                    let index = (originY + row) * maskWidth + originX + column
                    mask[index] = max(mask[index], glyph.coverage[row * glyph.width + column])
                }
            }
            penX += FontMetrics.advance(of: scalar, size: style.size)
        }
        // Canvas pixels covered by the rotated mask: map each pixel centre back into the mask.
        func toCanvas(_ u: Double, _ v: Double) -> Point {
            let tx = u - Double(padding), ty = v - Double(baseline)
            return Point(baselineStart.x + tx * cosine + ty * sine, baselineStart.y - tx * sine + ty * cosine)
        }
        let corners = [toCanvas(0, 0), toCanvas(Double(maskWidth), 0), toCanvas(0, Double(maskHeight)),
                       toCanvas(Double(maskWidth), Double(maskHeight))]
        let minX = max(0, Int((corners.map(\.x).min() ?? 0).rounded(.down)))
        let maxX = min(pixelWidth - 1, Int((corners.map(\.x).max() ?? 0).rounded(.up)))
        let minY = max(0, Int((corners.map(\.y).min() ?? 0).rounded(.down)))
        let maxY = min(pixelHeight - 1, Int((corners.map(\.y).max() ?? 0).rounded(.up)))
        guard maxX >= minX, maxY >= minY else { return }
        func sample(_ x: Int, _ y: Int) -> Double {
            guard x >= 0, y >= 0, x < maskWidth, y < maskHeight else { return 0 }
            return Double(mask[y * maskWidth + x])
        }
        for y in minY...maxY {
            for x in minX...maxX {
                let dx = Double(x) + 0.5 - baselineStart.x, dy = Double(y) + 0.5 - baselineStart.y
                // Inverse rotation, then to mask coordinates measured between pixel centres.
                let u = dx * cosine - dy * sine + Double(padding) - 0.5
                let v = dx * sine + dy * cosine + Double(baseline) - 0.5
                let u0 = Int(u.rounded(.down)), v0 = Int(v.rounded(.down))
                let fu = u - Double(u0), fv = v - Double(v0)
                let top = sample(u0, v0) * (1 - fu) + sample(u0 + 1, v0) * fu
                let bottom = sample(u0, v0 + 1) * (1 - fu) + sample(u0 + 1, v0 + 1) * fu
                let coverage = (top * (1 - fv) + bottom * fv) / 255
                if coverage > 1.0 / 256 { blendPixel(x, y, color: style.color, coverage: coverage) }
            }
        }
    }

    public func finish() throws {
        if let textError { throw textError }
    }

    // MARK: Output

    /// The image encoded as PNG (see `PNGEncoder` for why this is not gdImagePngPtrEx).
    public func pngData() throws -> [UInt8] {
        let rows = image.pointee.tpixels
        return PNGEncoder.encode(width: pixelWidth, height: pixelHeight) { y in rows?[y] }
    }

    /// The colour at pixel (`x`, `y`), for tests and previews.
    public func pixel(x: Int, y: Int) -> Color? {
        guard x >= 0, y >= 0, x < pixelWidth, y < pixelHeight, let row = image.pointee.tpixels[y] else { return nil }
        return Color(hex: UInt32(bitPattern: row[x]) & 0xffffff)
    }

    // MARK: Pixels

    static func gdColor(_ color: Color) -> Int32 {
        // libgd alpha runs 0 (opaque) ... 127 (transparent).
        let alpha = Int32((127 * (1 - min(1, max(0, color.alpha)))).rounded())
        return (alpha << 24) | (Int32(color.red) << 16) | (Int32(color.green) << 8) | Int32(color.blue)
    }

    /// The pixel box of `polygon` when it is an axis-aligned rectangle with whole-pixel corners.
    static func pixelAlignedRectangle(_ polygon: [Point]) -> (x0: Int, y0: Int, x1: Int, y1: Int)? {
        guard polygon.count == 4 else { return nil }
        let a = polygon[0], b = polygon[1], c = polygon[2], d = polygon[3]
        // Either a-b horizontal, b-c vertical, ... or a-b vertical, b-c horizontal, ...
        let horizontalFirst = a.y == b.y && b.x == c.x && c.y == d.y && d.x == a.x
        let verticalFirst = a.x == b.x && b.y == c.y && c.x == d.x && d.y == a.y
        guard horizontalFirst || verticalFirst else { return nil }
        let minX = min(a.x, c.x), maxX = max(a.x, c.x), minY = min(a.y, c.y), maxY = max(a.y, c.y)
        guard minX == minX.rounded(), maxX == maxX.rounded(), minY == minY.rounded(), maxY == maxY.rounded(),
              maxX > minX, maxY > minY, abs(minX) < 1e6, abs(maxX) < 1e6, abs(minY) < 1e6, abs(maxY) < 1e6 else { return nil }
        return (Int(minX), Int(minY), Int(maxX), Int(maxY))
    }

    private func fillRectangle(_ rect: (x0: Int, y0: Int, x1: Int, y1: Int), color: Color) {
        let x0 = max(0, rect.x0), x1 = min(pixelWidth, rect.x1)
        let y0 = max(0, rect.y0), y1 = min(pixelHeight, rect.y1)
        guard x1 > x0, y1 > y0 else { return }
        if color.alpha >= 1 {
            let value = Self.gdColor(color)
            for y in y0..<y1 {
                guard let row = image.pointee.tpixels[y] else { continue }
                for x in x0..<x1 { row[x] = value }
            }
        } else {
            for y in y0..<y1 { for x in x0..<x1 { blendPixel(x, y, color: color, coverage: 1) } }
        }
    }

    private func blend(_ polygons: [[Point]], color: Color) {
        let rasterizer = CoverageRasterizer(imageWidth: pixelWidth, imageHeight: pixelHeight)
        let opaque = color.alpha >= 1 ? Self.gdColor(color) : nil
        rasterizer.rasterize(polygons, scratch: &coverageScratch) { x, y, coverage in
            // Fully covered pixels of an opaque colour (shape interiors) are simply set.
            if coverage >= 1, let opaque, let row = image.pointee.tpixels[y] {
                row[x] = opaque
            } else {
                blendPixel(x, y, color: color, coverage: coverage)
            }
        }
    }

    private func blendGlyph(_ glyph: GlyphBitmap, x: Int, y: Int, color: Color) {
        for row in 0..<glyph.height {
            let pixelY = y + glyph.offsetY + row
            guard pixelY >= 0, pixelY < pixelHeight else { continue }
            for column in 0..<glyph.width {
                let coverage = glyph.coverage[row * glyph.width + column]
                let pixelX = x + glyph.offsetX + column
                guard coverage > 0, pixelX >= 0, pixelX < pixelWidth else { continue }
                blendPixel(pixelX, pixelY, color: color, coverage: Double(coverage) / 255)
            }
        }
    }

    @inline(__always)
    private func blendPixel(_ x: Int, _ y: Int, color: Color, coverage: Double) {
        // Integer blending in 1/256 steps: fast and exactly reproducible.
        let amount = Int32((coverage * color.alpha * 256).rounded())
        guard amount > 0, let row = image.pointee.tpixels[y] else { return }
        let old = row[x]
        @inline(__always) func mix(_ new: UInt8, _ shift: Int32) -> Int32 {
            let previous = (old >> shift) & 0xff
            return (previous + (((Int32(new) - previous) * amount + 128) >> 8)) << shift
        }
        row[x] = mix(color.red, 16) | mix(color.green, 8) | mix(color.blue, 0)
    }
}
