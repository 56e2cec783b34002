// A single-threaded sgemm for the step's products (rows in the thousands, k and n in the
// tens to hundreds), AVX2 + FMA only: the portable path is OpenBLAS. B is packed in panels of 16
// columns per block of KC steps (it stays in L1 while every 6-row strip of A streams past it); A
// is read where it lies, transposed or not, one broadcast per row and step, so nothing of the
// large operand is copied; the 6×16 tile lives in 12 registers for the whole block; C is written
// once per block (added to when accumulating), so there is no separate β pass.
#ifndef CKERNELS_GEMM_H
#define CKERNELS_GEMM_H
#include "Bodies.h"

enum { CK_KC = 256, CK_MC = 96, CK_NR = 16, CK_MR = 6, CK_MR_WIDE = 12 };

/// 16 floats: one ZMM register in the AVX-512 build of the products (see gemm_tile_wide).
typedef float v16 __attribute__((vector_size(64), aligned(4)));
CK_INLINE v16 load16(const float *p) { return *(const v16 *)p; }
CK_INLINE void store16(v16 x, float *p) { *(v16 *)p = x; }
CK_INLINE v16 splat16(float x) { return (v16){x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x}; }

/// One 6×16 tile of C (rows × cols valid) = base + A-strip · B-panel over kc steps, where `base`
/// (row stride ldc) is C itself when accumulating, another matrix (a residual added in the
/// store), or NULL (nothing added). `bias16` (16 values, or NULL) starts every row's sums.
CK_INLINE void gemm_tile(long kc, const float *a, long ars, long acs, const float *panel, const float *bias16,
                         float *c, long ldc, const float *base, long rows, long cols) {
    const float *a0 = a, *a1 = a + (rows > 1 ? ars : 0), *a2 = a + (rows > 2 ? 2 * ars : 0);
    const float *a3 = a + (rows > 3 ? 3 * ars : 0), *a4 = a + (rows > 4 ? 4 * ars : 0), *a5 = a + (rows > 5 ? 5 * ars : 0);
    // The rows the store adds to (a residual, or C when accumulating) are fetched while the sums
    // run: read at the store, a residual written long before missed the cache in the middle of it.
    if (base) for (long r = 0; r < rows; r++) { __builtin_prefetch(base + r * ldc); __builtin_prefetch(base + r * ldc + cols - 1); }
    const v8 start0 = bias16 ? load8(bias16) : splat8(0), start1 = bias16 ? load8(bias16 + 8) : splat8(0);
    v8 c00 = start0, c01 = start1, c10 = start0, c11 = start1, c20 = start0, c21 = start1;
    v8 c30 = start0, c31 = start1, c40 = start0, c41 = start1, c50 = start0, c51 = start1;
    for (long p = 0; p < kc; p++) {
        const v8 b0 = load8(panel + p * CK_NR), b1 = load8(panel + p * CK_NR + 8);
        const long offset = p * acs;
        v8 x;
        x = splat8(a0[offset]); c00 += x * b0; c01 += x * b1;
        x = splat8(a1[offset]); c10 += x * b0; c11 += x * b1;
        x = splat8(a2[offset]); c20 += x * b0; c21 += x * b1;
        x = splat8(a3[offset]); c30 += x * b0; c31 += x * b1;
        x = splat8(a4[offset]); c40 += x * b0; c41 += x * b1;
        x = splat8(a5[offset]); c50 += x * b0; c51 += x * b1;
    }
    if (rows == CK_MR && cols == CK_NR) {
#define CK_STORE_ROW(r, lo, hi) do { float *row = c + (r) * ldc; \
            if (base) { const float *old = base + (r) * ldc; store8(load8(old) + lo, row); store8(load8(old + 8) + hi, row + 8); } \
            else { store8(lo, row); store8(hi, row + 8); } } while (0)
        CK_STORE_ROW(0, c00, c01); CK_STORE_ROW(1, c10, c11); CK_STORE_ROW(2, c20, c21);
        CK_STORE_ROW(3, c30, c31); CK_STORE_ROW(4, c40, c41); CK_STORE_ROW(5, c50, c51);
#undef CK_STORE_ROW
        return;
    }
    float tile[CK_MR][CK_NR];
    store8(c00, tile[0]); store8(c01, tile[0] + 8); store8(c10, tile[1]); store8(c11, tile[1] + 8);
    store8(c20, tile[2]); store8(c21, tile[2] + 8); store8(c30, tile[3]); store8(c31, tile[3] + 8);
    store8(c40, tile[4]); store8(c41, tile[4] + 8); store8(c50, tile[5]); store8(c51, tile[5] + 8);
    for (long r = 0; r < rows; r++)
        for (long j = 0; j < cols; j++) c[r * ldc + j] = base ? base[r * ldc + j] + tile[r][j] : tile[r][j];
}

