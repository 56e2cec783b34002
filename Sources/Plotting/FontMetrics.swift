// MARK: - Text metrics

/// The size of a piece of text, in the same units as its font size.
public struct TextMetrics: Sendable, Equatable {
    /// Advance width of the whole string.
    public var width: Double
    /// Height above the baseline (font ascent).
    public var ascent: Double
    /// Depth below the baseline (font descent, positive).
    public var descent: Double
    public var height: Double { ascent + descent }
}

/// DejaVu Sans metrics, embedded so every canvas lays text out identically.
///
/// Generated once with FreeType 2 from /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
/// (`FT_Load_Char(face, c, FT_LOAD_NO_SCALE)`, `face->glyph->advance.x`), in font units of a
/// 2048-unit em. Ascent 1901, descent 483 (the font's `hhea` values).
public enum FontMetrics {
    static let unitsPerEm = 2048.0
    static let ascentUnits = 1901.0
    static let descentUnits = 483.0

    /// Advances for U+0020 ... U+007E.
    static let asciiAdvances: [UInt16] = [
        651, 821, 942, 1716, 1303, 1946, 1597, 563, 799, 799, 1024, 1716, 651, 739, 651, 690,
        1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 690, 690, 1716, 1716, 1716, 1087,
        2048, 1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 604, 604, 1343, 1141, 1767, 1532, 1612,
        1235, 1612, 1423, 1300, 1251, 1499, 1401, 2025, 1403, 1251, 1403, 799, 690, 799, 1716, 1024,
        1024, 1255, 1300, 1126, 1300, 1260, 721, 1300, 1298, 569, 569, 1186, 569, 1995, 1298, 1253,
        1300, 1300, 842, 1067, 803, 1298, 1212, 1675, 1212, 1212, 1075, 1303, 690, 1303, 1716,
    ]

    /// A few non-ASCII characters charts use (minus sign, multiplication, ellipsis, Greek).
    static let otherAdvances: [Unicode.Scalar: UInt16] = [
        "\u{2212}": 1716, "\u{D7}": 1716, "\u{B7}": 651, "\u{2026}": 2048, "\u{B0}": 1024,
        "\u{3BC}": 1303, "\u{2013}": 1024, "\u{2014}": 2048, "\u{3B1}": 1350, "\u{3B2}": 1307,
        "\u{3C3}": 1298, "\u{3BB}": 1212,
    ]

    /// Width used for characters not in the tables: the average lowercase advance.
    static let fallbackAdvance: UInt16 = 1200

    /// Advance width of one character at `size`.
    public static func advance(of scalar: Unicode.Scalar, size: Double) -> Double {
        advanceUnits(scalar) * size / unitsPerEm
    }

    static func advanceUnits(_ scalar: Unicode.Scalar) -> Double {
        let value = scalar.value
        if value >= 32 && value < 127 { return Double(asciiAdvances[Int(value) - 32]) }
        return Double(otherAdvances[scalar] ?? fallbackAdvance)
    }

    /// Metrics of `text` set in DejaVu Sans at `size` (pixels per em).
    public static func measure(_ text: String, size: Double) -> TextMetrics {
        var units = 0.0
        for scalar in text.unicodeScalars { units += advanceUnits(scalar) }
        let scale = size / unitsPerEm
        return TextMetrics(width: units * scale, ascent: ascentUnits * scale, descent: descentUnits * scale)
    }
}
