import Foundation
import Testing
import Plotting

// Layout: nothing clipped, nothing overlapping, at 800x600 and at 400x300, for every chart kind.

@Suite struct LayoutTests {
    static let sizes = [(800, 600), (400, 300)]

    static func drawn(_ figure: Figure) throws -> RecordingCanvas {
        var canvas = RecordingCanvas(width: Double(figure.width), height: Double(figure.height))
        try figure.draw(on: &canvas)
        return canvas
    }

    @Test(arguments: sizes)
    func textStaysInsideTheFigure(width: Int, height: Int) throws {
        for (name, figure) in try ChartFixtures.all(width: width, height: height) {
            let page = Rect(x: 0, y: 0, width: Double(width), height: Double(height))
            for (text, box) in try Self.drawn(figure).textBoxes {
                #expect(page.contains(box, tolerance: 0.5), "\(name) \(width)x\(height): '\(text)' at \(box) is clipped")
            }
        }
    }

    @Test(arguments: sizes)
    func textsNeverOverlap(width: Int, height: Int) throws {
        for (name, figure) in try ChartFixtures.all(width: width, height: height) {
            let boxes = try Self.drawn(figure).textCorners
            for first in boxes.indices {
                for second in boxes.indices where second > first {
                    let overlap = Self.overlapDepth(boxes[first].corners, boxes[second].corners)
                    // One pixel of slack: anti-aliased edges may touch.
                    #expect(overlap < 1, "\(name) \(width)x\(height): '\(boxes[first].text)' overlaps '\(boxes[second].text)'")
                }
            }
        }
    }

    /// How deep two convex quads overlap along their least-overlapping axis (separating axis
    /// theorem); zero or negative when they are apart. Rotated labels need this, not bounding boxes.
    static func overlapDepth(_ first: [Point], _ second: [Point]) -> Double {
        var smallest = Double.infinity
        for quad in [first, second] {
            for index in quad.indices {
                let a = quad[index], b = quad[(index + 1) % quad.count]
                let length = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
                guard length > 0 else { continue }
                let axis = Point(-(b.y - a.y) / length, (b.x - a.x) / length)
                let p = first.map { $0.x * axis.x + $0.y * axis.y }, q = second.map { $0.x * axis.x + $0.y * axis.y }
                let depth = min((p.max() ?? 0) - (q.min() ?? 0), (q.max() ?? 0) - (p.min() ?? 0))
                smallest = min(smallest, depth)
            }
        }
        return smallest
    }

    @Test(arguments: sizes)
    func textIsEitherInsideOrOutsideThePlotArea(width: Int, height: Int) throws {
        for (name, figure) in try ChartFixtures.all(width: width, height: height) {
            let plots = FigureRenderer(figure: figure).layout().map(\.plotArea)
            for (text, box) in try Self.drawn(figure).textBoxes {
                for plot in plots where box.intersects(plot) {
                    // Legend entries and cell values live inside; everything else stays outside.
                    #expect(plot.contains(box, tolerance: 0.5), "\(name) \(width)x\(height): '\(text)' straddles the frame")
                }
            }
        }
    }

    @Test(arguments: sizes)
    func colorbarsAndLegendsFit(width: Int, height: Int) throws {
        let page = Rect(x: 0, y: 0, width: Double(width), height: Double(height))
        for (name, figure) in try ChartFixtures.all(width: width, height: height) {
            for layout in FigureRenderer(figure: figure).layout() {
                #expect(layout.panelArea.contains(layout.plotArea), "\(name): plot area leaves its panel")
                if let bar = layout.colorbarArea {
                    #expect(!bar.intersects(layout.plotArea), "\(name): colorbar overlaps the plot")
                    #expect(page.contains(bar), "\(name): colorbar clipped")
                }
                if let legend = layout.legendArea {
                    #expect(page.contains(legend), "\(name): legend clipped")
                }
            }
        }
    }

    @Test func manyRowsAreThinnedAndLongCategoriesRotate() throws {
        let heatmap = FigureRenderer(figure: try ChartFixtures.routerHeatmap()).layout()[0]
        #expect(heatmap.yAxis.ticks.count < 64)
        #expect(heatmap.yAxis.ticks.count >= 8)
        #expect(heatmap.yAxis.ticks.first?.label == "0")
        let bars = FigureRenderer(figure: try ChartFixtures.longCategoryBars()).layout()[0]
        #expect(bars.xAxis.labelAngle == 45)
        let small = FigureRenderer(figure: try ChartFixtures.longCategoryBars(width: 400, height: 300)).layout()[0]
        #expect(small.xAxis.labelAngle == 45)
    }

    @Test func legendAvoidsTheData() throws {
        // A line rising to the upper right: matplotlib's "best" moves the legend to the upper left.
        var figure = try Figure()
        try figure.axes.plot((0..<100).map { Double($0 * $0) }, label: "rising")
        let layout = FigureRenderer(figure: figure).layout()[0]
        let legend = try #require(layout.legendArea)
        #expect(legend.midX < layout.plotArea.midX)
        #expect(legend.midY < layout.plotArea.midY)
    }

    @Test func legendUsesAnEmptyEdgeMiddleWhenEveryCornerHasData() throws {
        // Points in all four corners and at the middle of the left and right edges: the first
        // empty candidate in matplotlib's order is the lower centre.
        var figure = try Figure()
        try figure.axes.scatter(x: [0, 0, 10, 10, 0, 10], y: [0, 10, 0, 10, 5, 5], groups: ["a", "a", "b", "b", "a", "b"])
        let layout = FigureRenderer(figure: figure).layout()[0]
        let legend = try #require(layout.legendArea)
        #expect(abs(legend.midX - layout.plotArea.midX) < 1)
        #expect(legend.midY > layout.plotArea.midY)
    }

    @Test func outsideLegendSitsRightOfThePlot() throws {
        var figure = try Figure()
        try figure.axes.plot([1, 2, 3], label: "a")
        figure.axes.legend = .outside
        let layout = FigureRenderer(figure: figure).layout()[0]
        let legend = try #require(layout.legendArea)
        #expect(legend.minX > layout.plotArea.maxX)
    }

    @Test func linesPastFixedLimitsAreClippedToTheFrame() throws {
        var figure = try Figure()
        try figure.axes.plot([0, 10, -10, 5])
        try figure.axes.setYLimits(-2, 2)
        let plot = FigureRenderer(figure: figure).layout()[0].plotArea
        let canvas = try LayoutTests.drawn(figure)
        let dataStroke = canvas.calls.compactMap { call -> Path? in
            if case .stroke(let path, let style) = call, style.color == Palette.color(0) { return path }
            return nil
        }
        let points = dataStroke.flatMap { $0.subpaths.flatMap(\.points) }
        #expect(!points.isEmpty)
        for point in points {
            #expect(point.x >= plot.minX - 1e-9 && point.x <= plot.maxX + 1e-9)
            #expect(point.y >= plot.minY - 1e-9 && point.y <= plot.maxY + 1e-9)
        }
    }
}
