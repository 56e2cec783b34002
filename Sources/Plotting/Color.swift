import Foundation

// MARK: - Color

/// An 8-bit sRGB colour with an opacity in 0...1.
public struct Color: Sendable, Equatable, Hashable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8
    public var alpha: Double

    public init(red: UInt8, green: UInt8, blue: UInt8, alpha: Double = 1) {
        self.red = red; self.green = green; self.blue = blue; self.alpha = alpha
    }

    /// A colour from 0xRRGGBB.
    public init(hex: UInt32, alpha: Double = 1) {
        self.init(red: UInt8((hex >> 16) & 0xff), green: UInt8((hex >> 8) & 0xff), blue: UInt8(hex & 0xff), alpha: alpha)
    }

    public static let black = Color(hex: 0x000000)
    public static let white = Color(hex: 0xffffff)
    /// matplotlib's default text and spine colour is black; we soften it a little for axes chrome.
    public static let axisGray = Color(hex: 0x333333)
    public static let gridGray = Color(hex: 0xb0b0b0)

    /// "#rrggbb", as SVG and CSS write it.
    public var hexString: String {
        String(format: "#%02x%02x%02x", red, green, blue)
    }

    /// The same colour with another opacity.
    public func withAlpha(_ alpha: Double) -> Color {
        Color(red: red, green: green, blue: blue, alpha: alpha)
    }

    /// Relative luminance (WCAG / sRGB), 0 for black to 1 for white.
    public var luminance: Double {
        func linear(_ channel: UInt8) -> Double {
            let value = Double(channel) / 255
            return value <= 0.03928 ? value / 12.92 : pow((value + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    }

    /// Black or white, whichever reads better on top of this colour.
    public var contrastingText: Color {
        // 0.179 is where black and white give equal WCAG contrast.
        luminance > 0.179 ? .black : .white
    }

    /// Linear interpolation in sRGB between `self` (t = 0) and `other` (t = 1).
    public func mixed(with other: Color, _ t: Double) -> Color {
        func channel(_ a: UInt8, _ b: UInt8) -> UInt8 {
            UInt8((Double(a) + (Double(b) - Double(a)) * t).rounded())
        }
        return Color(red: channel(red, other.red), green: channel(green, other.green),
                     blue: channel(blue, other.blue), alpha: alpha + (other.alpha - alpha) * t)
    }
}

// MARK: - Palette

/// The qualitative palette for series colours: matplotlib's tab10.
public enum Palette {
    /// The ten tab10 colours in matplotlib's order (blue, orange, green, red, ...).
    public static let tab10: [Color] = ColormapTables.tab10.map { Color(hex: $0) }

    /// The colour of the `index`-th series, cycling after ten.
    public static func color(_ index: Int) -> Color {
        tab10[((index % tab10.count) + tab10.count) % tab10.count]
    }
}

// MARK: - Colormap

/// A continuous map from 0...1 to colours.
public enum Colormap: String, Sendable, CaseIterable {
    /// Perceptually uniform, dark blue to yellow (matplotlib's default).
    case viridis
    /// Perceptually uniform, black through purple to light yellow.
    case magma
    /// Blue-white-red for signed data; white is the centre (zero).
    case diverging

    /// True when the map is meant to be centred at zero.
    public var isDiverging: Bool { self == .diverging }

    /// The colour at `fraction` (clamped to 0...1), interpolated between table entries.
    public func color(at fraction: Double) -> Color {
        let table: [UInt32]
        switch self {
        case .viridis: table = ColormapTables.viridis
        case .magma: table = ColormapTables.magma
        case .diverging: table = ColormapTables.blueWhiteRed
        }
        let clamped = fraction.isNaN ? 0 : min(1, max(0, fraction))
        let position = clamped * Double(table.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, table.count - 1)
        return Color(hex: table[lower]).mixed(with: Color(hex: table[upper]), position - Double(lower))
    }
}
