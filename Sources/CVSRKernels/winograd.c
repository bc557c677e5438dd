// The Winograd transforms (winograd_transforms.h: F(2x2); winograd4_transforms.h: F(4x4);
// winograd6_transforms.h: F(6x6)), compiled once per instruction set.
#include "vsr_kernels.h"
#if defined(__x86_64__)
#include <immintrin.h>
#endif

typedef float vsr_f32x16 __attribute__((vector_size(64)));
typedef float vsr_f32x32 __attribute__((vector_size(128)));
typedef int vsr_i32x16 __attribute__((vector_size(64)));
// The same, for loads and stores at any float's alignment.
typedef float vsr_f32x16u __attribute__((vector_size(64), aligned(4)));
typedef float vsr_f32x32u __attribute__((vector_size(128), aligned(4)));
typedef float vsr_f32x8 __attribute__((vector_size(32)));
typedef float vsr_f32x8u __attribute__((vector_size(32), aligned(4)));
typedef int vsr_i32x8 __attribute__((vector_size(32)));

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

// F(6x6): two 8-float vectors as one 16 (a in lanes 0-7).
#define VSR_CONCAT8(a, b) __builtin_shufflevector(a, b, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
// 8x8 transposes inside each 256-bit half of eight 16-float vectors: t_j[8H + i] = x_i[8H + j]. Two
// steps inside 128-bit lanes (unpacks, shufps: the 4x4 transposes of VSR_TRANSPOSE4 on rows 0-3 and
// 4-7), then one exchange of 128-bit lanes between the two 4-row results (vperm2f128 on AVX2's ymm).
#define VSR_LANES02(a, b) __builtin_shufflevector(a, b, 0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27)
#define VSR_LANES13(a, b) __builtin_shufflevector(a, b, 4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31)
#define VSR_TRANSPOSE8(x, t) do { \
        vsr_f32x16 top_[4], bottom_[4]; \
        VSR_TRANSPOSE4((x)[0], (x)[1], (x)[2], (x)[3], top_); \
        VSR_TRANSPOSE4((x)[4], (x)[5], (x)[6], (x)[7], bottom_); \
        for (int q_ = 0; q_ < 4; q_++) { \
            (t)[q_] = VSR_LANES02(top_[q_], bottom_[q_]); \
            (t)[q_ + 4] = VSR_LANES13(top_[q_], bottom_[q_]); \
        } \
    } while (0)
// One output row's 96 pixels from the six column vectors v[0..5] of 16 tiles (lane L: tile L's
// column x) into o[0..5] (pixel 6t + x is tile t's column x): the column pairs (0, 1), (2, 3), (4, 5)
// interleaved, tiles 0-7 and 8-15 apart (six shuffles), then each 16 pixels picked from the three
// interleaved vectors of their half (two shuffles each): 18 shuffles a row, where an 8x8 transpose
// and a gather from the transposed tiles took 38.
#define VSR_PAIRS_LOW(a, b) __builtin_shufflevector(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23)
#define VSR_PAIRS_HIGH(a, b) __builtin_shufflevector(a, b, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31)
#define VSR_PICK6(p, o) do { \
        (o)[0] = __builtin_shufflevector(__builtin_shufflevector((p)[0], (p)[1], 0, 1, 16, 17, -1, -1, 2, 3, 18, 19, -1, -1, 4, 5, 20, 21), \
                                         (p)[2], 0, 1, 2, 3, 16, 17, 6, 7, 8, 9, 18, 19, 12, 13, 14, 15); \
        (o)[1] = __builtin_shufflevector(__builtin_shufflevector((p)[0], (p)[1], -1, -1, 6, 7, 22, 23, -1, -1, 8, 9, 24, 25, -1, -1, 10, 11), \
                                         (p)[2], 20, 21, 2, 3, 4, 5, 22, 23, 8, 9, 10, 11, 24, 25, 14, 15); \
        (o)[2] = __builtin_shufflevector(__builtin_shufflevector((p)[0], (p)[1], 26, 27, -1, -1, 12, 13, 28, 29, -1, -1, 14, 15, 30, 31, -1, -1), \
                                         (p)[2], 0, 1, 26, 27, 4, 5, 6, 7, 28, 29, 10, 11, 12, 13, 30, 31); \
    } while (0)
#define VSR_PACK6(v, o) do { \
        const vsr_f32x16 low_[3] = {VSR_PAIRS_LOW((v)[0], (v)[1]), VSR_PAIRS_LOW((v)[2], (v)[3]), VSR_PAIRS_LOW((v)[4], (v)[5])}; \
        const vsr_f32x16 high_[3] = {VSR_PAIRS_HIGH((v)[0], (v)[1]), VSR_PAIRS_HIGH((v)[2], (v)[3]), VSR_PAIRS_HIGH((v)[4], (v)[5])}; \
        VSR_PICK6(low_, (o)); \
        VSR_PICK6(high_, (o) + 3); \
    } while (0)