/// gemm_tile's arithmetic on a 12 × 16 tile for CPUs with AVX-512: a row of the panel is one
/// ZMM register, so twelve rows keep twelve independent sums in flight (two FMA units, four
/// cycles each) with one panel load per step. Every element is the same chain as in gemm_tile
/// (its bias or zero, then one fused multiply-add per step in step order, then base + sum at the
/// store), so both tiles give the same bits: only the width of the registers differs.
CK_INLINE void gemm_tile_wide(long kc, const float *a, long ars, long acs, const float *panel, const float *bias16,
                              float *c, long ldc, const float *base, long rows, long cols) {
    const float *ar[CK_MR_WIDE];
    for (long r = 0; r < CK_MR_WIDE; r++) ar[r] = a + (r < rows ? r : 0) * ars;
    if (base) for (long r = 0; r < rows; r++) { __builtin_prefetch(base + r * ldc); __builtin_prefetch(base + r * ldc + cols - 1); }
    const v16 start = bias16 ? load16(bias16) : splat16(0);
    v16 c0 = start, c1 = start, c2 = start, c3 = start, c4 = start, c5 = start;
    v16 c6 = start, c7 = start, c8 = start, c9 = start, c10 = start, c11 = start;
    for (long p = 0; p < kc; p++) {
        const v16 b = load16(panel + p * CK_NR);
        const long offset = p * acs;
        c0 += splat16(ar[0][offset]) * b; c1 += splat16(ar[1][offset]) * b;
        c2 += splat16(ar[2][offset]) * b; c3 += splat16(ar[3][offset]) * b;
        c4 += splat16(ar[4][offset]) * b; c5 += splat16(ar[5][offset]) * b;
        c6 += splat16(ar[6][offset]) * b; c7 += splat16(ar[7][offset]) * b;
        c8 += splat16(ar[8][offset]) * b; c9 += splat16(ar[9][offset]) * b;
        c10 += splat16(ar[10][offset]) * b; c11 += splat16(ar[11][offset]) * b;
    }
    float tile[CK_MR_WIDE][CK_NR];
    const int whole = rows == CK_MR_WIDE && cols == CK_NR;
#define CK_STORE_WIDE(r, sum) do { float *row = whole ? c + (r) * ldc : tile[r]; \
        if (whole && base) store16(load16(base + (r) * ldc) + sum, row); else store16(sum, row); } while (0)
    CK_STORE_WIDE(0, c0); CK_STORE_WIDE(1, c1); CK_STORE_WIDE(2, c2); CK_STORE_WIDE(3, c3);
    CK_STORE_WIDE(4, c4); CK_STORE_WIDE(5, c5); CK_STORE_WIDE(6, c6); CK_STORE_WIDE(7, c7);
    CK_STORE_WIDE(8, c8); CK_STORE_WIDE(9, c9); CK_STORE_WIDE(10, c10); CK_STORE_WIDE(11, c11);
