// Every failure a person can cause while finding, reading or parsing lessons.

/// A problem with a lesson file or the Lessons folder; `description` is written for a person.
public enum LessonError: Error, Equatable, CustomStringConvertible {
    /// A fence opened on `line` is never closed.
    case unclosedFence(path: String, line: Int, fence: String)
    /// The file has no `# Title` heading outside fences.
    case missingTitle(path: String)
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// No Lessons folder in any searched place.
    case lessonsFolderNotFound(searched: [String])
    /// MICROSEEK_LESSONS names something that is not a folder.
    case environmentFolderMissing(path: String)
    /// The Lessons folder holds no `NN-slug.md` files.
    case noLessons(folder: String)
    /// No lesson has this number.
    case noSuchLesson(number: Int, available: [Int])
    /// Two files share a number.
    case duplicateNumber(number: Int, files: [String])
    /// A ```seek exercise cell opened on `line` has no ```seek solution fence right after it.
    case exerciseWithoutSolution(path: String, line: Int)
    /// A ```seek solution fence on `line` follows no exercise cell.
    case solutionWithoutExercise(path: String, line: Int)

    public var description: String {
        switch self {
        case .unclosedFence(let path, let line, let fence):
            return "\(path):\(line): the fence \(fence) opened here is never closed; "
                + "close it with \(String(repeating: String(fence.prefix(1)), count: fence.count)) on a line of its own"
        case .missingTitle(let path):
            return "\(path):1: a lesson starts with a title heading like '# Mixture of experts', and this one has none"
        case .unreadable(let path, let reason):
            return "cannot read lesson \(path): \(reason)"
        case .lessonsFolderNotFound(let searched):
            return "cannot find the Lessons folder; looked in:\n"
                + searched.map { "  \($0)" }.joined(separator: "\n")
                + "\nset MICROSEEK_LESSONS=/path/to/Lessons to choose one"
        case .environmentFolderMissing(let path):
            return "MICROSEEK_LESSONS=\(path) is not a folder"
        case .noLessons(let folder):
            return "no lessons in \(folder): lessons are files named like 01-tour.md"
        case .noSuchLesson(let number, let available):
            if available.isEmpty { return "no lesson \(number); there are no lessons" }
            return "no lesson \(number); lessons are \(Self.describeNumbers(available))"
        case .duplicateNumber(let number, let files):
            return "two lessons share the number \(number): \(files.joined(separator: ", "))"
        case .exerciseWithoutSolution(let path, let line):
            return "\(path):\(line): this exercise cell needs its reference solution in a ```seek solution "
                + "fence right after it (only blank lines or a <details> line may come between)"
        case .solutionWithoutExercise(let path, let line):
            return "\(path):\(line): a ```seek solution fence must follow a ```seek exercise cell"
        }
    }

    /// "1–3" for a contiguous run, "1, 2, 5" otherwise.
    static func describeNumbers(_ numbers: [Int]) -> String {
        let sorted = numbers.sorted()
        guard let first = sorted.first, let last = sorted.last else { return "none" }
        if sorted.count == 1 { return "\(first)" }
        if last - first + 1 == sorted.count { return "\(first)–\(last)" }
        return sorted.map(String.init).joined(separator: ", ")
    }
}
