// The AVX-VNNI kernel compiled with the EVEX encoding of ymm vpdpbusd (AVX-512 VL + VNNI):
// identical code and results, runnable where AVX-VNNI is missing (e.g. AMD Zen 4). Only the
// test hook v2x_conv_u8s8_avxvnni_evex_twin calls it.
#define V2X_YMM_TARGET __attribute__((target("avx2,fma,avx512f,avx512vl,avx512vnni")))
#define V2X_DPBUSD256 _mm256_dpbusd_epi32
#define V2X_VNNI_YMM_ENTRY v2x_conv_u8s8_avxvnni_evex
#include "conv_vnni_ymm_body.h"
