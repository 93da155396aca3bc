// The ymm vpdpbusd kernel body, included by conv_avxvnni.c (VEX encoding, AVX-VNNI) and by
// conv_avxvnni_evex.c (the same code with the EVEX encoding, AVX-512 VL + VNNI), so that the
// AVX-VNNI path can be tested bit for bit on machines that have AVX-512 VNNI but lack
// AVX-VNNI. Define before including:
//   V2X_YMM_TARGET      target attribute (implies AVX2)
//   V2X_DPBUSD256       _mm256_dpbusd_avx_epi32 or _mm256_dpbusd_epi32
//   V2X_VNNI_YMM_ENTRY  name of the entry point
//
// Tile: up to 4 output pixels × one packed block of 16 output channels, held as two ymm
// halves (channels 0–7 and 8–15 of the block). A packed 64-byte group [o16][i4] is two ymm
// operands: bytes 0–31 are channels 0–7, bytes 32–63 channels 8–15, each lane holding the
// 4 s8 weights of one channel.
#include <immintrin.h>
#include "conv_ymm_store.h"

/// Small loops over pixels and channel quarters are unrolled early, so the accumulators stay in registers.
#define UNROLL _Pragma("clang loop unroll(full)")
#define MAX_PIXELS 4

static inline V2X_YMM_TARGET __attribute__((always_inline)) void
run_tile(const v2x_conv_params *p, const uint8_t *input, const int8_t *weights, int32_t oc0,
         int32_t oy, int32_t ox, void *output, const int pixels) {
    const int64_t groups = (p->in_channels + 3) / 4;
    const int32_t full_groups = p->in_channels / 4, tail = p->in_channels % 4;
    __m256i lo[MAX_PIXELS], hi[MAX_PIXELS];
    UNROLL for (int i = 0; i < pixels; ++i) lo[i] = hi[i] = _mm256_setzero_si256();
    const int32_t taps = p->kernel_height * p->kernel_width;
    for (int32_t tap = 0; tap < taps; ++tap) {
        const uint8_t *src[MAX_PIXELS];
        v2x_tap_sources(p, input, oy, ox, pixels, tap / p->kernel_width, tap % p->kernel_width, src);
        const int8_t *w = weights + (int64_t)tap * groups * 64;
        for (int32_t g = 0; g <= full_groups; ++g) {
            if (g == full_groups && !tail) break;
            const __m256i w0 = _mm256_loadu_si256((const __m256i *)(w + g * 64));
            const __m256i w1 = _mm256_loadu_si256((const __m256i *)(w + g * 64 + 32));
            UNROLL for (int i = 0; i < pixels; ++i) {
                const uint32_t x = g < full_groups ? v2x_load_group(src[i] + 4 * g)
                                                   : v2x_load_tail_group(src[i] + 4 * g, tail);
                const __m256i b = _mm256_set1_epi32((int32_t)x);
                lo[i] = V2X_DPBUSD256(lo[i], b, w0);
                hi[i] = V2X_DPBUSD256(hi[i], b, w1);
            }
        }
    }
    const int64_t pixel0 = (int64_t)oy * p->out_width + ox;
    UNROLL for (int i = 0; i < pixels; ++i) {
        v2x_store8(p, output, pixel0 + i, oc0, lo[i]);
        v2x_store8(p, output, pixel0 + i, oc0 + 8, hi[i]);
    }
}

#define TILE(P) \
    static V2X_YMM_TARGET void tile_##P(const v2x_conv_params *p, const uint8_t *in, const int8_t *w, \
                                        int32_t oc0, int32_t oy, int32_t ox, void *out) { \
        run_tile(p, in, w, oc0, oy, ox, out, P); \
    }
TILE(1) TILE(2) TILE(3) TILE(4)
static void (*const tiles[MAX_PIXELS])(const v2x_conv_params *, const uint8_t *, const int8_t *,
                                        int32_t, int32_t, int32_t, void *) = { tile_1, tile_2, tile_3, tile_4 };

int32_t V2X_VNNI_YMM_ENTRY(const v2x_conv_params *p, const uint8_t *input, const int8_t *packed, void *output) {
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
