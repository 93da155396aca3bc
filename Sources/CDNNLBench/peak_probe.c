#include <immintrin.h>
#include <time.h>
#include "CDNNLBench.h"

// 16 independent accumulator chains, so the loop is bound by vpdpbusd throughput, not
// its latency. The result is folded into a volatile so the work cannot be removed.
__attribute__((target("avx512f,avx512bw,avx512vnni")))
double v2x_bench_vpdpbusd_zmm_seconds(int64_t iterations) {
    __m512i acc[16];
    for (int i = 0; i < 16; ++i) acc[i] = _mm512_set1_epi32(i);
    const __m512i a = _mm512_set1_epi32(0x01020304), b = _mm512_set1_epi32(0x05060708);
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (int64_t n = 0; n < iterations; ++n) {
        for (int i = 0; i < 16; ++i) acc[i] = _mm512_dpbusd_epi32(acc[i], a, b);
        __asm__ volatile("" : "+v"(acc[0]), "+v"(acc[1]), "+v"(acc[2]), "+v"(acc[3]),
                              "+v"(acc[4]), "+v"(acc[5]), "+v"(acc[6]), "+v"(acc[7]));
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    __m512i sum = acc[0];
    for (int i = 1; i < 16; ++i) sum = _mm512_add_epi32(sum, acc[i]);
    volatile int32_t sink = _mm512_reduce_add_epi32(sum);
    (void)sink;
    return (double)(end.tv_sec - start.tv_sec) + 1e-9 * (double)(end.tv_nsec - start.tv_nsec);
}
