// The .ipynb export: nbformat 4.5 required keys and types, and Python-identical JSON bytes.
import Foundation
import Testing
@testable import Notebook

@Suite struct JupyterExportTests {
    func parsedNotebook() throws -> [String: Any] {
        let text = JupyterExport.render(try ExportFixture.executed())
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(object as? [String: Any])
    }

    // MARK: - nbformat 4.5

    @Test func topLevelHasTheRequiredKeysAndVersion() throws {
        let notebook = try parsedNotebook()
        #expect(Set(notebook.keys) == ["cells", "metadata", "nbformat", "nbformat_minor"])
        #expect(notebook["nbformat"] as? Int == 4)
        #expect(notebook["nbformat_minor"] as? Int == 5)
        let metadata = try #require(notebook["metadata"] as? [String: Any])
        let kernelspec = try #require(metadata["kernelspec"] as? [String: String])
        #expect(kernelspec["name"] == "seek" && kernelspec["display_name"] != nil)
        let languageInfo = try #require(metadata["language_info"] as? [String: String])
        #expect(languageInfo["name"] == "seek" && languageInfo["file_extension"] == ".seek")
        // The lesson relative to the lessons folder: no path of the machine it was made on.
        #expect((metadata["microseek"] as? [String: String])?["lesson"] == "07-export.md")
    }

    @Test func anExerciseIsItsStartingCodeThenItsCollapsedSolution() throws {
        let cells = try #require(try parsedNotebook()["cells"] as? [[String: Any]])
        let exercise = try #require(cells.first { $0["id"] as? String == "cell-6" })
        let solution = try #require(cells.first { $0["id"] as? String == "cell-6-solution" })
        #expect((exercise["source"] as? [String])?.joined() == "# make z three\nz = 0\nassert z == 3")
        #expect((exercise["metadata"] as? [String: Any])?["tags"] as? [String] == ["exercise"])
        #expect((exercise["outputs"] as? [Any])?.isEmpty == true)
        #expect((solution["source"] as? [String])?.joined() == "z = 3\nprint z\nassert z == 3")
        let metadata = try #require(solution["metadata"] as? [String: Any])
        #expect(metadata["tags"] as? [String] == ["solution"])
        #expect((metadata["jupyter"] as? [String: Bool])?["source_hidden"] == true)
        #expect(solution["execution_count"] as? Int == 5)
    }

    @Test func everyCellHasAValidUniqueIdAndTheRequiredKeys() throws {
        let cells = try #require(try parsedNotebook()["cells"] as? [[String: Any]])
        #expect(cells.count == 11) // 4 prose + 5 code + an exercise's two (starting code, solution)
        var ids: Set<String> = []
        for cell in cells {
            let id = try #require(cell["id"] as? String)
            #expect(id.range(of: "^[a-zA-Z0-9-_]+$", options: .regularExpression) != nil && (1...64).contains(id.count))
            #expect(ids.insert(id).inserted, "duplicate id \(id)")
            #expect(cell["metadata"] is [String: Any])
            let source = try #require(cell["source"] as? [String])
            #expect(source.dropLast().allSatisfy { $0.hasSuffix("\n") } && !(source.last ?? "").hasSuffix("\n"))
            switch cell["cell_type"] as? String {
            case "markdown":
                #expect(Set(cell.keys) == ["cell_type", "id", "metadata", "source"])
            case "code":
                #expect(Set(cell.keys) == ["cell_type", "execution_count", "id", "metadata", "outputs", "source"])
                #expect(cell["execution_count"] is Int || cell["execution_count"] is NSNull)
                for output in try #require(cell["outputs"] as? [[String: Any]]) { try checkOutput(output) }
            default:
                Issue.record("unexpected cell_type \(String(describing: cell["cell_type"]))")
            }
        }
        #expect(ids.contains("cell-1") && ids.contains("prose-1"))
    }

