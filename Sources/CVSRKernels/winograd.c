// The Winograd transforms (winograd_transforms.h), compiled once per instruction set.
#include "vsr_kernels.h"

typedef float vsr_f32x16 __attribute__((vector_size(64)));
typedef float vsr_f32x32 __attribute__((vector_size(128)));
typedef int vsr_i32x16 __attribute__((vector_size(64)));
// The same, for loads and stores at any float's alignment.
typedef float vsr_f32x16u __attribute__((vector_size(64), aligned(4)));
typedef float vsr_f32x32u __attribute__((vector_size(128), aligned(4)));

#define VSR_EVEN(v) __builtin_shufflevector(v, v, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30)
#define VSR_ODD(v) __builtin_shufflevector(v, v, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31)
#define VSR_INTERLEAVE(a, b) __builtin_shufflevector(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23, \
                                                     8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31)

// 4x4 transposes inside each group of four lanes (a 128-bit lane of every instruction set), across
// four 16-float vectors: t_j[4L + i] = c_i[4L + j]. Each step shuffles within 128-bit lanes only, so
// every instruction set does it with unpack and shufps (SSE2 on xmm, AVX2 on the two halves of ymm,
// AVX-512 on zmm); the general shuffles the F(4x4) transforms once used (every fourth lane of 64)
// took vpermps chains that cost more than the transforms' arithmetic on AVX2.
#define VSR_UNPACKLO(a, b) __builtin_shufflevector(a, b, 0, 16, 1, 17, 4, 20, 5, 21, 8, 24, 9, 25, 12, 28, 13, 29)
#define VSR_UNPACKHI(a, b) __builtin_shufflevector(a, b, 2, 18, 3, 19, 6, 22, 7, 23, 10, 26, 11, 27, 14, 30, 15, 31)
#define VSR_LOWPAIRS(a, b) __builtin_shufflevector(a, b, 0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29)
#define VSR_HIGHPAIRS(a, b) __builtin_shufflevector(a, b, 2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31)
#define VSR_TRANSPOSE4(c0, c1, c2, c3, t) do { \
        const vsr_f32x16 lo01_ = VSR_UNPACKLO(c0, c1), lo23_ = VSR_UNPACKLO(c2, c3); \
        const vsr_f32x16 hi01_ = VSR_UNPACKHI(c0, c1), hi23_ = VSR_UNPACKHI(c2, c3); \
        (t)[0] = VSR_LOWPAIRS(lo01_, lo23_); \
        (t)[1] = VSR_HIGHPAIRS(lo01_, lo23_); \
        (t)[2] = VSR_LOWPAIRS(hi01_, hi23_); \
        (t)[3] = VSR_HIGHPAIRS(hi01_, hi23_); \
    } while (0)
// F(4x4, 3x3)'s Bᵀ on six vectors d0..d5 into o[0..5]:
//   4d0 - 5d2 + d4, -4(d1 + d2) + d3 + d4, 4(d1 - d2) - d3 + d4, 2(d3 - d1) - d2 + d4,
//   2(d1 - d3) - d2 + d4, 4d1 - 5d3 + d5.
#define VSR_B4T(d0, d1, d2, d3, d4, d5, o) do { \
        const vsr_f32x16 p_ = (d4) - 4.0f * (d2), q_ = (d3) - 4.0f * (d1); \
        const vsr_f32x16 r_ = (d4) - (d2), u_ = 2.0f * ((d3) - (d1)); \
        (o)[0] = 4.0f * (d0) - 5.0f * (d2) + (d4); \
        (o)[1] = p_ + q_; \
        (o)[2] = p_ - q_; \
        (o)[3] = r_ + u_; \
        (o)[4] = r_ - u_; \
        (o)[5] = 4.0f * (d1) - 5.0f * (d3) + (d5); \
    } while (0)
// F(4x4, 3x3)'s Aᵀ on six vectors m0..m5 into o0..o3:
//   m0 + m1 + m2 + m3 + m4, (m1 - m2) + 2(m3 - m4), (m1 + m2) + 4(m3 + m4), (m1 - m2) + 8(m3 - m4) + m5.
#define VSR_A4T(m0, m1, m2, m3, m4, m5, o0, o1, o2, o3) do { \
        const vsr_f32x16 s12_ = (m1) + (m2), d12_ = (m1) - (m2), s34_ = (m3) + (m4), d34_ = (m3) - (m4); \
        (o0) = (m0) + s12_ + s34_; \
        (o1) = d12_ + 2.0f * d34_; \
        (o2) = s12_ + 4.0f * s34_; \
        (o3) = d12_ + 8.0f * d34_ + (m5); \
    } while (0)

#define WINOGRAD_NAME baseline
#define WINOGRAD_TARGET
#include "winograd_transforms.h"
#include "winograd4_transforms.h"
#undef WINOGRAD_NAME
#undef WINOGRAD_TARGET

#if defined(__x86_64__)
#define WINOGRAD_NAME avx2
#define WINOGRAD_TARGET __attribute__((target("avx2,fma")))
#include "winograd_transforms.h"
#include "winograd4_transforms.h"
#undef WINOGRAD_NAME
#undef WINOGRAD_TARGET

#define WINOGRAD_NAME avx512
#define WINOGRAD_TARGET __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma")))
#include "winograd_transforms.h"
#include "winograd4_transforms.h"
#undef WINOGRAD_NAME
#undef WINOGRAD_TARGET
#endif