#undef CK_STORE_WIDE
    if (whole) return;
    for (long r = 0; r < rows; r++)
        for (long j = 0; j < cols; j++) c[r * ldc + j] = base ? base[r * ldc + j] + tile[r][j] : tile[r][j];
}

/// Packs B's rows p0 … p0 + kc into `out` as [panel][p][16], zero past column n
/// (B(p, j) = b[p·brs + j·bcs]).
CK_INLINE void pack_b_block(const float *b, long brs, long bcs, long p0, long kc, long n, float *out_block) {
    const long panels = (n + CK_NR - 1) / CK_NR;
    for (long panel = 0; panel < panels; panel++) {
        float *out = out_block + panel * kc * CK_NR;
        const long j0 = panel * CK_NR, width = min_l(CK_NR, n - j0);
        if (bcs == 1) {
            for (long p = 0; p < kc; p++) {
                const float *row = b + (p0 + p) * brs + j0;
                if (width == CK_NR) {   // two vector copies (the plain loop became a memcpy call per row)
                    store8(load8(row), out + p * CK_NR);
                    store8(load8(row + 8), out + p * CK_NR + 8);
                    continue;
                }
                for (long j = 0; j < width; j++) out[p * CK_NR + j] = row[j];
                for (long j = width; j < CK_NR; j++) out[p * CK_NR + j] = 0;
            }
        } else {
            for (long j = 0; j < CK_NR; j++) {
                if (j < width) {
                    const float *column = b + (j0 + j) * bcs + p0 * brs;
                    for (long p = 0; p < kc; p++) out[p * CK_NR + j] = column[p * brs];
                } else {
                    for (long p = 0; p < kc; p++) out[p * CK_NR + j] = 0;
                }
            }
        }
    }
}

/// C (m×n) = base + A · one packed block of B (kc steps from step p0 of A), every tile (6 × 16, or
/// 12 × 16 when `wide`) in registers; `bias_block` (padded to the panels, or NULL) starts the sums, `base_block` (C itself
/// when adding to partial sums, a residual, or NULL) is added as each tile is stored.
/// `wide` (a constant at every call, so the branch folds away) picks the 12 × 16 AVX-512 tile.
CK_INLINE void gemm_block_rows(long m, long n, long kc, long p0, const float *a, long ars, long acs, const float *packed,
                               const float *bias_block, const float *base_block, float *c, long ldc, int wide) {
    const long panels = (n + CK_NR - 1) / CK_NR, mr = wide ? CK_MR_WIDE : CK_MR;
    for (long i0 = 0; i0 < m; i0 += CK_MC) {
        const long i1 = min_l(m, i0 + CK_MC);
        for (long panel = 0; panel < panels; panel++) {
            const long j0 = panel * CK_NR, cols = min_l(CK_NR, n - j0);
            for (long i = i0; i < i1; i += mr) {
                const long rows = min_l(mr, i1 - i);
                // Fetched while the tile's sums run (the step's operands come from L3, written
                // by the op before): the tile's rows of C, which the store would otherwise
                // wait on, and in the first panel the next strip's rows of A (later panels
                // find them in cache). Per product at the step's shapes with operands in L3:
                // 7–17 % less time (qkv 352 → 304 µs, fc1 505 → 420 µs).
                if (!base_block)
                    for (long r = 0; r < rows; r++) {
                        __builtin_prefetch(c + (i + r) * ldc + j0, 1);
                        __builtin_prefetch(c + (i + r) * ldc + j0 + cols - 1, 1);
                    }
                if (panel == 0 && acs == 1)
                    for (long r = i + mr; r < min_l(m, i + 2 * mr); r++)
                        for (long p = 0; p < kc; p += 16) __builtin_prefetch(a + r * ars + p0 + p);
                if (wide)
                    gemm_tile_wide(kc, a + i * ars + p0 * acs, ars, acs, packed + panel * kc * CK_NR,
                                   bias_block ? bias_block + j0 : NULL, c + i * ldc + j0, ldc,
                                   base_block ? base_block + i * ldc + j0 : NULL, rows, cols);
                else
                    gemm_tile(kc, a + i * ars + p0 * acs, ars, acs, packed + panel * kc * CK_NR,
                              bias_block ? bias_block + j0 : NULL, c + i * ldc + j0, ldc,
                              base_block ? base_block + i * ldc + j0 : NULL, rows, cols);
            }
        }
    }
}

