// The BLAS kernel choice, fed CPU feature sets of machines this one is not; the start-up check;
// how the kernel in use is described.
@testable import Autograd
import Testing

@Suite struct BLASKernelSelectionTests {
    /// Flags as /proc/cpuinfo lists them on a few CPUs (the relevant subset).
    static let sapphireRapidsLike: Set<String> = ["pni", "ssse3", "sse4_1", "sse4_2", "avx", "avx2", "fma",
                                                  "avx512f", "avx512dq", "avx512bw", "avx512vl", "amx_tile"]
    static let zen2Like: Set<String> = ["pni", "ssse3", "sse4_1", "sse4_2", "avx", "avx2", "fma", "sse4a"]
    static let sandyBridgeLike: Set<String> = ["pni", "ssse3", "sse4_1", "sse4_2", "avx"]
    static let core2Like: Set<String> = ["pni", "ssse3"]

    @Test func bestKernelFollowsTheInstructionSets() {
        #expect(BLASKernelSelection.bestKernel(for: CPUFeatures(flags: Self.sapphireRapidsLike)) == "SkylakeX")
        #expect(BLASKernelSelection.bestKernel(for: CPUFeatures(flags: Self.zen2Like)) == "Haswell")
        #expect(BLASKernelSelection.bestKernel(for: CPUFeatures(flags: Self.sandyBridgeLike)) == "Sandybridge")
        #expect(BLASKernelSelection.bestKernel(for: CPUFeatures(flags: ["pni", "ssse3", "sse4_2"])) == "Nehalem")
        #expect(BLASKernelSelection.bestKernel(for: CPUFeatures(flags: Self.core2Like)) == "Core2")
        #expect(BLASKernelSelection.bestKernel(for: CPUFeatures(flags: ["pni"])) == "Prescott")
        #expect(BLASKernelSelection.bestKernel(for: CPUFeatures(flags: ["sse2"])) == nil)
    }

    @Test func avx512NeedsAllFourParts() {
        // AVX-512 F alone (Knights Landing has F but neither BW nor DQ nor VL) is not SkylakeX.
        var flags = Self.sapphireRapidsLike
        flags.remove("avx512bw")
        #expect(BLASKernelSelection.bestKernel(for: CPUFeatures(flags: flags)) == "Haswell")
        // AVX2 without FMA is not Haswell.
        #expect(BLASKernelSelection.bestKernel(for: CPUFeatures(flags: ["pni", "ssse3", "sse4_2", "avx", "avx2"])) == "Sandybridge")
    }

