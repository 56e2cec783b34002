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
    // A block of rows' statistics first, then their elementwise pass: a row's statistics are one
    // chain of dependent steps (sum → mean → squared deviations → sqrt → divide), and with the
    // pass between two rows the processor waited on one chain at a time; the block's chains are
    // independent and overlap. Each row's arithmetic is unchanged.
    enum { STATISTICS_BLOCK = 16 };
    double means[STATISTICS_BLOCK], inverses[STATISTICS_BLOCK];
    for (long first = 0; first < rows; first += STATISTICS_BLOCK) {
        const long count = min_l(STATISTICS_BLOCK, rows - first);
        for (long r = 0; r < count; r++) {
            const float *source = input + (first + r) * width;
            const double mean = sum_in_double(source, width) / (double)width;
            const double variance = squared_deviations_in_double(source, width, mean) / (double)width;
            means[r] = mean;
            inverses[r] = 1 / sqrt(variance + (double)epsilon);
        }
        for (long r = 0; r < count; r++) {
            const long row = first + r;
            const float *source = input + row * width;
            float *normal_row = normalized + row * width, *out_row = out + row * width;
            const double mean = means[r], inverse = inverses[r];
            inverse_deviation[row] = (float)inverse;
            for (long column = 0; column < width; column++) {
                double value = ((double)source[column] - mean) * inverse;
                normal_row[column] = (float)value;
                out_row[column] = (float)(value * (double)scale[column] + (double)shift[column]);
            }
        }
    }
}

/// x̂ for element c of a row: the saved `normalized` value (layer norm), or x·inverse (RMS norm).
CK_INLINE double normal_value(const float *saved, const float *x_row, double row_inverse, long c) {
    return saved ? (double)saved[c] : (double)x_row[c] * row_inverse;
}

/// dx = inverse·(ĝ − [mean ĝ] − x̂·mean(ĝ ⊙ x̂)), dweight += Σ g ⊙ x̂, dbias += Σ g, with ĝ = g ⊙ weight
/// and x̂ the saved `normalized` (layer norm) or x·inverse (RMS norm, `normalized` NULL).
/// A block of rows' two sums first, then their elementwise pass (as the forward's statistics:
/// each row's sums are a chain the next row's need not wait for). ĝ = g·weight is exact in
/// Double, and x̂ is recomputed the same way in both passes, so every value is the one-pass
/// loop's. `scratch` (2·width Doubles) is no longer needed.
CK_INLINE void norm_backward_body(const float *g, const float *input, const float *scale, const float *normalized,
                                  const double *inverse, long rows, long width, int centered, float *dx,
                                  float *weight_sums, float *bias_sums, double *scratch) {
    (void)scratch;
    enum { SUMS_BLOCK = 8 };
    double means_scaled[SUMS_BLOCK], means_product[SUMS_BLOCK];
    for (long first = 0; first < rows; first += SUMS_BLOCK) {
        const long count = min_l(SUMS_BLOCK, rows - first);
        for (long r = 0; r < count; r++) {
            const long row = first + r;
            const double row_inverse = inverse[row];
            const float *g_row = g + row * width, *x_row = input + row * width;
            const float *saved = normalized ? normalized + row * width : NULL;
            v4d sums = {0, 0, 0, 0}, dots = {0, 0, 0, 0};
            long i = 0;
            for (; i + 4 <= width; i += 4) {
                const v4d left = widen_low(g_row + i) * widen_low(scale + i);
                const v4d values = saved ? widen_low(saved + i)
                    : widen_low(x_row + i) * (v4d){row_inverse, row_inverse, row_inverse, row_inverse};
                sums += left;
                dots += left * values;
            }
            double sum = sum4d(sums), product = sum4d(dots);
            for (; i < width; i++) {
                const double left = (double)g_row[i] * (double)scale[i];
                sum += left;
                product += left * normal_value(saved, x_row, row_inverse, i);
            }
            means_scaled[r] = sum / (double)width;
            means_product[r] = product / (double)width;
        }
        for (long r = 0; r < count; r++) {
            const long row = first + r;
            const double row_inverse = inverse[row], mean_product = means_product[r];
            const double centered_part = centered ? means_scaled[r] : 0;
            const float *g_row = g + row * width, *x_row = input + row * width;
            const float *saved = normalized ? normalized + row * width : NULL;
            float *out_row = dx + row * width;
            for (long c = 0; c < width; c++) {
                weight_sums[c] += g_row[c] * (float)normal_value(saved, x_row, row_inverse, c);
                bias_sums[c] += g_row[c];
            }
            for (long c = 0; c < width; c++) {
                const double scaled = (double)g_row[c] * (double)scale[c];
                out_row[c] = (float)(row_inverse * (scaled - centered_part - normal_value(saved, x_row, row_inverse, c) * mean_product));
            }
        }
    }
}

#endif
