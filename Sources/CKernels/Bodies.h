// The kernels' bodies, written once and inlined into both builds (Variants.c). Vectors are
// clang's generic 8-float type: one AVX register in the AVX2 build, two SSE halves in the
// portable one. With -ffp-contract=fast a multiply-add becomes one FMA where the build has it
// (the portable build rounds the product first, as the Swift kernels did).
#ifndef CKERNELS_BODIES_H
#define CKERNELS_BODIES_H
#include "CKernels.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CK_INLINE static inline __attribute__((always_inline))

typedef float v8 __attribute__((vector_size(32), aligned(4)));   // aligned(4): unaligned loads are fine

CK_INLINE v8 load8(const float *p) { return *(const v8 *)p; }
CK_INLINE void store8(v8 x, float *p) { *(v8 *)p = x; }
CK_INLINE v8 splat8(float x) { return (v8){x, x, x, x, x, x, x, x}; }
CK_INLINE float sum8(v8 x) { return ((x[0] + x[4]) + (x[1] + x[5])) + ((x[2] + x[6]) + (x[3] + x[7])); }
CK_INLINE long min_l(long a, long b) { return a < b ? a : b; }
CK_INLINE long max_l(long a, long b) { return a > b ? a : b; }

/// e^x as FastMath.swift's fastExp: Cody-Waite reduction, degree-7 polynomial, 2^n by the bits.
CK_INLINE float fast_exp(float x) {
    float c = x < -87.3f ? -87.3f : (x > 88.7f ? 88.7f : x);
    const float shifter = 12582912.0f;
    float shifted = c * 1.44269504f + shifter;
    float n = shifted - shifter;
    uint32_t bits;
    memcpy(&bits, &shifted, 4);
    uint32_t exponent_bits = (bits - 0x4B400000u + 127u) << 23;
    float scale;
    memcpy(&scale, &exponent_bits, 4);
    float r = (c - n * 0.69314575f) - n * 1.4286068e-6f;
    float p = 1.0f / 5040;
    p = p * r + 1.0f / 720;
    p = p * r + 1.0f / 120;
    p = p * r + 1.0f / 24;
    p = p * r + 1.0f / 6;
    p = p * r + 0.5f;
    p = p * r + 1;
    p = p * r + 1;
    return p * scale;
}

// MARK: GELU (see geluForwardValues in Tensor+Elementwise.swift)

/// s = 1/(1 + e^(−2u)), u = √(2/π)(x + 0.044715x³): GELU(x) = x·s. Forward and backward both call
/// it (the backward recomputes s instead of reading a saved copy: the step's GELU is bound by its
/// memory traffic, and the exp costs less than writing and re-reading a second [rows, 4d] array),
/// and the same expression compiles to the same instructions in both, so s keeps its bits.
CK_INLINE float gelu_logistic(float value) {
    float u = 0.79788456f * (value + 0.044715f * value * value * value);
    return 1 / (1 + fast_exp(-2 * u));
}

// Four vectors in flight per iteration (interleave_count): one vector's exp–divide chain is
// ~70 cycles long, and without interleaving the loop waited on it (in L2, per 262 144 values:
// forward 227 → 148 µs; the values are the same, each lane's arithmetic is unchanged).
CK_INLINE void gelu_forward_body(const float *restrict x, float *restrict out, long n) {
#pragma clang loop interleave_count(4)
    for (long i = 0; i < n; i++) out[i] = x[i] * gelu_logistic(x[i]);
}

CK_INLINE void gelu_backward_body(const float *restrict g, const float *restrict x, float *restrict out, long n) {
#pragma clang loop interleave_count(4)
    for (long i = 0; i < n; i++) {
        float value = x[i], sigma = gelu_logistic(value);
        float derivative = sigma + 2 * value * sigma * (1 - sigma) * 0.79788456f * (1 + 0.134145f * value * value);
        out[i] = g[i] * derivative;
    }
}

