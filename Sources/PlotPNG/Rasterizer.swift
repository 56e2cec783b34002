import Foundation
import Plotting

// Anti-aliased polygon filling by exact area coverage.
//
// Why our own rasterizer: libgd anti-aliases only 1-pixel lines, and drawing wide lines as
// libgd polygons with anti-aliased outlines blends every overlapping edge again (a 1000-point
// line would darken at each of its joins). Instead every fill and every stroke becomes a set of
// polygons whose exact per-pixel coverage is accumulated in one float buffer (the signed-area
// accumulation of font-rs / stb_truetype 2), then blended into the image once. Overlapping
// pieces of the same stroke therefore cover a pixel at most once, at any line width.

// MARK: - Coverage rasterizer

struct CoverageRasterizer {
    /// Width and height of the image the coverage is for.
    let imageWidth: Int
    let imageHeight: Int

    /// Coverage in 0...1 over `bounds` (whole pixels) for the union of `polygons`, each already
    /// oriented counter-clockwise. Calls `visit(x, y, coverage)` for every covered pixel.
    /// `scratch` is a reusable all-zero buffer; it is grown as needed and left all zero again.
    func rasterize(_ polygons: [[Point]], scratch: inout [Float], visit: (Int, Int, Double) -> Void) {
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for polygon in polygons {
            for point in polygon {
                minX = min(minX, point.x); maxX = max(maxX, point.x)
                minY = min(minY, point.y); maxY = max(maxY, point.y)
            }
        }
        let left = max(0, Int(minX.rounded(.down))), right = min(imageWidth, Int(maxX.rounded(.up)))
        let top = max(0, Int(minY.rounded(.down))), bottom = min(imageHeight, Int(maxY.rounded(.up)))
        guard right > left, bottom > top else { return }
        let width = right - left, height = bottom - top
        // Two spare columns: an edge at the right border writes one past the last pixel.
        let stride = width + 2
        if scratch.count < stride * height { scratch = [Float](repeating: 0, count: stride * height) }
        // Per row, the first and last column any edge touched: outside that span coverage is zero.
        var spanStart = [Int](repeating: Int.max, count: height)
        var spanEnd = [Int](repeating: -1, count: height)
        scratch.withUnsafeMutableBufferPointer { buffer in
            for polygon in polygons where polygon.count >= 3 {
                for index in polygon.indices {
                    let start = polygon[index], end = polygon[(index + 1) % polygon.count]
                    // Clamping x to the buffer keeps the winding of every pixel inside it unchanged.
                    addEdge(Point(min(Double(width), max(0, start.x - Double(left))), start.y - Double(top)),
                            Point(min(Double(width), max(0, end.x - Double(left))), end.y - Double(top)),
                            width: width, height: height, stride: stride, into: buffer,
                            spanStart: &spanStart, spanEnd: &spanEnd)
                }
            }
            for row in 0..<height where spanEnd[row] >= 0 {
                var sum: Float = 0
                let base = row * stride
                for column in spanStart[row]..<min(width, spanEnd[row] + 1) {
                    sum += buffer[base + column]
                    let coverage = min(1, abs(sum))
                    if coverage > 1.0 / 512 { visit(left + column, top + row, Double(coverage)) }
                }
                // Leave the scratch buffer clean for the next call.
                for column in spanStart[row]...spanEnd[row] { buffer[base + column] = 0 }
            }
        }
    }

