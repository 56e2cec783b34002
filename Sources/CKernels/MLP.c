// The fused feed-forward block, residual + GELU(x·W1ᵀ + b1)·W2ᵀ + b2, over blocks of rows so the
// hidden activation of a block stays in cache between the two products (AVX2 + FMA only, like
// the sgemm: below that level the caller composes linear, gelu, linear). Both weights are packed
// once per call, not once per product. Every value is the unfused ops': each row's products are
// sgemm_body's tiles in the same order, and GELU is the same body.
#include "Gemm.h"
#include "Kernels.h"

/// Rows per block: the block's hidden activations (rows × hidden Floats, three such arrays in the
/// backward) stay in L2 with the packed weights; a multiple of the tile's six rows, at most
/// CK_KC (a block is one run of the weight gradients' sums).
static long mlp_block_rows(long hidden) {
    long rows = (24576 / (hidden > 0 ? hidden : 1)) / CK_MR * CK_MR;
    return rows < CK_MR ? CK_MR : (rows > 252 ? 252 : rows);
}

#if defined(__x86_64__) || defined(__i386__)
CK_INLINE void mlp_forward_body(long rows, long in, long hidden, long out, const float *x, const float *w1,
                                const float *b1, const float *w2, const float *b2, const float *residual, float *h,
                                float *y, int wide) {
    // B = W1ᵀ (B(p, j) = w1[j·in + p]) and W2ᵀ, packed once for every block.
    PackedB first = pack_b_whole(w1, 1, in, hidden, in, b1), second = pack_b_whole(w2, 1, hidden, out, hidden, b2);
    const long block = mlp_block_rows(hidden);
    float *activation = malloc(sizeof(float) * (size_t)(min_l(block, rows) * hidden));
    if (!activation) abort();
    for (long r0 = 0; r0 < rows; r0 += block) {
        const long count = min_l(block, rows - r0);
        sgemm_prepacked(count, &first, x + r0 * in, in, 1, NULL, h + r0 * hidden, hidden, wide);
        gelu_forward_body(h + r0 * hidden, activation, count * hidden);
        sgemm_prepacked(count, &second, activation, hidden, 1, residual ? residual + r0 * out : NULL, y + r0 * out, out,
                        wide);
    }
    free(activation);
    free(first.values);
    free(second.values);
}

/// C (m×n, row stride n) = Aᵀ·B for A [count × m] and B [count × n] row-major (a weight gradient
/// over one block of rows), added to C's values when `adding`: B packed for the block, Aᵀ read in
/// place (six neighbouring values of a row per tile step), C's tiles summed in registers over the
/// block and added to C once per block.
CK_INLINE void add_transposed_product(long count, long m, long n, const float *a, const float *b, float *packed,
                                      float *c, int adding, int wide) {
    pack_b_block(b, n, 1, 0, count, n, packed);
    gemm_block_rows(m, n, count, 0, a, 1, m, packed, NULL, adding ? c : NULL, c, n, wide);
}

CK_INLINE void mlp_backward_body(long rows, long in, long hidden, long out, const float *x, const float *h,
                                 const float *w1, const float *w2, const float *dy, float *dx, float *dw1, float *db1,
                                 float *dw2, int wide) {
    // dA = dY·W2 (B(p, j) = w2[p·hidden + j]), dX = dH·W1 (B(p, j) = w1[p·in + j]).
    PackedB second = pack_b_whole(w2, hidden, 1, hidden, out, NULL);
    PackedB first = dx ? pack_b_whole(w1, in, 1, in, hidden, NULL) : (PackedB){ NULL, NULL, 0, 0 };
    const long block = mlp_block_rows(hidden), most = min_l(block, rows);
    const long widest = max_l(hidden, in);
    // dA, then dH, GELU(h) of one block, and a block of GELU(h) or x packed for the weight gradients.
    float *scratch = malloc(sizeof(float) * (size_t)(3 * most * hidden + most * ((widest + CK_NR - 1) / CK_NR) * CK_NR));
    if (!scratch) abort();
    float *da = scratch, *dh = da + most * hidden, *activation = dh + most * hidden, *packed = activation + most * hidden;
    for (long r0 = 0; r0 < rows; r0 += block) {
        const long count = min_l(block, rows - r0);
        const int adding = r0 > 0;
        sgemm_prepacked(count, &second, dy + r0 * out, out, 1, NULL, da, hidden, wide);
        gelu_value_and_backward_body(da, h + r0 * hidden, activation, dh, count * hidden);
        if (dx) sgemm_prepacked(count, &first, dh, hidden, 1, NULL, dx + r0 * in, in, wide);
        if (dw2) add_transposed_product(count, out, hidden, dy + r0 * out, activation, packed, dw2, adding, wide);
        if (dw1) add_transposed_product(count, hidden, in, dh, x + r0 * in, packed, dw1, adding, wide);
        if (db1) column_sums_from(dh, count, hidden, db1, adding);
    }
    free(scratch);
    free(second.values);
    free(first.values);
}