/// gelu_backward_body that also writes GELU(x) = x·s into `value` (the fused MLP's backward
/// recomputes the activation fc2's weight gradient reads, instead of keeping it from the forward).
/// Each lane's arithmetic is the forward's and the backward's, so both keep their bits.
CK_INLINE void gelu_value_and_backward_body(const float *restrict g, const float *restrict x, float *restrict value,
                                            float *restrict out, long n) {
#pragma clang loop interleave_count(4)
    for (long i = 0; i < n; i++) {
        float input = x[i], sigma = gelu_logistic(input);
        value[i] = input * sigma;
        float derivative = sigma + 2 * input * sigma * (1 - sigma) * 0.79788456f * (1 + 0.134145f * input * input);
        out[i] = g[i] * derivative;
    }
}

// MARK: Column sums (a linear layer's bias gradient)

/// sums[c] = Σ_r values[r·width + c], each column summed in row order (the order of a loop that
/// adds row after row into the sums, so the same values), 64 columns at a time in eight vector
/// registers: the sums are no longer stored and reloaded for every row. With `adding` the sums
/// go on from the values in `sums` (rows handed over block by block give the one pass's values).
CK_INLINE void column_sums_from(const float *restrict values, long rows, long width, float *restrict sums, int adding) {
    long c0 = 0;
    for (; c0 + 64 <= width; c0 += 64) {
        v8 s0 = splat8(0), s1 = splat8(0), s2 = splat8(0), s3 = splat8(0);
        v8 s4 = splat8(0), s5 = splat8(0), s6 = splat8(0), s7 = splat8(0);
        if (adding) {
            s0 = load8(sums + c0); s1 = load8(sums + c0 + 8); s2 = load8(sums + c0 + 16); s3 = load8(sums + c0 + 24);
            s4 = load8(sums + c0 + 32); s5 = load8(sums + c0 + 40); s6 = load8(sums + c0 + 48); s7 = load8(sums + c0 + 56);
        }
        for (long r = 0; r < rows; r++) {
            const float *row = values + r * width + c0;
            s0 += load8(row); s1 += load8(row + 8); s2 += load8(row + 16); s3 += load8(row + 24);
            s4 += load8(row + 32); s5 += load8(row + 40); s6 += load8(row + 48); s7 += load8(row + 56);
        }
        store8(s0, sums + c0); store8(s1, sums + c0 + 8); store8(s2, sums + c0 + 16); store8(s3, sums + c0 + 24);
        store8(s4, sums + c0 + 32); store8(s5, sums + c0 + 40); store8(s6, sums + c0 + 48); store8(s7, sums + c0 + 56);
    }
    for (; c0 + 8 <= width; c0 += 8) {
        v8 s = adding ? load8(sums + c0) : splat8(0);
        for (long r = 0; r < rows; r++) s += load8(values + r * width + c0);
        store8(s, sums + c0);
    }
    for (; c0 < width; c0++) {
        float s = adding ? sums[c0] : 0;
        for (long r = 0; r < rows; r++) s += values[r * width + c0];
        sums[c0] = s;
    }
}

CK_INLINE void column_sums_body(const float *restrict values, long rows, long width, float *restrict sums) {
    column_sums_from(values, rows, width, sums, 0);
}

// MARK: Adam / AdamW (see AdamMoments.update in NeuralNets/Optimizers.swift)

CK_INLINE void adam_update_body(float *restrict p, const float *restrict g, float *restrict m, float *restrict v, long n, float l2, float shrink,
                                float step_size, float inverse_root_correction2, float beta1, float beta2,
                                float epsilon) {
    for (long i = 0; i < n; i++) {
        // The decay shrinks p before the gradient's L2 term reads it (one of the two is off).
        float current = shrink * p[i];
        float grad = g[i] + l2 * current;
        float mean = beta1 * m[i] + (1 - beta1) * grad;
        float square = beta2 * v[i] + (1 - beta2) * grad * grad;
        m[i] = mean;
        v[i] = square;
        p[i] = current - step_size * mean / (__builtin_sqrtf(square) * inverse_root_correction2 + epsilon);
    }
}

#endif