    /// Adds one edge's signed area contribution (font-rs `draw_line`).
    private func addEdge(_ p0: Point, _ p1: Point, width: Int, height: Int, stride: Int,
                         into buffer: UnsafeMutableBufferPointer<Float>, spanStart: inout [Int], spanEnd: inout [Int]) {
        if p0.y == p1.y { return }
        let (direction, top, bottom): (Double, Point, Point) = p0.y < p1.y ? (1, p0, p1) : (-1, p1, p0)
        let slope = (bottom.x - top.x) / (bottom.y - top.y)
        var x = top.x
        let firstRow = max(0, Int(top.y.rounded(.down)))
        if top.y < 0 { x -= top.y * slope }
        let lastRow = min(height, Int(bottom.y.rounded(.up)))
        guard firstRow < lastRow else { return }
        for row in firstRow..<lastRow {
            let lineStart = row * stride
            let dy = min(Double(row + 1), bottom.y) - max(Double(row), top.y)
            let nextX = x + slope * dy
            let signedHeight = dy * direction
            let (x0, x1) = x < nextX ? (x, nextX) : (nextX, x)
            let x0Floor = x0.rounded(.down)
            let x0Index = Int(x0Floor)
            let x1Ceil = x1.rounded(.up)
            let x1Index = Int(x1Ceil)
            spanStart[row] = min(spanStart[row], x0Index)
            spanEnd[row] = max(spanEnd[row], x1Index + 1)
            if x1Index <= x0Index + 1 {
                let middle = 0.5 * (x + nextX) - x0Floor
                buffer[lineStart + x0Index] += Float(signedHeight - signedHeight * middle)
                buffer[lineStart + x0Index + 1] += Float(signedHeight * middle)
            } else {
                let inverse = 1 / (x1 - x0)
                let x0Fraction = x0 - x0Floor
                let firstArea = 0.5 * inverse * (1 - x0Fraction) * (1 - x0Fraction)
                let x1Fraction = x1 - x1Ceil + 1
                let lastArea = 0.5 * inverse * x1Fraction * x1Fraction
                buffer[lineStart + x0Index] += Float(signedHeight * firstArea)
                if x1Index == x0Index + 2 {
                    buffer[lineStart + x0Index + 1] += Float(signedHeight * (1 - firstArea - lastArea))
                } else {
                    let secondArea = inverse * (1.5 - x0Fraction)
                    buffer[lineStart + x0Index + 1] += Float(signedHeight * (secondArea - firstArea))
                    if x0Index + 2 < x1Index - 1 {
                        for column in (x0Index + 2)..<(x1Index - 1) {
                            buffer[lineStart + column] += Float(signedHeight * inverse)
                        }
                    }
                    let beforeLast = secondArea + Double(x1Index - x0Index - 3) * inverse
                    buffer[lineStart + x1Index - 1] += Float(signedHeight * (1 - beforeLast - lastArea))
                }
                buffer[lineStart + x1Index] += Float(signedHeight * lastArea)
            }
            x = nextX
        }
    }
}

// MARK: - Polygons from paths

enum PolygonBuilder {
    /// The closed subpaths of a fill path, each oriented the same way so overlaps add up.
    static func fillPolygons(_ path: Path) -> [[Point]] {
        path.subpaths.map { oriented($0.points) }
    }

    /// A stroke as polygons: one quad per segment plus a round join where segments meet.
    static func strokePolygons(_ path: Path, width: Double) -> [[Point]] {
        let half = width / 2
        var polygons: [[Point]] = []
        for subpath in path.subpaths {
            var points = subpath.points
            if subpath.closed, let first = points.first { points.append(first) }
            guard points.count >= 2 else { continue }
            for index in 1..<points.count {
                let start = points[index - 1], end = points[index]
                let dx = end.x - start.x, dy = end.y - start.y
                let length = (dx * dx + dy * dy).squareRoot()
                guard length > 0 else { continue }
                let nx = -dy / length * half, ny = dx / length * half
                // With n = (-dy, dx) * half / length, the order start-n, end-n, end+n, start+n has
                // shoelace sum 4 * length * half > 0: already the orientation `oriented` gives.
                polygons.append([Point(start.x - nx, start.y - ny), Point(end.x - nx, end.y - ny),
                                 Point(end.x + nx, end.y + ny), Point(start.x + nx, start.y + ny)])
                // Round joins only show on lines wider than two pixels; thinner ones look the same
                // without them and long polylines render much faster.
                let isJoin = index < points.count - 1 || subpath.closed
                if isJoin && width > 2 {
                    polygons.append(unitOctagon.map { Point(end.x + $0.x * half, end.y + $0.y * half) })
                }
            }
        }
        return polygons
    }

    /// A regular octagon of radius 1, counter-clockwise on screen, for round joins.
    static let unitOctagon: [Point] = oriented((0..<8).map { step in
        let angle = Double(step) / 8 * 2 * Double.pi
        return Point(cos(angle), sin(angle))
    })

    /// `points` in counter-clockwise order on screen (positive shoelace area with y down).
    static func oriented(_ points: [Point]) -> [Point] {
        var area = 0.0
        for index in points.indices {
            let a = points[index], b = points[(index + 1) % points.count]
            area += a.x * b.y - b.x * a.y
        }
        return area < 0 ? points.reversed() : points
    }
}
