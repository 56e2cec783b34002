// The AVX2 + FMA build of the small-product sgemm (Gemm.h), and its AVX-512 build (the wide
// tile: the same sums in the same order, so the same bits) for CPUs that have it; there is no
// portable build: below AVX2 the caller uses OpenBLAS.
#include "Gemm.h"
#include "Kernels.h"

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx2,fma")))
static void sgemm_avx2(long m, long n, long k, const float *a, long ars, long acs, const float *b, long brs, long bcs,
                       const float *bias, const float *addend, float *c, long ldc, int accumulate) {
    sgemm_body(m, n, k, a, ars, acs, b, brs, bcs, bias, addend, c, ldc, accumulate, 0);
}

CK_AVX512 static void sgemm_avx512(long m, long n, long k, const float *a, long ars, long acs, const float *b, long brs,
                                   long bcs, const float *bias, const float *addend, float *c, long ldc, int accumulate) {
    sgemm_body(m, n, k, a, ars, acs, b, brs, bcs, bias, addend, c, ldc, accumulate, 1);
}
#endif

int ck_sgemm(CKLevel level, long m, long n, long k, const float *a, long ars, long acs, const float *b, long brs, long bcs,
             const float *bias, const float *addend, float *c, long ldc, int accumulate) {
#if defined(__x86_64__) || defined(__i386__)
    if (m < 1 || n < 1 || k < 1 || level != CKLevelAVX2FMA || ck_available_level() != CKLevelAVX2FMA) return 0;
    if (ck_wide_tiles())
        sgemm_avx512(m, n, k, a, ars, acs, b, brs, bcs, bias, accumulate ? NULL : addend, c, ldc, accumulate);
    else
        sgemm_avx2(m, n, k, a, ars, acs, b, brs, bcs, bias, accumulate ? NULL : addend, c, ldc, accumulate);
    return 1;
#else
    (void)level; (void)m; (void)n; (void)k; (void)a; (void)ars; (void)acs; (void)b; (void)brs; (void)bcs; (void)bias; (void)addend; (void)c; (void)ldc;
    (void)accumulate;
    return 0;
#endif
}
