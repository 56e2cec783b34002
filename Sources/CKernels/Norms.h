// Layer norm forward and the shared layer/RMS norm backward (see Tensor+Normalization.swift for
// the numerics: row sums in Double, four lanes at a time; the per-element loops vectorise).
#ifndef CKERNELS_NORMS_H
#define CKERNELS_NORMS_H
#include "Bodies.h"
#include <math.h>

typedef double v4d __attribute__((vector_size(32), aligned(8)));
typedef float v4f __attribute__((vector_size(16), aligned(4)));

CK_INLINE v4d widen_low(const float *p) { v4f x = *(const v4f *)p; return __builtin_convertvector(x, v4d); }
CK_INLINE double sum4d(v4d x) { return (x[0] + x[1]) + (x[2] + x[3]); }

CK_INLINE double sum_in_double(const float *x, long count) {
    v4d low = {0, 0, 0, 0}, high = {0, 0, 0, 0};
    long i = 0;
    for (; i + 8 <= count; i += 8) { low += widen_low(x + i); high += widen_low(x + i + 4); }
    double total = sum4d(low + high);
    for (; i < count; i++) total += (double)x[i];
    return total;
}

CK_INLINE double squared_deviations_in_double(const float *x, long count, double centre) {
    v4d low = {0, 0, 0, 0}, high = {0, 0, 0, 0};
    const v4d centres = {centre, centre, centre, centre};
    long i = 0;
    for (; i + 8 <= count; i += 8) {
        v4d first = widen_low(x + i) - centres, second = widen_low(x + i + 4) - centres;
        low += first * first;
        high += second * second;
    }
    double total = sum4d(low + high);
    for (; i < count; i++) { double centred = (double)x[i] - centre; total += centred * centred; }
    return total;
}

CK_INLINE void layer_norm_forward_body(const float *input, const float *scale, const float *shift, long rows,
                                       long width, float epsilon, float *normalized, float *inverse_deviation,
                                       float *out) {
    for (long row = 0; row < rows; row++) {
        const float *source = input + row * width;
        float *normal_row = normalized + row * width, *out_row = out + row * width;
        const double mean = sum_in_double(source, width) / (double)width;
        const double variance = squared_deviations_in_double(source, width, mean) / (double)width;
        const double inverse = 1 / sqrt(variance + (double)epsilon);
        inverse_deviation[row] = (float)inverse;
        for (long column = 0; column < width; column++) {
            double value = ((double)source[column] - mean) * inverse;
            normal_row[column] = (float)value;
            out_row[column] = (float)(value * (double)scale[column] + (double)shift[column]);
        }
    }
}

/// dx = inverse·(ĝ − [mean ĝ] − x̂·mean(ĝ ⊙ x̂)), dweight += Σ g ⊙ x̂, dbias += Σ g, with ĝ = g ⊙ weight
/// and x̂ the saved `normalized` (layer norm) or x·inverse (RMS norm, `normalized` NULL).
/// `scratch` holds 2·width Doubles.
CK_INLINE void norm_backward_body(const float *g, const float *input, const float *scale, const float *normalized,
                                  const double *inverse, long rows, long width, int centered, float *dx,
                                  float *weight_sums, float *bias_sums, double *scratch) {
    double *values = scratch, *scaled = scratch + width;
    for (long row = 0; row < rows; row++) {
        const double row_inverse = inverse[row];
        const float *g_row = g + row * width;
        float *out_row = dx + row * width;
        if (normalized) {
            const float *saved = normalized + row * width;
            for (long c = 0; c < width; c++) values[c] = (double)saved[c];
        } else {
            const float *x_row = input + row * width;
            for (long c = 0; c < width; c++) values[c] = (double)x_row[c] * row_inverse;
        }
        for (long c = 0; c < width; c++) scaled[c] = (double)g_row[c] * (double)scale[c];
        for (long c = 0; c < width; c++) {
            weight_sums[c] += g_row[c] * (float)values[c];
            bias_sums[c] += g_row[c];
        }
        v4d sums = {0, 0, 0, 0}, dots = {0, 0, 0, 0};
        long i = 0;
        for (; i + 4 <= width; i += 4) {
            v4d left = *(const v4d *)(scaled + i);
            sums += left;
            dots += left * *(const v4d *)(values + i);
        }
        double sum = sum4d(sums), product = sum4d(dots);
        for (; i < width; i++) { sum += scaled[i]; product += scaled[i] * values[i]; }
        const double mean_scaled = sum / (double)width, mean_product = product / (double)width;
        const double centered_part = centered ? mean_scaled : 0;
        for (long c = 0; c < width; c++)
            out_row[c] = (float)(row_inverse * (scaled[c] - centered_part - values[c] * mean_product));
    }
}

#endif
