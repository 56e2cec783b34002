// Writes the three exports of an executed lesson into one folder.
import Foundation

/// A file that could not be written during export.
public struct ExportError: Error, Equatable, CustomStringConvertible {
    /// The path that failed.
    public var path: String
    /// Why, as the system said it.
    public var reason: String

    public var description: String { "cannot write \(path): \(reason)" }
}

/// Writes `NAME.md` (+ `NAME_files/*.png`), `NAME.html` and `NAME.ipynb` for an executed lesson.
public enum LessonExporter {
    /// The folder beside the Markdown file that holds its charts: "01-tour_files", as nbconvert names it.
    public static func imageFolderName(for lesson: Lesson) -> String { "\(lesson.name)_files" }

    /// Writes every export into `directory` (created if needed) and returns the written paths, in order.
    @discardableResult
    public static func export(_ executed: ExecutedLesson, to directory: URL) throws -> [URL] {
        let name = executed.lesson.name
        let imageFolder = imageFolderName(for: executed.lesson)
        var written: [URL] = []

        try createDirectory(directory)
        let markdown = MarkdownExport.render(executed, imageFolder: imageFolder)
        if !markdown.images.isEmpty {
            let folder = directory.appendingPathComponent(imageFolder)
            try createDirectory(folder)
            for image in markdown.images {
                let file = folder.appendingPathComponent(image.fileName)
                try write(image.png, to: file)
                written.append(file)
            }
        }
        let outputs: [(String, String)] = [
            ("\(name).md", markdown.markdown),
            ("\(name).html", HTMLExport.render(executed)),
            ("\(name).ipynb", JupyterExport.render(executed)),
        ]
        for (fileName, text) in outputs {
            let file = directory.appendingPathComponent(fileName)
            try write(Data(text.utf8), to: file)
            written.append(file)
        }
        return written
    }

    private static func createDirectory(_ url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw ExportError(path: url.path, reason: error.localizedDescription)
        }
    }

    private static func write(_ data: Data, to url: URL) throws {
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw ExportError(path: url.path, reason: error.localizedDescription)
        }
    }
}
