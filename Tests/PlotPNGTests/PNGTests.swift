import Foundation
import Testing
import Plotting
import PlotPNG

// PNG output: header, pixel colours, anti-aliasing, determinism and errors.

@Suite struct PNGTests {
    /// Width and height from the IHDR chunk (bytes 16-23, big-endian) after the 8-byte signature.
    static func headerSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        let signature: [UInt8] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
        guard bytes.count > 24, Array(bytes[0..<8]) == signature, Array(bytes[12..<16]) == Array("IHDR".utf8) else { return nil }
        func word(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return (word(16), word(20))
    }

    static func distance(_ a: Color, _ b: Color) -> Int {
        max(abs(Int(a.red) - Int(b.red)), abs(Int(a.green) - Int(b.green)), abs(Int(a.blue) - Int(b.blue)))
    }

    @Test(arguments: [(800, 600), (400, 300)])
    func headerHasTheFigureSize(width: Int, height: Int) throws {
        var figure = try Figure(width: width, height: height)
        try figure.axes.plot([1, 3, 2], label: "a")
        let bytes = try figure.pngData()
        let size = try #require(Self.headerSize(bytes))
        #expect(size.width == width && size.height == height)
        let image = try PNGImage(data: bytes)
        #expect(image.width == width && image.height == height)
    }

    @Test func heatmapCellsHaveTheirColormapColour() throws {
        let matrix: [[Double]] = [[0, 0.25, 0.5], [0.75, 1, 0.1]]
        for colormap in Colormap.allCases {
            var figure = try Figure(width: 400, height: 300)
            try figure.axes.heatmap(matrix, colormap: colormap)
            guard case .heatmap(let heatmap) = figure.axes.series[0] else { Issue.record("no heatmap"); return }
            let plot = FigureRenderer(figure: figure).layout()[0].plotArea
            let image = try PNGImage(data: try figure.pngData())
            for row in 0..<2 {
                for column in 0..<3 {
                    let x = Int(plot.minX + plot.width * (Double(column) + 0.5) / 3)
                    let y = Int(plot.minY + plot.height * (Double(row) + 0.5) / 2)
                    let pixel = try #require(image.pixel(x: x, y: y))
                    let expected = heatmap.color(for: matrix[row][column])
                    #expect(Self.distance(pixel, expected) <= 1, "\(colormap) cell (\(row), \(column)): \(pixel) vs \(expected)")
                }
            }
        }
    }

    @Test func sameFigureGivesSameBytes() throws {
        for figure in [try lossFigure(), try heatmapFigure()] {
            #expect(try figure.pngData() == figure.pngData())
        }
    }

    @Test func wideLinesAreSolidInsideAndAntiAliasedAtTheEdges() throws {
        let canvas = try PNGCanvas(width: 100, height: 100)
        canvas.stroke(Path.polyline([Point(10, 20.5), Point(90, 80.5)]), style: StrokeStyle(color: .black, width: 6))
        // On the centre line the 6-px stroke is fully black.
        #expect(canvas.pixel(x: 50, y: 50) == .black)
        // Along a column crossing the edge there are intermediate grays (anti-aliasing).
        let grays = (30...70).compactMap { canvas.pixel(x: 50, y: $0) }.filter { $0.red > 10 && $0.red < 245 }
        #expect(grays.count >= 2)
        // Far from the line it stays white.
        #expect(canvas.pixel(x: 90, y: 10) == .white)
        // A sharp corner with a round join: solid at the corner, no hole where the pieces overlap.
        let corner = try PNGCanvas(width: 60, height: 60)
        corner.stroke(Path.polyline([Point(10, 50), Point(30, 10), Point(50, 50)]), style: StrokeStyle(color: .black, width: 6))
        #expect(corner.pixel(x: 30, y: 12) == .black)
        #expect(corner.pixel(x: 20, y: 30) == .black)
    }

    @Test func fractionalEdgesGetPartialCoverage() throws {
        let canvas = try PNGCanvas(width: 40, height: 40)
        // Edges at x = 10.5 and 20.5: columns 10 and 20 are half covered, 11...19 fully.
        canvas.fill(Path.rectangle(Rect(x: 10.5, y: 5, width: 10, height: 10)), color: .black)
        #expect(canvas.pixel(x: 15, y: 10) == .black)
        for x in [10, 20] {
            let edge = try #require(canvas.pixel(x: x, y: 10))
            #expect(abs(Int(edge.red) - 128) <= 1, "column \(x): \(edge)")
        }
        #expect(canvas.pixel(x: 21, y: 10) == .white)
        // A second shape elsewhere: the reused coverage buffer must not leak the first one.
        canvas.fill(Path.circle(center: Point(30, 30), radius: 4.3), color: .black)
        #expect(canvas.pixel(x: 15, y: 25) == .white)
        #expect(canvas.pixel(x: 30, y: 30) == .black)
    }

    @Test func overlappingPiecesOfOneStrokeDoNotDarken() throws {
        // A polyline doubling back over itself with a half-transparent colour: one coverage, one blend.
        let canvas = try PNGCanvas(width: 60, height: 20)
        canvas.stroke(Path.polyline([Point(5, 10), Point(55, 10), Point(5, 10)]),
                      style: StrokeStyle(color: Color.black.withAlpha(0.5), width: 4))
        let pixel = try #require(canvas.pixel(x: 30, y: 10))
        #expect(abs(Int(pixel.red) - 128) <= 1, "got \(pixel)")
    }

