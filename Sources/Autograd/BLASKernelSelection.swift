// Which OpenBLAS kernel a CPU should run: a pure function of the CPU's features and of the core
// OpenBLAS detected, so it can be tested with feature sets of CPUs this machine is not.

// MARK: - CPU features

/// The instruction-set extensions a CPU reports, by their Linux `/proc/cpuinfo` flag names
/// (`avx512f`, `avx2`, `fma`, `pni` for SSE3, …).
public struct CPUFeatures: Sendable, Equatable {
    /// The flags, lowercased.
    public var flags: Set<String>

    /// Features from flag names.
    public init(flags: Set<String>) {
        self.flags = Set(flags.map { $0.lowercased() })
    }

    /// The flags of the first processor listed in `/proc/cpuinfo` text (the `flags` line);
    /// nil when the text has no such line (not Linux on x86-64, or an unreadable file).
    public init?(cpuinfo: String) {
        for line in cpuinfo.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: " \t") == "flags" else { continue }
            self.init(flags: Set(parts[1].split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)))
            return
        }
        return nil
    }

    /// True when every flag in `required` is present.
    public func has(_ required: Set<String>) -> Bool { required.isSubset(of: flags) }
}

extension Substring {
    fileprivate func trimmingCharacters(in characters: String) -> Substring {
        var text = self
        while let first = text.first, characters.contains(first) { text.removeFirst() }
        while let last = text.last, characters.contains(last) { text.removeLast() }
        return text
    }
}

// MARK: - Selection

/// Chooses the OpenBLAS kernel (an `OPENBLAS_CORETYPE` name) for a CPU.
///
/// Debian's OpenBLAS 0.3.21 is built with DYNAMIC_ARCH: it picks its kernels from the CPU's
/// family and model at load time, and for a model it does not know (Intel family 6 model 207,
/// with AVX-512) it falls back to Prescott's SSE3 kernels, 5–7× slower. The kernels themselves
/// need only instruction-set extensions, so the best one can be read off the CPU's flags.
public enum BLASKernelSelection {
    /// x86-64 kernels of OpenBLAS 0.3.21's DYNAMIC_ARCH build, best first, with the flags each
    /// needs. SkylakeX is the AVX-512 kernel (F, BW, DQ, VL); Haswell needs AVX2 and FMA.
    public static let ladder: [(kernel: String, requires: Set<String>)] = [
        ("SkylakeX", ["avx512f", "avx512bw", "avx512dq", "avx512vl", "avx2", "fma"]),
        ("Haswell", ["avx2", "fma", "avx"]),
        ("Sandybridge", ["avx"]),
        ("Nehalem", ["sse4_2", "ssse3"]),
        ("Core2", ["ssse3"]),
        ("Prescott", ["pni"]),
    ]

    /// How good each core name OpenBLAS may report is, on the ladder's scale (higher is better).
    /// Cores of the same generation share a rank: Zen runs Haswell's AVX2 kernels, so a Zen CPU
    /// without AVX-512 keeps what OpenBLAS chose. Names are compared lowercased.
    static let rank: [String: Int] = [
        "skylakex": 6, "cooperlake": 6, "sapphirerapids": 6,
        "haswell": 5, "zen": 5,
        "sandybridge": 4, "bulldozer": 4, "piledriver": 4, "steamroller": 4, "excavator": 4,
        "nehalem": 3, "barcelona": 3, "bobcat": 3,
        "core2": 2, "penryn": 2, "dunnington": 2, "atom": 2,
        "prescott": 1, "opteron": 1, "opteron_sse3": 1, "athlon": 1, "katmai": 1, "coppermine": 1,
        "northwood": 1, "banias": 1,
    ]

    /// The best kernel the CPU can run, or nil when it has none of the ladder's extensions.
    public static func bestKernel(for features: CPUFeatures) -> String? {
        ladder.first { features.has($0.requires) }?.kernel
    }

    /// What start-up should do about the kernel.
    public enum Decision: Sendable, Equatable {
        /// Leave OpenBLAS as it is (the reason, for messages and tests).
        case keep(String)
        /// Run with `OPENBLAS_CORETYPE` set to this kernel.
        case use(String)
    }

    /// The decision for a process that OpenBLAS loaded with `detectedCore`.
    ///
    /// - A user's `OPENBLAS_CORETYPE` (any non-empty value) is always kept.
    /// - Otherwise the best kernel the features allow replaces the detected core only when it is
    ///   better: a recognised CPU (Zen, Haswell, SkylakeX …) keeps OpenBLAS's own choice.
    public static func decide(detectedCore: String, features: CPUFeatures?, userSetting: String?) -> Decision {
        if let userSetting, !userSetting.isEmpty { return .keep("OPENBLAS_CORETYPE=\(userSetting) is set") }
        guard let features else { return .keep("the CPU's features are unknown") }
        guard let best = bestKernel(for: features) else { return .keep("the CPU has none of the kernels' extensions") }
        let detectedRank = rank[detectedCore.lowercased()] ?? 0
        let bestRank = rank[best.lowercased()] ?? 0
        guard bestRank > detectedRank else { return .keep("OpenBLAS chose \(detectedCore), as good as \(best)") }
        return .use(best)
    }
}
