import Testing
import Plotting
@testable import PlotPNG

// The coverage rasterizer's tiles: exact areas across tile borders, and a clean scratch buffer.

@Suite struct RasterizerTests {
    /// Coverage per pixel of `polygons` on a `width` x `height` image, and the scratch buffer after.
    static func coverage(_ polygons: [[Point]], width: Int, height: Int) -> (pixels: [[Double]], scratch: [Float]) {
        var pixels = [[Double]](repeating: [Double](repeating: 0, count: width), count: height)
        var scratch: [Float] = []
        CoverageRasterizer(imageWidth: width, imageHeight: height).rasterize(polygons, scratch: &scratch) { x, y, value in
            pixels[y][x] = value
        }
        return (pixels, scratch)
    }

    @Test func squareAcrossATileBorderHasItsExactAreaPerPixel() {
        // A square from (14.5, 14.5) to (17.5, 17.5) straddles the 16-pixel tile border both ways.
        // By hand: corner pixels are a quarter covered, edge pixels half, the inner ones whole.
        let square = PolygonBuilder.oriented([Point(14.5, 14.5), Point(17.5, 14.5), Point(17.5, 17.5), Point(14.5, 17.5)])
        let (pixels, scratch) = Self.coverage([square], width: 40, height: 40)
        let expected: [[Double]] = [[0.25, 0.5, 0.5, 0.25], [0.5, 1, 1, 0.5], [0.5, 1, 1, 0.5], [0.25, 0.5, 0.5, 0.25]]
        for row in 0..<4 {
            for column in 0..<4 {
                #expect(abs(pixels[14 + row][14 + column] - expected[row][column]) < 1e-6, "pixel (\(14 + column), \(14 + row))")
            }
        }
        let total = pixels.joined().reduce(0, +)
        #expect(abs(total - 9) < 1e-5)
        #expect(scratch.allSatisfy { $0 == 0 })
    }

    @Test func tilesIgnoreColumnMinusOneAndLeaveOtherCellsAlone() {
        // An edge at x = 0 can round to column -1; that contribution lies left of every pixel.
        var cells = [Float](repeating: 0, count: 4 * CoverageTiles.cellsPerTile)
        var slots = [Int32](repeating: -1, count: 4)
        cells.withUnsafeMutableBufferPointer { cellBuffer in
            slots.withUnsafeMutableBufferPointer { slotBuffer in
                guard let cellBase = cellBuffer.baseAddress, let slotBase = slotBuffer.baseAddress else { return }
                var tiles = CoverageTiles(cells: cellBase, slots: slotBase, tilesAcross: 2)
                tiles.add(0.5, row: 17, column: -1)
                tiles.add(0.25, row: 17, column: 16)
            }
        }
        // Only the tile of (17, 16) was allocated (slot 0: rows 16..., columns 16...), holding 0.25 at (1, 0).
        #expect(slots == [-1, -1, -1, 0])
        #expect(cells[1 << 4 | 0] == 0.25)
        #expect(cells.reduce(0, +) == 0.25)
    }
}
