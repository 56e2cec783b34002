// Start-up of the executables: run OpenBLAS on the best kernel the CPU supports, check it, and
// say which kernel is in use (`microseek --version`, the bench's first line).
import CBLAS
import Foundation

/// The OpenBLAS kernel in use, and the once-per-process start-up that improves on a fallback.
///
/// A DYNAMIC_ARCH OpenBLAS picks its kernel table when the library loads, from
/// `OPENBLAS_CORETYPE` or else from the CPU's model. Its exported `gotoblas_dynamic_quit()` and
/// `gotoblas_dynamic_init()` run that choice again, and the second reads `OPENBLAS_CORETYPE`
/// anew: `chooseAtStartup()` sets the variable for that one call (then removes it again, so
/// nothing leaks into child processes), re-initialises, and checks the new kernel with small
/// products whose exact answer is known. If the check fails, or the library did not take the
/// name, it re-initialises once more without the variable, which brings back the core OpenBLAS
/// detected. It runs before any product, on one thread, in well under a millisecond; a re-exec
/// of the program would cost a whole start-up (Foundation alone takes ~12 ms of CPU).
public enum BLASKernel {
    /// OpenBLAS's own variable naming a kernel; a value the user set is always respected.
    public static let coreTypeVariable = "OPENBLAS_CORETYPE"
    /// For tests on a CPU OpenBLAS recognises: start-up acts as if OpenBLAS had detected this core.
    public static let pretendVariable = "MICROSEEK_BLAS_PRETEND_DETECTED"

    /// What start-up did, for `summary()`.
    enum Origin: Sendable, Equatable {
        /// Nothing (yet): OpenBLAS's own choice, or the user's variable.
        case untouched
        /// microseek moved from `detected` to the kernel in use.
        case chosen(detected: String)
        /// microseek's choice failed its check and the detected core is back in use.
        case rejected(kernel: String)
    }

    private static let origin = LockedValue(Origin.untouched)

    // MARK: - What is in use

