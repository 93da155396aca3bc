// QuantKernels: int8 compute kernels for v2x. Every exported symbol is prefixed `v2x_`.
// Kernels take pointers, counts and (where needed) one parameters struct, return a
// status, and never allocate or log. Each has a plain-Swift reference in the tests.
//
// The int8 convolution (u8 activations × s8 weights → exact s32 accumulation) has one
// implementation per instruction set, selected per call by `v2x_conv_params.isa`:
//
//   V2X_ISA_SCALAR      portable C, the reference every SIMD path must match bit for bit
//   V2X_ISA_AVX2        ymm; u8 and s8 widened to s16, pair products summed by vpmaddwd
//                       (exact: |2 · 255 · 128| < 2^31; vpmaddubsw is NOT used because it
//                       saturates its int16 pair sums)
//   V2X_ISA_AVX_VNNI    ymm vpdpbusd (VEX encoding, AVX-VNNI)
//   V2X_ISA_AVX512_VNNI zmm vpdpbusd (AVX-512 VNNI, with AVX-512 BW/VL for the masks)
//
// vpdpbusd adds the four u8·s8 products of each 32-bit lane into the s32 accumulator
// without intermediate saturation, so all four paths are exact.
#ifndef V2X_QUANT_KERNELS_H
#define V2X_QUANT_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Status codes returned by the kernels.
enum {
    V2X_STATUS_OK = 0,
    /// A pointer is NULL, a count is negative or the shapes contradict each other.
    V2X_STATUS_INVALID_ARGUMENT = 1,
    /// The requested instruction set is unknown or this CPU (or OS) does not support it.
    V2X_STATUS_UNSUPPORTED_ISA = 2,
    /// `|bias| + K · 255 · 128` could exceed the s32 accumulator (K = taps · in_channels).
    V2X_STATUS_ACCUMULATOR_RANGE = 3,
};

/// Instruction sets, ordered from slowest to fastest.
enum {
    V2X_ISA_SCALAR = 0,
    V2X_ISA_AVX2 = 1,
    V2X_ISA_AVX_VNNI = 2,
    V2X_ISA_AVX512_VNNI = 3,
};

/// What the output stage writes for each output element.
enum {
    /// u8: `clamp(round_half_even(clamp(float(acc) · m[oc], -512, 512)) + zp, lo, 255)`,
    /// `lo = zp` with ReLU, else 0. `float(acc)` and the product round to nearest even
    /// (binary32); the inner clamp keeps the float→int conversion in range and changes
    /// no result.
    V2X_OUTPUT_U8 = 0,
    /// s32: `acc`, or `max(acc, 0)` with ReLU. `multiplier` and `output_zero_point` unused.
    V2X_OUTPUT_S32 = 1,
    /// f32: `float(acc) · m[oc]` (binary32, round to nearest even), or `max(·, 0)` with ReLU.
    V2X_OUTPUT_F32 = 2,
};

/// One convolution call: geometry, the slice of output pixels to compute, output stage.
///
/// Tensors are channels-last (NHWC, one image), contiguous:
/// ```
/// input  [in_height][in_width][in_channels]    u8
/// output [out_height][out_width][out_channels] u8 | s32 | f32
/// ```
/// The accumulator of output element (oy, ox, oc) is
/// `acc = bias[oc] + Σ_{ky,kx,ic} x(oy·stride_h − pad_top + ky, ox·stride_w − pad_left + kx, ic) · w[oc][ky][kx][ic]`
/// where `x(iy, ix, ic)` is `padding_row[ic]` outside the input (the caller fills it with
/// the input zero point, so that padding means real 0).
typedef struct v2x_conv_params {
    int32_t in_height, in_width, in_channels;
    int32_t out_height, out_width, out_channels;
    int32_t kernel_height, kernel_width;
    int32_t stride_h, stride_w;
    int32_t pad_top, pad_left;
    /// Flat output pixel range `[pixel_begin, pixel_end)`, pixel = oy · out_width + ox; lets
    /// the caller split one layer across threads.
    int64_t pixel_begin, pixel_end;
    /// `in_channels` bytes used for out-of-bounds taps; may be NULL when no tap leaves the input.
    const uint8_t *padding_row;
    /// `out_channels` s32 biases (already holding any zero-point correction).
    const int32_t *bias;
    /// `out_channels` finite, positive multipliers (ignored for V2X_OUTPUT_S32, may be NULL then).
    const float *multiplier;
    /// Output zero point in [0, 255] (V2X_OUTPUT_U8 only).
    int32_t output_zero_point;
    /// Non-zero: fuse ReLU into the output stage.
    int32_t relu;
    /// One of V2X_OUTPUT_*.
    int32_t output_kind;
    /// One of V2X_ISA_*.
    int32_t isa;
} v2x_conv_params;

/// Largest `|bias|` a convolution may use with `K = taps · in_channels`:
/// `2^31 − 1 − K · 255 · 128`, or −1 when K alone could overflow.
int64_t v2x_conv_max_abs_bias(int64_t taps, int64_t in_channels);

