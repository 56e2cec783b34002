import Testing
import Plotting

// The terminal preview: widths, labels, min/max, and ANSI colours only when asked.

@Suite struct TerminalPreviewTests {
    static func visibleWidth(_ line: Substring) -> Int {
        // Drop ANSI escape sequences (ESC [ ... m) before counting characters.
        var count = 0, inEscape = false
        for character in line {
            if character == "\u{1B}" { inEscape = true; continue }
            if inEscape { if character == "m" { inEscape = false }; continue }
            count += 1
        }
        return count
    }

    @Test func everyChartKindFitsEightyColumns() throws {
        for (name, figure) in try ChartFixtures.all(width: 800, height: 600) {
            for useColor in [false, true] {
                let text = figure.terminalPreview(columns: 80, useColor: useColor)
                for line in text.split(separator: "\n") {
                    #expect(Self.visibleWidth(line) <= 80, "\(name): \(Self.visibleWidth(line)) columns: \(line)")
                }
            }
        }
    }

    @Test func lineSketchShowsMinMaxAndLegend() throws {
        var figure = try Figure()
        try figure.axes.plot([3, 1, 4, 1, 5], label: "pi digits")
        try figure.axes.plot([2, 7, 1, 8, 2], label: "e digits")
        let text = figure.terminalPreview(useColor: false)
        let lines = text.split(separator: "\n")
        #expect(lines.first { $0.hasPrefix("8 \u{2502}") } != nil)   // maximum on the top row
        #expect(lines.first { $0.hasPrefix("1 \u{2502}") } != nil)   // minimum on the bottom row
        #expect(text.contains("pi digits") && text.contains("e digits"))
        #expect(text.unicodeScalars.contains { $0.value > 0x2800 && $0.value <= 0x28FF })
        #expect(!text.contains("\u{1B}"))
    }

    @Test func barsScaleToTheLargestValue() throws {
        var figure = try Figure()
        try figure.axes.bar([1, 2, 4], labels: ["a", "b", "c"])
        let lines = figure.terminalPreview(columns: 40, useColor: false).split(separator: "\n")
        let bars = lines.filter { $0.hasPrefix("a ") || $0.hasPrefix("b ") || $0.hasPrefix("c ") }
        #expect(bars.count == 3)
        let lengths = bars.map { line in line.filter { $0 == "\u{2588}" }.count }
        // Bar width is 40 - 1 - 1 - 3 = 35 columns for the largest bar; half and quarter for the others.
        #expect(lengths == [8, 17, 35])
    }

    @Test func heatmapUsesTwoRowsPerLineAndAnsiColours() throws {
        var figure = try Figure()
        try figure.axes.heatmap((0..<64).map { row in (0..<8).map { Double(row * 8 + $0) } })
        let colored = figure.terminalPreview()
        #expect(colored.contains("\u{1B}[38;5;"))
        #expect(colored.contains("\u{2580}"))
        let cellLines = colored.split(separator: "\n").filter { $0.contains("\u{2580}") }
        #expect(cellLines.count == 32)
    }

    @Test func ansiCubeMapping() {
        #expect(TerminalPreview.ansiIndex(.black) == 16)
        #expect(TerminalPreview.ansiIndex(.white) == 231)
        #expect(TerminalPreview.ansiIndex(Color(hex: 0xff0000)) == 196)
    }
}
