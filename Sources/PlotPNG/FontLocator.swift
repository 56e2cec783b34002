import Foundation
import Plotting

// Finds DejaVu Sans, the font our embedded metrics were measured from.

// MARK: - Font lookup

/// Locates the DejaVu Sans TrueType file.
public enum FontLocator {
    /// Where distributions and Homebrew put DejaVu Sans, tried in order.
    static let knownPaths = [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",   // Debian, Ubuntu (fonts-dejavu-core)
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",            // Fedora, Alpine
        "/usr/share/fonts/TTF/DejaVuSans.ttf",               // Arch
        "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf", // Fedora (newer)
        "/usr/local/share/fonts/DejaVuSans.ttf",
        "/opt/homebrew/share/fonts/DejaVuSans.ttf",
        "/Library/Fonts/DejaVuSans.ttf",
    ]

    /// Font directories searched (recursively) when no known path exists: fontconfig's usual dirs.
    static var searchDirectories: [String] {
        let home = FileManager.default.homeDirectoryForCurrentUser.path
        return ["/usr/share/fonts", "/usr/local/share/fonts", home + "/.local/share/fonts", home + "/.fonts"]
    }

    /// The path of DejaVuSans.ttf; `MICROSEEK_FONT` overrides. Throws naming every place searched.
    public static func dejaVuSans() throws -> String {
        let fileManager = FileManager.default
        // getenv, not ProcessInfo's environment: that copies the whole environment into a
        // dictionary on every call, and every canvas asks.
        if let value = getenv("MICROSEEK_FONT"), case let override = String(cString: value), !override.isEmpty {
            guard fileManager.isReadableFile(atPath: override) else {
                throw PlotError("font: MICROSEEK_FONT=\(override) is not a readable file")
            }
            return override
        }
        if let found = knownPaths.first(where: fileManager.isReadableFile(atPath:)) { return found }
        for directory in searchDirectories {
            guard let walker = fileManager.enumerator(atPath: directory) else { continue }
            while let relative = walker.nextObject() as? String {
                if (relative as NSString).lastPathComponent == "DejaVuSans.ttf" {
                    return directory + "/" + relative
                }
            }
        }
        throw PlotError("font: DejaVu Sans (DejaVuSans.ttf) not found; looked at "
                        + (knownPaths + searchDirectories.map { $0 + "/**" }).joined(separator: ", ")
                        + ". Install fonts-dejavu-core or set MICROSEEK_FONT to a .ttf path")
    }
}
