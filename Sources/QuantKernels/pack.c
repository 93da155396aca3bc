#include "conv_internal.h"

int64_t v2x_conv_max_abs_bias(int64_t taps, int64_t in_channels) {
    if (taps < 0 || in_channels < 0) return -1;
    const int64_t limit = INT32_MAX;
    const int64_t per_term = 255 * 128;
    if (taps != 0 && in_channels > limit / per_term / taps) return -1;
    return limit - taps * in_channels * per_term;
}

int64_t v2x_conv_packed_size(int32_t out_channels, int32_t taps, int32_t in_channels) {
    if (out_channels <= 0 || taps <= 0 || in_channels <= 0) return 0;
    int64_t blocks = ((int64_t)out_channels + V2X_OC_BLOCK - 1) / V2X_OC_BLOCK;
    int64_t groups = ((int64_t)in_channels + V2X_IC_GROUP - 1) / V2X_IC_GROUP;
    return blocks * taps * groups * V2X_OC_BLOCK * V2X_IC_GROUP;
}

int32_t v2x_conv_pack_weights(const int8_t *weights, int32_t out_channels, int32_t taps,
                              int32_t in_channels, int8_t *packed) {
    if (!weights || !packed || out_channels <= 0 || taps <= 0 || in_channels <= 0) {
        return V2X_STATUS_INVALID_ARGUMENT;
    }
    const int64_t groups = (in_channels + V2X_IC_GROUP - 1) / V2X_IC_GROUP;
    const int64_t blocks = (out_channels + V2X_OC_BLOCK - 1) / V2X_OC_BLOCK;
    for (int64_t ob = 0; ob < blocks; ++ob) {
        for (int64_t t = 0; t < taps; ++t) {
            for (int64_t g = 0; g < groups; ++g) {
                int8_t *dst = packed + ((ob * taps + t) * groups + g) * (V2X_OC_BLOCK * V2X_IC_GROUP);
                for (int64_t o = 0; o < V2X_OC_BLOCK; ++o) {
                    for (int64_t i = 0; i < V2X_IC_GROUP; ++i) {
                        int64_t oc = ob * V2X_OC_BLOCK + o, ic = g * V2X_IC_GROUP + i;
                        dst[o * V2X_IC_GROUP + i] = (oc < out_channels && ic < in_channels)
                            ? weights[(oc * taps + t) * in_channels + ic]
                            : 0;
                    }
                }
            }
        }
    }
    return V2X_STATUS_OK;
}
