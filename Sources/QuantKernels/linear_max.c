#include <limits.h>
#include "linear_max_internal.h"

int64_t v2x_linear_max_scratch_size(int32_t in_features, int32_t out_features, int64_t groups) {
    if (in_features <= 0 || out_features <= 0 || groups < 0) return -1;
    const int64_t padded = v2x_lm_padded_features(out_features);
    // Maxima, then the s16 weight pairs on a 32-byte boundary (the caller's base may be unaligned).
    return groups * padded * 4 + 32 + (int64_t)v2x_lm_pairs(in_features) * padded * 2 * 2;
}

static int32_t check(const v2x_linear_max_params *p, const uint8_t *input, const int8_t *weights,
                     const void *scratch, const uint8_t *output) {
    if (!p || !weights || !scratch || !p->bias || !p->multiplier) return V2X_STATUS_INVALID_ARGUMENT;
    if (p->rows < 0 || p->groups < 0 || p->in_features <= 0 || p->out_features <= 0) return V2X_STATUS_INVALID_ARGUMENT;
    if ((p->rows > 0 && (!input || !p->row_group)) || (p->groups > 0 && !output)) return V2X_STATUS_INVALID_ARGUMENT;
    if (p->output_zero_point < 0 || p->output_zero_point > 255) return V2X_STATUS_INVALID_ARGUMENT;
    for (int32_t o = 0; o < p->out_features; ++o) {
        const float m = p->multiplier[o];
        if (!(m > 0.0f) || !isfinite(m)) return V2X_STATUS_INVALID_ARGUMENT;
    }
    for (int64_t r = 0; r < p->rows; ++r) {
        if (p->row_group[r] < 0 || p->row_group[r] >= p->groups) return V2X_STATUS_INVALID_ARGUMENT;
    }
    const int64_t max_bias = v2x_conv_max_abs_bias(1, p->in_features);
    if (max_bias < 0) return V2X_STATUS_ACCUMULATOR_RANGE;
    for (int32_t o = 0; o < p->out_features; ++o) {
        const int64_t b = p->bias[o];
        if (b > max_bias || -b > max_bias) return V2X_STATUS_ACCUMULATOR_RANGE;
    }
    if (!v2x_kernel_isa_supported(p->isa)) return V2X_STATUS_UNSUPPORTED_ISA;
    return V2X_STATUS_OK;
}

// The reference path: one accumulator at a time, straight from the plain weights.
static void linear_max_scalar(const v2x_linear_max_params *p, const uint8_t *input, const int8_t *weights, int32_t *maxima) {
    const int32_t padded = v2x_lm_padded_features(p->out_features);
    for (int64_t r = 0; r < p->rows; ++r) {
        const uint8_t *x = input + r * p->in_features;
        int32_t *m = maxima + (int64_t)p->row_group[r] * padded;
        for (int32_t o = 0; o < p->out_features; ++o) {
            int32_t acc = p->bias[o];
            for (int32_t i = 0; i < p->in_features; ++i) acc += (int32_t)x[i] * (int32_t)weights[o * p->in_features + i];
            if (acc > m[o]) m[o] = acc;
        }
    }
}

int32_t v2x_linear_max_u8s8(const v2x_linear_max_params *p, const uint8_t *input, const int8_t *weights,
                            void *scratch, uint8_t *output) {
    const int32_t status = check(p, input, weights, scratch, output);
    if (status != V2X_STATUS_OK) return status;
    const int64_t padded = v2x_lm_padded_features(p->out_features);
    int32_t *maxima = (int32_t *)scratch;
    for (int64_t i = 0; i < p->groups * padded; ++i) maxima[i] = INT32_MIN;
    if (p->isa == V2X_ISA_SCALAR) {
        linear_max_scalar(p, input, weights, maxima);
    } else {
        const uintptr_t end = (uintptr_t)(maxima + p->groups * padded);
        int16_t *pairs = (int16_t *)((end + 31) & ~(uintptr_t)31);
        const int32_t run = v2x_linear_max_u8s8_avx2(p, input, weights, maxima, pairs);
        if (run != V2X_STATUS_OK) return run;
    }
    v2x_lm_store(p, maxima, output);
    return V2X_STATUS_OK;
}
