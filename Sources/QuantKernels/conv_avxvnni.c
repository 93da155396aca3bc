// AVX-VNNI path: VEX vpdpbusd on ymm (the body is shared with its EVEX twin, see
// conv_vnni_ymm_body.h).
#define V2X_YMM_TARGET __attribute__((target("avx2,fma,avxvnni")))
#define V2X_DPBUSD256 _mm256_dpbusd_avx_epi32
#define V2X_VNNI_YMM_ENTRY v2x_conv_u8s8_avxvnni
#include "conv_vnni_ymm_body.h"
