// Shared internals of the convolution paths (not part of the public header).
#ifndef V2X_CONV_INTERNAL_H
#define V2X_CONV_INTERNAL_H

#include <math.h>
#include <string.h>
#include "QuantKernels.h"

/// Output channels per packed block and input channels per group (see v2x_conv_packed_size).
#define V2X_OC_BLOCK 16
#define V2X_IC_GROUP 4

// Per-ISA bodies; `v2x_conv_u8s8` has checked the parameters and the ISA before calling.
int32_t v2x_conv_u8s8_scalar(const v2x_conv_params *p, const uint8_t *input, const int8_t *packed, void *output);
int32_t v2x_conv_u8s8_avx2(const v2x_conv_params *p, const uint8_t *input, const int8_t *packed, void *output);
int32_t v2x_conv_u8s8_avxvnni(const v2x_conv_params *p, const uint8_t *input, const int8_t *packed, void *output);
int32_t v2x_conv_u8s8_avxvnni_evex(const v2x_conv_params *p, const uint8_t *input, const int8_t *packed, void *output);
int32_t v2x_conv_u8s8_avx512vnni(const v2x_conv_params *p, const uint8_t *input, const int8_t *packed, void *output);

/// Bounds of the output-stage inner clamp; wide enough that no u8 result changes.
#define V2X_REQUANT_FLOAT_BOUND 512.0f

/// The scalar u8 output stage (the definition every SIMD epilogue reproduces).
static inline uint8_t v2x_requantize_one(int32_t acc, float multiplier, int32_t zero_point, int32_t relu) {
    float f = (float)acc * multiplier;
    f = fminf(fmaxf(f, -V2X_REQUANT_FLOAT_BOUND), V2X_REQUANT_FLOAT_BOUND);
    int32_t q = (int32_t)nearbyintf(f) + zero_point;  // default rounding mode: half to even
    int32_t lo = relu ? zero_point : 0;
    q = q < lo ? lo : q;
    q = q > 255 ? 255 : q;
    return (uint8_t)q;
}

/// The scalar output stage for one element of any output kind.
static inline void v2x_store_output_one(const v2x_conv_params *p, void *output, int64_t index, int32_t oc, int32_t acc) {
    switch (p->output_kind) {
    case V2X_OUTPUT_U8:
        ((uint8_t *)output)[index] = v2x_requantize_one(acc, p->multiplier[oc], p->output_zero_point, p->relu);
        break;
    case V2X_OUTPUT_S32:
        ((int32_t *)output)[index] = (p->relu && acc < 0) ? 0 : acc;
        break;
    default: {
        float f = (float)acc * p->multiplier[oc];
        ((float *)output)[index] = (p->relu && f < 0.0f) ? 0.0f : f;
        break;
    }
    }
}

/// Four consecutive input bytes as one little-endian 32-bit lane (unaligned).
static inline uint32_t v2x_load_group(const uint8_t *src) {
    uint32_t v;
    memcpy(&v, src, 4);
    return v;
}

/// The last, partial group of `count` (1…3) bytes, zero-extended; never reads past them.
static inline uint32_t v2x_load_tail_group(const uint8_t *src, int32_t count) {
    uint32_t v = src[0];
    if (count > 1) v |= (uint32_t)src[1] << 8;
    if (count > 2) v |= (uint32_t)src[2] << 16;
    return v;
}

/// Input row of the `count` output pixels starting at (oy, ox) for tap (ky, kx): the
/// address of each pixel's `in_channels` bytes, or the padding row outside the input.
static inline void v2x_tap_sources(const v2x_conv_params *p, const uint8_t *input, int32_t oy, int32_t ox,
                                   int32_t count, int32_t ky, int32_t kx, const uint8_t **sources) {
    int32_t iy = oy * p->stride_h - p->pad_top + ky;
    int row_inside = iy >= 0 && iy < p->in_height;
    _Pragma("clang loop unroll(full)")
    for (int32_t i = 0; i < count; ++i) {
        int32_t ix = (ox + i) * p->stride_w - p->pad_left + kx;
        sources[i] = (row_inside && ix >= 0 && ix < p->in_width)
            ? input + ((int64_t)iy * p->in_width + ix) * p->in_channels
            : p->padding_row;
    }
}

#endif
