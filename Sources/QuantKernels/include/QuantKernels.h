// QuantKernels: int8 compute kernels for v2x. Every exported symbol is prefixed `v2x_`.
// Kernels take pointers, counts and (where needed) one parameters struct, return a
// status, and never allocate or log. Each has a plain-Swift reference in the tests.
#ifndef V2X_QUANT_KERNELS_H
#define V2X_QUANT_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Dot product of `count` unsigned 8-bit activations with signed 8-bit weights,
/// accumulated exactly in 32 bits (portable scalar path).
int32_t v2x_dot_u8s8_scalar(const uint8_t *activations, const int8_t *weights, int32_t count);

#ifdef __cplusplus
}
#endif

#endif