    /// The required keys of each nbformat 4 output type.
    func checkOutput(_ output: [String: Any]) throws {
        let type = try #require(output["output_type"] as? String)
        switch type {
        case "stream":
            #expect(Set(output.keys) == ["output_type", "name", "text"])
            #expect(output["name"] as? String == "stdout" && output["text"] is [String])
        case "execute_result":
            #expect(Set(output.keys) == ["output_type", "data", "metadata", "execution_count"])
            #expect(output["execution_count"] is Int)
            let data = try #require(output["data"] as? [String: Any])
            #expect(data["text/plain"] is [String])
        case "display_data":
            #expect(Set(output.keys) == ["output_type", "data", "metadata"])
            let data = try #require(output["data"] as? [String: Any])
            let base64 = try #require(data["image/png"] as? String)
            #expect(Data(base64Encoded: base64) == FakeKernel.samplePNG)
        case "error":
            #expect(Set(output.keys) == ["output_type", "ename", "evalue", "traceback"])
            #expect(output["ename"] is String && output["evalue"] is String && output["traceback"] is [String])
        default:
            Issue.record("unexpected output_type \(type)")
        }
    }

    @Test func outputsAreInKernelOrderWithTheRightTypes() throws {
        let cells = try #require(try parsedNotebook()["cells"] as? [[String: Any]])
        let codeCells = cells.filter { $0["cell_type"] as? String == "code" }
        let types = codeCells.map { cell in
            ((cell["outputs"] as? [[String: Any]]) ?? []).compactMap { $0["output_type"] as? String }
        }
        #expect(types == [["stream", "execute_result"], ["display_data"], ["stream", "error"], ["error"], [], [], ["stream"]])
        #expect(codeCells.map { $0["execution_count"] as? Int } == [1, 2, 3, 4, nil, nil, 5])
        let errors = codeCells.compactMap { ($0["outputs"] as? [[String: Any]])?.first { $0["output_type"] as? String == "error" } }
        #expect(errors.compactMap { $0["ename"] as? String } == ["RuntimeError", "AssertionError"])
    }

    // MARK: - JSON bytes

    @Test func stringsAreEscapedLikePythonsJSONModule() {
        // json.dumps("a\"b\\\n\t\x01\x08\x0c\x1fé\u2028", ensure_ascii=False), by hand and checked with python3.
        let value = JSONValue.string("a\"b\\\n\t\u{01}\u{08}\u{0C}\u{1F}é\u{2028}")
        #expect(JupyterJSON.serialize(value) == "\"a\\\"b\\\\\\n\\t\\u0001\\b\\f\\u001fé\u{2028}\"\n")
    }

    @Test func nestingEmptyContainersAndSortedKeys() {
        let value = JSONValue.object(["b": .array([.integer(1), .null, .boolean(true)]), "a": .object([:]), "B": .array([])])
        // json.dumps({"b": [1, None, True], "a": {}, "B": []}, sort_keys=True, indent=1)
        #expect(JupyterJSON.serialize(value) == "{\n \"B\": [],\n \"a\": {},\n \"b\": [\n  1,\n  null,\n  true\n ]\n}\n")
    }

    @Test func splitLinesMatchesPythonSplitlinesKeepends() {
        // "a\nb\r\nc\rd\u2028e\n".splitlines(True) == ['a\n', 'b\r\n', 'c\r', 'd\u2028', 'e\n']
        #expect(JupyterJSON.splitLines("a\nb\r\nc\rd\u{2028}e\n") == ["a\n", "b\r\n", "c\r", "d\u{2028}", "e\n"])
        #expect(JupyterJSON.splitLines("") == [])
        #expect(JupyterJSON.splitLines("one") == ["one"])
    }

    /// An independent check: Python re-serialises our file to the same bytes.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")))
    func pythonReserialisesTheNotebookToTheSameBytes() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("nb-\(UUID().uuidString).ipynb")
        let text = JupyterExport.render(try ExportFixture.executed())
        try Data(text.utf8).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", """
            import json, sys
            text = open(sys.argv[1], encoding="utf-8").read()
            again = json.dumps(json.loads(text), sort_keys=True, indent=1, ensure_ascii=False) + "\\n"
            sys.exit(0 if again == text else 1)
            """, file.path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
