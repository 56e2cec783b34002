import ArgumentParser
import Foundation
import Notebook
import REPL

// MARK: - microseek lessons

extension Microseek {
    struct Lessons: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the guided lessons.")

        func run() throws {
            let library = try LessonAccess.library()
            do {
                print(try library.listing(), terminator: "")
            } catch {
                printError("microseek: \(error)")
                throw ExitCode(ExitCodes.unreadableInput)
            }
        }
    }
}

// MARK: - microseek lesson N

extension Microseek {
    struct LessonCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lesson",
            abstract: "Step through lesson N in the REPL, check it headless, or export it executed."
        )

        @ArgumentParser.Argument(help: "The lesson number (see `microseek lessons`).")
        var number: Int

        @Flag(help: "Run every cell; fail (exit 70) on the first error or failed assert.")
        var check = false

        @Option(help: "Run every cell and write Markdown (+ PNGs), HTML and a Jupyter notebook into DIR.")
        var export: String?

        @OptionGroup var seedOption: SeedOption

        func run() throws {
            let lesson = try LessonAccess.lesson(number)
            let outputDirectory = LessonAccess.outputDirectory(for: lesson, export: export, check: check)
            let kernel = SeekKernel(seed: seedOption.seed, lessonPath: lesson.path, outputDirectory: outputDirectory)
            let runner = LessonRunner(lesson: lesson, kernel: kernel)
            if check || export != nil {
                let failure = runner.runAll()
                if export == nil { try? FileManager.default.removeItem(atPath: outputDirectory) }
                if let export {
                    do {
                        let written = try LessonExporter.export(runner.executedLesson,
                                                                to: URL(fileURLWithPath: export))
                        for url in written { print("wrote \(url.path)") }
                    } catch {
                        printError("microseek: \(error)")
                        throw ExitCode(ExitCodes.runtimeError)
                    }
                }
                if let failure {
                    printError(failure.description)
                    throw ExitCode(ExitCodes.runtimeError)
                }
                if check { print("\(lesson.path): all \(runner.cellCount) cells ran, every check passed") }
                return
            }
            LessonAccess.step(runner, reader: LessonAccess.makeReader())
        }
    }
}

// MARK: - Shared by the command line and `:lesson N`

enum LessonAccess {
    /// The lesson's `out_dir`: the export's image folder (so a GIF a cell writes lands beside
    /// the PNGs), a throwaway folder for a bare `--check` (nothing left in the working folder),
    /// else the folder the stepper saves charts in.
    static func outputDirectory(for lesson: Lesson, export: String?, check: Bool) -> String {
        if let export {
            return URL(fileURLWithPath: export).appendingPathComponent(LessonExporter.imageFolderName(for: lesson)).path
        }
        if check {
            return FileManager.default.temporaryDirectory.appendingPathComponent("microseek-check-\(getpid())").path
        }
        return LessonStepper.defaultImageFolder(for: lesson)
    }

    /// The lesson library, or exit 66 with where it looked.
    static func library() throws -> LessonLibrary {
        do {
            return try LessonLibrary.locate()
        } catch {
            printError("microseek: \(error)")
            throw ExitCode(ExitCodes.unreadableInput)
        }
    }

    /// Lesson `number`, or exit 64 (no such lesson) / 66 (unreadable) with a clear message.
    static func lesson(_ number: Int) throws -> Lesson {
        let library = try library()
        do {
            return try library.lesson(number: number)
        } catch {
            printError("microseek: \(error)")
            throw ExitCode(ExitCodes.usage)
        }
    }

    /// A terminal line editor when stdin is a terminal, else plain lines.
    static func makeReader() -> LineReader {
        isatty(STDIN_FILENO) != 0
            ? EditLineReader(historyPath: nil, completion: { _ in [] })
            : PipeLineReader()
    }

    /// Steps a learner through a lesson over `reader`.
    static func step(_ runner: LessonRunner, reader: LineReader) {
        let environment = ProcessInfo.processInfo.environment
        let stepper = LessonStepper(
            runner: runner,
            imageFolder: LessonStepper.defaultImageFolder(for: runner.lesson),
            readLine: { prompt in readEntry(reader, prompt: prompt) },
            write: { text in FileHandle.standardOutput.write(Data(text.utf8)) },
            edit: { initial in editCell(initial, reader: reader, environment: environment) },
            color: TerminalStyle.detect(outputIsTerminal: isatty(STDOUT_FILENO) != 0, environment: environment).color)
        stepper.run()
    }

    /// `:edit`: the whole cell in `$VISUAL`/`$EDITOR` when one is set and a person is at the
    /// terminal, else the numbered multi-line edit in the line editor. nil cancels.
    static func editCell(_ initial: String, reader: LineReader, environment: [String: String]) -> String? {
        if reader.isInteractive, let command = CellEditor.editorCommand(environment: environment) {
            switch CellEditor.editInEditor(initial, command: command) {
            case .edited(let text): return text
            case .cancelled(let reason):
                printError(reason)
                return nil
            }
        }
        return CellEditor.editInLineEditor(initial, reader: reader) { text in
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }

    /// One complete entry, as the REPL reads it; each entry goes into the line editor's history.
    static func readEntry(_ reader: LineReader, prompt: String) -> String? {
        let entry = REPLSession.readEntry(from: reader, prompt: prompt)
        if let entry { reader.addHistory(entry) }
        return entry
    }
}

/// `:lesson N` inside the REPL: steps through a lesson in its own interpreter.
enum LessonSteppingCommand {
    static func install(in session: REPLSession, seed: UInt64) {
        session.addCommand("lesson", REPLSession.Command(
            usage: ":lesson N", summary: "step through lesson N (:quit returns here); :lessons lists them"
        ) { argument in
            guard let number = Int(argument) else {
                printError(":lesson needs a lesson number, e.g. :lesson 1")
                return
            }
            guard let lesson = try? LessonAccess.lesson(number) else { return }
            let runner = LessonRunner(lesson: lesson, kernel: SeekKernel(seed: seed, lessonPath: lesson.path,
                                                                         outputDirectory: LessonStepper.defaultImageFolder(for: lesson)))
            LessonAccess.step(runner, reader: session.reader)
            print("back in the REPL")
        })
        session.addCommand("lessons", REPLSession.Command(usage: ":lessons", summary: "list the guided lessons") { _ in
            guard let library = try? LessonAccess.library() else { return }
            do { print(try library.listing(), terminator: "") } catch { printError("\(error)") }
        })
    }
}
