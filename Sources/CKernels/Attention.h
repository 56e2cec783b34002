// Attention forward and backward per (batch, head) as small matrix products on the sgemm's
// 6 × 16 register tile (Gemm.h): scoresᵀ = k·qᵀ, out = P·v, dPᵀ = v·dOᵀ, dq = dS·k, dk = dSᵀ·q,
// dv = Pᵀ·dO. Each product's B operand is packed into 16-column panels once per head; A is read
// in place (rows of k, v, Pᵀ, dSᵀ, or their columns for P·v and dS·k). Six rows share every B load
// and twelve independent FMA chains are in flight.
// The score blocks are kept transposed, keys down and queries across ([S][T]), so the softmax and
// its backward run over eight queries at once in the lanes of a vector: each lane's maximum, sum
// and Σ P·dP over the keys is a vertical operation, with no horizontal reduction, scalar divide
// or scalar masking per row (those per-row steps were most of the forward's time). The kept
// probabilities are stored the same way, Pᵀ per (batch, head), which also makes dv = Pᵀ·dO and
// dk = dSᵀ·q read their A rows contiguously. Causal: a strip of six keys computes only the query
// panels that see its first key, each group of eight queries runs only over the keys its last
// query sees, and masked entries are selected to 0 by position (never by value, so a NaN score
// still turns its row NaN, as in PyTorch); P·v / dS·k run only to a strip's visible keys.
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

typedef int32_t v8i __attribute__((vector_size(32), aligned(4)));

typedef struct {
    float *transposed;   // [query panels][width][16]: qᵀ (forward) or dOᵀ (backward)
    float *packed;       // [width panels][max(S, T)][16]: v, k, q or dO rows
    float *block;        // [S][query panels · 16]: scoresᵀ or dPᵀ
    float *gradients;    // [S][lanes]: scale·dSᵀ (backward)
    long block_stride, lanes;
} AttentionScratch;

CK_INLINE AttentionScratch attention_scratch(const CKAttentionLayout *l, int backward) {
    const long query_panels = (l->queries + CK_NR - 1) / CK_NR, width_panels = (l->width + CK_NR - 1) / CK_NR;
    AttentionScratch s;
    s.block_stride = max_l(query_panels, 1) * CK_NR;
    s.lanes = (l->queries + 7) & ~7L;
    s.transposed = malloc(sizeof(float) * (size_t)max_l(query_panels * l->width * CK_NR, 1));
    s.packed = malloc(sizeof(float) * (size_t)max_l(width_panels * max_l(l->keys, l->queries) * CK_NR, 1));
    s.block = malloc(sizeof(float) * (size_t)max_l(l->keys * s.block_stride, 1));
    s.gradients = backward ? malloc(sizeof(float) * (size_t)max_l(l->keys * s.lanes, 1)) : NULL;
    if (!s.transposed || !s.packed || !s.block || (backward && !s.gradients)) abort();
    return s;
}

CK_INLINE void free_scratch(AttentionScratch s) { free(s.transposed); free(s.packed); free(s.block); free(s.gradients); }

/// block[j][i] = Σ_c rows_j[c]·B(c, i) (B = pack_transposed of the queries' rows) for the query
/// panels that see each strip of keys: scoresᵀ from k, dPᵀ from v. Entries left out (queries
/// before a panel that sees the strip) are never read unmasked.
CK_INLINE void key_rows_times_queries(const CKAttentionLayout *l, const float *rows, long rs, const float *transposed,
                                      float *block, long block_stride) {
    for (long j0 = 0; j0 < l->keys; j0 += CK_MR) {
        const long strip = min_l(CK_MR, l->keys - j0);
        for (long panel = first_query(l, j0) / CK_NR; panel * CK_NR < l->queries; panel++)
            gemm_tile(l->width, rows + j0 * rs, rs, 1, transposed + panel * l->width * CK_NR, NULL,
                      block + j0 * block_stride + panel * CK_NR, block_stride, NULL, strip, CK_NR);
    }
}

