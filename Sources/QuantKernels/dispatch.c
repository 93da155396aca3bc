#include <cpuid.h>
#include "conv_internal.h"

// AVX-VNNI (VEX vpdpbusd on ymm) is CPUID.(EAX=7, ECX=1):EAX bit 4; it needs the OS to
// save ymm state, which the AVX2 check below (via __builtin_cpu_supports) already covers.
static int cpu_has_avx_vnni(void) {
    unsigned int eax, ebx, ecx, edx;
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 1, eax, ebx, ecx, edx);
    return (eax >> 4) & 1;
}

int32_t v2x_kernel_isa_supported(int32_t isa) {
    __builtin_cpu_init();
    switch (isa) {
    case V2X_ISA_SCALAR:
        return 1;
    case V2X_ISA_AVX2:
        return __builtin_cpu_supports("avx2") ? 1 : 0;
    case V2X_ISA_AVX_VNNI:
        return (__builtin_cpu_supports("avx2") && cpu_has_avx_vnni()) ? 1 : 0;
    case V2X_ISA_AVX512_VNNI:
        // __builtin_cpu_supports reports AVX-512 only when the OS saves zmm state (XCR0).
        return (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
                && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni")) ? 1 : 0;
    default:
        return 0;
    }
}

int32_t v2x_kernel_isa_detected(void) {
    for (int32_t isa = V2X_ISA_AVX512_VNNI; isa > V2X_ISA_SCALAR; --isa) {
        if (v2x_kernel_isa_supported(isa)) return isa;
    }
    return V2X_ISA_SCALAR;
}

/// Largest output extent with `pad` on both sides: ⌊(in + 2·pad − kernel) / stride⌋ + 1. A
/// caller may compute fewer outputs (e.g. less padding at the bottom/right), never more.
static int64_t output_extent(int32_t in, int32_t kernel, int32_t stride, int32_t pad) {
    return ((int64_t)in + 2 * (int64_t)pad - kernel) / stride + 1;
}

static int32_t check(const v2x_conv_params *p, const uint8_t *input, const int8_t *packed, const void *output) {
    if (!p || !input || !packed || !output || !p->bias) return V2X_STATUS_INVALID_ARGUMENT;
    if (p->in_height <= 0 || p->in_width <= 0 || p->in_channels <= 0 || p->out_height <= 0
        || p->out_width <= 0 || p->out_channels <= 0 || p->kernel_height <= 0 || p->kernel_width <= 0
        || p->stride_h <= 0 || p->stride_w <= 0 || p->pad_top < 0 || p->pad_left < 0
        || p->pad_top >= p->kernel_height || p->pad_left >= p->kernel_width) {
        return V2X_STATUS_INVALID_ARGUMENT;
    }
    if (p->out_height > output_extent(p->in_height, p->kernel_height, p->stride_h, p->pad_top)
        || p->out_width > output_extent(p->in_width, p->kernel_width, p->stride_w, p->pad_left)) {
        return V2X_STATUS_INVALID_ARGUMENT;
    }
    const int64_t pixels = (int64_t)p->out_height * p->out_width;
    if (p->pixel_begin < 0 || p->pixel_begin > p->pixel_end || p->pixel_end > pixels) {
        return V2X_STATUS_INVALID_ARGUMENT;
    }
    // A tap leaves the input when there is padding or when a window reaches past the
    // bottom/right edge; the padding row is needed then.
    const int needs_padding = p->pad_top > 0 || p->pad_left > 0
        || (int64_t)(p->out_height - 1) * p->stride_h + p->kernel_height > p->in_height
        || (int64_t)(p->out_width - 1) * p->stride_w + p->kernel_width > p->in_width;
    if (needs_padding && !p->padding_row) return V2X_STATUS_INVALID_ARGUMENT;
    switch (p->output_kind) {
    case V2X_OUTPUT_U8:
        if (p->output_zero_point < 0 || p->output_zero_point > 255) return V2X_STATUS_INVALID_ARGUMENT;
        // fallthrough: u8 and f32 both need finite positive multipliers
    case V2X_OUTPUT_F32:
        if (!p->multiplier) return V2X_STATUS_INVALID_ARGUMENT;
        for (int32_t oc = 0; oc < p->out_channels; ++oc) {
            float m = p->multiplier[oc];
            if (!(m > 0.0f) || !isfinite(m)) return V2X_STATUS_INVALID_ARGUMENT;
        }
        break;
    case V2X_OUTPUT_S32:
        break;
    default:
        return V2X_STATUS_INVALID_ARGUMENT;
    }
    const int64_t max_bias = v2x_conv_max_abs_bias((int64_t)p->kernel_height * p->kernel_width, p->in_channels);
    if (max_bias < 0) return V2X_STATUS_ACCUMULATOR_RANGE;
    for (int32_t oc = 0; oc < p->out_channels; ++oc) {
        int64_t b = p->bias[oc];
        if (b > max_bias || -b > max_bias) return V2X_STATUS_ACCUMULATOR_RANGE;
    }
    if (!v2x_kernel_isa_supported(p->isa)) return V2X_STATUS_UNSUPPORTED_ISA;
    return V2X_STATUS_OK;
}

int32_t v2x_conv_u8s8(const v2x_conv_params *params, const uint8_t *input,
                      const int8_t *packed_weights, void *output) {
    int32_t status = check(params, input, packed_weights, output);
    if (status != V2X_STATUS_OK) return status;
    switch (params->isa) {
    case V2X_ISA_AVX512_VNNI: return v2x_conv_u8s8_avx512vnni(params, input, packed_weights, output);
    case V2X_ISA_AVX_VNNI: return v2x_conv_u8s8_avxvnni(params, input, packed_weights, output);
    case V2X_ISA_AVX2: return v2x_conv_u8s8_avx2(params, input, packed_weights, output);
    default: return v2x_conv_u8s8_scalar(params, input, packed_weights, output);
    }
}

int32_t v2x_conv_u8s8_avxvnni_evex_twin(const v2x_conv_params *params, const uint8_t *input,
                                        const int8_t *packed_weights, void *output) {
    if (!params) return V2X_STATUS_INVALID_ARGUMENT;
    v2x_conv_params p = *params;
    p.isa = V2X_ISA_AVX512_VNNI;  // the twin's encoding needs AVX-512 VNNI (+ VL)
    int32_t status = check(&p, input, packed_weights, output);
    if (status != V2X_STATUS_OK) return status;
    return v2x_conv_u8s8_avxvnni_evex(&p, input, packed_weights, output);
}
