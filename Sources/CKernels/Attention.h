// Attention forward and backward per (batch, head) as small matrix products on the sgemm's
// 6 × 16 register tile (Gemm.h): scores = q·kᵀ, out = P·v, dP = dO·vᵀ, dq = dS·k, dk = dSᵀ·q,
// dv = Pᵀ·dO. Each product's B operand is packed into 16-column panels once per head; A is read
// in place (rows of q, dO, P, dS, or their columns for the transposed products). Causal: a strip
// of six query rows computes only the key panels its last row sees, and the P·v / dS·k products
// run only to that row's visible keys (the masked probabilities are zeros); dk and dv start at
// the first query that sees the strip's first key. Six rows share every B load and twelve
// independent FMA chains are in flight, where a row-at-a-time loop waited on one chain.
#ifndef CKERNELS_ATTENTION_H
#define CKERNELS_ATTENTION_H
#include "Gemm.h"

CK_INLINE long visible_keys(const CKAttentionLayout *l, long row) {
    return l->causal ? min_l(l->keys, l->keys - l->queries + row + 1) : l->keys;
}
CK_INLINE long first_query(const CKAttentionLayout *l, long column) {
    return l->causal ? max_l(0, column - (l->keys - l->queries)) : 0;
}
CK_INLINE long start_of(const CKAttentionOperand *o, long batch, long head) {
    return o->offset + batch * o->batch_stride + head * o->head_stride;
}

CK_INLINE float dot(const float *a, const float *b, long count) {
    v8 sums = splat8(0);
    long i = 0;
    for (; i + 8 <= count; i += 8) sums += load8(a + i) * load8(b + i);
    float total = sum8(sums);
    for (; i < count; i++) total += a[i] * b[i];
    return total;
}

/// weights = softmax(scale·scores) over `count` entries, shifted by the maximum, with the fast exp;
/// a NaN score turns the row NaN (through the sum), as in PyTorch. `scores` is scratch with room
/// for `count` rounded up to 8, whose entries past `count` are computed scores of masked keys (the
/// causal rows' lengths 1 … T are mostly not multiples of 8): the scaling and the exp run on whole
/// vectors over them, so no entry takes the scalar exp, while the maximum and the sum cover the
/// first `count` only, the sum in the same order as a plain loop — every weight keeps its bits.
/// `weights` has room for `capacity` entries; when that covers the padded row, the last multiply
/// runs on whole vectors too and writes weights past `count`, which the caller then masks to 0.
CK_INLINE void softmax_row(float *scores, long count, float scale, float *weights, long capacity) {
    typedef int32_t v8i __attribute__((vector_size(32), aligned(4)));
    const long padded = (count + 7) & ~7L;
    const v8i lanes = {0, 1, 2, 3, 4, 5, 6, 7};
    v8 top = splat8(-__builtin_inff());
    for (long i = 0; i < padded; i += 8) {
        const v8 scaled = load8(scores + i) * splat8(scale);
        store8(scaled, scores + i);
        const int32_t left = (int32_t)min_l(count - i, 8);
        // Lanes past `count` never win; NaN never wins (the comparison is false), as in the scalar max.
        const v8i take = (lanes < (v8i){left, left, left, left, left, left, left, left}) & (scaled > top);
        top = (v8)(((v8i)scaled & take) | ((v8i)top & ~take));
    }
    float largest = -__builtin_inff();
    for (int lane = 0; lane < 8; lane++) largest = top[lane] > largest ? top[lane] : largest;
    // An infinite maximum is not shifted away (inf − inf would turn a finite row into NaN).
    const float shift = __builtin_isfinite(largest) ? largest : 0;
    for (long block = 0; block < padded; block += 8)   // whole vectors (a fixed-length inner loop)
        for (long j = block; j < block + 8; j++) scores[j] = fast_exp(scores[j] - shift);
    v8 sums = splat8(0);
    long i = 0;
    for (; i + 8 <= count; i += 8) sums += load8(scores + i);
    float total = sum8(sums);
    for (; i < count; i++) total += scores[i];
    const float inverse = 1 / total;
    if (padded <= capacity) {
        for (long block = 0; block < padded; block += 8)
            for (long j = block; j < block + 8; j++) weights[j] = scores[j] * inverse;
    } else {
        for (long j = 0; j < count; j++) weights[j] = scores[j] * inverse;
    }
}

