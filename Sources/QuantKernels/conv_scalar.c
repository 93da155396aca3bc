#include "conv_internal.h"

// The reference path: one output element at a time, reading the packed weights by index
// so that it also checks the packing every SIMD path relies on.
int32_t v2x_conv_u8s8_scalar(const v2x_conv_params *p, const uint8_t *input, const int8_t *packed, void *output) {
    const int32_t taps = p->kernel_height * p->kernel_width;
    const int64_t groups = (p->in_channels + V2X_IC_GROUP - 1) / V2X_IC_GROUP;
    for (int64_t pixel = p->pixel_begin; pixel < p->pixel_end; ++pixel) {
        const int32_t oy = (int32_t)(pixel / p->out_width), ox = (int32_t)(pixel % p->out_width);
        for (int32_t oc = 0; oc < p->out_channels; ++oc) {
            const int64_t ob = oc / V2X_OC_BLOCK, o = oc % V2X_OC_BLOCK;
            int32_t acc = p->bias[oc];
            for (int32_t t = 0; t < taps; ++t) {
                const uint8_t *src;
                v2x_tap_sources(p, input, oy, ox, 1, t / p->kernel_width, t % p->kernel_width, &src);
                for (int32_t ic = 0; ic < p->in_channels; ++ic) {
                    const int64_t g = ic / V2X_IC_GROUP, i = ic % V2X_IC_GROUP;
                    const int8_t w = packed[((ob * taps + t) * groups + g) * (V2X_OC_BLOCK * V2X_IC_GROUP)
                                            + o * V2X_IC_GROUP + i];
                    acc += (int32_t)src[ic] * (int32_t)w;
                }
            }
            v2x_store_output_one(p, output, pixel * p->out_channels + oc, oc, acc);
        }
    }
    return V2X_STATUS_OK;
}
