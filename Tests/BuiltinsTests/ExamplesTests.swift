// Runs every script in Examples/ through an interpreter with the builtins, writing its charts
// into a temporary folder (the scripts read the global `out_dir`).

import Foundation
import Testing

@Suite struct ExamplesTests {
    /// The repository's Examples folder, found from this file's path.
    static let examples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Examples")

    /// Runs one example; returns what it printed and the folder its charts went to.
    static func run(_ name: String) throws -> (output: String, folder: URL) {
        let folder = try temporaryFolder()
        let source = try String(contentsOf: examples.appendingPathComponent(name), encoding: .utf8)
        let runner = ScriptRunner(outputDirectory: folder.path)
        return (try runner.run(source), folder)
    }

    @Test func everyExampleHasATest() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.examples.path)
            .filter { $0.hasSuffix(".seek") }.sorted()
        // experts.seek is run by ToyBuiltinsTests.expertsExampleWritesItsFourCharts.
        #expect(names == ["autograd-by-hand.seek", "charts.seek", "experts.seek", "gradient-check.seek", "train-mlp.seek"])
    }

    @Test func autogradByHand() throws {
        let (text, _) = try Self.run("autograd-by-hand.seek")
        // By hand: e = 2·(−3) + 10 = 4, L = 16, dL/de = 8 → dL/da = −24, dL/db = 16, dL/dc = 8.
        #expect(text == """
            e = 4, L = 16
            dL/da: by hand -24, by backward() -24
            dL/db: by hand 16, by backward() 16
            dL/dc: by hand 8, by backward() 8
            all gradients match

            """)
    }

    @Test func trainMLP() throws {
        let (text, folder) = try Self.run("train-mlp.seek")
        let losses = text.split(separator: "\n").filter { $0.hasPrefix("step ") }
            .compactMap { Double($0.split(separator: " ").last ?? "") }
        #expect(losses.count == 7)
        #expect(zip(losses, losses.dropFirst()).allSatisfy { $0 > $1 }, "loss goes down: \(losses)")
        let accuracyLine = text.split(separator: "\n").first { $0.hasPrefix("final accuracy: ") }
        let accuracy = accuracyLine.flatMap { Double($0.dropFirst("final accuracy: ".count).dropLast()) }
        #expect((accuracy ?? 0) >= 95, "\(text)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("train-mlp-loss.png").path))
        // Same seeds, same numbers.
        // (each run saves into its own folder, which the "saved <path>" line names)
        let again = try Self.run("train-mlp.seek")
        #expect(again.output.replacingOccurrences(of: again.folder.path, with: folder.path) == text)
    }

    @Test func gradientCheck() throws {
        let (text, _) = try Self.run("gradient-check.seek")
        let lines = text.split(separator: "\n")
        #expect(lines.count == 8)
        #expect(lines.prefix(7).allSatisfy { $0.hasSuffix(" ok") }, "\(text)")
        #expect(lines.last?.hasPrefix("detached factor: largest difference 2 ") == true, "\(text)")
    }

    @Test func charts() throws {
        let (text, folder) = try Self.run("charts.seek")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        // One "saved <path>" line per chart written, then the summary, whose count is the files written.
        let lines = text.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("saved \(folder.path)/") }.count == files.count, "one saved line per file written")
        #expect(lines.filter { !$0.hasPrefix("saved \(folder.path)/") } == ["wrote \(files.count) charts to \(folder.path)"])
        #expect(files == ["bar-grouped.svg", "bar.png", "grid.png", "grid.svg", "heatmap-diverging.svg", "heatmap.png",
                          "hist.png", "lines.png", "lines.svg", "scatter.png"])
    }
}
