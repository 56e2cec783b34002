import Foundation
import Testing
import TestSupport

/// `microseek lessons`, `lesson N --check` over every lesson, `--export`, and broken lessons.
@Suite("Lesson commands", .tags(.slow))
struct LessonCommandTests {
    /// The lesson files shipped in Lessons/, as (number, path).
    static let shippedLessons: [(Int, String)] = {
        let folder = Invocation.packageRoot.appendingPathComponent("Lessons")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().compactMap { name in
            guard name.hasSuffix(".md"), let number = Int(name.prefix(2)) else { return nil }
            return (number, "Lessons/" + name)
        }
    }()

    @Test func thereAreLessonsToCheck() {
        #expect(Self.shippedLessons.count >= 1)
        #expect(Self.shippedLessons.first?.0 == 1)
    }

    @Test(arguments: shippedLessons.map(\.0))
    func everyShippedLessonPassesItsChecks(number: Int) throws {
        let result = try Invocation.run(["lesson", String(number), "--check"])
        #expect(result.status == 0, "lesson \(number): \(result.errors)")
        #expect(result.output.contains("every check passed"))
    }

    @Test func listsLessonsWithTitlesFromAnyFolder() throws {
        // From /tmp the lessons are found beside the executable (.build/… inside the repository).
        let result = try Invocation.run(["lessons"], directory: URL(fileURLWithPath: NSTemporaryDirectory()))
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("A tour of microseek"))
    }

    @Test func exportWritesMarkdownWithImagesHTMLAndANotebook() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(getpid())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try Invocation.run(["lesson", "1", "--export", folder.path])
        #expect(result.status == 0, "\(result.errors)")

        let markdown = try String(contentsOf: folder.appendingPathComponent("01-tour.md"), encoding: .utf8)
        let images = markdown.components(separatedBy: "](").dropFirst()
            .compactMap { $0.split(separator: ")").first.map(String.init) }
            .filter { $0.hasSuffix(".png") }
        #expect(!images.isEmpty)
        for image in images {
            let data = try Data(contentsOf: folder.appendingPathComponent(image))
            #expect(data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "\(image) is a PNG")
        }

        let html = try String(contentsOf: folder.appendingPathComponent("01-tour.html"), encoding: .utf8)
        #expect(html.contains("data:image/png;base64,"))
        // Cell headers name the lesson relative to the lessons folder, never this machine's folders.
        #expect(html.contains("<span class=\"where\">cell 1 · 01-tour.md:"))
        #expect(!html.contains(Invocation.packageRoot.path) && !html.contains("Lessons/01-tour.md"))
        #expect(html.contains("<details class=\"solution\">"))
        #expect(html.contains("<h1"))

        let notebookText = try String(contentsOf: folder.appendingPathComponent("01-tour.ipynb"), encoding: .utf8)
        #expect(!notebookText.contains(Invocation.packageRoot.path))
        #expect(notebookText.contains("\"lesson\": \"01-tour.md\""))
        let notebookData = Data(notebookText.utf8)
        let notebook = try #require(try JSONSerialization.jsonObject(with: notebookData) as? [String: Any])
        #expect(notebook["nbformat"] as? Int == 4)
        #expect(notebook["nbformat_minor"] as? Int == 5)
        let cells = try #require(notebook["cells"] as? [[String: Any]])
        var sawImage = false
        for cell in cells {
            for key in ["id", "cell_type", "metadata", "source"] { #expect(cell[key] != nil, "cell lacks \(key)") }
            if cell["cell_type"] as? String == "code" {
                // An exercise's starting code is not run by an export: its solution is.
                let tags = (cell["metadata"] as? [String: Any])?["tags"] as? [String] ?? []
                #expect(cell["execution_count"] is Int || tags == ["exercise"])
                let outputs = try #require(cell["outputs"] as? [[String: Any]])
                for output in outputs {
                    if let data = output["data"] as? [String: Any], data["image/png"] is String { sawImage = true }
                }
            }
        }
        #expect(sawImage)
    }

    /// A lesson folder holding one lesson with the given cell code.
    func brokenLesson(_ cell: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lessons-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let text = "# Broken\n\nA lesson that fails.\n\n```seek\nx = 1\n```\n\nMore prose.\n\n```seek\n\(cell)\n```\n"
        try text.write(to: folder.appendingPathComponent("01-broken.md"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test(arguments: [
        ("y = (x +", "syntax error"),
        ("assert(x == 2, \"x should be two\")", "assertion failed: x should be two"),
        ("undefined_helper(1)", "undefined variable 'undefined_helper'"),
        ("plot([1, 2, 3], path=\"/proc/no-such-folder/chart.png\")", "/proc/no-such-folder/chart.png"),
    ])
    func aBrokenLessonNamesTheLessonLine(cell: String, expected: String) throws {
        let folder = try brokenLesson(cell)
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try Invocation.run(["lesson", "1", "--check"], environment: ["MICROSEEK_LESSONS": folder.path])
        #expect(result.status == 70)
        // The second cell's code starts on line 12 of the lesson file.
        #expect(result.errors.contains("01-broken.md:12"), "\(result.errors)")
        #expect(result.errors.contains("cell 2"))
        #expect(result.errors.contains(expected), "\(result.errors)")
    }

    /// A lesson whose cell writes a GIF into `out_dir`, as lesson 02's routing animation does.
    func animatingLesson() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lessons-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let cell = "animate(fn(step) { plot([0, step], width=200, height=150) }, steps=2, path=out_dir + \"/grow.gif\")"
        let text = "# Animated\n\nA lesson that writes a GIF.\n\n```seek\n\(cell)\n```\n"
        try text.write(to: folder.appendingPathComponent("01-animated.md"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test func aGIFWrittenToOutDirLandsBesideTheExportedPNGs() throws {
        let lessons = try animatingLesson()
        let export = FileManager.default.temporaryDirectory.appendingPathComponent("export-gif-\(UUID().uuidString)")
        defer {
            try? FileManager.default.removeItem(at: lessons)
            try? FileManager.default.removeItem(at: export)
        }
        let result = try Invocation.run(["lesson", "1", "--export", export.path], environment: ["MICROSEEK_LESSONS": lessons.path])
        #expect(result.status == 0, "\(result.errors)")
        let gif = try Data(contentsOf: export.appendingPathComponent("01-animated_files/grow.gif"))
        #expect(gif.prefix(6) == Data("GIF89a".utf8))
    }

    @Test func aBareCheckLeavesNoOutputInTheWorkingFolder() throws {
        let lessons = try animatingLesson()
        let workingFolder = FileManager.default.temporaryDirectory.appendingPathComponent("cwd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: workingFolder, withIntermediateDirectories: true)
        defer {
            try? FileManager.default.removeItem(at: lessons)
            try? FileManager.default.removeItem(at: workingFolder)
        }
        let result = try Invocation.run(["lesson", "1", "--check"], directory: workingFolder,
                                        environment: ["MICROSEEK_LESSONS": lessons.path])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("every check passed"))
        // Before lessons had their own out_dir, this left out/grow.gif in the working folder.
        #expect(try FileManager.default.contentsOfDirectory(atPath: workingFolder.path).isEmpty)
    }
}
