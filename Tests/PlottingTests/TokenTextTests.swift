import Testing
@testable import Plotting

// The token-text panel (Mixtral's Figure 8 picture): boxes in reading order that wrap at the
// panel's edge and break at "\n", one fill per category in its tinted palette colour, a legend of
// every category, no ticks, and a terminal view that keeps the categories readable without colour.

@Suite struct TokenTextTests {
    static func series(_ tokens: [String], _ categories: [Int], names: Int = 3) -> TokenTextSeries {
        TokenTextSeries(tokens: tokens, categoryOfToken: categories, categoryNames: (0 ..< names).map { "expert \($0)" },
                        colors: (0 ..< names).map { Palette.color($0) })
    }

    @Test func boxesFlowLeftToRightAndWrapAtTheEdge() {
        let tokens = Array(repeating: "abcd", count: 12)
        let text = Self.series(tokens, Array(repeating: 0, count: 12))
        let width = FontMetrics.measure("abcd", size: 12).width
        // Room for a little over 3 tokens per row (the padding is half the font size on each side).
        let area = Rect(x: 0, y: 0, width: 12 + width * 3.5, height: 500)
        let layout = TokenTextLayout(text, in: area, fontSize: 12)
        #expect(layout.boxes.count == 12)
        #expect(layout.hidden == 0)
        let rows = Dictionary(grouping: layout.boxes, by: { $0.rect.minY })
        #expect(rows.count == 4)
        for box in layout.boxes {
            #expect(box.rect.minX >= area.minX && box.rect.maxX <= area.maxX + 1e-9)
            #expect(abs(box.rect.width - width) < 1e-9)
        }
        // Reading order: each box is right of its predecessor or starts a lower row.
        for (before, after) in zip(layout.boxes, layout.boxes.dropFirst()) {
            #expect(after.rect.minY > before.rect.minY || after.rect.minX >= before.rect.maxX - 1e-9)
        }
    }

    @Test func aNewlineTokenEndsTheRowAndFullAreasCountWhatIsLeft() {
        let text = Self.series(["a", "\n", "b", "c", "\n", "d"], [0, 0, 1, 1, 2, 2])
        let layout = TokenTextLayout(text, in: Rect(x: 0, y: 0, width: 400, height: 400), fontSize: 12)
        let rowOf = layout.boxes.map(\.rect.minY)
        #expect(rowOf[0] == rowOf[1] && rowOf[1] < rowOf[2] && rowOf[2] == rowOf[3] && rowOf[4] < rowOf[5])
        // A row and a half of height: the second row does not fit, so 4 tokens are hidden.
        let lineHeight = FontMetrics.measure("", size: 12).height * 1.35
        let short = TokenTextLayout(text, in: Rect(x: 0, y: 0, width: 400, height: 12 + lineHeight * 1.5), fontSize: 12)
        #expect(short.boxes.count == 2)
        #expect(short.hidden == 4)
    }

    @Test func eachCategoryIsFilledOnceInItsTintAndListedInTheLegend() throws {
        var figure = try Figure(width: 800, height: 300)
        try figure[0, 0].tokenText(["def", " ", "f", "(", "x", ")", ":"], categories: [0, 2, 0, 2, 0, 2, 0],
                                   names: ["expert 0", "expert 1", "expert 2"])
        var canvas = RecordingCanvas(width: 800, height: 300)
        try figure.draw(on: &canvas)
        let fills = canvas.calls.compactMap { call -> Color? in if case .fill(_, let color) = call { return color } else { return nil } }
        let tint0 = TokenTextSeries.tint(of: Palette.color(0)), tint2 = TokenTextSeries.tint(of: Palette.color(2))
        // One fill per category that has tokens: expert 1 has none, so its tint is drawn only as a legend patch.
        #expect(fills.filter { $0 == tint0 }.count == 2)   // boxes + legend patch
        #expect(fills.filter { $0 == tint2 }.count == 2)
        #expect(fills.filter { $0 == TokenTextSeries.tint(of: Palette.color(1)) }.count == 1)
        let texts = canvas.textBoxes.map(\.text)
        for token in ["def", "f", "(", "x", ")", ":", "expert 0", "expert 1", "expert 2"] { #expect(texts.contains(token)) }
        // No tick labels: the only texts are the tokens and the legend.
        #expect(texts.count == 6 + 3)
    }

    @Test func badInputNamesTheProblem() throws {
        var axes = Axes()
        #expect(throws: PlotError("token_text: 1 categories for 2 tokens")) { try axes.tokenText(["a", "b"], categories: [0], names: ["e"]) }
        #expect(throws: PlotError("token_text: category 3 is outside 0..<2")) {
            try axes.tokenText(["a"], categories: [3], names: ["e0", "e1"])
        }
        #expect(throws: PlotError("token_text: no tokens")) { try axes.tokenText([], categories: [], names: ["e"]) }
    }

    @Test func terminalViewWithoutColourWritesTheCategoryUnderEachToken() throws {
        var figure = try Figure(width: 800, height: 300)
        try figure[0, 0].tokenText(["ab", "c", "\n", "d"], categories: [1, 0, 0, 2], names: ["e0", "e1", "e2"])
        let lines = figure.terminalPreview(columns: 80, useColor: false).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.contains("abc\u{21B5}"))
        #expect(lines.contains("1 00"))
        #expect(lines.contains("d"))
        #expect(lines.contains("2"))
        #expect(lines.contains(" e0   e1   e2 "))
    }
}