/// C (m×n, row stride ldc) = A·B (+ C when `accumulate`, or + `addend` (m×n, row stride ldc) when
/// it is not NULL, added as each tile is stored) (+ bias[j] in every row when `bias` is not NULL),
/// A(i,p) = a[i·ars + p·acs], B(p,j) = b[p·brs + j·bcs]; m, n, k ≥ 1.
CK_INLINE void sgemm_body(long m, long n, long k, const float *a, long ars, long acs, const float *b, long brs,
                          long bcs, const float *bias, const float *addend, float *c, long ldc, int accumulate, int wide) {
    const long panels = (n + CK_NR - 1) / CK_NR;
    float *packed = malloc(sizeof(float) * (size_t)(panels * CK_NR * (k < CK_KC ? k : CK_KC) + panels * CK_NR));
    if (!packed) abort();
    float *bias_packed = packed + panels * CK_NR * (k < CK_KC ? k : CK_KC);
    if (bias) for (long j = 0; j < panels * CK_NR; j++) bias_packed[j] = j < n ? bias[j] : 0;
    for (long p0 = 0; p0 < k; p0 += CK_KC) {
        const long kc = min_l(CK_KC, k - p0);
        pack_b_block(b, brs, bcs, p0, kc, n, packed);
        // The first block adds C (accumulating) or the addend; later blocks add C's partial sums.
        gemm_block_rows(m, n, kc, p0, a, ars, acs, packed, bias && p0 == 0 ? bias_packed : NULL,
                        accumulate || p0 > 0 ? c : addend, c, ldc, wide);
    }
    free(packed);
}

/// B packed whole (every block of CK_KC steps, [block][panel][p][16]) with its bias, for products
/// that reuse one B over many row blocks (the fused MLP): the packing is paid once.
typedef struct { float *values, *bias; long n, k; } PackedB;

CK_INLINE PackedB pack_b_whole(const float *b, long brs, long bcs, long n, long k, const float *bias) {
    const long panels = (n + CK_NR - 1) / CK_NR;
    PackedB packed = { malloc(sizeof(float) * (size_t)(panels * CK_NR * k + panels * CK_NR)), NULL, n, k };
    if (!packed.values) abort();
    if (bias) {
        packed.bias = packed.values + panels * CK_NR * k;
        for (long j = 0; j < panels * CK_NR; j++) packed.bias[j] = j < n ? bias[j] : 0;
    }
    for (long p0 = 0; p0 < k; p0 += CK_KC) pack_b_block(b, brs, bcs, p0, min_l(CK_KC, k - p0), n, packed.values + panels * CK_NR * p0);
    return packed;
}

/// C (m×n) = A·B (+ the packed bias) (+ `addend`, added as tiles are stored): sgemm_body's
/// arithmetic (the same blocks in the same order, so the same values) on a B packed once.
CK_INLINE void sgemm_prepacked(long m, const PackedB *b, const float *a, long ars, long acs, const float *addend,
                               float *c, long ldc, int wide) {
    const long panels = (b->n + CK_NR - 1) / CK_NR;
    for (long p0 = 0; p0 < b->k; p0 += CK_KC)
        gemm_block_rows(m, b->n, min_l(CK_KC, b->k - p0), p0, a, ars, acs, b->values + panels * CK_NR * p0,
                        p0 == 0 ? b->bias : NULL, p0 > 0 ? c : addend, c, ldc, wide);
}

#endif
