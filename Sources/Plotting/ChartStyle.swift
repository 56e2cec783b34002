// Chart styles: the default look, "slides" for a projector (larger text, thicker lines, darker
// chrome) and "paper" for print (smaller, thinner). A style scales sizes; layout follows.

// MARK: - Style

/// How large and heavy a figure's text and lines are.
public struct ChartStyle: Sendable, Equatable {
    public var name: String
    /// Multiplies every font size and spacing.
    public var fontScale: Double
    /// Multiplies data line widths and marker sizes.
    public var lineScale: Double
    /// Width of the frame, ticks and grid lines.
    public var chromeWidth: Double
    public var gridColor: Color
    public var textColor: Color

    public static let standard = ChartStyle(name: "default", fontScale: 1, lineScale: 1, chromeWidth: 1,
                                            gridColor: Color(hex: 0xe6e6e6), textColor: Color(hex: 0x262626))
    /// For projectors: 1.4× text, 2× lines, black text, a darker grid.
    public static let slides = ChartStyle(name: "slides", fontScale: 1.4, lineScale: 2, chromeWidth: 2,
                                          gridColor: Color(hex: 0xcfcfcf), textColor: .black)
    /// For print: 0.85× text, thinner lines.
    public static let paper = ChartStyle(name: "paper", fontScale: 0.85, lineScale: 0.75, chromeWidth: 1,
                                         gridColor: Color(hex: 0xebebeb), textColor: Color(hex: 0x262626))

    public static let all: [ChartStyle] = [.standard, .slides, .paper]

    /// The style called `name` ("default", "slides", "paper"), nil for another name.
    public static func named(_ name: String) -> ChartStyle? { all.first { $0.name == name } }
}

extension ChartStyle {
    /// Titles and axis labels are black in every style.
    public var titleColor: Color { .black }
}
