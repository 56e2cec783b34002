// The two builds of each kernel (Variants.c): `_avx2` compiled for AVX2 + FMA, `_portable` for
// the baseline; Dispatch.c picks one per call.
#ifndef CKERNELS_KERNELS_H
#define CKERNELS_KERNELS_H
#include "CKernels.h"

#define CK_VARIANTS(name, params) void name##_avx2 params; void name##_portable params;
CK_VARIANTS(attention_forward, (const CKAttentionLayout *l, const float *q, const float *k, const float *v, float *p, float *o))
CK_VARIANTS(attention_backward, (const CKAttentionLayout *l, const float *p, const float *g, const float *q,
                                 const float *k, const float *v, float *dq, float *dk, float *dv))
CK_VARIANTS(gelu_forward, (const float *x, float *out, long n))
CK_VARIANTS(gelu_backward, (const float *g, const float *x, float *out, long n))
CK_VARIANTS(layer_norm_forward, (const float *x, const float *scale, const float *shift, long rows, long width,
                                 float epsilon, float *normalized, float *inverse, float *out))
CK_VARIANTS(norm_backward, (const float *g, const float *x, const float *scale, const float *normalized,
                            const double *inverse, long rows, long width, int centered, float *dx, float *dw, float *db,
                            double *scratch))
CK_VARIANTS(column_sums, (const float *values, long rows, long width, float *sums))
CK_VARIANTS(adam_update, (float *p, const float *g, float *m, float *v, long n, float l2, float shrink, float step,
                          float irc2, float b1, float b2, float eps))
#undef CK_VARIANTS

// The products' AVX-512 build (Gemm.c, MLP.c): AVX2 + FMA plus AVX-512 F, for the wide tile.
#if defined(__x86_64__) || defined(__i386__)
#define CK_AVX512 __attribute__((target("avx2,fma,avx512f")))
#else
#define CK_AVX512
#endif

#endif
