#include "QuantKernels.h"

int32_t v2x_dot_u8s8_scalar(const uint8_t *activations, const int8_t *weights, int32_t count) {
    int32_t sum = 0;
    for (int32_t i = 0; i < count; ++i) {
        sum += (int32_t)activations[i] * (int32_t)weights[i];
    }
    return sum;
}