    /// The kernel OpenBLAS runs, e.g. "Zen", "SkylakeX", "Prescott".
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name).trimmingCharacters(in: .whitespaces)
    }

    /// OpenBLAS's build description, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64".
    public static var configuration: String {
        guard let text = openblas_get_config() else { return "OpenBLAS" }
        return String(cString: text).trimmingCharacters(in: .whitespaces)
    }

    /// One line for `--version` and the bench: the kernel and how it came to be chosen, e.g.
    /// "BLAS: OpenBLAS 0.3.21 …, kernel SkylakeX (chosen by microseek; OpenBLAS detected Prescott)".
    public static func summary(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        "BLAS: \(configuration), kernel \(coreName) (\(describe(origin.value, environment: environment)))"
    }

    /// How the kernel in use was chosen.
    static func describe(_ origin: Origin, environment: [String: String]) -> String {
        switch origin {
        case .chosen(let detected): return "chosen by microseek; OpenBLAS detected \(detected)"
        case .rejected(let kernel): return "microseek's choice \(kernel) failed its check; back on OpenBLAS's own"
        case .untouched:
            if let setting = environment[coreTypeVariable], !setting.isEmpty { return "\(coreTypeVariable)=\(setting)" }
            return "detected by OpenBLAS"
        }
    }

    // MARK: - Start-up

    /// Call first thing in an executable's main, before any product: moves OpenBLAS off a
    /// fallback kernel when the CPU supports a better one (see the type's documentation).
    public static func chooseAtStartup(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard origin.value == .untouched, configuration.contains("DYNAMIC_ARCH"),
              let reinitialize = DynamicArch.load() else { return }
        let detected = environment[pretendVariable].flatMap { $0.isEmpty ? nil : $0 } ?? coreName
        let decision = BLASKernelSelection.decide(detectedCore: detected, features: firstProcessorFeatures(),
                                                  userSetting: environment[coreTypeVariable])
        guard case .use(let kernel) = decision else { return }
        reinitialize(kernel)
        if coreName.lowercased() == kernel.lowercased() && productsAgree() {
            origin.value = .chosen(detected: detected)
        } else {
            reinitialize(nil)
            origin.value = .rejected(kernel: kernel)
        }
    }

    /// The first processor's flags from `/proc/cpuinfo`, read only as far as its `flags` line:
    /// the kernel writes the file as it is read, and on a machine with many cores the whole of
    /// it costs milliseconds. nil where there is no such file or line.
    static func firstProcessorFeatures() -> CPUFeatures? {
        guard let file = FileHandle(forReadingAtPath: "/proc/cpuinfo") else { return nil }
        defer { try? file.close() }
        var data = Data()
        while data.count < 65_536 {
            guard let chunk = try? file.read(upToCount: 8192), !chunk.isEmpty else { break }
            data.append(chunk)
            // Stop once a complete flags line is in.
            if let text = String(data: data, encoding: .utf8), let range = text.range(of: "\nflags"),
               text[range.upperBound...].contains("\n") {
                return CPUFeatures(cpuinfo: text)
            }
        }
        return CPUFeatures(cpuinfo: String(decoding: data, as: UTF8.self))
    }

    /// OpenBLAS's DYNAMIC_ARCH entry points, looked up at run time: a library built for one CPU
    /// lacks them, and then start-up leaves it alone.
    private enum DynamicArch {
        typealias Entry = @convention(c) () -> Void

        /// A function that re-runs OpenBLAS's kernel choice with `OPENBLAS_CORETYPE` set to the
        /// given name (nil: unset, OpenBLAS detects), or nil when the library has no such entries.
        static func load() -> ((String?) -> Void)? {
            guard let handle = dlopen(nil, RTLD_NOW),
                  let initAddress = dlsym(handle, "gotoblas_dynamic_init"),
                  let quitAddress = dlsym(handle, "gotoblas_dynamic_quit") else { return nil }
            let initialize = unsafeBitCast(initAddress, to: Entry.self)
            let quit = unsafeBitCast(quitAddress, to: Entry.self)
            return { kernel in
                if let kernel { setenv(coreTypeVariable, kernel, 1) }
                quit()
                initialize()
                // The variable was the user's to set, and they had not: leave it unset again.
                unsetenv(coreTypeVariable)
            }
        }
    }

    // MARK: - Check

    /// Computes small products of integer-valued matrices (plain and transposed, sizes past the
    /// kernels' unrolling) and compares them with a plain loop. Every partial sum is an integer
    /// below 2^24, so a correct kernel matches exactly whatever order it adds in.
    public static func productsAgree() -> Bool {
        for (m, n, k, transposeA, transposeB) in [(67, 53, 91, false, false), (40, 72, 33, true, true)] {
            let a = integerValues(count: m * k, seed: 1), b = integerValues(count: k * n, seed: 2)
            var product = [Float](repeating: -1, count: m * n)
            cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(n), Int32(k), 1, a, Int32(transposeA ? m : k), b, Int32(transposeB ? k : n),
                        0, &product, Int32(n))
            let reference = referenceProduct(a, b, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB)
            if !agree(product, reference) { return false }
        }
        return true
    }

    /// True when the two products are equal entry for entry (and of the same size).
    static func agree(_ product: [Float], _ reference: [Float]) -> Bool {
        product.count == reference.count && zip(product, reference).allSatisfy { $0 == $1 }
    }

    /// op(a) (m×k) · op(b) (k×n), row-major, by the textbook triple loop.
    static func referenceProduct(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int,
                                 transposeA: Bool, transposeB: Bool) -> [Float] {
        var result = [Float](repeating: 0, count: m * n)
        for row in 0 ..< m {
            for column in 0 ..< n {
                var sum: Float = 0
                for inner in 0 ..< k {
                    let left = transposeA ? a[inner * m + row] : a[row * k + inner]
                    let right = transposeB ? b[column * k + inner] : b[inner * n + column]
                    sum += left * right
                }
                result[row * n + column] = sum
            }
        }
        return result
    }

    /// Integers in -4…4 from a small linear congruential generator (deterministic, no state).
    static func integerValues(count: Int, seed: UInt64) -> [Float] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        return (0 ..< count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Int((state >> 33) % 9) - 4)
        }
    }
}
