// Which build of the C kernels (Sources/CKernels) runs: the portable one, compiled for baseline
// x86-64 like the rest of the package, or the one compiled for AVX2 + FMA, chosen from what the
// CPU supports (never an instruction the CPU lacks). Every kernel call passes the level, so a
// test can pin the fast build against the portable one inside `withLevel` (task-local, so tests
// running in parallel are not affected); `MICROSEEK_PORTABLE_KERNELS=1` makes portable the default.
import CKernels

/// A build of the C kernels.
public enum KernelLevel: Int, Sendable, CustomStringConvertible {
    /// Baseline x86-64 (SSE2) or the target's baseline elsewhere; the matrix products go to OpenBLAS.
    case portable = 0
    /// AVX2 + FMA (Haswell, Zen and later): attention, GELU, layer norm and the single-thread sgemm.
    case avx2FMA = 1

    public var description: String { self == .portable ? "portable" : "avx2+fma" }

    var c: CKLevel { self == .avx2FMA ? CKLevelAVX2FMA : CKLevelPortable }
}

/// The kernel level: what the CPU offers and what is in use.
public enum VectorKernels {
    @TaskLocal static var override: KernelLevel?

    /// The best level this CPU and OS support.
    public static var available: KernelLevel { ck_available_level() == CKLevelAVX2FMA ? .avx2FMA : .portable }

    /// The level in use: inside `withLevel`, that level (capped at `available`); otherwise
    /// `available`, or portable when MICROSEEK_PORTABLE_KERNELS=1.
    public static var level: KernelLevel {
        let wanted = override ?? (ck_default_level() == CKLevelAVX2FMA ? .avx2FMA : .portable)
        return wanted == .avx2FMA && available == .avx2FMA ? .avx2FMA : .portable
    }

    /// Runs `body` with the kernels at `level` (as far as the CPU allows), on this task only.
    public static func withLevel<Result>(_ level: KernelLevel, _ body: () throws -> Result) rethrows -> Result {
        try $override.withValue(level, operation: body)
    }

    /// The level for a kernel call.
    static var c: CKLevel { level.c }

    /// Whether the products at the AVX2 + FMA level (CKernels' sgemm and the fused feed-forward
    /// block) run their AVX-512 build: a wider register tile whose every sum is the AVX2 tile's,
    /// so the same bits (`MICROSEEK_NARROW_TILES=1` turns it off, to measure one against the other).
    public static var wideTiles: Bool { ck_wide_tiles() != 0 }

    /// Runs `body` with the AVX-512 products off. The switch is process-wide (one C flag read per
    /// product), which is safe only because both builds give the same bits: it exists for the
    /// test that checks that they do.
    public static func withNarrowTiles<Result>(_ body: () throws -> Result) rethrows -> Result {
        let was = ck_set_wide_tiles(0)
        defer { _ = ck_set_wide_tiles(was) }
        return try body()
    }
}