/// The 8 × 8 block at src (row stride rs) transposed: dst + c·ds holds column c (8 floats).
CK_INLINE void transpose8(const float *src, long rs, float *dst, long ds) {
    const v8 r0 = load8(src), r1 = load8(src + rs), r2 = load8(src + 2 * rs), r3 = load8(src + 3 * rs);
    const v8 r4 = load8(src + 4 * rs), r5 = load8(src + 5 * rs), r6 = load8(src + 6 * rs), r7 = load8(src + 7 * rs);
    const v8 t0 = __builtin_shufflevector(r0, r1, 0, 8, 1, 9, 4, 12, 5, 13), t1 = __builtin_shufflevector(r0, r1, 2, 10, 3, 11, 6, 14, 7, 15);
    const v8 t2 = __builtin_shufflevector(r2, r3, 0, 8, 1, 9, 4, 12, 5, 13), t3 = __builtin_shufflevector(r2, r3, 2, 10, 3, 11, 6, 14, 7, 15);
    const v8 t4 = __builtin_shufflevector(r4, r5, 0, 8, 1, 9, 4, 12, 5, 13), t5 = __builtin_shufflevector(r4, r5, 2, 10, 3, 11, 6, 14, 7, 15);
    const v8 t6 = __builtin_shufflevector(r6, r7, 0, 8, 1, 9, 4, 12, 5, 13), t7 = __builtin_shufflevector(r6, r7, 2, 10, 3, 11, 6, 14, 7, 15);
    const v8 u0 = __builtin_shufflevector(t0, t2, 0, 1, 8, 9, 4, 5, 12, 13), u1 = __builtin_shufflevector(t0, t2, 2, 3, 10, 11, 6, 7, 14, 15);
    const v8 u2 = __builtin_shufflevector(t1, t3, 0, 1, 8, 9, 4, 5, 12, 13), u3 = __builtin_shufflevector(t1, t3, 2, 3, 10, 11, 6, 7, 14, 15);
    const v8 u4 = __builtin_shufflevector(t4, t6, 0, 1, 8, 9, 4, 5, 12, 13), u5 = __builtin_shufflevector(t4, t6, 2, 3, 10, 11, 6, 7, 14, 15);
    const v8 u6 = __builtin_shufflevector(t5, t7, 0, 1, 8, 9, 4, 5, 12, 13), u7 = __builtin_shufflevector(t5, t7, 2, 3, 10, 11, 6, 7, 14, 15);
    store8(__builtin_shufflevector(u0, u4, 0, 1, 2, 3, 8, 9, 10, 11), dst);
    store8(__builtin_shufflevector(u1, u5, 0, 1, 2, 3, 8, 9, 10, 11), dst + ds);
    store8(__builtin_shufflevector(u2, u6, 0, 1, 2, 3, 8, 9, 10, 11), dst + 2 * ds);
    store8(__builtin_shufflevector(u3, u7, 0, 1, 2, 3, 8, 9, 10, 11), dst + 3 * ds);
    store8(__builtin_shufflevector(u0, u4, 4, 5, 6, 7, 12, 13, 14, 15), dst + 4 * ds);
    store8(__builtin_shufflevector(u1, u5, 4, 5, 6, 7, 12, 13, 14, 15), dst + 5 * ds);
    store8(__builtin_shufflevector(u2, u6, 4, 5, 6, 7, 12, 13, 14, 15), dst + 6 * ds);
    store8(__builtin_shufflevector(u3, u7, 4, 5, 6, 7, 12, 13, 14, 15), dst + 7 * ds);
}

/// B(p = c, j) = rows[j][c] for `count` rows of `width`: out[panel][c][16], zero past `count`.
/// Whole 8 × 8 blocks (eight rows present, eight features) go through register shuffles; the
/// rest element by element. The same values either way (data movement only).
CK_INLINE void pack_transposed(const float *rows, long rs, long count, long width, float *out) {
    const long panels = (count + CK_NR - 1) / CK_NR;
    for (long panel = 0; panel < panels; panel++)
        for (long half = 0; half < CK_NR; half += 8) {
            const long j0 = panel * CK_NR + half;
            long c = 0;
            if (j0 + 8 <= count)
                for (; c + 8 <= width; c += 8) transpose8(rows + j0 * rs + c, rs, out + (panel * width + c) * CK_NR + half, CK_NR);
            for (; c < width; c++) {
                float *target = out + (panel * width + c) * CK_NR + half;
                for (long jj = 0; jj < 8; jj++) target[jj] = j0 + jj < count ? rows[(j0 + jj) * rs + c] : 0;
            }
        }
}

