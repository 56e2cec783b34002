// Start-up of the executables: run OpenBLAS on the best kernel the CPU supports, check it, and
// say which kernel is in use (`microseek --version`, the bench's first line).
import CBLAS
import Foundation

/// The OpenBLAS kernel in use, and the once-per-process start-up that improves on a fallback.
///
/// OpenBLAS picks its kernel when the library is loaded, before any Swift code runs, from
/// `OPENBLAS_CORETYPE` or else from the CPU's model. So a better kernel can only take effect in
/// a new process image: `chooseAtStartup()` sets `OPENBLAS_CORETYPE` and re-executes the
/// program once (about as costly as starting it, a few milliseconds), before any input is read
/// or any product computed. The new process checks the kernel with small products whose exact
/// answer is known, and if they disagree re-executes once more on the core OpenBLAS had detected.
public enum BLASKernel {
    /// OpenBLAS's own variable naming a kernel; a value the user set is always respected.
    public static let coreTypeVariable = "OPENBLAS_CORETYPE"
    /// Set with `OPENBLAS_CORETYPE` when microseek chose the kernel (so the choice can be reported
    /// and checked, and is not mistaken for the user's).
    public static let chosenVariable = "MICROSEEK_BLAS_CHOSEN"
    /// The core OpenBLAS had detected before microseek's choice.
    public static let detectedVariable = "MICROSEEK_BLAS_DETECTED"
    /// Set when microseek's choice failed its check: the kernel that failed.
    public static let rejectedVariable = "MICROSEEK_BLAS_REJECTED"
    /// For tests on a CPU OpenBLAS recognises: start-up acts as if OpenBLAS had detected this core.
    public static let pretendVariable = "MICROSEEK_BLAS_PRETEND_DETECTED"

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
        "BLAS: \(configuration), kernel \(coreName) (\(origin(environment: environment)))"
    }

    /// How the kernel in use was chosen, from the start-up's variables.
    static func origin(environment: [String: String]) -> String {
        let setting = environment[coreTypeVariable] ?? ""
        if let rejected = environment[rejectedVariable], !rejected.isEmpty {
            return "\(rejected) failed its check; back on the detected core"
        }
        if !setting.isEmpty, environment[chosenVariable] == setting {
            let detected = environment[detectedVariable].map { "; OpenBLAS detected \($0)" } ?? ""
            return "chosen by microseek\(detected)"
        }
        if !setting.isEmpty { return "\(coreTypeVariable)=\(setting)" }
        return "detected by OpenBLAS"
    }

    // MARK: - Start-up

    /// Call first thing in an executable's main: moves OpenBLAS off a fallback kernel (see the
    /// type's documentation). Returns only when this process keeps its kernel.
    public static func chooseAtStartup() {
        let environment = ProcessInfo.processInfo.environment
        if let chosen = environment[chosenVariable], !chosen.isEmpty,
           environment[coreTypeVariable] == chosen {
            // The re-executed process: check the kernel before anything else uses it.
            if productsAgree() { return }
            let detected = environment[detectedVariable] ?? "Prescott"
            setenv(coreTypeVariable, detected, 1)
            setenv(rejectedVariable, chosen, 1)
            unsetenv(chosenVariable)
            reexecute()
            return
        }
        let detected = environment[pretendVariable].flatMap { $0.isEmpty ? nil : $0 } ?? coreName
        let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let decision = BLASKernelSelection.decide(detectedCore: detected,
                                                  features: cpuinfo.flatMap(CPUFeatures.init(cpuinfo:)),
                                                  userSetting: environment[coreTypeVariable])
        guard case .use(let kernel) = decision else { return }
        setenv(coreTypeVariable, kernel, 1)
        setenv(chosenVariable, kernel, 1)
        setenv(detectedVariable, detected, 1)
        reexecute()
    }

    /// Replaces the process image with the same program and arguments; if that fails, undoes the
    /// variables and carries on with the kernel already loaded.
    private static func reexecute() {
        let argv = CommandLine.unsafeArgv
        execv("/proc/self/exe", argv)
        unsetenv(chosenVariable)
        unsetenv(detectedVariable)
        if ProcessInfo.processInfo.environment[rejectedVariable] == nil { unsetenv(coreTypeVariable) }
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
