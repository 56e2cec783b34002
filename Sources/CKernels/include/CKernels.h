// CKernels: the hot loops of a training step (attention, GELU, layer norm, AdamW, sums) in C, so
// they can be compiled twice: once for baseline x86-64 (what the rest of the package is built
// for) and once with AVX2 + FMA, chosen at run time by what the CPU supports. A CPU without
// AVX2/FMA (or a non-x86 machine) always runs the portable build: never an illegal instruction.
#ifndef CKERNELS_H
#define CKERNELS_H

#include <stddef.h>

/// Which build of the kernels runs: 0 portable, 1 AVX2 + FMA.
typedef enum { CKLevelPortable = 0, CKLevelAVX2FMA = 1 } CKLevel;

/// The best level this CPU (and its OS, which must save the AVX registers) supports.
CKLevel ck_available_level(void);
/// The level a process uses unless told otherwise: `ck_available_level()`, or portable when the
/// environment sets MICROSEEK_PORTABLE_KERNELS=1.
CKLevel ck_default_level(void);

/// Whether the products at the AVX2 + FMA level (ck_sgemm, the fused feed-forward block) run
/// their AVX-512 build, a 12 × 16 tile of ZMM registers whose every sum is the AVX2 tile's (same
/// steps, same order, same fused multiply-adds: the same bits, twice the lanes per instruction):
/// when the CPU has AVX-512 F and the OS saves the ZMM registers, unless the environment sets
/// MICROSEEK_NARROW_TILES=1 (for measuring one against the other).
int ck_wide_tiles(void);
/// Turns the AVX-512 build off (0) or back on where the CPU has it (1), for tests that pin one
/// against the other; returns whether it was on.
int ck_set_wide_tiles(int enabled);

// Every kernel takes the level to run at (Autograd's VectorKernels passes it, so tests can pin
// one build against the other without a process-wide switch); a level above what the CPU
// supports runs the portable build.

/// Where one attention operand's head rows lie: element (batch b, head h, position t, feature c)
/// is at offset + b·batch_stride + h·head_stride + t·row_stride + c.
typedef struct {
    long offset, batch_stride, head_stride, row_stride;
} CKAttentionOperand;

typedef struct {
    long batch, heads, queries, keys, width;
    float scale;
    int causal;
    CKAttentionOperand query, key, value, output;
} CKAttentionLayout;

/// softmax(scale·q·kᵀ, causal)·v per (batch, head); `probabilities` keeps the weights for backward,
/// transposed per (batch, head): [batch·heads, keys, queries], written in full, masked entries 0.
void ck_attention_forward(CKLevel level, const CKAttentionLayout *layout, const float *query, const float *key,
                          const float *value, float *probabilities, float *output);

/// dq, dk, dv (any may be NULL) from the kept probabilities; each written in full (its slots).
void ck_attention_backward(CKLevel level, const CKAttentionLayout *layout, const float *probabilities,
                           const float *output_gradient, const float *query, const float *key,
                           const float *value, float *query_gradient, float *key_gradient,
                           float *value_gradient);

/// GELU (tanh form) as x·s with s = 1/(1 + e^(−2u)): writes x·s into `output`.
void ck_gelu_forward(CKLevel level, const float *input, float *output, long count);
/// gradient ⊙ GELU'(x), s recomputed from x (bit for bit the forward's).
void ck_gelu_backward(CKLevel level, const float *gradient, const float *input, float *output, long count);

/// Layer norm over rows of `width`: writes x̂ = (x − mean)/√(var + ε) into `normalized`, 1/√(var + ε)
/// per row into `inverse_deviation`, and x̂·scale + shift into `out` (mean and variance in Double).
void ck_layer_norm_forward(CKLevel level, const float *input, const float *scale, const float *shift, long rows, long width,
                           float epsilon, float *normalized, float *inverse_deviation, float *out);
/// The layer/RMS norm backward: dx (written in full), and Σ g ⊙ x̂, Σ g added into `weight_sums`,
/// `bias_sums`; `normalized` NULL means x̂ = x·inverse (RMS norm); `centered` subtracts mean ĝ.
/// `scratch` holds 2·width Doubles.
void ck_norm_backward(CKLevel level, const float *gradient, const float *input, const float *scale, const float *normalized,
                      const double *inverse, long rows, long width, int centered, float *dx, float *weight_sums,
                      float *bias_sums, double *scratch);

/// sums[c] = Σ_r values[r·width + c] over `rows` rows (each column in row order); writes all `width`.
void ck_column_sums(CKLevel level, const float *values, long rows, long width, float *sums);

/// One Adam/AdamW step over `count` values: p ×= shrink; g' = g + l2·p; m = β1·m + (1−β1)·g';
/// v = β2·v + (1−β2)·g'²; p −= step_size · m / (√v · inverse_root_correction2 + ε).
void ck_adam_update(CKLevel level, float *values, const float *gradient, float *first, float *second, long count,
                    float l2, float shrink, float step_size, float inverse_root_correction2, float beta1, float beta2,
                    float epsilon);

/// C (m×n, row stride ldc) = A·B, plus C when `accumulate` (else plus `addend`, m×n with row stride
/// ldc, when it is not NULL: a residual added as each tile is stored), plus bias[j] in every row
/// when `bias` is not NULL, with A(i,p) = a[i·a_row_stride +
/// p·a_step_stride] and B(p,j) = b[p·b_step_stride + j·b_column_stride]; one thread. Runs only at
/// the AVX2 + FMA level and returns 1; returns 0 (and does nothing) otherwise, and the caller
/// uses OpenBLAS. Needs m, n, k ≥ 1.
int ck_sgemm(CKLevel level, long m, long n, long k, const float *a, long a_row_stride, long a_step_stride, const float *b,
             long b_step_stride, long b_column_stride, const float *bias, const float *addend, float *c, long ldc,
             int accumulate);

/// The fused feed-forward block at the AVX2 + FMA level: h = x·W1ᵀ + b1 ([rows, hidden], kept for
/// the backward) and y = residual + GELU(h)·W2ᵀ + b2 ([rows, out]), over blocks of rows (the
/// hidden activation stays in cache); W1 [hidden, in], W2 [out, hidden]; b1, b2, residual may be
/// NULL. The same values as ck_sgemm, ck_gelu_forward, ck_sgemm. Returns 0 (and does nothing)
/// below that level or for an empty size, 1 otherwise.
int ck_mlp_forward(CKLevel level, long rows, long in, long hidden, long out, const float *x, const float *w1,
                   const float *b1, const float *w2, const float *b2, const float *residual, float *h, float *y);
/// Its backward from dY [rows, out], x and the kept h, block by block (dY·W2, dH and GELU(h) of a
/// block never leave the cache): dX = dH·W1 [rows, in] with dH = (dY·W2) ⊙ GELU'(h), and the
/// weight gradients dW1 = dHᵀ·x [hidden, in], db1 = Σ dH [hidden], dW2 = dYᵀ·GELU(h) [out, hidden],
/// each written in full (any may be NULL: not wanted). dX and db1 are the unfused ops' values;
/// dW1 and dW2 sum the rows block by block (another order than one product over all rows, so
/// the last bits differ). Same contract as ck_mlp_forward.
int ck_mlp_backward(CKLevel level, long rows, long in, long hidden, long out, const float *x, const float *h,
                    const float *w1, const float *w2, const float *dy, float *dx, float *dw1, float *db1, float *dw2);

#endif
