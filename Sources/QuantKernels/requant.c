#include "conv_internal.h"

int32_t v2x_requantize_u8(const int32_t *accumulators, int64_t count, int32_t channels,
                          const float *multiplier, int32_t output_zero_point, int32_t relu,
                          uint8_t *output) {
    if (!accumulators || !multiplier || !output || count < 0 || channels <= 0
        || output_zero_point < 0 || output_zero_point > 255) {
        return V2X_STATUS_INVALID_ARGUMENT;
    }
    for (int64_t i = 0; i < count; ++i) {
        output[i] = v2x_requantize_one(accumulators[i], multiplier[i % channels], output_zero_point, relu);
    }
    return V2X_STATUS_OK;
}
