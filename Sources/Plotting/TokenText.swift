// A panel of text whose tokens sit on coloured boxes, one colour per category: the picture of
// Mixtral's Figure 8 (each token coloured by the expert its router picked first). The tokens flow
// left to right and wrap at the panel's edge like a paragraph; a token "\n" breaks the line. The
// panel has no axes: its legend names the categories.

// MARK: - Series

/// Tokens of a text, each on its category's colour.
public struct TokenTextSeries: Sendable, Equatable {
    /// Each token's text, in reading order ("\n" ends a line).
    public var tokens: [String]
    /// Index into `categoryNames` for each token.
    public var categoryOfToken: [Int]
    /// Legend names, one per category (every category is listed, used or not, so colours keep
    /// their meaning across figures).
    public var categoryNames: [String]
    /// Full-strength category colours; boxes use `tint(of:)` so black text stays readable.
    public var colors: [Color]

    /// The box colour of a category: its colour lightened, like a highlighter.
    public static func tint(of color: Color) -> Color { color.mixed(with: .white, 0.35) }

    /// How a token reads in the picture: a newline as "↵", other text as it is.
    static func shown(_ token: String) -> String { token == "\n" ? "\u{21B5}" : token }
}

// MARK: - Adding the panel

extension Axes {
    /// Shows `tokens` as a paragraph, each token on the colour of `categories[i]` (an index into
    /// `names`); the legend lists every name. Replaces grid and ticks: the panel is the text.
    public mutating func tokenText(_ tokens: [String], categories: [Int], names: [String], colorOffset: Int = 0) throws {
        guard !tokens.isEmpty else { throw PlotError("token_text: no tokens") }
        guard categories.count == tokens.count else {
            throw PlotError("token_text: \(categories.count) categories for \(tokens.count) tokens")
        }
        guard !names.isEmpty else { throw PlotError("token_text: no category names") }
        if let bad = categories.first(where: { $0 < 0 || $0 >= names.count }) {
            throw PlotError("token_text: category \(bad) is outside 0..<\(names.count)")
        }
        showGrid = false
        series.append(.tokenText(TokenTextSeries(tokens: tokens, categoryOfToken: categories, categoryNames: names,
                                                 colors: names.indices.map { Palette.color(colorOffset + $0) })))
    }

    /// The token-text series of this panel, if it has one.
    var tokenTextSeries: TokenTextSeries? {
        for case .tokenText(let text) in series { return text }
        return nil
    }
}

// MARK: - Layout

/// Where each token's box goes inside a plot area: rows of boxes, wrapped at the right edge.
/// Tokens that do not fit below the last row are counted in `hidden`.
struct TokenTextLayout: Equatable {
    struct Box: Equatable {
        var token: Int
        var rect: Rect
    }
    var boxes: [Box] = []
    /// Tokens left out because the area is full.
    var hidden = 0
    /// Font size of the tokens.
    var fontSize: Double

    init(_ text: TokenTextSeries, in area: Rect, fontSize: Double) {
        self.fontSize = fontSize
        let pad = fontSize * 0.5
        let lineHeight = FontMetrics.measure("", size: fontSize).height * 1.35
        // A space or an empty token still gets a box a learner can see.
        let minimumWidth = FontMetrics.measure("n", size: fontSize).width * 0.6
        var x = area.minX + pad, y = area.minY + pad
        for (index, token) in text.tokens.enumerated() {
            let width = max(minimumWidth, FontMetrics.measure(TokenTextSeries.shown(token), size: fontSize).width)
            if x + width > area.maxX - pad && x > area.minX + pad {
                x = area.minX + pad
                y += lineHeight
            }
            if y + lineHeight > area.maxY - pad + 0.01 {
                hidden = text.tokens.count - index
                break
            }
            boxes.append(Box(token: index, rect: Rect(x: x, y: y, width: width, height: lineHeight)))
            x += width
            if token == "\n" {
                x = area.minX + pad
                y += lineHeight
            }
        }
    }
}

// MARK: - Drawing

extension FigureRenderer {
    func drawTokenText<C: Canvas>(_ text: TokenTextSeries, layout: PanelLayout, on canvas: inout C) {
        let size = layout.metrics.tickSize * 1.15
        let placed = TokenTextLayout(text, in: layout.plotArea, fontSize: size)
        // One path per category keeps the canvas calls few (the PNG rasterizer fills each once).
        var paths = Array(repeating: Path(), count: text.categoryNames.count)
        for box in placed.boxes {
            paths[text.categoryOfToken[box.token]].elements += Path.rectangle(box.rect).elements
        }
        for (path, color) in zip(paths, text.colors) where !path.elements.isEmpty {
            canvas.fill(path, color: TokenTextSeries.tint(of: color))
        }
        let style = TextStyle(size: size, color: layout.metrics.style.textColor, vertical: .middle)
        for box in placed.boxes {
            let shown = TokenTextSeries.shown(text.tokens[box.token])
            guard !shown.allSatisfy({ $0 == " " }) else { continue }
            canvas.drawText(shown, at: Point(box.rect.minX, box.rect.midY), style: style)
        }
        if placed.hidden > 0 {
            let note = "… \(placed.hidden) more token\(placed.hidden == 1 ? "" : "s")"
            canvas.drawText(note, at: Point(layout.plotArea.maxX - size * 0.5, layout.plotArea.maxY - size * 0.4),
                            style: TextStyle(size: size * 0.85, color: Color(hex: 0x666666), horizontal: .end, vertical: .bottom))
        }
    }
}

// MARK: - Terminal preview

extension TerminalPreview {
    /// The tokens on their colours (ANSI backgrounds), wrapped at the preview width; without
    /// colour, each line of text is followed by a line giving each token's category number.
    func lines(_ text: TokenTextSeries) -> [String] {
        var lines: [String] = [], current = "", numbers = "", width = 0
        func flush() {
            lines.append(current)
            if !useColor { lines.append(numbers) }
            current = ""; numbers = ""; width = 0
        }
        for (token, category) in zip(text.tokens, text.categoryOfToken) {
            let shown = TokenTextSeries.shown(token)
            if width + shown.count > columns && width > 0 { flush() }
            current += cell(shown, foreground: .black, background: TokenTextSeries.tint(of: text.colors[category]))
            let label = String(category)
            numbers += label.count <= shown.count ? label.padding(toLength: shown.count, withPad: " ", startingAt: 0)
                                                  : String(repeating: "·", count: shown.count)
            width += shown.count
            if token == "\n" { flush() }
        }
        if width > 0 { flush() }
        let legend = zip(text.categoryNames, text.colors).map { name, color in
            cell(" \(name) ", foreground: .black, background: TokenTextSeries.tint(of: color))
        }
        return lines + [legend.joined(separator: " ")]
    }
}
