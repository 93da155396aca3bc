#include <cblas.h>

/// 1 when this CPU and OS run the instructions of OpenBLAS's "SkylakeX" kernels
/// (AVX-512 F, CD, BW, DQ and VL), else 0.
static inline int v2x_cpu_runs_openblas_skylakex(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd")
        && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq")
        && __builtin_cpu_supports("avx512vl");
}

/// 1 when this CPU and OS run the instructions of OpenBLAS's "Haswell" kernels
/// (AVX2 and FMA3), else 0.
static inline int v2x_cpu_runs_openblas_haswell(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
