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

CK_INLINE void gelu_forward_body(const float *restrict x, float *restrict out, float *restrict s, long n) {
    for (long i = 0; i < n; i++) {
        float value = x[i];
        float u = 0.79788456f * (value + 0.044715f * value * value * value);
        float sigma = 1 / (1 + fast_exp(-2 * u));
        s[i] = sigma;
        out[i] = value * sigma;
    }
}

CK_INLINE void gelu_backward_body(const float *restrict g, const float *restrict x, const float *restrict s, float *restrict out, long n) {
    for (long i = 0; i < n; i++) {
        float value = x[i], sigma = s[i];
        float derivative = sigma + 2 * value * sigma * (1 - sigma) * 0.79788456f * (1 + 0.134145f * value * value);
        out[i] = g[i] * derivative;
    }
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
