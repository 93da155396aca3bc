// AVX-512 VNNI path: vpdpbusd on zmm. Register tile: up to 6 output pixels × up to 4
// blocks of 16 output channels = 24 zmm accumulators, 4 zmm of weights, 1 broadcast.
//
// For each tap and group of 4 input channels:
//   w[j]   = packed[ob0 + j][tap][g]          (16 lanes × 4 s8, one load per block)
//   b      = broadcast(x[pixel][4g .. 4g+3])  (4 u8 in every lane)
//   acc[pixel][j] += vpdpbusd(b, w[j])        (lane o: Σ_i x[4g+i] · w[16(ob0+j)+o][4g+i])
#include <immintrin.h>
#include "conv_internal.h"

#define V2X_AVX512 __attribute__((target("avx2,fma,avx512f,avx512bw,avx512vl,avx512vnni")))
#define MAX_PIXELS 6
#define MAX_BLOCKS 4
/// Small loops over pixels and blocks are unrolled early, so the accumulators stay in registers.
#define UNROLL _Pragma("clang loop unroll(full)")

typedef struct tile {
    const v2x_conv_params *p;
    const uint8_t *input;
    const int8_t *weights;  // packed block ob0
    int64_t block_stride;   // bytes between packed blocks ob and ob + 1
    int64_t groups;         // ⌈in_channels / 4⌉
    int32_t full_groups;    // in_channels / 4
    int32_t tail;           // in_channels % 4
    int32_t oc0;            // first output channel of the tile
    int32_t oy, ox;         // first output pixel of the tile
    void *output;
} tile;

/// Output stage for `pixels` consecutive pixels × 16 output channels starting at oc0:
/// bias, multipliers and the channel mask are loaded once per block, not per pixel.
static inline V2X_AVX512 __attribute__((always_inline)) void
store_block(const tile *t, int64_t pixel0, int32_t oc0, const __m512i *acc, const int pixels) {
    const v2x_conv_params *p = t->p;
    const int32_t valid = p->out_channels - oc0;
    const __mmask16 mask = valid >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << valid) - 1);
    const __m512i bias = _mm512_maskz_loadu_epi32(mask, p->bias + oc0);
    const int64_t stride = p->out_channels;
    const int64_t index = pixel0 * stride + oc0;
    if (p->output_kind == V2X_OUTPUT_S32) {
        const __m512i lo = p->relu ? _mm512_setzero_si512() : _mm512_set1_epi32(INT32_MIN);
        UNROLL for (int i = 0; i < pixels; ++i)
            _mm512_mask_storeu_epi32((int32_t *)t->output + index + i * stride, mask, _mm512_max_epi32(_mm512_add_epi32(acc[i], bias), lo));
        return;
    }
    // Masked-off lanes multiply by 0; they are never stored.
    const __m512 m = _mm512_maskz_loadu_ps(mask, p->multiplier + oc0);
    if (p->output_kind == V2X_OUTPUT_F32) {
        UNROLL for (int i = 0; i < pixels; ++i) {
            __m512 f = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_add_epi32(acc[i], bias)), m);
            if (p->relu) f = _mm512_max_ps(f, _mm512_setzero_ps());
            _mm512_mask_storeu_ps((float *)t->output + index + i * stride, mask, f);
        }
        return;
    }
    // The same function as v2x_requantize_one with two operations fewer:
    //  - no lower float clamp: below −512 (and below −2^31, where vcvtps2dq returns INT32_MIN)
    //    the code is negative and the clamp at `lo` ≥ 0 gives the same result;
    //  - no min(·, 255): vpmovusdb saturates at 255, and after max(·, lo) nothing is negative.
    const __m512 fmax = _mm512_set1_ps(V2X_REQUANT_FLOAT_BOUND);
    const __m512i zp = _mm512_set1_epi32(p->output_zero_point);
    const __m512i lo = _mm512_set1_epi32(p->relu ? p->output_zero_point : 0);
    UNROLL for (int i = 0; i < pixels; ++i) {
        __m512 f = _mm512_min_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_add_epi32(acc[i], bias)), m), fmax);
        // Under the default MXCSR rounding mode this is round half to even, like nearbyintf.
        __m512i q = _mm512_max_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(f), zp), lo);
        _mm_mask_storeu_epi8((uint8_t *)t->output + index + i * stride, mask, _mm512_cvtusepi32_epi8(q));
    }
}