/// Bytes of the packed weight buffer for `out_channels × taps × in_channels` weights.
///
/// Packed layout (OB = ⌈out_channels/16⌉ blocks of 16 output channels, G = ⌈in_channels/4⌉
/// groups of 4 input channels; missing channels are zero):
/// ```
/// packed[ob][tap][g][o16][i4]      64 bytes per (ob, tap, g):
///   o16 = 0: w[16ob+0][tap][4g+0..3]  o16 = 1: w[16ob+1][tap][4g+0..3]  …  o16 = 15
/// ```
/// One (ob, tap, g) group is one zmm operand of vpdpbusd (16 lanes × 4 bytes).
int64_t v2x_conv_packed_size(int32_t out_channels, int32_t taps, int32_t in_channels);

/// Packs `weights[out_channels][taps][in_channels]` (OHWI, tap = ky · kernel_width + kx)
/// into `packed` (`v2x_conv_packed_size` bytes), the layout every ISA path reads.
int32_t v2x_conv_pack_weights(const int8_t *weights, int32_t out_channels, int32_t taps,
                              int32_t in_channels, int8_t *packed);

/// 1 when this CPU and OS can run `isa`, else 0 (also for unknown values).
int32_t v2x_kernel_isa_supported(int32_t isa);

/// The fastest supported V2X_ISA_*.
int32_t v2x_kernel_isa_detected(void);

/// u8 × s8 convolution (also the linear layer: a 1×1 convolution over rows), writing
/// output pixels `[pixel_begin, pixel_end)`. `output` has the element type of
/// `output_kind`. Checks the parameters, then runs the path `isa` names.
int32_t v2x_conv_u8s8(const v2x_conv_params *params, const uint8_t *input,
                      const int8_t *packed_weights, void *output);

/// Test hook: the AVX-VNNI kernel's code compiled with the EVEX encoding of ymm vpdpbusd
/// (AVX-512 VL + VNNI), ignoring `params->isa`. Lets machines with AVX-512 VNNI but without
/// AVX-VNNI check that path's logic bit for bit; V2X_STATUS_UNSUPPORTED_ISA elsewhere.
int32_t v2x_conv_u8s8_avxvnni_evex_twin(const v2x_conv_params *params, const uint8_t *input,
                                        const int8_t *packed_weights, void *output);

/// The pillar encoder's linear layer fused with its max over each pillar's points:
///
///     acc[r][o] = bias[o] + Σ_i input[r][i] · weights[o][i]          r < rows (points)
///     output[g][o] = u8(max over the rows r with row_group[r] = g of acc[r][o])
///
/// with the V2X_OUTPUT_U8 stage (`multiplier[o]`, `output_zero_point`, `relu`). Exact: that
/// stage never decreases as the accumulator grows (multiplier > 0), so this equals the max
/// of the rows' u8 outputs, computed with one output stage per group instead of per row. A
/// group no row names gets the output of the smallest accumulator: `output_zero_point` with
/// ReLU. `input` is `[rows][in_features]` u8, `weights` `[out_features][in_features]` s8
/// (plain, not packed), `output` `[groups][out_features]` u8.
typedef struct v2x_linear_max_params {
    int64_t rows, groups;
    int32_t in_features, out_features;
    /// Per row, its group in `[0, groups)`.
    const int32_t *row_group;
    /// Per output feature: the bias with the input zero point folded in, and the multiplier (> 0).
    const int32_t *bias;
    const float *multiplier;
    int32_t output_zero_point;
    int32_t relu;
    /// V2X_ISA_*: the scalar path, or the AVX2 one for V2X_ISA_AVX2 and above.
    int32_t isa;
} v2x_linear_max_params;

/// Bytes of `scratch` that `v2x_linear_max_u8s8` needs: the groups' running maxima
/// (s32, out_features rounded up to 8) and the weights widened to s16 pairs.
int64_t v2x_linear_max_scratch_size(int32_t in_features, int32_t out_features, int64_t groups);

/// See `v2x_linear_max_params`. Single-threaded. `scratch` (any alignment) holds
/// `v2x_linear_max_scratch_size` bytes; its contents on entry do not matter.
int32_t v2x_linear_max_u8s8(const v2x_linear_max_params *params, const uint8_t *input,
                            const int8_t *weights, void *scratch, uint8_t *output);

/// The output stage alone, portable C: `count` accumulators of `channels` interleaved
/// channels (`acc[i]` belongs to channel `i % channels`) to u8, with the V2X_OUTPUT_U8
/// formula above and `multiplier[channel]`.
int32_t v2x_requantize_u8(const int32_t *accumulators, int64_t count, int32_t channels,
                          const float *multiplier, int32_t output_zero_point, int32_t relu,
                          uint8_t *output);

/// Affine quantization of `count` floats to u8, portable C the compiler vectorizes:
/// `q = clamp(rne(x / scale) + zero_point, 0, 255)`, NaN to `zero_point`; the same codes as
/// the Swift reference `AffineQuantization.quantize(_:)` for every input.
void v2x_quantize_u8(const float *input, int64_t count, float scale, int32_t zero_point, uint8_t *output);

/// Dot product of `count` unsigned 8-bit activations with signed 8-bit weights,
/// accumulated exactly in 32 bits (portable scalar path).
int32_t v2x_dot_u8s8_scalar(const uint8_t *activations, const int8_t *weights, int32_t count);

#ifdef __cplusplus
}
#endif

#endif
