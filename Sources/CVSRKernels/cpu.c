// CPU detection (cpuid + xgetbv) and the per-ISA kernel tables.
#include "vsr_kernels.h"

#if defined(__x86_64__)
#include <cpuid.h>

static uint64_t read_xcr0(void) {
    uint32_t eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}
#endif

vsr_cpu_features vsr_cpu_detect(void) {
    vsr_cpu_features f = {0, 0, 0, 0, 0};
#if defined(__x86_64__)
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return f;
    const int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
    if (!osxsave || !avx) return f;
    const uint64_t xcr0 = read_xcr0();
    const int ymm_saved = (xcr0 & 0x6) == 0x6;            // SSE and AVX state
    const int zmm_saved = ymm_saved && (xcr0 & 0xe0) == 0xe0; // opmask, ZMM_Hi256, Hi16_ZMM
    if (__get_cpuid_max(0, 0) < 7) return f;
    __cpuid_count(7, 0, a, b, c, d);
    const int avx2 = (b >> 5) & 1;
    const int avx512f = (b >> 16) & 1, avx512dq = (b >> 17) & 1, avx512bw = (b >> 30) & 1, avx512vl = (b >> 31) & 1;
    const int avx512vnni = (c >> 11) & 1;
    f.avx2_fma = ymm_saved && avx2 && fma;
    f.avx512 = f.avx2_fma && zmm_saved && avx512f && avx512dq && avx512bw && avx512vl;
    f.avx512_vnni = f.avx512 && avx512vnni;
    unsigned max_sub = a;
    if (max_sub >= 1) {
        __cpuid_count(7, 1, a, b, c, d);
        f.avx_vnni = f.avx2_fma && ((a >> 4) & 1);
        f.avx512_bf16 = f.avx512 && ((a >> 5) & 1);
    }
#endif
    return f;
}

vsr_cpu_level vsr_cpu_best_level(void) {
    const vsr_cpu_features f = vsr_cpu_detect();
    if (f.avx512) return VSR_CPU_AVX512;
    if (f.avx2_fma) return VSR_CPU_AVX2;
    return VSR_CPU_BASELINE;
}

static const vsr_kernel_table *const tables[] = {
#if defined(__x86_64__)
    &vsr_kernels_baseline, &vsr_kernels_avx2, &vsr_kernels_avx512,
#else
    &vsr_kernels_baseline,
#endif
};

const vsr_kernel_table *vsr_kernel_table_for(vsr_cpu_level level) {
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        if (tables[i]->level == level) return tables[i];
    }
    return NULL;
}
