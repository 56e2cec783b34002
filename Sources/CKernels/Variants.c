// Each kernel twice: `_avx2` with the AVX2 + FMA instruction sets enabled for this function only
// (the body is inlined and vectorised for them), `_portable` for the package's baseline.
// Dispatch.c calls an `_avx2` build only on a CPU that has both.
#include "Bodies.h"
#include "Kernels.h"
#include "Norms.h"
#include "Attention.h"

#if defined(__x86_64__) || defined(__i386__)
#define CK_AVX2 __attribute__((target("avx2,fma")))
#else
#define CK_AVX2
#endif

#define CK_BOTH(name, params, args) \
    CK_AVX2 void name##_avx2 params { name##_body args; } \
    void name##_portable params { name##_body args; }

CK_BOTH(attention_forward, (const CKAttentionLayout *l, const float *q, const float *k, const float *v, float *p, float *o),
        (l, q, k, v, p, o))
CK_BOTH(attention_backward, (const CKAttentionLayout *l, const float *p, const float *g, const float *q,
                             const float *k, const float *v, float *dq, float *dk, float *dv),
        (l, p, g, q, k, v, dq, dk, dv))
CK_BOTH(gelu_forward, (const float *x, float *out, long n), (x, out, n))
CK_BOTH(gelu_backward, (const float *g, const float *x, float *out, long n), (g, x, out, n))
CK_BOTH(layer_norm_forward, (const float *x, const float *scale, const float *shift, long rows, long width,
                             float epsilon, float *normalized, float *inverse, float *out),
        (x, scale, shift, rows, width, epsilon, normalized, inverse, out))
CK_BOTH(norm_backward, (const float *g, const float *x, const float *scale, const float *normalized,
                        const double *inverse, long rows, long width, int centered, float *dx, float *dw, float *db,
                        double *scratch),
        (g, x, scale, normalized, inverse, rows, width, centered, dx, dw, db, scratch))
CK_BOTH(column_sums, (const float *values, long rows, long width, float *sums), (values, rows, width, sums))
CK_BOTH(adam_update, (float *p, const float *g, float *m, float *v, long n, float l2, float shrink, float step,
                      float irc2, float b1, float b2, float eps),
        (p, g, m, v, n, l2, shrink, step, irc2, b1, b2, eps))