/// B(p = j, c) = rows[j][c]: out[panel][j][16] over column panels, zero past `width`.
CK_INLINE void pack_rows(const float *rows, long rs, long count, long width, float *out) {
    const long panels = (width + CK_NR - 1) / CK_NR;
    for (long panel = 0; panel < panels; panel++)
        for (long j = 0; j < count; j++) {
            float *target = out + (panel * count + j) * CK_NR;
            const float *source = rows + j * rs + panel * CK_NR;
            const long valid = min_l(CK_NR, width - panel * CK_NR);
            if (valid == CK_NR) {   // two vector copies (the plain loop became a memcpy call per row)
                store8(load8(source), target);
                store8(load8(source + 8), target + 8);
                continue;
            }
            for (long cc = 0; cc < valid; cc++) target[cc] = source[cc];
            for (long cc = valid; cc < CK_NR; cc++) target[cc] = 0;
        }
}

/// C rows × width (row stride ldc) = A · B-panels over kc steps, A(i,p) = a[i·ars + p·acs],
/// B packed by pack_rows (step stride 16 within a panel of `steps` rows), from step `first`.
CK_INLINE void product_into_rows(const float *a, long ars, long acs, long rows, const float *packed, long steps,
                                 long first, long kc, long width, float *c, long ldc) {
    for (long i0 = 0; i0 < rows; i0 += CK_MR) {
        const long strip = min_l(CK_MR, rows - i0);
        for (long panel = 0; panel * CK_NR < width; panel++)
            gemm_tile(kc, a + i0 * ars, ars, acs, packed + (panel * steps + first) * CK_NR, NULL,
                      c + i0 * ldc + panel * CK_NR, ldc, NULL, strip, min_l(CK_NR, width - panel * CK_NR));
    }
}

typedef struct {
    float *transposed;   // [key panels][width][16]: kᵀ (forward) or vᵀ (backward)
    float *packed;       // [width panels][max(S, T)][16]: v, k, q or dO rows
    float *block;        // [T][key panels · 16]: scores or dP
    long block_stride;
} AttentionScratch;

CK_INLINE AttentionScratch attention_scratch(const CKAttentionLayout *l) {
    const long key_panels = (l->keys + CK_NR - 1) / CK_NR, width_panels = (l->width + CK_NR - 1) / CK_NR;
    AttentionScratch s;
    s.block_stride = max_l(key_panels, 1) * CK_NR;
    s.transposed = malloc(sizeof(float) * (size_t)max_l(key_panels * l->width * CK_NR, 1));
    s.packed = malloc(sizeof(float) * (size_t)max_l(width_panels * max_l(l->keys, l->queries) * CK_NR, 1));
    s.block = malloc(sizeof(float) * (size_t)max_l(l->queries * s.block_stride, 1));
    if (!s.transposed || !s.packed || !s.block) abort();
    return s;
}

CK_INLINE void free_scratch(AttentionScratch s) { free(s.transposed); free(s.packed); free(s.block); }

/// block[i][j] = Σ_c a_row_i[c]·B(c, j) for the key panels each strip of rows sees.
CK_INLINE void scores_block(const CKAttentionLayout *l, const float *a, long ars, const float *transposed,
                            float *block, long block_stride) {
    for (long i0 = 0; i0 < l->queries; i0 += CK_MR) {
        const long strip = min_l(CK_MR, l->queries - i0), seen = visible_keys(l, i0 + strip - 1);
        for (long panel = 0; panel * CK_NR < seen; panel++)
            gemm_tile(l->width, a + i0 * ars, ars, 1, transposed + panel * l->width * CK_NR, NULL,
                      block + i0 * block_stride + panel * CK_NR, block_stride, NULL, strip, CK_NR);
    }
}

/// out[i] = Σ_j rows[i][j]·B(j) for every query row i ([T][S] rows, B packed by pack_rows over the
/// keys): each strip of CK_MR queries steps only over the keys its last row can see. The forward's
/// P·v and the backward's dq = (scale·dS)·k.
CK_INLINE void query_rows_times_keys(const CKAttentionLayout *l, const float *rows, const float *packed,
                                     float *out, long out_stride) {
    for (long i0 = 0; i0 < l->queries; i0 += CK_MR) {
        const long strip = min_l(CK_MR, l->queries - i0);
        product_into_rows(rows + i0 * l->keys, l->keys, 1, strip, packed, l->keys, 0,
                          visible_keys(l, i0 + strip - 1), l->width, out + i0 * out_stride, out_stride);
    }
}

