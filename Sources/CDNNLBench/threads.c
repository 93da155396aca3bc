#include <dlfcn.h>
#include "CDNNLBench.h"

// Looked up at run time so that the shim needs neither libgomp's nor OpenBLAS's
// development symlinks; both libraries are already loaded through libdnnl and Perception.
int32_t v2x_bench_set_library_threads(int32_t threads) {
    int32_t found = 0;
    void (*omp_set)(int) = (void (*)(int))dlsym(RTLD_DEFAULT, "omp_set_num_threads");
    if (omp_set) { omp_set(threads); found |= 1; }
    void (*blas_set)(int) = (void (*)(int))dlsym(RTLD_DEFAULT, "openblas_set_num_threads");
    if (blas_set) { blas_set(threads); found |= 2; }
    return found;
}
