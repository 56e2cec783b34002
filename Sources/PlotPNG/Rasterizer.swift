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
        // Coverage cells live in 16x16 tiles, allocated in the scratch buffer on first touch.
        // Untouched tiles have a constant running sum along each row, so they are skipped (outside)
        // or filled whole (inside): a long thin stroke costs about its length, not its bounding box.
        // And consecutive segments of a line land in the same few tiles, which stay in cache
        // (a row-major buffer over a whole plot spreads them over megabytes).
        let tilesAcross = (stride + 15) >> 4, tilesDown = (height + 15) >> 4
        if scratch.count < tilesAcross * tilesDown * CoverageTiles.cellsPerTile {
            scratch = [Float](repeating: 0, count: tilesAcross * tilesDown * CoverageTiles.cellsPerTile)
        }
        var slots = [Int32](repeating: -1, count: tilesAcross * tilesDown)
        scratch.withUnsafeMutableBufferPointer { buffer in slots.withUnsafeMutableBufferPointer { slotBuffer in
            guard let cells = buffer.baseAddress, let slotBase = slotBuffer.baseAddress else { return }
            var tiles = CoverageTiles(cells: cells, slots: slotBase, tilesAcross: tilesAcross)
            for polygon in polygons where polygon.count >= 3 {
                for index in polygon.indices {
                    let start = polygon[index], end = polygon[(index + 1) % polygon.count]
                    // Clamping x to the buffer keeps the winding of every pixel inside it unchanged.
                    addEdge(Point(min(Double(width), max(0, start.x - Double(left))), start.y - Double(top)),
                            Point(min(Double(width), max(0, end.x - Double(left))), end.y - Double(top)),
                            height: height, into: &tiles)
                }
            }
            for row in 0..<height {
                var sum: Float = 0
                let tileRow = (row >> 4) * tilesAcross
                for block in 0..<tilesAcross {
                    let first = block << 4
                    let slot = Int(slotBase[tileRow + block])
                    if slot >= 0 {
                        let base = slot << 8 | (row & 15) << 4
                        for column in first..<min(stride, first + 16) {
                            let cell = base | (column & 15)
                            sum += cells[cell]
                            // Leave the scratch buffer clean for the next call.
                            cells[cell] = 0
                            let coverage = min(1, abs(sum))
                            if column < width && coverage > 1.0 / 512 { visit(left + column, top + row, Double(coverage)) }
                        }
                    } else if abs(sum) > 1.0 / 512 {
                        let coverage = Double(min(1, abs(sum)))
                        for column in first..<min(width, first + 16) { visit(left + column, top + row, coverage) }
                    }
                }
            }
        } }
    }

    /// Adds one edge's signed area contribution (font-rs `draw_line`).
    private func addEdge(_ p0: Point, _ p1: Point, height: Int, into tiles: inout CoverageTiles) {
        if p0.y == p1.y { return }
        let (direction, top, bottom): (Double, Point, Point) = p0.y < p1.y ? (1, p0, p1) : (-1, p1, p0)
        let slope = (bottom.x - top.x) / (bottom.y - top.y)
        var x = top.x
        let firstRow = max(0, Int(top.y.rounded(.down)))
        if top.y < 0 { x -= top.y * slope }
        let lastRow = min(height, Int(bottom.y.rounded(.up)))
        guard firstRow < lastRow else { return }
        for row in firstRow..<lastRow {
            let dy = min(Double(row + 1), bottom.y) - max(Double(row), top.y)
            let nextX = x + slope * dy
            let signedHeight = dy * direction
            let (x0, x1) = x < nextX ? (x, nextX) : (nextX, x)
            let x0Floor = x0.rounded(.down)
            let x0Index = Int(x0Floor)
            let x1Ceil = x1.rounded(.up)
            let x1Index = Int(x1Ceil)
            if x1Index <= x0Index + 1 {
                let middle = 0.5 * (x + nextX) - x0Floor
                tiles.add(Float(signedHeight - signedHeight * middle), row: row, column: x0Index)
                tiles.add(Float(signedHeight * middle), row: row, column: x0Index + 1)
            } else {
                let inverse = 1 / (x1 - x0)
                let x0Fraction = x0 - x0Floor
                let firstArea = 0.5 * inverse * (1 - x0Fraction) * (1 - x0Fraction)
                let x1Fraction = x1 - x1Ceil + 1
                let lastArea = 0.5 * inverse * x1Fraction * x1Fraction
                tiles.add(Float(signedHeight * firstArea), row: row, column: x0Index)
                if x1Index == x0Index + 2 {
                    tiles.add(Float(signedHeight * (1 - firstArea - lastArea)), row: row, column: x0Index + 1)
                } else {
                    let secondArea = inverse * (1.5 - x0Fraction)
                    tiles.add(Float(signedHeight * (secondArea - firstArea)), row: row, column: x0Index + 1)
                    if x0Index + 2 < x1Index - 1 {
                        for column in (x0Index + 2)..<(x1Index - 1) {
                            tiles.add(Float(signedHeight * inverse), row: row, column: column)
                        }
                    }
                    let beforeLast = secondArea + Double(x1Index - x0Index - 3) * inverse
                    tiles.add(Float(signedHeight * (1 - beforeLast - lastArea)), row: row, column: x1Index - 1)
                }
                tiles.add(Float(signedHeight * lastArea), row: row, column: x1Index)
            }
            x = nextX
        }
    }
}

// MARK: - Coverage tiles

/// Coverage cells of a rasterize call in 16x16 tiles, allocated from an all-zero buffer in
/// the order they are first touched. `slots[tile]` is the tile's place in `cells`, or -1.
struct CoverageTiles {
    static let cellsPerTile = 256
    let cells: UnsafeMutablePointer<Float>
    let slots: UnsafeMutablePointer<Int32>
    let tilesAcross: Int
    private var tileCount = 0

    init(cells: UnsafeMutablePointer<Float>, slots: UnsafeMutablePointer<Int32>, tilesAcross: Int) {
        self.cells = cells; self.slots = slots; self.tilesAcross = tilesAcross
    }

    /// Adds `value` to the cell at (`row`, `column`), both inside the buffer's stride and height.
    /// Column -1 (an edge at x = 0 that rounding put a hair to the left) is dropped: it lies
    /// left of every pixel, where the row-major buffer also let it fall out of the row's sum.
    @inline(__always)
    mutating func add(_ value: Float, row: Int, column: Int) {
        guard column >= 0 else { return }
        let tile = (row >> 4) * tilesAcross + (column >> 4)
        var slot = Int(slots[tile])
        if slot < 0 {
            slot = tileCount
            slots[tile] = Int32(slot)
            tileCount += 1
        }
        cells[slot << 8 | (row & 15) << 4 | (column & 15)] += value
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
