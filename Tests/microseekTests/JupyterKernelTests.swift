// The Jupyter kernel from the outside: the kernelspec it installs, its refusal of a bad connection
// file, and the real Jupyter client (jupyter_client) driving it end to end, when `.ci/run` has
// installed that client into .build/jupyter-venv.

import Foundation
import Testing
import TestSupport

@Suite struct JupyterKernelTests {
    /// The virtual environment `.ci/run` prepares, when its Python can import jupyter_client.
    static let python: URL? = {
        let python = Invocation.packageRoot.appendingPathComponent(".build/jupyter-venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else { return nil }
        let probe = Process()
        probe.executableURL = python
        probe.arguments = ["-c", "import jupyter_client, nbformat, nbclient"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return nil }
        probe.waitUntilExit()
        return probe.terminationStatus == 0 ? python : nil
    }()

    static func runPython(_ script: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        guard let python else { return (-1, "no python") }
        let process = Process()
        process.executableURL = python
        process.arguments = [Invocation.packageRoot.appendingPathComponent("Tests/KernelTests/\(script)").path] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func installWritesTheKernelspecWithALogo() throws {
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("seek-spec-\(UUID().uuidString)")
        let result = try Invocation.run(["kernel", "install", "--prefix", prefix.path])
        #expect(result.status == 0, "\(result.errors)")
        let spec = prefix.appendingPathComponent("share/jupyter/kernels/seek")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: spec.appendingPathComponent("kernel.json"))) as? [String: Any]
        let argv = json?["argv"] as? [String] ?? []
        #expect(argv.count == 4 && argv[0].hasPrefix("/") && argv[0].hasSuffix("/microseek"))
        #expect(Array(argv.dropFirst()) == ["kernel", "-f", "{connection_file}"])
        #expect(json?["language"] as? String == "seek" && json?["interrupt_mode"] as? String == "message")
        let logo = try Data(contentsOf: spec.appendingPathComponent("logo-64x64.png"))
        #expect(logo.starts(with: [0x89, 0x50, 0x4E, 0x47]), "the logo is a PNG")
        #expect(result.output.contains(spec.path))
    }

    @Test func aBadConnectionFileIsRefusedByName() throws {
        let missing = try Invocation.run(["kernel", "-f", "/nonexistent/connection.json"])
        #expect(missing.status == 64 && missing.errors.contains("/nonexistent/connection.json"))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("conn-\(UUID().uuidString).json")
        try Data(#"{"shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5, "signature_scheme": "hmac-md5"}"#.utf8).write(to: file)
        let scheme = try Invocation.run(["kernel", "-f", file.path])
        #expect(scheme.status == 64 && scheme.errors.contains("hmac-md5 is not supported"))
    }

    @Test(.tags(.slow), .enabled(if: JupyterKernelTests.python != nil,
                   "jupyter_client is not installed in .build/jupyter-venv (bash .ci/run installs it)"))
    func theRealJupyterClientDrivesTheKernel() throws {
        let (status, output) = try Self.runPython("jupyter_client_test.py", [Invocation.executable.path])
        #expect(status == 0, "\(output)")
        #expect(output.split(separator: "\n").last?.hasSuffix(" passed, 0 failed") == true, "\(output)")
    }

    @Test(.tags(.slow), .enabled(if: JupyterKernelTests.python != nil,
                   "nbconvert is not installed in .build/jupyter-venv (bash .ci/run installs it)"))
    func everyLessonNotebookExecutesUnderNbconvertAsExported() throws {
        let lessons = try FileManager.default.contentsOfDirectory(atPath: Invocation.packageRoot.appendingPathComponent("Lessons").path)
            .filter { $0.range(of: #"^\d\d-.*\.md$"#, options: .regularExpression) != nil }
            .map { String(Int($0.prefix(2)) ?? 0) }.sorted { Int($0) ?? 0 < Int($1) ?? 0 }
        #expect(!lessons.isEmpty)
        let (status, output) = try Self.runPython("nbconvert_lessons_test.py", [Invocation.executable.path] + lessons)
        #expect(status == 0, "\(output)")
        #expect(output.split(separator: "\n").last == "\(lessons.count) passed, 0 failed", "\(output)")
    }
}
