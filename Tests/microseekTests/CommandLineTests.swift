import Foundation
import Testing

/// Runs the built `microseek` executable (it sits beside the test bundle) and captures its output.
struct Invocation {
    let status: Int32
    let output: String
    let errors: String

    static let executable: URL = {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("microseek")
    }()

    /// The repository root (for Lessons/ and Examples/).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func run(_ arguments: [String], input: String? = nil,
                    directory: URL = packageRoot, environment: [String: String] = [:]) throws -> Invocation {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var merged = ProcessInfo.processInfo.environment
        merged["NO_COLOR"] = "1"
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        let stdout = Pipe(), stderr = Pipe(), stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        // Read both pipes before waiting so a full pipe cannot block the child.
        let outputData = stdout.fileHandleForReading.readDataToEndOfFile()
        let errorData = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Invocation(status: process.terminationStatus,
                          output: String(decoding: outputData, as: UTF8.self),
                          errors: String(decoding: errorData, as: UTF8.self))
    }
}

@Suite("Command line")
struct CommandLineTests {
    @Test func versionAndHelp() throws {
        let version = try Invocation.run(["--version"])
        #expect(version.status == 0)
        let lines = version.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "0.1.0")
        // The second line names the BLAS kernel in use and who chose it.
        #expect(lines.count == 2 && lines[1].hasPrefix("BLAS: OpenBLAS") && lines[1].contains(", kernel "))
        let help = try Invocation.run(["--help"])
        #expect(help.status == 0)
        #expect(help.output.contains("lesson"))
        #expect(help.output.contains("Exit codes"))
    }

    @Test func evaluatesOneLineAndEchoesItsValue() throws {
        let result = try Invocation.run(["-e", "1+1"])
        #expect(result.status == 0)
        #expect(result.output == "2\n")
        let printed = try Invocation.run(["-e", "for i in range(3) { print(\"step \\(i)\") }"])
        #expect(printed.output == "step 0\nstep 1\nstep 2\n")
    }

    /// libgd and libzmq open on first use (a PNG, a kernel), not in every process: linked, they
    /// and the ~60 libraries they pull in were half of a 50 ms `-e`. With LD_DEBUG=files the
    /// dynamic loader names every library it opens, including those opened later by dlopen.
    @Test func chartAndKernelLibrariesLoadOnlyWhenUsed() throws {
        let plain = try Invocation.run(["-e", "1+1"], environment: ["LD_DEBUG": "files"])
        #expect(plain.status == 0 && plain.output == "2\n")
        #expect(plain.errors.contains("libopenblas"))   // the check sees what the loader opens
        #expect(!plain.errors.contains("libgd.so"))
        #expect(!plain.errors.contains("libzmq.so"))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("load-on-use-\(getpid()).png").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let chart = try Invocation.run(["-e", "plot([1, 2, 3], path=\"\(path)\")"], environment: ["LD_DEBUG": "files"])
        #expect(chart.status == 0)
        #expect(chart.errors.contains("libgd.so.3"))
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test func syntaxErrorExits65WithLineAndColumnOnStderr() throws {
        let result = try Invocation.run(["-e", "x = (1 +"])
        #expect(result.status == 65)
        #expect(result.output.isEmpty)
        #expect(result.errors.contains("<-e>:1:"))
        #expect(result.errors.contains("^"))
    }

    @Test func runtimeErrorExits70AndSuggestsANearName() throws {
        let result = try Invocation.run(["-e", "model = 1\nprint(modle)"])
        #expect(result.status == 70)
        #expect(result.errors.contains("<-e>:2:7"))
        #expect(result.errors.contains("did you mean 'model'?"))
    }

    @Test func runsAScriptFileAndNamesAMissingOne() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(getpid()).seek")
        try "fn f(n) { return n * 2 }\nprint(f(21))\n".write(to: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        let result = try Invocation.run(["run", path.path])
        #expect(result.status == 0)
        #expect(result.output == "42\n")
        let missing = try Invocation.run(["run", "/no/such/script.seek"])
        #expect(missing.status == 66)
        #expect(missing.errors.contains("/no/such/script.seek"))
    }

    /// `-e CODE` and `run FILE` skip ArgumentParser (QuickCommand.swift); any other spelling, such
    /// as the same command with `--seed 0`, is parsed by it. Both must behave the same: output,
    /// errors and exit status, for a value, a seeded draw, a syntax error and a runtime error.
    @Test func quickAndParsedCommandLinesAgree() throws {
        let codes = ["1 + 1", "print(randn(2, seed=3))\nrandn(1)", "x = (1 +", "model = 1\nprint(modle)"]
        for code in codes {
            let quick = try Invocation.run(["-e", code])
            let parsed = try Invocation.run(["--seed", "0", "-e", code])
            #expect(quick.status == parsed.status, "\(code)")
            #expect(quick.output == parsed.output && !(quick.output + quick.errors).isEmpty, "\(code)")
            #expect(quick.errors == parsed.errors, "\(code)")
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("quick-\(getpid()).seek")
        try "print(randn(1))\nprint(nope)\n".write(to: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        for file in [path.path, "/no/such/script.seek"] {
            let quick = try Invocation.run(["run", file])
            let parsed = try Invocation.run(["run", "--seed", "0", file])
            #expect(quick.status == parsed.status && quick.status != 0, "\(file)")
            #expect(quick.output == parsed.output && quick.errors == parsed.errors, "\(file)")
        }
        // A value that starts with "-" is left to ArgumentParser, which reads it as an option.
        #expect(try Invocation.run(["-e", "--help"]).status == (try Invocation.run(["--seed", "0", "-e", "--help"])).status)
    }

    @Test func readsAScriptFromAPipeWithoutPrompts() throws {
        let result = try Invocation.run([], input: "xs = [1, 2,\n 3]\nprint(len(xs))\nlen(xs)\n")
        #expect(result.status == 0)
        #expect(result.output == "3\n")
        let failing = try Invocation.run([], input: "print(1)\nprint(nope)\n")
        #expect(failing.status == 70)
        #expect(failing.output == "1\n")
        #expect(failing.errors.contains("<stdin>:2:7"))
    }

    @Test func usageErrorsExit64() throws {
        #expect(try Invocation.run(["--no-such-flag"]).status == 64)
        #expect(try Invocation.run(["lesson"]).status == 64)
        #expect(try Invocation.run(["lesson", "999"]).status == 64)
    }

    @Test func unseededScriptsPrintTheSameOnEveryRun() throws {
        let code = "fn f(n) { if n < 2 { return n }; return f(n - 1) + f(n - 2) }\nprint(f(15))"
        let first = try Invocation.run(["-e", code])
        let second = try Invocation.run(["-e", code])
        #expect(first.output == "610\n")
        #expect(first.output == second.output)
    }

    /// The whole start-up path on any CPU with AVX2 and FMA: told that OpenBLAS fell back to
    /// Prescott, microseek picks the best kernel, re-initialises OpenBLAS with it and checks it.
    /// A workplace's own OPENBLAS_CORETYPE is respected instead (and then nothing changes).
    @Test func aFallbackKernelIsReplacedBeforeTheFirstProduct() throws {
        let pretend = ["MICROSEEK_BLAS_PRETEND_DETECTED": "Prescott"]
        let version = try Invocation.run(["--version"], environment: pretend)
        #expect(version.status == 0)
        if let setting = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"], !setting.isEmpty {
            #expect(version.output.contains("(OPENBLAS_CORETYPE=\(setting))"))
            return
        }
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        guard let flags = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              flags.contains(" avx2 "), flags.contains(" fma ") else { return }
        #expect(version.output.contains("(chosen by microseek; OpenBLAS detected Prescott)"), "\(version.output)")
        #expect(version.output.contains("kernel Haswell") || version.output.contains("kernel SkylakeX"))
        // Scripts run as before on the new kernel, matmul included.
        let product = try Invocation.run(["-e", "(tensor([[1, 2], [3, 4]]) @ tensor([[5], [6]])).tolist()"],
                                         environment: pretend)
        #expect(product.output == "[[17], [39]]\n", "\(product.errors)")
    }
}
