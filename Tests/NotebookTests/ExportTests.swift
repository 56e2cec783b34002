// Exports: golden files for Markdown, HTML and .ipynb, determinism, and the written folder.
import Foundation
import Testing
@testable import Notebook
import TestSupport

@Suite struct ExportTests {
    @Test func markdownMatchesGolden() throws {
        let rendering = MarkdownExport.render(try ExportFixture.executed(), imageFolder: "07-export_files")
        try GoldenFile.check(rendering.markdown, named: "07-export.md")
        #expect(rendering.images.map(\.fileName) == ["cell-02-1.png"])
    }

    @Test func htmlMatchesGolden() throws {
        try GoldenFile.check(HTMLExport.render(try ExportFixture.executed()), named: "07-export.html")
    }

    @Test func notebookMatchesGolden() throws {
        try GoldenFile.check(JupyterExport.render(try ExportFixture.executed()), named: "07-export.ipynb")
    }

    @Test func exportsAreByteForByteDeterministic() throws {
        let first = try ExportFixture.executed()
        let second = try ExportFixture.executed()
        #expect(MarkdownExport.render(first, imageFolder: "f") == MarkdownExport.render(second, imageFolder: "f"))
        #expect(HTMLExport.render(first) == HTMLExport.render(second))
        #expect(JupyterExport.render(first) == JupyterExport.render(second))
    }

    @Test func markdownExportParsesBackToTheSameCells() throws {
        let executed = try ExportFixture.executed()
        let markdown = MarkdownExport.render(executed, imageFolder: "x").markdown
        let reparsed = try LessonParser.parse(markdown, path: "again.md")
        #expect(reparsed.cells.map(\.code) == executed.cellCodes)
        #expect(reparsed.title == executed.lesson.title)
        #expect(markdown.contains("```text\n1\na<b & \"quoted\" µ\n[1, 2, 3]\n```\n"))
        #expect(markdown.contains("![loss curve](x/cell-02-1.png)\n"))
        #expect(markdown.contains("**Check failed:**\n\n```text\n07-export.md:34: cell 4: assertion failed: x == 2 (got 1)\n```\n"))
        #expect(markdown.contains("```seek\ny = x + 1\n```\n\n*(not run)*\n"))
        // The exercise keeps its marking and its folded solution, and parses back the same.
        #expect(reparsed.cells.map(\.solution?.code) == executed.lesson.cells.map(\.solution?.code))
        #expect(markdown.contains("```seek exercise\n# make z three\nz = 0\nassert z == 3\n```\n\n"
            + "<details><summary>Solution</summary>\n\n```seek solution\nz = 3\nprint z\nassert z == 3\n```\n\n</details>\n\n"
            + "*Output of the solution:*\n\n```text\n3\n```\n"))
    }

    @Test func htmlEscapesEmbedsAndHighlights() throws {
        let html = HTMLExport.render(try ExportFixture.executed())
        #expect(html.contains("<pre class=\"output\">1\na&lt;b &amp; &quot;quoted&quot; µ\n[1, 2, 3]</pre>"))
        #expect(html.contains("<img src=\"data:image/png;base64,\(FakeKernel.samplePNG.base64EncodedString())\" alt=\"loss curve\">"))
        #expect(html.contains("<span class=\"com\"># draw the loss</span>"))
        #expect(html.contains("<section class=\"cell check-failed\" id=\"cell-4\">"))
        #expect(html.contains("<pre class=\"error\">07-export.md:30: cell 3: error: file not found: data.csv"))
        // No machine path: cells and footer name the lesson relative to the lessons folder.
        #expect(html.contains("<span class=\"where\">cell 3 · 07-export.md:29</span>"))
        #expect(!html.contains("Lessons/"))
        #expect(html.contains("<section class=\"cell ok exercise\" id=\"cell-6\">"))
        #expect(html.contains("<details class=\"solution\"><summary>Solution (its output is below)</summary>"))
        #expect(html.contains("<h1>Exporting a lesson</h1>"))
        #expect(html.contains("<code class=\"language-python\">"))
        #expect(!html.contains("http://") && !html.contains("https://"), "the page must need nothing from the network")
    }

    @Test func exporterWritesEveryFileWithRelativeImageLinks() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)")
        let written = try LessonExporter.export(try ExportFixture.executed(), to: directory)
        #expect(written.map(\.lastPathComponent) == ["cell-02-1.png", "07-export.md", "07-export.html", "07-export.ipynb"])
        let markdown = try String(contentsOf: directory.appendingPathComponent("07-export.md"), encoding: .utf8)
        #expect(markdown.contains("](07-export_files/cell-02-1.png)"))
        let image = try Data(contentsOf: directory.appendingPathComponent("07-export_files/cell-02-1.png"))
        #expect(image == FakeKernel.samplePNG)
    }

    @Test func exportIntoAFileIsAClearError() throws {
        let blocker = FileManager.default.temporaryDirectory.appendingPathComponent("blocker-\(UUID().uuidString)")
        try Data("x".utf8).write(to: blocker)
        do {
            try LessonExporter.export(try ExportFixture.executed(), to: blocker)
            Issue.record("expected an export error")
        } catch let error as ExportError {
            #expect(error.description.hasPrefix("cannot write \(blocker.path)"))
        }
    }
}