    @Test func anUnrecognisedAVX512CPUMovesOffPrescott() {
        let decision = BLASKernelSelection.decide(detectedCore: "Prescott",
                                                  features: CPUFeatures(flags: Self.sapphireRapidsLike), userSetting: nil)
        #expect(decision == .use("SkylakeX"))
        #expect(BLASKernelSelection.decide(detectedCore: "Prescott", features: CPUFeatures(flags: Self.zen2Like),
                                           userSetting: nil) == .use("Haswell"))
        // OpenBLAS's names come in any case; an unknown name counts as a fallback.
        #expect(BLASKernelSelection.decide(detectedCore: "unknown", features: CPUFeatures(flags: Self.sandyBridgeLike),
                                           userSetting: "") == .use("Sandybridge"))
    }

    @Test func aRecognisedCPUKeepsOpenBLASsChoice() {
        // This machine: an AMD EPYC that OpenBLAS runs as Zen, with AVX2 and FMA but no AVX-512.
        #expect(BLASKernelSelection.decide(detectedCore: "Zen", features: CPUFeatures(flags: Self.zen2Like),
                                           userSetting: nil) == .keep("OpenBLAS chose Zen, as good as Haswell"))
        #expect(BLASKernelSelection.decide(detectedCore: "SkylakeX", features: CPUFeatures(flags: Self.sapphireRapidsLike),
                                           userSetting: nil) == .keep("OpenBLAS chose SkylakeX, as good as SkylakeX"))
        // A better detected core than the flags suggest (Cooperlake adds BF16) is never lowered.
        #expect(BLASKernelSelection.decide(detectedCore: "Cooperlake", features: CPUFeatures(flags: Self.sapphireRapidsLike),
                                           userSetting: nil) == .keep("OpenBLAS chose Cooperlake, as good as SkylakeX"))
        #expect(BLASKernelSelection.decide(detectedCore: "Haswell", features: CPUFeatures(flags: Self.sandyBridgeLike),
                                           userSetting: nil) == .keep("OpenBLAS chose Haswell, as good as Sandybridge"))
    }

    @Test func theUsersSettingAlwaysWins() {
        #expect(BLASKernelSelection.decide(detectedCore: "Prescott", features: CPUFeatures(flags: Self.sapphireRapidsLike),
                                           userSetting: "Prescott") == .keep("OPENBLAS_CORETYPE=Prescott is set"))
        #expect(BLASKernelSelection.decide(detectedCore: "Prescott", features: nil, userSetting: nil)
                == .keep("the CPU's features are unknown"))
    }

    @Test func cpuinfoFlagsAreParsed() {
        let cpuinfo = """
        processor\t: 0
        vendor_id\t: GenuineIntel
        cpu family\t: 6
        model\t\t: 207
        flags\t\t: fpu sse2 pni ssse3 sse4_2 avx avx2 fma avx512f avx512dq avx512bw avx512vl amx_tile
        bugs\t\t: spectre_v1

        processor\t: 1
        flags\t\t: fpu
        """
        let features = CPUFeatures(cpuinfo: cpuinfo)
        #expect(features?.flags.contains("avx512vl") == true)
        #expect(features?.flags.contains("fpu") == true)
        #expect(features.map(BLASKernelSelection.bestKernel(for:)) == "SkylakeX")
        #expect(CPUFeatures(cpuinfo: "processor : 0\nBogoMIPS : 50\n") == nil)
        // This machine's, read only up to the first processor's flags line, matches the whole file.
        if let whole = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8), let expected = CPUFeatures(cpuinfo: whole) {
            #expect(BLASKernel.firstProcessorFeatures() == expected)
        }
    }

    @Test func theKernelInUseComputesExactProducts() {
        #expect(BLASKernel.productsAgree())
        // The check is exact: one unit off in one entry is a disagreement.
        let a = BLASKernel.integerValues(count: 6, seed: 1), b = BLASKernel.integerValues(count: 6, seed: 2)
        let reference = BLASKernel.referenceProduct(a, b, m: 2, n: 2, k: 3, transposeA: false, transposeB: false)
        #expect(reference[0] == a[0] * b[0] + a[1] * b[2] + a[2] * b[4])
        var wrong = reference
        wrong[3] += 1
        #expect(!BLASKernel.agree(wrong, reference))
        #expect(BLASKernel.agree(reference, reference))
        #expect(Set(BLASKernel.integerValues(count: 200, seed: 3)) == Set((-4 ... 4).map(Float.init)))
    }

    @Test func theSummaryNamesTheKernelAndWhoChoseIt() {
        let summary = BLASKernel.summary(environment: [:])
        #expect(summary.hasPrefix("BLAS: OpenBLAS"))
        #expect(summary.contains("kernel \(BLASKernel.coreName) (detected by OpenBLAS)"))
        #expect(!BLASKernel.coreName.isEmpty)
        #expect(BLASKernel.describe(.untouched, environment: ["OPENBLAS_CORETYPE": "Haswell"]) == "OPENBLAS_CORETYPE=Haswell")
        #expect(BLASKernel.describe(.chosen(detected: "Prescott"), environment: [:])
                == "chosen by microseek; OpenBLAS detected Prescott")
        #expect(BLASKernel.describe(.rejected(kernel: "SkylakeX"), environment: [:])
                == "microseek's choice SkylakeX failed its check; back on OpenBLAS's own")
    }
}