static inline V2X_AVX512 __attribute__((always_inline)) void
run_tile(const tile *t, const int pixels, const int blocks) {
    const v2x_conv_params *p = t->p;
    __m512i acc[MAX_BLOCKS][MAX_PIXELS];
    UNROLL for (int i = 0; i < pixels; ++i)
        UNROLL for (int j = 0; j < blocks; ++j) acc[j][i] = _mm512_setzero_si512();
    const int32_t taps = p->kernel_height * p->kernel_width;
    for (int32_t tap = 0; tap < taps; ++tap) {
        const uint8_t *src[MAX_PIXELS];
        v2x_tap_sources(p, t->input, t->oy, t->ox, pixels, tap / p->kernel_width, tap % p->kernel_width, src);
        const int8_t *w = t->weights + (int64_t)tap * t->groups * 64;
        for (int32_t g = 0; g < t->full_groups; ++g) {
            __m512i wv[MAX_BLOCKS];
            UNROLL for (int j = 0; j < blocks; ++j) wv[j] = _mm512_loadu_si512(w + j * t->block_stride + g * 64);
            UNROLL for (int i = 0; i < pixels; ++i) {
                __m512i b = _mm512_set1_epi32((int32_t)v2x_load_group(src[i] + 4 * g));
                UNROLL for (int j = 0; j < blocks; ++j) acc[j][i] = _mm512_dpbusd_epi32(acc[j][i], b, wv[j]);
            }
        }
        if (t->tail) {
            const int32_t g = t->full_groups;
            __m512i wv[MAX_BLOCKS];
            UNROLL for (int j = 0; j < blocks; ++j) wv[j] = _mm512_loadu_si512(w + j * t->block_stride + g * 64);
            UNROLL for (int i = 0; i < pixels; ++i) {
                __m512i b = _mm512_set1_epi32((int32_t)v2x_load_tail_group(src[i] + 4 * g, t->tail));
                UNROLL for (int j = 0; j < blocks; ++j) acc[j][i] = _mm512_dpbusd_epi32(acc[j][i], b, wv[j]);
            }
        }
    }
    const int64_t pixel0 = (int64_t)t->oy * p->out_width + t->ox;
    UNROLL for (int j = 0; j < blocks; ++j) store_block(t, pixel0, t->oc0 + 16 * j, acc[j], pixels);
}

// One specialised function per (pixels, blocks) so the tile lives in registers.
#define TILE(P, B) \
    static V2X_AVX512 void tile_##P##_##B(const tile *t) { run_tile(t, P, B); }
#define TILES(P) TILE(P, 1) TILE(P, 2) TILE(P, 3) TILE(P, 4)
TILES(1) TILES(2) TILES(3) TILES(4) TILES(5) TILES(6)
#define ROW(P) { tile_##P##_1, tile_##P##_2, tile_##P##_3, tile_##P##_4 }
static void (*const tiles[MAX_PIXELS][MAX_BLOCKS])(const tile *) = {
    ROW(1), ROW(2), ROW(3), ROW(4), ROW(5), ROW(6),
};

V2X_AVX512 int32_t v2x_conv_u8s8_avx512vnni(const v2x_conv_params *p, const uint8_t *input, const int8_t *packed, void *output) {
    const int32_t taps = p->kernel_height * p->kernel_width;
    tile t = {
        .p = p, .input = input, .output = output,
        .groups = (p->in_channels + 3) / 4,
        .full_groups = p->in_channels / 4,
        .tail = p->in_channels % 4,
    };
    t.block_stride = (int64_t)taps * t.groups * 64;
    const int32_t blocks = (p->out_channels + 15) / 16;
    for (int32_t ob = 0; ob < blocks; ob += MAX_BLOCKS) {
        const int32_t nb = blocks - ob < MAX_BLOCKS ? blocks - ob : MAX_BLOCKS;
        t.weights = packed + ob * t.block_stride;
        t.oc0 = ob * 16;
        for (int64_t pixel = p->pixel_begin; pixel < p->pixel_end;) {
            t.oy = (int32_t)(pixel / p->out_width);
            t.ox = (int32_t)(pixel % p->out_width);
            int64_t n = p->pixel_end - pixel;
            if (n > p->out_width - t.ox) n = p->out_width - t.ox;
            if (n > MAX_PIXELS) n = MAX_PIXELS;
            tiles[n - 1][nb - 1](&t);
            pixel += n;
        }
    }
    return V2X_STATUS_OK;
}