    @Test func textIsDrawn() throws {
        var figure = try Figure(width: 400, height: 300)
        figure.axes.title = "Title"
        try figure.axes.plot([1, 2])
        let image = try PNGImage(data: try figure.pngData())
        let layout = FigureRenderer(figure: figure).layout()[0]
        // Dark pixels in the band above the plot area where the title sits.
        var dark = 0
        for y in 0..<Int(layout.plotArea.minY) - 2 {
            for x in 150..<250 where (image.pixel(x: x, y: y)?.red ?? 255) < 100 { dark += 1 }
        }
        #expect(dark > 20)
    }

    @Test(arguments: [0.0, 45, 90])
    func rotatedTextLandsInsideItsMeasuredBox(angle: Double) throws {
        let canvas = try PNGCanvas(width: 200, height: 200)
        let style = TextStyle(size: 14, color: .black, angle: angle, horizontal: .end, vertical: .middle)
        canvas.drawText("routed expert", at: Point(120, 100), style: style)
        try canvas.finish()
        let box = RecordingCanvas.boundingBox(of: "routed expert", at: Point(120, 100), style: style)
        var inside = 0, outside = 0
        for y in 0..<200 {
            for x in 0..<200 where (canvas.pixel(x: x, y: y)?.red ?? 255) < 128 {
                let within = Double(x) >= box.minX - 2 && Double(x) <= box.maxX + 2 && Double(y) >= box.minY - 2 && Double(y) <= box.maxY + 2
                if within { inside += 1 } else { outside += 1 }
            }
        }
        #expect(inside > 60, "angle \(angle): only \(inside) dark pixels")
        #expect(outside == 0, "angle \(angle): \(outside) dark pixels outside \(box)")
    }

    @Test func unwritablePathAndUnknownExtensionAreErrors() throws {
        let figure = try lossFigure()
        let path = "/nonexistent-directory-\(getpid())/chart.png"
        do {
            try figure.save(to: path)
            Issue.record("saving to \(path) did not throw")
        } catch let error as PlotError {
            #expect(error.message.contains(path))
        }
        #expect(throws: PlotError("save: 'chart.jpg' must end in .png or .svg")) { try figure.save(to: "chart.jpg") }
    }

    @Test func savesPNGAndSVGByExtension() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("plotpng-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let figure = try heatmapFigure()
        try figure.save(to: directory.appendingPathComponent("a.png").path)
        try figure.save(to: directory.appendingPathComponent("a.svg").path)
        let png = try [UInt8](Data(contentsOf: directory.appendingPathComponent("a.png")))
        #expect(Self.headerSize(png)?.width == 800)
        let svg = try String(contentsOf: directory.appendingPathComponent("a.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<?xml"))
    }

    @Test func savingReplacesALongerFileWithExactlyThePNGBytes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("plotpng-replace-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("chart.png").path
        try Data(repeating: 0xab, count: 1_000_000).write(to: URL(fileURLWithPath: path))
        let figure = try lossFigure()
        try figure.save(to: path)
        let saved = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(saved.count < 1_000_000)
        #expect(saved == (try figure.pngData()))
    }

    @Test func canvasesReusingPooledMemoryStartWhiteAndDrawTheSame() throws {
        // A canvas's image and coverage buffer go to a pool when it is released; the next canvas of
        // that size must still start all white, and the same stroke must give the same pixels.
        let zigzag = Path.polyline((0..<40).map { Point(3 + Double($0) * 3, $0 % 2 == 0 ? 5.5 : 40.25) })
        func drawn(dark: Bool) throws -> [Color?] {
            let canvas = try PNGCanvas(width: 123, height: 45)
            let before = (0..<45).flatMap { y in (0..<123).map { canvas.pixel(x: $0, y: y) } }
            #expect(before.allSatisfy { $0 == .white })
            if dark { canvas.fill(.rectangle(Rect(x: 0, y: 0, width: 123, height: 45)), color: .black) }
            canvas.stroke(zigzag, style: StrokeStyle(color: Color(hex: 0x1f77b4), width: 1.5))
            return (0..<45).flatMap { y in (0..<123).map { canvas.pixel(x: $0, y: y) } }
        }
        let first = try drawn(dark: false)
        _ = try drawn(dark: true)
        let again = try drawn(dark: false)
        #expect(first.filter { $0 != .white }.count > 200)
        #expect(first == again)
    }

    @Test func missingFontIsReportedWithItsPath() throws {
        let canvas = try PNGCanvas(width: 50, height: 50, fontPath: "/no/such/font.ttf")
        canvas.drawText("x", at: Point(10, 10), style: TextStyle(size: 10))
        do {
            try canvas.finish()
            Issue.record("finish did not report the missing font")
        } catch let error as PlotError {
            #expect(error.message.contains("/no/such/font.ttf"))
        }
    }

    @Test func fontIsFound() throws {
        let path = try FontLocator.dejaVuSans()
        #expect(path.hasSuffix("DejaVuSans.ttf"))
    }

    @Test func badSizeIsAnError() {
        #expect(throws: PlotError("png: size 0x10 must be 1...20000 pixels each way")) { try PNGCanvas(width: 0, height: 10) }
    }

    // MARK: Fixtures

    func lossFigure() throws -> Figure {
        var figure = try Figure(width: 800, height: 600)
        figure.axes = Axes(title: "Loss", xLabel: "step", yLabel: "loss")
        try figure.axes.plot((0..<1000).map { 3 * exp(-Double($0) / 200) + 0.1 * sin(Double($0)) }, label: "train")
        try figure.axes.plot((0..<1000).map { 3.2 * exp(-Double($0) / 220) }, label: "val", dash: [6, 3])
        return figure
    }

    func heatmapFigure() throws -> Figure {
        var figure = try Figure(width: 800, height: 600)
        try figure.axes.heatmap((0..<64).map { row in (0..<8).map { column in sin(Double(row * 8 + column)) } },
                                colormap: .diverging, colorbarLabel: "value")
        return figure
    }
}
