// The interpreter suite: ordinary programs (interp/NN-name.seek) beside their CPython twins
// (interp/NN-name.py), each timed as a whole program (compile + run, fresh globals) and checked
// to print the same text. Both run each round in a fresh process of their own. Reported as Seek's time over CPython's (below 1: Seek is faster).
import Foundation
import Script

/// Where the programs live: beside this file in the source tree (the bench runs from a checkout).
private let suiteDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("interp")

/// Runs of each program per round; the median over all rounds is reported.
private let suiteRuns = Int(ProcessInfo.processInfo.environment["MICROSEEK_INTERP_RUNS"] ?? "") ?? 7

/// Rounds per program, Seek's runs and CPython's alternating: a machine whose speed drifts (a
/// shared VM: the ratios of back-to-back blocks moved by up to ±40%) then slows both alike.
private let suiteRounds = max(1, Int(ProcessInfo.processInfo.environment["MICROSEEK_INTERP_ROUNDS"] ?? "") ?? 3)

/// `MICROSEEK_INTERP_ONLY=09` runs only the programs whose file name starts with it, and
/// `MICROSEEK_INTERP_NO_PYTHON=1` skips the twins (for profiling one program under callgrind/perf).
private let programFilter = ProcessInfo.processInfo.environment["MICROSEEK_INTERP_ONLY"]
private let skipPython = ProcessInfo.processInfo.environment["MICROSEEK_INTERP_NO_PYTHON"] != nil

/// Times a Python file the same way: compile + exec into fresh globals, output captured, CPU
/// seconds (time.process_time), median of `runs`; prints the output and the median as JSON.
private let pythonHarness = """
import contextlib, io, json, sys, time
path, runs = sys.argv[1], int(sys.argv[2])
source = open(path).read()
output, times = None, []
for _ in range(runs + 1):
    sink = io.StringIO()
    start = time.process_time()
    with contextlib.redirect_stdout(sink):
        exec(compile(source, path, "exec"), {"__name__": "__main__"})
    elapsed = time.process_time() - start
    if output is None: output = sink.getvalue()
    else: times.append(elapsed)
print(json.dumps({"output": output, "times": times}))
"""

/// One JSON line per program and a summary line with the geometric mean of the ratios.
func interpreterSuiteCase() throws -> [String] {
    let programs = try FileManager.default.contentsOfDirectory(atPath: suiteDirectory.path)
        .filter { $0.hasSuffix(".seek") }.sorted()
        .filter { file in programFilter.map { file.hasPrefix($0) } ?? true }
    var lines: [String] = []
    var logRatios: [Double] = []
    var logMinRatios: [Double] = []
    for file in programs {
        let name = String(file.dropLast(".seek".count))
        let pythonPath = suiteDirectory.appendingPathComponent(name + ".py").path
        var seekOutput = "", seekTimes: [Double] = []
        var pythonOutput: String?, pythonTimes: [Double] = []
        for round in 0 ..< suiteRounds {
            let (output, times) = try timeSeek(suiteDirectory.appendingPathComponent(file).path)
            if round == 0 { seekOutput = output }
            seekTimes += times
            guard !skipPython, let (twinOutput, twinTimes) = timePython(pythonPath) else { continue }
            if pythonOutput == nil { pythonOutput = twinOutput }
            pythonTimes += twinTimes
        }
        let seekSeconds = median(seekTimes), seekFastest = seekTimes.min() ?? 0
        var fields = ["\"bench\": \"interp\"", "\"program\": \"\(name)\"", "\"seek_s\": \(rounded(seekSeconds, 5))"]
        if let pythonOutput, !pythonTimes.isEmpty {
            let pythonSeconds = median(pythonTimes), pythonFastest = pythonTimes.min() ?? 0
            let ratio = seekSeconds / pythonSeconds
            logRatios.append(Foundation.log(ratio))
            logMinRatios.append(Foundation.log(seekFastest / pythonFastest))
            fields.append("\"cpython_s\": \(rounded(pythonSeconds, 5))")
            fields.append("\"seek_over_cpython\": \(rounded(ratio, 3))")
            // The fastest runs: under load (a shared machine) the least disturbed estimate.
            fields.append("\"fastest_seek_over_cpython\": \(rounded(seekFastest / pythonFastest, 3))")
            if pythonOutput != seekOutput {
                fields.append("\"output_differs\": \"seek \(jsonEscaped(seekOutput)) / cpython \(jsonEscaped(pythonOutput))\"")
            }
        }
        lines.append("{" + fields.joined(separator: ", ") + "}")
    }
    if !logRatios.isEmpty {
        let geometricMean = Foundation.exp(logRatios.reduce(0, +) / Double(logRatios.count))
        let fastestMean = Foundation.exp(logMinRatios.reduce(0, +) / Double(logMinRatios.count))
        lines.append("{\"bench\": \"interp\", \"programs\": \(logRatios.count), \"geomean_seek_over_cpython\": \(rounded(geometricMean, 3)), "
            + "\"geomean_fastest_seek_over_cpython\": \(rounded(fastestMean, 3))}")
    }
    return lines
}

/// What `source` printed and the CPU seconds of its `suiteRuns` timed runs (after one untimed
/// run), each compiling and running it in a fresh interpreter. Called in a child process
/// (`--interp-child`), one per round as CPython's twin gets: a process's speed on a shared VM
/// varies by up to ±30 % from one process to the next, so a round in a fresh process each gives
/// both sides the same draw of fast and slow processes.
func interpreterSuiteChild(path: String) throws -> String {
    let source = try String(contentsOfFile: path, encoding: .utf8)
    let name = URL(fileURLWithPath: path).lastPathComponent
    var output: String?
    var times: [Double] = []
    for _ in 0 ... suiteRuns {
        let interpreter = Interpreter()
        StandardLibrary.install(into: interpreter)
        var printed = ""
        interpreter.output = { printed += $0 }
        let start = cpuNow()
        _ = try interpreter.run(source, file: name)
        let elapsed = cpuNow() - start
        if output == nil { output = printed } else { times.append(elapsed) }
    }
    let object: [String: Any] = ["output": output ?? "", "times": times]
    let data = try JSONSerialization.data(withJSONObject: object)
    return String(decoding: data, as: UTF8.self)
}

/// One round of the Seek program in a child process of this bench (`--interp-child`).
private func timeSeek(_ path: String) throws -> (String, [Double]) {
    let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
    guard let result = timeChild(executable, ["--interp-child", path]) else {
        throw BenchError.usage("the Seek program \(path) failed in its child process")
    }
    return result
}

/// The twin's output and the CPU seconds of its `suiteRuns` timed runs, or nil when python3 is
/// missing or fails.
private func timePython(_ path: String) -> (String, [Double])? {
    timeChild("/usr/bin/env", ["python3", "-c", pythonHarness, path, String(suiteRuns)])
}

/// Runs a timing child and reads its one JSON object, `{"output": …, "times": […]}`; nil when
/// it cannot start, fails, or prints anything else.
private func timeChild(_ executable: String, _ arguments: [String]) -> (String, [Double])? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return nil }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0,
          let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
          let output = object["output"] as? String, let times = object["times"] as? [Double], !times.isEmpty else { return nil }
    return (output, times)
}

private func jsonEscaped(_ text: String) -> String {
    text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        .replacingOccurrences(of: "\n", with: "\\n")
}
