// Output stage for 8 output channels in one ymm, shared by the AVX2 and AVX-VNNI paths.
// Include after defining V2X_YMM_TARGET (a target attribute that implies AVX2).
#ifndef V2X_CONV_YMM_STORE_H
#define V2X_CONV_YMM_STORE_H

#include <immintrin.h>
#include "conv_internal.h"

/// Writes output channels [oc0, oc0 + 8) ∩ [0, out_channels) of one pixel from `acc`.
static inline V2X_YMM_TARGET __attribute__((always_inline)) void
v2x_store8(const v2x_conv_params *p, void *output, int64_t pixel, int32_t oc0, __m256i acc) {
    const int32_t valid = p->out_channels - oc0 < 8 ? p->out_channels - oc0 : 8;
    if (valid <= 0) return;
    const int64_t index = pixel * p->out_channels + oc0;
    if (valid < 8) {
        // Channel tail: the scalar stage computes exactly what the vector one would.
        int32_t lanes[8];
        _mm256_storeu_si256((__m256i *)lanes, acc);
        for (int32_t i = 0; i < valid; ++i)
            v2x_store_output_one(p, output, index + i, oc0 + i, lanes[i] + p->bias[oc0 + i]);
        return;
    }
    acc = _mm256_add_epi32(acc, _mm256_loadu_si256((const __m256i *)(p->bias + oc0)));
    if (p->output_kind == V2X_OUTPUT_S32) {
        if (p->relu) acc = _mm256_max_epi32(acc, _mm256_setzero_si256());
        _mm256_storeu_si256((__m256i *)((int32_t *)output + index), acc);
        return;
    }
    __m256 f = _mm256_mul_ps(_mm256_cvtepi32_ps(acc), _mm256_loadu_ps(p->multiplier + oc0));
    if (p->output_kind == V2X_OUTPUT_F32) {
        if (p->relu) f = _mm256_max_ps(f, _mm256_setzero_ps());
        _mm256_storeu_ps((float *)output + index, f);
        return;
    }
    f = _mm256_min_ps(_mm256_max_ps(f, _mm256_set1_ps(-V2X_REQUANT_FLOAT_BOUND)), _mm256_set1_ps(V2X_REQUANT_FLOAT_BOUND));
    // Default MXCSR rounding: half to even, like nearbyintf in the scalar stage.
    __m256i q = _mm256_add_epi32(_mm256_cvtps_epi32(f), _mm256_set1_epi32(p->output_zero_point));
    q = _mm256_max_epi32(q, _mm256_set1_epi32(p->relu ? p->output_zero_point : 0));
    q = _mm256_min_epi32(q, _mm256_set1_epi32(255));
    __m128i words = _mm_packus_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
    _mm_storel_epi64((__m128i *)((uint8_t *)output + index), _mm_packus_epi16(words, words));
}

#endif
