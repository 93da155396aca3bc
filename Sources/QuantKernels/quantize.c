// Float → u8 affine quantization (see QuantKernels.h). One branch-free loop the compiler
// vectorizes: a division, a clamp, rounding by the 1.5·2^23 trick and a conversion.
#include "QuantKernels.h"

void v2x_quantize_u8(const float *input, int64_t count, float scale, int32_t zero_point, uint8_t *output) {
    const float z = (float)zero_point;
    // 1.5 · 2^23: for |t| ≤ 2^22, (t + magic) − magic is t rounded to an integer, half to
    // even (the default rounding mode), both steps exact but the rounding one.
    const float magic = 12582912.0f;
    for (int64_t i = 0; i < count; i++) {
        const float x = input[i];
        float t = x / scale;
        // Clamping first to ±512 changes no code (z is in [0, 255]) and keeps ±inf and huge
        // values inside the trick's range. NaN fails both tests and stays NaN.
        t = t > 512.0f ? 512.0f : t;
        t = t < -512.0f ? -512.0f : t;
        float q = ((t + magic) - magic) + z;
        q = q < 0.0f ? 0.0f : q;
        q = q > 255.0f ? 255.0f : q;
        q = x != x ? z : q;
        output[i] = (uint8_t)(int32_t)q;
    }
}
