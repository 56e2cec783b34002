// Finding the Lessons folder from anywhere, listing lessons, and loading one by number.
import Foundation
import Testing
@testable import Notebook

@Suite struct LessonLibraryTests {
    /// A fake repository: repo/Lessons with two lessons and a README, and repo/.build/debug.
    func makeRepository() throws -> URL {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("library-\(UUID().uuidString)").resolvingSymlinksInPath()
        let lessons = root.appendingPathComponent("repo/Lessons")
        try FileManager.default.createDirectory(at: lessons, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("repo/.build/debug"),
                                                withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("elsewhere/deep"),
                                                withIntermediateDirectories: true)
        try "# Syllabus\n".write(to: lessons.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        try "# A tour\n\nThe REPL, values\nand tensors.\n\n```seek\nx = 1\n```\n"
            .write(to: lessons.appendingPathComponent("01-tour.md"), atomically: true, encoding: .utf8)
        try "# Experts\n\nA router picks k of N experts.\n"
            .write(to: lessons.appendingPathComponent("02-experts.md"), atomically: true, encoding: .utf8)
        return root
    }

    @Test func findsLessonsFromASubfolderOfTheRepository() throws {
        let root = try makeRepository()
        let library = try LessonLibrary.locate(environment: [:],
                                               currentDirectory: root.appendingPathComponent("repo/.build"),
                                               executable: nil)
        #expect(library.folder.standardizedFileURL.path == root.appendingPathComponent("repo/Lessons").path)
    }

    @Test func findsLessonsBesideTheExecutableFromElsewhere() throws {
        let root = try makeRepository()
        let library = try LessonLibrary.locate(environment: [:],
                                               currentDirectory: root.appendingPathComponent("elsewhere/deep"),
                                               executable: root.appendingPathComponent("repo/.build/debug/microseek"))
        #expect(library.folder.standardizedFileURL.path == root.appendingPathComponent("repo/Lessons").path)
    }

    @Test func environmentVariableWinsAndMustBeAFolder() throws {
        let root = try makeRepository()
        let explicit = root.appendingPathComponent("repo/Lessons").path
        let library = try LessonLibrary.locate(environment: ["MICROSEEK_LESSONS": explicit],
                                               currentDirectory: root.appendingPathComponent("elsewhere"),
                                               executable: nil)
        #expect(library.folder.path == explicit)
        #expect(throws: LessonError.environmentFolderMissing(path: "/no/such/place")) {
            try LessonLibrary.locate(environment: ["MICROSEEK_LESSONS": "/no/such/place"],
                                     currentDirectory: root, executable: nil)
        }
    }

    @Test func notFoundListsWhereItLooked() throws {
        let root = try makeRepository()
        do {
            _ = try LessonLibrary.locate(environment: [:], currentDirectory: root.appendingPathComponent("elsewhere/deep"),
                                         executable: root.appendingPathComponent("elsewhere/bin/microseek"))
            Issue.record("expected lessonsFolderNotFound")
        } catch let error as LessonError {
            #expect(error.description.contains("cannot find the Lessons folder"))
            #expect(error.description.contains("\(root.path)/elsewhere/deep/Lessons and in each parent"))
            #expect(error.description.contains("MICROSEEK_LESSONS"))
        }
    }

    @Test func pathsInMessagesAreRelativeToTheCurrentDirectoryWhenBelowIt() {
        let file = URL(fileURLWithPath: "/work/repo/Lessons/01-tour.md")
        #expect(LessonLibrary.displayPath(of: file, currentDirectory: "/work/repo") == "Lessons/01-tour.md")
        #expect(LessonLibrary.displayPath(of: file, currentDirectory: "/work/repo/") == "Lessons/01-tour.md")
        #expect(LessonLibrary.displayPath(of: file, currentDirectory: "/work/repo/Lessons") == "01-tour.md")
        #expect(LessonLibrary.displayPath(of: file, currentDirectory: "/tmp") == "/work/repo/Lessons/01-tour.md")
        // A sibling folder whose name starts the same is not "below".
        #expect(LessonLibrary.displayPath(of: file, currentDirectory: "/work/re") == "/work/repo/Lessons/01-tour.md")
    }

    @Test func listsEntriesWithTitlesAndSummaries() throws {
        let library = LessonLibrary(folder: try makeRepository().appendingPathComponent("repo/Lessons"))
        let entries = try library.entries()
        #expect(entries.map(\.number) == [1, 2])
        #expect(entries.map(\.name) == ["01-tour", "02-experts"])
        #expect(entries.map(\.title) == ["A tour", "Experts"])
        #expect(entries[0].summary == "The REPL, values and tensors.")
        #expect(try library.listing() == "1  A tour\n   The REPL, values and tensors.\n2  Experts\n   A router picks k of N experts.\n")
    }

    @Test func lessonByNumberAndClearErrors() throws {
        let folder = try makeRepository().appendingPathComponent("repo/Lessons")
        let library = LessonLibrary(folder: folder)
        let lesson = try library.lesson(number: 1)
        // The temporary repository is not below the current directory: the path is absolute.
        #expect(lesson.path == folder.appendingPathComponent("01-tour.md").standardizedFileURL.path)
        #expect(lesson.cells.count == 1)
        #expect(throws: LessonError.noSuchLesson(number: 7, available: [1, 2])) { try library.lesson(number: 7) }
        #expect(LessonError.noSuchLesson(number: 7, available: [1, 2]).description == "no lesson 7; lessons are 1–2")
        #expect(LessonError.noSuchLesson(number: 3, available: [1, 2, 5]).description == "no lesson 3; lessons are 1, 2, 5")
    }

    @Test func duplicateNumbersAreAnError() throws {
        let folder = try makeRepository().appendingPathComponent("repo/Lessons")
        try "# Dup\n".write(to: folder.appendingPathComponent("2-again.md"), atomically: true, encoding: .utf8)
        #expect(throws: LessonError.duplicateNumber(number: 2, files: ["02-experts.md", "2-again.md"])) {
            try LessonLibrary(folder: folder).entries()
        }
    }

    @Test func lessonFileNames() {
        #expect(LessonLibrary.lessonNumber(fileName: "01-tour.md") == 1)
        #expect(LessonLibrary.lessonNumber(fileName: "12-grpo.md") == 12)
        #expect(LessonLibrary.lessonNumber(fileName: "README.md") == nil)
        #expect(LessonLibrary.lessonNumber(fileName: "01tour.md") == nil)
        #expect(LessonLibrary.lessonNumber(fileName: "01-tour.txt") == nil)
    }
}