/// out[j] = Σ_i rows[i][j]·B(i) for every key j, reading [T][S] `rows` by columns (B packed by
/// pack_rows over the queries): each strip of CK_MR keys steps only over the queries that see its
/// first key. The backward's dk = (scale·dS)ᵀ·q and dv = Pᵀ·dO.
CK_INLINE void key_columns_times_queries(const CKAttentionLayout *l, const float *rows, const float *packed,
                                         float *out, long out_stride) {
    for (long j0 = 0; j0 < l->keys; j0 += CK_MR) {
        const long strip = min_l(CK_MR, l->keys - j0), first = first_query(l, j0);
        product_into_rows(rows + first * l->keys + j0, 1, l->keys, strip, packed, l->queries, first,
                          l->queries - first, l->width, out + j0 * out_stride, out_stride);
    }
}

CK_INLINE void attention_forward_body(const CKAttentionLayout *l, const float *query, const float *key,
                                      const float *value, float *probabilities, float *output) {
    const long queries = l->queries, keys = l->keys, width = l->width;
    AttentionScratch s = attention_scratch(l);
    for (long batch = 0; batch < l->batch; batch++) {
        for (long head = 0; head < l->heads; head++) {
            const float *q = query + start_of(&l->query, batch, head);
            const float *k = key + start_of(&l->key, batch, head);
            const float *v = value + start_of(&l->value, batch, head);
            float *out = output + start_of(&l->output, batch, head);
            float *weights = probabilities + (batch * l->heads + head) * queries * keys;
            pack_transposed(k, l->key.row_stride, keys, width, s.transposed);
            scores_block(l, q, l->query.row_stride, s.transposed, s.block, s.block_stride);
            for (long row = 0; row < queries; row++) {
                const long visible = visible_keys(l, row);
                softmax_row(s.block + row * s.block_stride, visible, l->scale, weights + row * keys, keys);
                for (long j = visible; j < keys; j++) weights[row * keys + j] = 0;   // masked
            }
            pack_rows(v, l->value.row_stride, keys, width, s.packed);
            query_rows_times_keys(l, weights, s.packed, out, l->output.row_stride);
        }
    }
    free_scratch(s);
}

CK_INLINE void attention_backward_body(const CKAttentionLayout *l, const float *probabilities,
                                       const float *output_gradient, const float *query, const float *key,
                                       const float *value, float *dq_all, float *dk_all, float *dv_all) {
    const long queries = l->queries, keys = l->keys, width = l->width;
    AttentionScratch s = attention_scratch(l);
    // scale·dS, [T][S]; entries past a row's visible keys are never written and stay 0.
    float *score_gradients = calloc((size_t)max_l(queries * keys, 1), sizeof(float));
    if (!score_gradients) abort();
    for (long batch = 0; batch < l->batch; batch++) {
        for (long head = 0; head < l->heads; head++) {
            const float *q = query + start_of(&l->query, batch, head);
            const float *k = key + start_of(&l->key, batch, head);
            const float *v = value + start_of(&l->value, batch, head);
            const float *d_out = output_gradient + start_of(&l->output, batch, head);
            const float *weights = probabilities + (batch * l->heads + head) * queries * keys;
            // dP = dO·vᵀ, then dS = P ⊙ (dP − Σ P·dP) row by row, scaled (so dq and dk need no pass).
            pack_transposed(v, l->value.row_stride, keys, width, s.transposed);
            scores_block(l, d_out, l->output.row_stride, s.transposed, s.block, s.block_stride);
            for (long i = 0; i < queries; i++) {
                const long visible = visible_keys(l, i);
                const float *weight_row = weights + i * keys, *dp = s.block + i * s.block_stride;
                float *gradient_row = score_gradients + i * keys;
                const float centre = dot(weight_row, dp, visible);
                for (long j = 0; j < visible; j++) gradient_row[j] = l->scale * (weight_row[j] * (dp[j] - centre));
            }
            if (dq_all) {   // dq = (scale·dS)·k
                float *dq = dq_all + start_of(&l->query, batch, head);
                pack_rows(k, l->key.row_stride, keys, width, s.packed);
                query_rows_times_keys(l, score_gradients, s.packed, dq, l->query.row_stride);
            }
            if (dk_all) {   // dk = (scale·dS)ᵀ·q: rows are keys, steps are queries
                float *dk = dk_all + start_of(&l->key, batch, head);
                pack_rows(q, l->query.row_stride, queries, width, s.packed);
                key_columns_times_queries(l, score_gradients, s.packed, dk, l->key.row_stride);
            }
            if (dv_all) {   // dv = Pᵀ·dO
                float *dv = dv_all + start_of(&l->value, batch, head);
                pack_rows(d_out, l->output.row_stride, queries, width, s.packed);
                key_columns_times_queries(l, weights, s.packed, dv, l->value.row_stride);
            }
        }
    }
    free(score_gradients);
    free_scratch(s);
}

#endif
