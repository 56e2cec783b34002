// Which build of the kernels runs: the CPU is asked once (cpuid, and xgetbv for the OS's saving
// of the AVX registers); MICROSEEK_PORTABLE_KERNELS=1 starts on the portable build instead.
#include "CKernels.h"
#include "Kernels.h"
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

// The register states the OS saves (XCR0's low word); only to be asked once cpuid reports OSXSAVE.
static unsigned saved_register_states(void) {
    unsigned low, high;
    __asm__ volatile("xgetbv" : "=a"(low), "=d"(high) : "c"(0));
    (void)high;
    return low;
}

static int cpu_has_avx2_fma(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    const unsigned fma = 1u << 12, osxsave = 1u << 27, avx = 1u << 28;
    if ((ecx & (fma | osxsave | avx)) != (fma | osxsave | avx)) return 0;
    if ((saved_register_states() & 6u) != 6u) return 0;   // XMM and YMM state saved by the OS
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    return (ebx & (1u << 5)) != 0;         // AVX2
}

// AVX-512 F with the OS saving the opmask and all 32 ZMM registers (XCR0 bits 5-7).
static int cpu_has_avx512f(void) {
    if (!cpu_has_avx2_fma()) return 0;   // which also checked OSXSAVE and cpuid leaf 7
    if ((saved_register_states() & 0xE6u) != 0xE6u) return 0;
    unsigned eax, ebx, ecx, edx;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    return (ebx & (1u << 16)) != 0;        // AVX-512 F
}
#else
static int cpu_has_avx2_fma(void) { return 0; }
static int cpu_has_avx512f(void) { return 0; }
#endif

static int wide_available = -1;
static int wide_enabled = -1;

int ck_wide_tiles(void) {
    int enabled = __atomic_load_n(&wide_enabled, __ATOMIC_RELAXED);
    if (enabled < 0) {
        int available = __atomic_load_n(&wide_available, __ATOMIC_RELAXED);
        if (available < 0) {
            available = cpu_has_avx512f();
            __atomic_store_n(&wide_available, available, __ATOMIC_RELAXED);
        }
        const char *narrow = getenv("MICROSEEK_NARROW_TILES");
        enabled = available && !(narrow && strcmp(narrow, "1") == 0);
        __atomic_store_n(&wide_enabled, enabled, __ATOMIC_RELAXED);
    }
    return enabled;
}

int ck_set_wide_tiles(int enabled) {
    const int was = ck_wide_tiles();
    int available = __atomic_load_n(&wide_available, __ATOMIC_RELAXED);
    __atomic_store_n(&wide_enabled, enabled && available > 0, __ATOMIC_RELAXED);
    return was;
}

static int available_level = -1;
static int default_level = -1;

// Worked out on first use; threads racing to it compute the same value (relaxed atomics).
CKLevel ck_available_level(void) {
    int level = __atomic_load_n(&available_level, __ATOMIC_RELAXED);
    if (level < 0) {
        level = cpu_has_avx2_fma() ? CKLevelAVX2FMA : CKLevelPortable;
        __atomic_store_n(&available_level, level, __ATOMIC_RELAXED);
    }
    return (CKLevel)level;
}

CKLevel ck_default_level(void) {
    int level = __atomic_load_n(&default_level, __ATOMIC_RELAXED);
    if (level < 0) {
        const char *portable = getenv("MICROSEEK_PORTABLE_KERNELS");
        level = (portable && strcmp(portable, "1") == 0) ? CKLevelPortable : ck_available_level();
        __atomic_store_n(&default_level, level, __ATOMIC_RELAXED);
    }
    return (CKLevel)level;
}

/// Whether to run the AVX2 + FMA build for a call at `level`.
static int fast(CKLevel level) { return level == CKLevelAVX2FMA && ck_available_level() == CKLevelAVX2FMA; }


void ck_attention_forward(CKLevel level, const CKAttentionLayout *l, const float *q, const float *k, const float *v,
                          float *p, float *o) {
    if (fast(level)) attention_forward_avx2(l, q, k, v, p, o);
    else attention_forward_portable(l, q, k, v, p, o);
}

void ck_attention_backward(CKLevel level, const CKAttentionLayout *l, const float *p, const float *g, const float *q,
                           const float *k, const float *v, float *dq, float *dk, float *dv) {
    if (fast(level)) attention_backward_avx2(l, p, g, q, k, v, dq, dk, dv);
    else attention_backward_portable(l, p, g, q, k, v, dq, dk, dv);
}

void ck_gelu_forward(CKLevel level, const float *x, float *out, long n) {
    if (fast(level)) gelu_forward_avx2(x, out, n);
    else gelu_forward_portable(x, out, n);
}

void ck_gelu_backward(CKLevel level, const float *g, const float *x, float *out, long n) {
    if (fast(level)) gelu_backward_avx2(g, x, out, n);
    else gelu_backward_portable(g, x, out, n);
}

void ck_layer_norm_forward(CKLevel level, const float *x, const float *scale, const float *shift, long rows, long width,
                           float epsilon, float *normalized, float *inverse, float *out) {
    if (fast(level)) layer_norm_forward_avx2(x, scale, shift, rows, width, epsilon, normalized, inverse, out);
    else layer_norm_forward_portable(x, scale, shift, rows, width, epsilon, normalized, inverse, out);
}

void ck_norm_backward(CKLevel level, const float *g, const float *x, const float *scale, const float *normalized,
                      const double *inverse, long rows, long width, int centered, float *dx, float *dw, float *db,
                      double *scratch) {
    if (fast(level))
        norm_backward_avx2(g, x, scale, normalized, inverse, rows, width, centered, dx, dw, db, scratch);
    else norm_backward_portable(g, x, scale, normalized, inverse, rows, width, centered, dx, dw, db, scratch);
}

void ck_column_sums(CKLevel level, const float *values, long rows, long width, float *sums) {
    if (fast(level)) column_sums_avx2(values, rows, width, sums);
    else column_sums_portable(values, rows, width, sums);
}

void ck_adam_update(CKLevel level, float *p, const float *g, float *m, float *v, long n, float l2, float shrink,
                    float step, float irc2, float b1, float b2, float eps) {
    if (fast(level)) adam_update_avx2(p, g, m, v, n, l2, shrink, step, irc2, b1, b2, eps);
    else adam_update_portable(p, g, m, v, n, l2, shrink, step, irc2, b1, b2, eps);
}