// The two builds: AVX2 + FMA, and the AVX-512 one with the wide tile (the same bits).
__attribute__((target("avx2,fma")))
static void mlp_forward_avx2(long rows, long in, long hidden, long out, const float *x, const float *w1, const float *b1,
                             const float *w2, const float *b2, const float *residual, float *h, float *y) {
    mlp_forward_body(rows, in, hidden, out, x, w1, b1, w2, b2, residual, h, y, 0);
}

CK_AVX512 static void mlp_forward_avx512(long rows, long in, long hidden, long out, const float *x, const float *w1,
                                         const float *b1, const float *w2, const float *b2, const float *residual,
                                         float *h, float *y) {
    mlp_forward_body(rows, in, hidden, out, x, w1, b1, w2, b2, residual, h, y, 1);
}

__attribute__((target("avx2,fma")))
static void mlp_backward_avx2(long rows, long in, long hidden, long out, const float *x, const float *h, const float *w1,
                              const float *w2, const float *dy, float *dx, float *dw1, float *db1, float *dw2) {
    mlp_backward_body(rows, in, hidden, out, x, h, w1, w2, dy, dx, dw1, db1, dw2, 0);
}

CK_AVX512 static void mlp_backward_avx512(long rows, long in, long hidden, long out, const float *x, const float *h,
                                          const float *w1, const float *w2, const float *dy, float *dx, float *dw1,
                                          float *db1, float *dw2) {
    mlp_backward_body(rows, in, hidden, out, x, h, w1, w2, dy, dx, dw1, db1, dw2, 1);
}
#endif

int ck_mlp_forward(CKLevel level, long rows, long in, long hidden, long out, const float *x, const float *w1,
                   const float *b1, const float *w2, const float *b2, const float *residual, float *h, float *y) {
#if defined(__x86_64__) || defined(__i386__)
    if (rows < 1 || in < 1 || hidden < 1 || out < 1 || level != CKLevelAVX2FMA || ck_available_level() != CKLevelAVX2FMA) return 0;
    if (ck_wide_tiles()) mlp_forward_avx512(rows, in, hidden, out, x, w1, b1, w2, b2, residual, h, y);
    else mlp_forward_avx2(rows, in, hidden, out, x, w1, b1, w2, b2, residual, h, y);
    return 1;
#else
    (void)level; (void)rows; (void)in; (void)hidden; (void)out; (void)x; (void)w1; (void)b1; (void)w2; (void)b2;
    (void)residual; (void)h; (void)y;
    return 0;
#endif
}

int ck_mlp_backward(CKLevel level, long rows, long in, long hidden, long out, const float *x, const float *h,
                    const float *w1, const float *w2, const float *dy, float *dx, float *dw1, float *db1, float *dw2) {
#if defined(__x86_64__) || defined(__i386__)
    if (rows < 1 || in < 1 || hidden < 1 || out < 1 || level != CKLevelAVX2FMA || ck_available_level() != CKLevelAVX2FMA) return 0;
    if (ck_wide_tiles()) mlp_backward_avx512(rows, in, hidden, out, x, h, w1, w2, dy, dx, dw1, db1, dw2);
    else mlp_backward_avx2(rows, in, hidden, out, x, h, w1, w2, dy, dx, dw1, db1, dw2);
    return 1;
#else
    (void)level; (void)rows; (void)in; (void)hidden; (void)out; (void)x; (void)h; (void)w1; (void)w2; (void)dy; (void)dx;
    (void)dw1; (void)db1; (void)dw2;
    return 0;
#endif
}
