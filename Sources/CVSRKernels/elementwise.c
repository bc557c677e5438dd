// The elementwise kernels (elementwise.h), compiled once per instruction set.
#include "vsr_kernels.h"

typedef float vsr_f32x16 __attribute__((vector_size(64)));
typedef int vsr_i32x16 __attribute__((vector_size(64)));
typedef float vsr_f32x16u __attribute__((vector_size(64), aligned(4)));

#define ELEMENTWISE_NAME baseline
#define ELEMENTWISE_TARGET
#include "elementwise.h"
#undef ELEMENTWISE_NAME
#undef ELEMENTWISE_TARGET

#if defined(__x86_64__)
#define ELEMENTWISE_NAME avx2
#define ELEMENTWISE_TARGET __attribute__((target("avx2,fma")))
#include "elementwise.h"
#undef ELEMENTWISE_NAME
#undef ELEMENTWISE_TARGET

#define ELEMENTWISE_NAME avx512
#define ELEMENTWISE_TARGET __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma")))
#include "elementwise.h"
#undef ELEMENTWISE_NAME
#undef ELEMENTWISE_TARGET
#endif
