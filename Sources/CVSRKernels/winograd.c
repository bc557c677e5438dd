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

#define WINOGRAD_NAME baseline
#define WINOGRAD_TARGET
#include "winograd_transforms.h"
#undef WINOGRAD_NAME
#undef WINOGRAD_TARGET

#if defined(__x86_64__)
#define WINOGRAD_NAME avx2
#define WINOGRAD_TARGET __attribute__((target("avx2,fma")))
#include "winograd_transforms.h"
#undef WINOGRAD_NAME
#undef WINOGRAD_TARGET

#define WINOGRAD_NAME avx512
#define WINOGRAD_TARGET __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma")))
#include "winograd_transforms.h"
#undef WINOGRAD_NAME
#undef WINOGRAD_TARGET
#endif