/// Lanes i0 … i0 + 7 that are queries (i < T) and see key j (i ≥ the first query that sees it).
CK_INLINE v8i seen_by(const CKAttentionLayout *l, v8i lanes, long j) {
    const int32_t first = (int32_t)first_query(l, j), end = (int32_t)l->queries;
    return (lanes >= (v8i){first, first, first, first, first, first, first, first})
        & (lanes < (v8i){end, end, end, end, end, end, end, end});
}

CK_INLINE v8 select8(v8i mask, v8 yes, v8 no) { return (v8)(((v8i)yes & mask) | ((v8i)no & ~mask)); }

/// Stores the first `count` lanes of x at p (all eight when count ≥ 8).
CK_INLINE void store_lanes(v8 x, float *p, long count) {
    if (count >= 8) { store8(x, p); return; }
    for (long lane = 0; lane < count; lane++) p[lane] = x[lane];
}

/// The first `count` lanes at p (all eight when count ≥ 8), the others 0.
CK_INLINE v8 load_lanes(const float *p, long count) {
    if (count >= 8) return load8(p);
    v8 x = splat8(0);
    for (long lane = 0; lane < count; lane++) x[lane] = p[lane];
    return x;
}

/// Pᵀ = softmax over the keys of scale·scoresᵀ for queries i0 … i0 + 7 (the lanes), written into
/// `weights` ([S][T], every key's entry for these queries, masked ones 0). Shifted by each lane's
/// maximum, with the fast exp; the sum runs over the keys in order (the row loop summed eight
/// partial sums, so the last bit of a weight may differ from it).
CK_INLINE void softmax_lanes(const CKAttentionLayout *l, float *block, long block_stride, long i0, float *weights) {
    const long queries = l->queries, keys = l->keys, count = min_l(8, queries - i0);
    const long seen = visible_keys(l, i0 + count - 1);   // the last lane sees the most keys
    // Keys before `everyone` are seen by all eight lanes (no mask); the few after it take one.
    const long everyone = count == 8 ? visible_keys(l, i0) : 0;
    const int32_t first = (int32_t)i0;
    const v8i lanes = (v8i){first, first + 1, first + 2, first + 3, first + 4, first + 5, first + 6, first + 7};
    const v8 scale = splat8(l->scale);
    v8 top = splat8(-__builtin_inff());
    for (long j = 0; j < seen; j++) {
        float *scores = block + j * block_stride + i0;
        const v8 scaled = load8(scores) * scale;
        store8(scaled, scores);
        // NaN never wins (the comparison is false), as in the row maximum.
        const v8i take = scaled > top;
        top = select8(j < everyone ? take : take & seen_by(l, lanes, j), scaled, top);
    }
    // An infinite maximum is not shifted away (inf − inf would turn a finite row into NaN).
    const v8i finite = (v8i)(top - top) == (v8i)splat8(0);
    const v8 shift = select8(finite, top, splat8(0));
    v8 sums = splat8(0);
    for (long j = 0; j < seen; j++) {
        float *scores = block + j * block_stride + i0;
        store8(load8(scores) - shift, scores);
        for (int lane = 0; lane < 8; lane++) scores[lane] = fast_exp(scores[lane]);   // one vector exp
        if (j >= everyone) store8(select8(seen_by(l, lanes, j), load8(scores), splat8(0)), scores);
        sums += load8(scores);
    }
    const v8 inverse = splat8(1) / sums;
    // The keys every lane sees need no mask; the tail's masked entries are selected to 0 (not
    // multiplied: 0 times a NaN lane's inverse would be NaN, and PyTorch keeps them 0).
    for (long j = 0; j < everyone; j++)
        store8(load8(block + j * block_stride + i0) * inverse, weights + j * queries + i0);
    for (long j = everyone; j < seen; j++)
        store_lanes(select8(seen_by(l, lanes, j), load8(block + j * block_stride + i0) * inverse, splat8(0)),
                    weights + j * queries + i0, count);
    for (long j = seen; j < keys; j++) store_lanes(splat8(0), weights + j * queries + i0, count);
}

