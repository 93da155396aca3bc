// AVX2 path, exact without VNNI. vpmaddubsw (u8·s8 pairs summed into s16) saturates, so
// it is not used: both operands are widened to s16 and vpmaddwd sums pairs into s32,
// |255 · 128 · 2| < 2^31, so every step is exact.
//
// Per group of 4 input channels and one packed block of 16 output channels:
//   x   = (x0 x1 x2 x3) zero-extended to s16 and broadcast to all four 64-bit lanes
//   wq  = w[16 ob + 4q .. 16 ob + 4q + 3][4g .. 4g + 3] sign-extended to s16 (q = 0…3)
//   acc[q] += vpmaddwd(x, wq)
// so acc[q] holds two partial sums per channel, lanes (c, part): (0,a)(0,b)(1,a)(1,b) |
// (2,a)(2,b)(3,a)(3,b) in channel order 4q + c. At the end vphaddd + vpermq fold the
// pairs into 8 channel sums per ymm.
#include <immintrin.h>
#define V2X_YMM_TARGET __attribute__((target("avx2,fma")))
#include "conv_ymm_store.h"

/// Small loops over pixels and channel quarters are unrolled early, so the accumulators stay in registers.
#define UNROLL _Pragma("clang loop unroll(full)")
#define MAX_PIXELS 2

/// (s0 + s1 of each channel) for channels 4a..4a+3 and 4b..4b+3, in channel order.
static inline V2X_YMM_TARGET __attribute__((always_inline)) __m256i fold_pairs(__m256i a, __m256i b) {
    // hadd per 128-bit lane: [a01 a23 b01 b23 | a45 a67 b45 b67] = channels [0 1 4 5 | 2 3 6 7].
    return _mm256_permute4x64_epi64(_mm256_hadd_epi32(a, b), 0xD8);
}

static inline V2X_YMM_TARGET __attribute__((always_inline)) void
run_tile(const v2x_conv_params *p, const uint8_t *input, const int8_t *weights, int32_t oc0,
         int32_t oy, int32_t ox, void *output, const int pixels) {
    const int64_t groups = (p->in_channels + 3) / 4;
    const int32_t full_groups = p->in_channels / 4, tail = p->in_channels % 4;
    __m256i acc[MAX_PIXELS][4];
    UNROLL for (int i = 0; i < pixels; ++i)
        UNROLL for (int q = 0; q < 4; ++q) acc[i][q] = _mm256_setzero_si256();
    const int32_t taps = p->kernel_height * p->kernel_width;
    for (int32_t tap = 0; tap < taps; ++tap) {
        const uint8_t *src[MAX_PIXELS];
        v2x_tap_sources(p, input, oy, ox, pixels, tap / p->kernel_width, tap % p->kernel_width, src);
        const int8_t *w = weights + (int64_t)tap * groups * 64;
        for (int32_t g = 0; g <= full_groups; ++g) {
            if (g == full_groups && !tail) break;
            __m256i wq[4];
            UNROLL for (int q = 0; q < 4; ++q)
                wq[q] = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(w + g * 64 + q * 16)));
            UNROLL for (int i = 0; i < pixels; ++i) {
                const uint32_t x = g < full_groups ? v2x_load_group(src[i] + 4 * g)
                                                   : v2x_load_tail_group(src[i] + 4 * g, tail);
                const __m256i b = _mm256_broadcastq_epi64(_mm_cvtepu8_epi16(_mm_cvtsi32_si128((int32_t)x)));
                UNROLL for (int q = 0; q < 4; ++q) acc[i][q] = _mm256_add_epi32(acc[i][q], _mm256_madd_epi16(b, wq[q]));
            }
        }
    }
    const int64_t pixel0 = (int64_t)oy * p->out_width + ox;
    UNROLL for (int i = 0; i < pixels; ++i) {
        v2x_store8(p, output, pixel0 + i, oc0, fold_pairs(acc[i][0], acc[i][1]));
        v2x_store8(p, output, pixel0 + i, oc0 + 8, fold_pairs(acc[i][2], acc[i][3]));
    }
}

#define TILE(P) \
    static V2X_YMM_TARGET void tile_##P(const v2x_conv_params *p, const uint8_t *in, const int8_t *w, \
                                        int32_t oc0, int32_t oy, int32_t ox, void *out) { \
        run_tile(p, in, w, oc0, oy, ox, out, P); \
    }
TILE(1) TILE(2)
static void (*const tiles[MAX_PIXELS])(const v2x_conv_params *, const uint8_t *, const int8_t *,
                                        int32_t, int32_t, int32_t, void *) = { tile_1, tile_2 };

int32_t v2x_conv_u8s8_avx2(const v2x_conv_params *p, const uint8_t *input, const int8_t *packed, void *output) {
    const int64_t block_stride = (int64_t)p->kernel_height * p->kernel_width * ((p->in_channels + 3) / 4) * 64;
    const int32_t blocks = (p->out_channels + 15) / 16;
    for (int32_t ob = 0; ob < blocks; ++ob) {
        for (int64_t pixel = p->pixel_begin; pixel < p->pixel_end;) {
            const int32_t oy = (int32_t)(pixel / p->out_width), ox = (int32_t)(pixel % p->out_width);
            int64_t n = p->pixel_end - pixel;
            if (n > p->out_width - ox) n = p->out_width - ox;
            if (n > MAX_PIXELS) n = MAX_PIXELS;
            tiles[n - 1](p, input, packed + ob * block_stride, ob * 16, oy, ox, output);
            pixel += n;
        }
    }
    return V2X_STATUS_OK;
}
