// Finds the Lessons folder wherever microseek runs from, lists lessons and loads one by number.
import Foundation

// MARK: - Entry

/// One lesson file in the library: its number, slug, title and one-line summary.
public struct LessonEntry: Sendable, Equatable {
    /// The number from the file name (`02-experts.md` → 2).
    public var number: Int
    /// The file name without extension, e.g. "02-experts" (also the name of its output folder).
    public var name: String
    /// The lesson's title.
    public var title: String
    /// The lesson's one-line summary.
    public var summary: String
    /// The file.
    public var file: URL
}

// MARK: - Library

/// The Lessons folder: where it is, what it holds, and how to load one lesson.
public struct LessonLibrary: Sendable {
    /// The environment variable that names the Lessons folder explicitly.
    public static let environmentVariable = "MICROSEEK_LESSONS"
    /// The folder's name when searched for.
    public static let folderName = "Lessons"

    /// The Lessons folder.
    public let folder: URL

    /// A library over a known folder.
    public init(folder: URL) {
        self.folder = folder
    }

    // MARK: Locating

    /// Finds the Lessons folder.
    ///
    /// Order: `$MICROSEEK_LESSONS` (an error if set but not a folder); `Lessons/` in the current
    /// directory and each parent; `Lessons/` (or `share/microseek/Lessons/`) beside the executable
    /// and each of its parents, since the binary lives in `.build/debug` inside the repository.
    /// A candidate counts only if it holds at least one `NN-slug.md`.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment,
                              currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                              executable: URL? = Self.currentExecutable()) throws -> LessonLibrary {
        if let explicit = environment[environmentVariable], !explicit.isEmpty {
            let url = URL(fileURLWithPath: explicit, relativeTo: currentDirectory).standardizedFileURL
            guard isDirectory(url) else { throw LessonError.environmentFolderMissing(path: explicit) }
            return LessonLibrary(folder: url)
        }
        var searched: [String] = ["$\(environmentVariable) (not set)"]
        var candidates: [URL] = []
        for directory in selfAndParents(of: currentDirectory.standardizedFileURL) {
            candidates.append(directory.appendingPathComponent(folderName))
        }
        searched.append("\(currentDirectory.path)/\(folderName) and in each parent")
        if let executable {
            let binaryFolder = executable.resolvingSymlinksInPath().deletingLastPathComponent().standardizedFileURL
            for directory in selfAndParents(of: binaryFolder) {
                candidates.append(directory.appendingPathComponent(folderName))
                candidates.append(directory.appendingPathComponent("share/microseek/\(folderName)"))
            }
            searched.append("\(binaryFolder.path)/\(folderName) (beside the executable) and in each parent")
        }
        for candidate in candidates where isDirectory(candidate) {
            let library = LessonLibrary(folder: candidate)
            if let files = try? library.lessonFiles(), !files.isEmpty { return library }
        }
        throw LessonError.lessonsFolderNotFound(searched: searched)
    }

    /// `file` relative to the current directory when it lies below it, else its absolute path.
    static func displayPath(of file: URL,
                            currentDirectory: String = FileManager.default.currentDirectoryPath) -> String {
        let full = file.standardizedFileURL.path
        let base = currentDirectory.hasSuffix("/") ? currentDirectory : currentDirectory + "/"
        return full.hasPrefix(base) ? String(full.dropFirst(base.count)) : full
    }

    /// The running executable's path, if the platform tells it.
    public static func currentExecutable() -> URL? {
        Bundle.main.executableURL ?? CommandLine.arguments.first.map { URL(fileURLWithPath: $0) }
    }

    // MARK: Listing

    /// Every lesson, sorted by number, with titles and summaries read from the files.
    public func entries() throws -> [LessonEntry] {
        try lessonFiles().map { number, file in
            let lesson = try load(file)
            return LessonEntry(number: number, name: file.deletingPathExtension().lastPathComponent,
                               title: lesson.title, summary: lesson.summary, file: file)
        }
    }

    /// The listing `microseek lessons` prints: number and title, summary indented below.
    public func listing() throws -> String {
        let entries = try entries()
        guard !entries.isEmpty else { throw LessonError.noLessons(folder: folder.path) }
        let width = String(entries.map(\.number).max() ?? 0).count
        return entries.map { entry in
            let number = String(repeating: " ", count: width - String(entry.number).count) + String(entry.number)
            let summary = entry.summary.isEmpty ? "" : "\n" + String(repeating: " ", count: width + 2) + entry.summary
            return "\(number)  \(entry.title)\(summary)"
        }.joined(separator: "\n") + "\n"
    }

    // MARK: Loading

    /// The lesson numbered `number` (1 finds `01-*.md`), parsed.
    public func lesson(number: Int) throws -> Lesson {
        try load(file(number: number))
    }

    /// The file of lesson `number`, or a clear error listing the numbers that exist.
    public func file(number: Int) throws -> URL {
        let files = try lessonFiles()
        guard let match = files.first(where: { $0.number == number }) else {
            throw LessonError.noSuchLesson(number: number, available: files.map(\.number))
        }
        return match.file
    }

    /// Reads and parses one file. Its path in messages is relative to the current directory when
    /// the file lies below it (`Lessons/NAME.md` from the repository root), else absolute, so
    /// the location an error names can be opened from where microseek was run.
    public func load(_ file: URL) throws -> Lesson {
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw LessonError.unreadable(path: file.path, reason: error.localizedDescription)
        }
        return try LessonParser.parse(text, path: Self.displayPath(of: file))
    }

    // MARK: Helpers

    /// `NN-slug.md` files with their numbers, sorted; two files with one number is an error.
    func lessonFiles() throws -> [(number: Int, file: URL)] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw LessonError.unreadable(path: folder.path, reason: error.localizedDescription)
        }
        var files: [(number: Int, file: URL)] = []
        for name in names.sorted() {
            guard let number = Self.lessonNumber(fileName: name) else { continue }
            if let existing = files.first(where: { $0.number == number }) {
                throw LessonError.duplicateNumber(number: number, files: [existing.file.lastPathComponent, name])
            }
            files.append((number, folder.appendingPathComponent(name)))
        }
        return files.sorted { $0.number < $1.number }
    }

    /// 2 for "02-experts.md"; nil for names that are not lessons (README.md, notes.txt).
    static func lessonNumber(fileName: String) -> Int? {
        guard fileName.hasSuffix(".md") else { return nil }
        let digits = fileName.prefix(while: { $0.isASCII && $0.isNumber })
        guard !digits.isEmpty, fileName.dropFirst(digits.count).first == "-" else { return nil }
        return Int(digits)
    }

    static func isDirectory(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    static func selfAndParents(of directory: URL) -> [URL] {
        var result: [URL] = []
        var current = directory
        while true {
            result.append(current)
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path || current.path == "/" { break }
            current = parent
        }
        return result
    }
}