/// scale·dSᵀ = scale·Pᵀ ⊙ (dPᵀ − Σ_j P·dP) for queries i0 … i0 + 7 (the lanes), into `gradients`
/// ([S][lanes], every key's entry, masked ones 0). Σ P·dP runs over the keys in order.
CK_INLINE void score_gradient_lanes(const CKAttentionLayout *l, const float *weights, const float *block,
                                    long block_stride, long i0, float *gradients, long lanes_stride) {
    const long queries = l->queries, keys = l->keys, count = min_l(8, queries - i0);
    const long seen = visible_keys(l, i0 + count - 1);
    const long everyone = count == 8 ? visible_keys(l, i0) : 0;   // keys all eight lanes see
    const int32_t first = (int32_t)i0;
    const v8i lanes = (v8i){first, first + 1, first + 2, first + 3, first + 4, first + 5, first + 6, first + 7};
    v8 centre = splat8(0);
    for (long j = 0; j < everyone; j++)
        centre += load8(weights + j * queries + i0) * load8(block + j * block_stride + i0);
    for (long j = everyone; j < seen; j++) {
        const v8 p = load_lanes(weights + j * queries + i0, count);
        // dP of masked entries is never computed (any bits): selected away, not multiplied by 0.
        centre += p * select8(seen_by(l, lanes, j), load8(block + j * block_stride + i0), splat8(0));
    }
    const v8 scale = splat8(l->scale);
    for (long j = 0; j < everyone; j++) {
        const v8 p = load8(weights + j * queries + i0), dp = load8(block + j * block_stride + i0);
        store8(scale * (p * (dp - centre)), gradients + j * lanes_stride + i0);
    }
    for (long j = everyone; j < seen; j++) {
        const v8 p = load_lanes(weights + j * queries + i0, count), dp = load8(block + j * block_stride + i0);
        store8(select8(seen_by(l, lanes, j), scale * (p * (dp - centre)), splat8(0)), gradients + j * lanes_stride + i0);
    }
    for (long j = seen; j < keys; j++) store8(splat8(0), gradients + j * lanes_stride + i0);
}

/// out[i] = Σ_j A(i, j)·B(j) for every query row i, A(i, j) = rows[j·rs + i] (Pᵀ or scale·dSᵀ,
/// [S][rs]) and B packed by pack_rows over the keys: each strip of CK_MR queries steps only over
/// the keys its last row can see. The forward's P·v and the backward's dq = (scale·dS)·k.
CK_INLINE void query_rows_times_keys(const CKAttentionLayout *l, const float *rows, long rs, const float *packed,
                                     float *out, long out_stride) {
    for (long i0 = 0; i0 < l->queries; i0 += CK_MR) {
        const long strip = min_l(CK_MR, l->queries - i0);
        product_into_rows(rows + i0, 1, rs, strip, packed, l->keys, 0, visible_keys(l, i0 + strip - 1), l->width,
                          out + i0 * out_stride, out_stride);
    }
}

/// out[j] = Σ_i rows[j][i]·B(i) for every key j ([S][rs] rows: Pᵀ or scale·dSᵀ, B packed by
/// pack_rows over the queries): each strip of CK_MR keys steps only over the queries that see
/// its first key. The backward's dk = (scale·dS)ᵀ·q and dv = Pᵀ·dO.
CK_INLINE void key_rows_times_queries_packed(const CKAttentionLayout *l, const float *rows, long rs, const float *packed,
                                             float *out, long out_stride) {
    for (long j0 = 0; j0 < l->keys; j0 += CK_MR) {
        const long strip = min_l(CK_MR, l->keys - j0), first = first_query(l, j0);
        product_into_rows(rows + j0 * rs + first, rs, 1, strip, packed, l->queries, first, l->queries - first,
                          l->width, out + j0 * out_stride, out_stride);
    }
}

