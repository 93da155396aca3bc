// Shared internals of the fused linear + max paths (not part of the public header).
#ifndef V2X_LINEAR_MAX_INTERNAL_H
#define V2X_LINEAR_MAX_INTERNAL_H

#include "conv_internal.h"

/// Output features per SIMD block (one ymm of s32).
#define V2X_LM_BLOCK 8

static inline int32_t v2x_lm_padded_features(int32_t out_features) {
    return (out_features + V2X_LM_BLOCK - 1) / V2X_LM_BLOCK * V2X_LM_BLOCK;
}

/// Input features taken two at a time (the last pair of an odd count has a zero partner).
static inline int32_t v2x_lm_pairs(int32_t in_features) { return (in_features + 1) / 2; }

/// Writes the groups' u8 outputs from their maxima (`[groups][padded]` s32).
static inline void v2x_lm_store(const v2x_linear_max_params *p, const int32_t *maxima, uint8_t *output) {
    const int32_t padded = v2x_lm_padded_features(p->out_features);
    for (int64_t g = 0; g < p->groups; ++g) {
        for (int32_t o = 0; o < p->out_features; ++o) {
            output[g * p->out_features + o] =
                v2x_requantize_one(maxima[g * padded + o], p->multiplier[o], p->output_zero_point, p->relu);
        }
    }
}

int32_t v2x_linear_max_u8s8_avx2(const v2x_linear_max_params *p, const uint8_t *input, const int8_t *weights,
                                 int32_t *maxima, int16_t *pairs);

#endif
