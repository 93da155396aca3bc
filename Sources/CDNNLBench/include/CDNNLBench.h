// CDNNLBench: benchmark-only C shims, linked into the `v2x` tool alone.
//  - a u8 × s8 convolution on oneDNN (libdnnl, C API), the int8 peer of `v2x bench kernels`;
//  - a vpdpbusd throughput probe, to state the machine's int8 peak from a measurement.
// Unlike the QuantKernels these allocate (oneDNN owns its buffers); nothing here is used
// outside benchmarks.
#ifndef V2X_CDNNL_BENCH_H
#define V2X_CDNNL_BENCH_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// NHWC u8 input `[height][width][in_channels]`, OHWI s8 weights, s32 bias, u8 output,
/// square kernel with symmetric zero padding; `dst = relu? max(0, ·) : · of
/// saturate_u8(rne(scale[oc] · (acc + bias[oc])))` as oneDNN defines its output scales.
typedef struct v2x_dnnl_conv_shape {
    int32_t height, width, in_channels, out_channels;
    int32_t kernel, stride, padding;
} v2x_dnnl_conv_shape;

typedef struct v2x_dnnl_conv v2x_dnnl_conv;

/// Creates the primitive, lets oneDNN pick its weight layout and reorders the weights into
/// it (once), copies `input` into oneDNN's source memory. `impl_name` receives oneDNN's
/// implementation name (e.g. "brg:avx512_core_vnni"). Returns 0 or a dnnl_status_t.
int32_t v2x_dnnl_conv_create(const v2x_dnnl_conv_shape *shape, const uint8_t *input,
                             const int8_t *weights_ohwi, const int32_t *bias, const float *scales,
                             int32_t relu, v2x_dnnl_conv **conv, char *impl_name, int32_t impl_name_capacity);

/// Runs the convolution once and waits for it. Returns 0 or a dnnl_status_t.
int32_t v2x_dnnl_conv_run(v2x_dnnl_conv *conv);

/// Copies the u8 output (`count` bytes, NHWC) out. Returns 0 or a dnnl_status_t.
int32_t v2x_dnnl_conv_output(v2x_dnnl_conv *conv, uint8_t *output, int64_t count);

void v2x_dnnl_conv_destroy(v2x_dnnl_conv *conv);

/// Sets the thread count of oneDNN's OpenMP runtime (bit 0 of the result when found) and of
/// OpenBLAS (bit 1), so that every peer of a benchmark uses the same number of threads.
int32_t v2x_bench_set_library_threads(int32_t threads);

/// `iterations` × 16 independent zmm vpdpbusd on one thread; returns the seconds taken
/// (each instruction is 64 u8·s8 multiply-adds). Call only where AVX-512 VNNI is supported.
double v2x_bench_vpdpbusd_zmm_seconds(int64_t iterations);

#ifdef __cplusplus
}
#endif

#endif
