// The AVX2 + FMA build of the small-product sgemm (Gemm.h); there is no portable build: below
// that level the caller uses OpenBLAS.
#include "Gemm.h"

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx2,fma")))
static void sgemm_avx2(long m, long n, long k, const float *a, long ars, long acs, const float *b, long brs, long bcs,
                       const float *bias, const float *addend, float *c, long ldc, int accumulate) {
    sgemm_body(m, n, k, a, ars, acs, b, brs, bcs, bias, addend, c, ldc, accumulate);
}
#endif

int ck_sgemm(CKLevel level, long m, long n, long k, const float *a, long ars, long acs, const float *b, long brs, long bcs,
             const float *bias, const float *addend, float *c, long ldc, int accumulate) {
#if defined(__x86_64__) || defined(__i386__)
    if (m < 1 || n < 1 || k < 1 || level != CKLevelAVX2FMA || ck_available_level() != CKLevelAVX2FMA) return 0;
    sgemm_avx2(m, n, k, a, ars, acs, b, brs, bcs, bias, accumulate ? NULL : addend, c, ldc, accumulate);
    return 1;
#else
    (void)level; (void)m; (void)n; (void)k; (void)a; (void)ars; (void)acs; (void)b; (void)brs; (void)bcs; (void)bias; (void)addend; (void)c; (void)ldc;
    (void)accumulate;
    return 0;
#endif
}