// F(6x6, 3x3)'s Bᵀ on eight vectors d[0..7] into o[0..7] (ncnn's factoring):
//   o0 = d0 - d6 + 5.25 (d4 - d2),  o7 = d7 - d1 + 5.25 (d3 - d5),
//   o1,2 = (d2 + d6 - 4.25 d4) +- (d1 + d5 - 4.25 d3),
//   o3,4 = (d6 + 0.25 d2 - 1.25 d4) +- (0.5 d1 - 2.5 d3 + 2 d5),
//   o5,6 = (d6 + 4 (d2 - 1.25 d4)) +- (2 d1 - 2.5 d3 + 0.5 d5).
#define VSR_B6T(d, o) do { \
        const vsr_f32x16 a12_ = (d)[2] + (d)[6] - 4.25f * (d)[4], b12_ = (d)[1] + (d)[5] - 4.25f * (d)[3]; \
        const vsr_f32x16 a34_ = (d)[6] + 0.25f * (d)[2] - 1.25f * (d)[4], b34_ = 0.5f * (d)[1] - 2.5f * (d)[3] + 2.0f * (d)[5]; \
        const vsr_f32x16 a56_ = (d)[6] + 4.0f * ((d)[2] - 1.25f * (d)[4]), b56_ = 2.0f * (d)[1] - 2.5f * (d)[3] + 0.5f * (d)[5]; \
        (o)[0] = (d)[0] - (d)[6] + 5.25f * ((d)[4] - (d)[2]); \
        (o)[7] = (d)[7] - (d)[1] + 5.25f * ((d)[3] - (d)[5]); \
        (o)[1] = a12_ + b12_; \
        (o)[2] = a12_ - b12_; \
        (o)[3] = a34_ + b34_; \
        (o)[4] = a34_ - b34_; \
        (o)[5] = a56_ + b56_; \
        (o)[6] = a56_ - b56_; \
    } while (0)
// F(6x6, 3x3)'s Aᵀ on eight vectors m[0..7] into o[0..5]: with s = sums and e = differences of the
// pairs (m1, m2), (m3, m4), (m5, m6): o0 = m0 + s1 + s2 + s3, o1 = e1 + 2 e2 + e3 / 2,
// o2 = s1 + 4 s2 + s3 / 4, o3 = e1 + 8 e2 + e3 / 8, o4 = s1 + 16 s2 + s3 / 16, o5 = m7 + e1 + 32 e2 + e3 / 32.
#define VSR_A6T(m, o) do { \
        const vsr_f32x16 s1_ = (m)[1] + (m)[2], e1_ = (m)[1] - (m)[2], s2_ = (m)[3] + (m)[4], e2_ = (m)[3] - (m)[4]; \
        const vsr_f32x16 s3_ = (m)[5] + (m)[6], e3_ = (m)[5] - (m)[6]; \
        (o)[0] = (m)[0] + s1_ + s2_ + s3_; \
        (o)[1] = e1_ + 2.0f * e2_ + 0.5f * e3_; \
        (o)[2] = s1_ + 4.0f * s2_ + 0.25f * s3_; \
        (o)[3] = e1_ + 8.0f * e2_ + 0.125f * e3_; \
        (o)[4] = s1_ + 16.0f * s2_ + 0.0625f * s3_; \
        (o)[5] = (m)[7] + e1_ + 32.0f * e2_ + 0.03125f * e3_; \
    } while (0)

// x where x >= 0, x * slope where not: the output transforms' piecewise-linear activation, as a bit
// select (C has no vector ternary).
#define VSR_PRELU(x, slope) __extension__({ \
        const vsr_f32x16 x_ = (x); \
        const vsr_i32x16 negative_ = x_ < (vsr_f32x16){0}; \
        (vsr_f32x16)((negative_ & (vsr_i32x16)(x_ * (slope))) | (~negative_ & (vsr_i32x16)x_)); \
    })

// Per instruction set, besides WINOGRAD_NAME and WINOGRAD_TARGET:
// WINOGRAD_OPAQUE(v) hides an 8-float vector's value from the compiler, so that a load and a mask
// stay a load and an AND, which AVX2 and AVX-512 would fuse into a masked load (SSE2 has no masked
// loads, and no register to name for 32 bytes).
#define WINOGRAD_NAME baseline
#define WINOGRAD_TARGET
#define WINOGRAD_OPAQUE(v) ((void)0)
// WINOGRAD_STORE_LANES(dst, residual, v, first, last): lanes first ..< last of the 16-float v, plus
// the residual's (NULL: none), stored at dst[first ..< last]; the other lanes' memory untouched.
#define WINOGRAD_STORE_LANES(dst, residual, v, first, last) do { \
        float lanes_[16]; \
        *(vsr_f32x16u *)lanes_ = (v); \
        for (int i_ = (first); i_ < (last); i_++) (dst)[i_] = lanes_[i_] + ((residual) ? (residual)[i_] : 0.0f); \
    } while (0)
#include "winograd_transforms.h"
#include "winograd4_transforms.h"
#include "winograd6_transforms.h"
#undef WINOGRAD_NAME
#undef WINOGRAD_TARGET

#if defined(__x86_64__)
#undef WINOGRAD_OPAQUE
#define WINOGRAD_NAME avx2
#define WINOGRAD_TARGET __attribute__((target("avx2,fma")))
#define WINOGRAD_OPAQUE(v) __asm__("" : "+x"(v))
#include "winograd_transforms.h"
#include "winograd4_transforms.h"
#include "winograd6_transforms.h"
#undef WINOGRAD_NAME
#undef WINOGRAD_TARGET

// AVX-512's masked loads and stores touch only the lanes selected (no faults from the others).
#undef WINOGRAD_STORE_LANES
#define WINOGRAD_STORE_LANES(dst, residual, v, first, last) do { \
        const __mmask16 keep_ = (__mmask16)(((1u << (last)) - 1u) & ~((1u << (first)) - 1u)); \
        __m512 value_ = (__m512)(v); \
        if (residual) value_ = _mm512_add_ps(value_, _mm512_maskz_loadu_ps(keep_, (residual))); \
        _mm512_mask_storeu_ps((dst), keep_, value_); \
    } while (0)
#define WINOGRAD_NAME avx512
#define WINOGRAD_TARGET __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma")))
#include "winograd_transforms.h"
#include "winograd4_transforms.h"
#include "winograd6_transforms.h"
#undef WINOGRAD_NAME
#undef WINOGRAD_TARGET
#endif