CK_INLINE void attention_forward_body(const CKAttentionLayout *l, const float *query, const float *key,
                                      const float *value, float *probabilities, float *output) {
    const long queries = l->queries, keys = l->keys, width = l->width;
    AttentionScratch s = attention_scratch(l, 0);
    for (long batch = 0; batch < l->batch; batch++) {
        for (long head = 0; head < l->heads; head++) {
            const float *q = query + start_of(&l->query, batch, head);
            const float *k = key + start_of(&l->key, batch, head);
            const float *v = value + start_of(&l->value, batch, head);
            float *out = output + start_of(&l->output, batch, head);
            float *weights = probabilities + (batch * l->heads + head) * queries * keys;   // Pᵀ, [S][T]
            pack_transposed(q, l->query.row_stride, queries, width, s.transposed);
            key_rows_times_queries(l, k, l->key.row_stride, s.transposed, s.block, s.block_stride);
            for (long i0 = 0; i0 < queries; i0 += 8) softmax_lanes(l, s.block, s.block_stride, i0, weights);
            pack_rows(v, l->value.row_stride, keys, width, s.packed);
            query_rows_times_keys(l, weights, queries, s.packed, out, l->output.row_stride);
        }
    }
    free_scratch(s);
}

CK_INLINE void attention_backward_body(const CKAttentionLayout *l, const float *probabilities,
                                       const float *output_gradient, const float *query, const float *key,
                                       const float *value, float *dq_all, float *dk_all, float *dv_all) {
    const long queries = l->queries, keys = l->keys, width = l->width;
    AttentionScratch s = attention_scratch(l, 1);
    for (long batch = 0; batch < l->batch; batch++) {
        for (long head = 0; head < l->heads; head++) {
            const float *q = query + start_of(&l->query, batch, head);
            const float *k = key + start_of(&l->key, batch, head);
            const float *v = value + start_of(&l->value, batch, head);
            const float *d_out = output_gradient + start_of(&l->output, batch, head);
            const float *weights = probabilities + (batch * l->heads + head) * queries * keys;   // Pᵀ, [S][T]
            // dPᵀ = v·dOᵀ, then scale·dSᵀ eight queries at a time (so dq and dk need no pass).
            pack_transposed(d_out, l->output.row_stride, queries, width, s.transposed);
            key_rows_times_queries(l, v, l->value.row_stride, s.transposed, s.block, s.block_stride);
            for (long i0 = 0; i0 < queries; i0 += 8)
                score_gradient_lanes(l, weights, s.block, s.block_stride, i0, s.gradients, s.lanes);
            if (dq_all) {   // dq = (scale·dS)·k
                float *dq = dq_all + start_of(&l->query, batch, head);
                pack_rows(k, l->key.row_stride, keys, width, s.packed);
                query_rows_times_keys(l, s.gradients, s.lanes, s.packed, dq, l->query.row_stride);
            }
            if (dk_all) {   // dk = (scale·dS)ᵀ·q: rows are keys, steps are queries
                float *dk = dk_all + start_of(&l->key, batch, head);
                pack_rows(q, l->query.row_stride, queries, width, s.packed);
                key_rows_times_queries_packed(l, s.gradients, s.lanes, s.packed, dk, l->key.row_stride);
            }
            if (dv_all) {   // dv = Pᵀ·dO
                float *dv = dv_all + start_of(&l->value, batch, head);
                pack_rows(d_out, l->output.row_stride, queries, width, s.packed);
                key_rows_times_queries_packed(l, weights, queries, s.packed, dv, l->value.row_stride);
            }
        }
    }
    free_scratch(s);
}

#endif
