// AVX2 path of the fused linear + max, exact without VNNI (as conv_avx2.c): input features
// are taken in pairs, both u8 values zero-extended to s16 in one 32-bit lane and broadcast;
// the weights of 8 output features for that pair sit as s16 pairs in one ymm, so vpmaddwd
// gives the 8 features' pair sums directly, with no folding (|2 · 255 · 128| < 2^31):
//
//   pairs[j][o] = (w[o][2j], w[o][2j+1])        s16 × 2 per 32-bit lane, w[o][in] = 0
//   acc[ob]    += vpmaddwd(broadcast(x[2j], x[2j+1]), pairs[j][8ob .. 8ob+7])
//
// Each row's accumulators then update its group's maxima with vpmaxsd.
#include <immintrin.h>
#include "linear_max_internal.h"

#define TARGET __attribute__((target("avx2")))
/// The loops over blocks are unrolled, so the accumulators stay in registers.
#define UNROLL _Pragma("clang loop unroll(full)")
/// Output blocks held in registers at once (64 features); wider layers take several passes.
#define MAX_BLOCKS 8

/// Widens `weights[out][in]` into `pairs[pair][padded][2]` s16, zero-padded.
static void widen_pairs(const v2x_linear_max_params *p, const int8_t *weights, int16_t *pairs) {
    const int32_t padded = v2x_lm_padded_features(p->out_features), count = v2x_lm_pairs(p->in_features);
    for (int32_t j = 0; j < count; ++j) {
        for (int32_t o = 0; o < padded; ++o) {
            for (int32_t k = 0; k < 2; ++k) {
                const int32_t i = 2 * j + k;
                pairs[((int64_t)j * padded + o) * 2 + k] =
                    (o < p->out_features && i < p->in_features) ? weights[o * p->in_features + i] : 0;
            }
        }
    }
}

/// Blocks [b0, b0 + blocks) of every row.
static inline TARGET __attribute__((always_inline)) void
run_blocks(const v2x_linear_max_params *p, const uint8_t *input, const int16_t *pairs, int32_t *maxima,
           int32_t b0, const int blocks) {
    const int32_t padded = v2x_lm_padded_features(p->out_features), count = v2x_lm_pairs(p->in_features);
    const int32_t in = p->in_features;
    __m256i bias[MAX_BLOCKS];
    UNROLL for (int b = 0; b < blocks; ++b) {
        int32_t lanes[V2X_LM_BLOCK];
        for (int k = 0; k < V2X_LM_BLOCK; ++k) {
            const int32_t o = (b0 + b) * V2X_LM_BLOCK + k;
            lanes[k] = o < p->out_features ? p->bias[o] : 0;
        }
        bias[b] = _mm256_loadu_si256((const __m256i *)lanes);
    }
    for (int64_t r = 0; r < p->rows; ++r) {
        const uint8_t *x = input + r * in;
        __m256i acc[MAX_BLOCKS];
        UNROLL for (int b = 0; b < blocks; ++b) acc[b] = bias[b];
        for (int32_t j = 0; j < count; ++j) {
            const int32_t lo = x[2 * j], hi = 2 * j + 1 < in ? x[2 * j + 1] : 0;
            const __m256i xx = _mm256_set1_epi32(lo | (hi << 16));
            const int16_t *w = pairs + ((int64_t)j * padded + (int64_t)b0 * V2X_LM_BLOCK) * 2;
            UNROLL for (int b = 0; b < blocks; ++b)
                acc[b] = _mm256_add_epi32(acc[b], _mm256_madd_epi16(xx, _mm256_load_si256((const __m256i *)(w + b * 16))));
        }
        int32_t *m = maxima + (int64_t)p->row_group[r] * padded + (int64_t)b0 * V2X_LM_BLOCK;
        UNROLL for (int b = 0; b < blocks; ++b) {
            __m256i *slot = (__m256i *)(m + b * V2X_LM_BLOCK);
            _mm256_storeu_si256(slot, _mm256_max_epi32(_mm256_loadu_si256(slot), acc[b]));
        }
    }
}

#define BLOCKS(N) \
    static TARGET void blocks_##N(const v2x_linear_max_params *p, const uint8_t *input, const int16_t *pairs, \
                                  int32_t *maxima, int32_t b0) { \
        run_blocks(p, input, pairs, maxima, b0, N); \
    }
BLOCKS(1) BLOCKS(2) BLOCKS(3) BLOCKS(4) BLOCKS(5) BLOCKS(6) BLOCKS(7) BLOCKS(8)
static void (*const by_blocks[MAX_BLOCKS])(const v2x_linear_max_params *, const uint8_t *, const int16_t *, int32_t *, int32_t) = {
    blocks_1, blocks_2, blocks_3, blocks_4, blocks_5, blocks_6, blocks_7, blocks_8,
};

int32_t v2x_linear_max_u8s8_avx2(const v2x_linear_max_params *p, const uint8_t *input, const int8_t *weights,
                                 int32_t *maxima, int16_t *pairs) {
    widen_pairs(p, weights, pairs);
    const int32_t total = v2x_lm_padded_features(p->out_features) / V2X_LM_BLOCK;
    for (int32_t b0 = 0; b0 < total; b0 += MAX_BLOCKS) {
        const int32_t blocks = total - b0 < MAX_BLOCKS ? total - b0 : MAX_BLOCKS;
        by_blocks[blocks - 1](p, input, pairs, maxima, b0);
    }
    return V2X_STATUS_OK;
}
