// The per-ISA kernels of vsr's inference engine, and the CPU detection that picks them.
//
// Swift has no per-function target attributes, so the few loops that must use a wider register
// file than the binary's baseline (x86-64: SSE2) live here, each compiled for its ISA with
// __attribute__((target(...))), as dav1d, x264 and FFmpeg do. The rest of vsr is compiled for the
// baseline, so one binary runs on every x86-64 CPU and takes the widest kernels the CPU has.
#ifndef VSR_KERNELS_H
#define VSR_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction-set levels, in order: a level implies every level below it.
typedef enum vsr_cpu_level {
    VSR_CPU_BASELINE = 0,  ///< x86-64 (SSE2), or the portable C on other architectures
    VSR_CPU_AVX2 = 1,      ///< AVX2 + FMA (x86-64-v3), with the OS saving YMM state
    VSR_CPU_AVX512 = 2,    ///< AVX-512 F/BW/DQ/VL (x86-64-v4), with the OS saving ZMM state
} vsr_cpu_level;

/// What cpuid and xgetbv report, once per process.
typedef struct vsr_cpu_features {
    int avx2_fma;      ///< AVX2 and FMA usable (OS saves YMM)
    int avx512;        ///< AVX-512 F, BW, DQ and VL usable (OS saves ZMM and opmask)
    int avx512_vnni;   ///< recorded for later int8 work; no kernel uses it yet
    int avx512_bf16;   ///< recorded for later bf16 work; no kernel uses it yet
    int avx_vnni;      ///< recorded for later int8 work; no kernel uses it yet
} vsr_cpu_features;

/// The CPU's features (cpuid + xgetbv; all zero off x86-64).
vsr_cpu_features vsr_cpu_detect(void);

/// The highest level this CPU runs.
vsr_cpu_level vsr_cpu_best_level(void);

/// Names the calling thread (for top, perf and debuggers; Linux keeps the first 15 bytes).
void vsr_name_current_thread(const char *name);

/// A spin-wait loop's hint to the core (x86 `pause`, Arm `yield`): it eases the pipeline and the
/// sibling hyperthread while a thread waits on a flag another thread will set. Swift has no
/// spelling for it.
static inline void vsr_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/// One row segment of a convolution: every output channel x `pixels` pixels, in blocks of
/// `VSR_CONV_BLOCK` output channels x the kernel's pixel count, each summed over every input channel
/// and tap with the accumulators in registers, then the epilogue: bias, a piecewise-linear activation
/// (negative values times the channel's slope) and a residual, each optional. The last block along
/// x may be partial (only `pixels` are written); the input is read for whole blocks (plus the taps'
/// reach), so the caller provides that much readable memory.
typedef struct vsr_conv_args {
    const float *input;          ///< the segment's first pixel; taps are offsets from a pixel
    ptrdiff_t plane_stride;      ///< floats between two input channels
    const ptrdiff_t *taps;       ///< offset of each tap from a pixel, in floats
    int tap_count;
    int in_channels;
    const float *weights;        ///< [out block][in_channels][tap_count][VSR_CONV_BLOCK]
    const float *bias;           ///< per output channel, or NULL
    const float *slopes;         ///< per output channel negative slopes, or NULL (no activation)
    const float *residual;       ///< added last, channel c's segment at `residual + c * residual_stride`; or NULL
    ptrdiff_t residual_stride;
    float *output;               ///< channel 0's first output pixel of the segment
    ptrdiff_t output_stride;     ///< floats between two output channels
    int out_channels;
    int pixels;                  ///< pixels in the segment
    int prefetch;                ///< how far ahead (floats) to prefetch the taps' rows; 0: not at all
    int prefetch_output;         ///< with `prefetch`, also fetch each block's output lines first (outputs past L2)
} vsr_conv_args;

/// Output channels per block, the same for every ISA (so the packed weights are shared).
#define VSR_CONV_BLOCK 4

typedef void (*vsr_conv_row_fn)(const vsr_conv_args *args);

/// Winograd F(2x2, 3x3)'s input transform `Bᵀ d B` for 16 tiles of one tile row, in every input
/// channel: tile t's 4x4 patch is input rows top..top+3, columns left + 2t..left + 2t + 3 (zero
/// outside the image). Position p of channel c, tile t goes to `out[p * position_stride + c *
/// channel_stride + t]`.
typedef struct vsr_winograd_input_args {
    const float *input;          ///< channel 0's plane
    ptrdiff_t plane_size;        ///< floats per channel plane (height x width)
    int width, height;
    int top, left;               ///< the first tile's patch origin (-1 at the image's top or left edge)
    int in_channels;
    float *out;
    ptrdiff_t channel_stride, position_stride;
    /// F(4x4) and F(6x6) (0 for F(2x2)): when 1-15 (F(4x4): 4, 8 or 12), tiles `split`..15 are the
    /// next tile row's first ones, patch origin (top + m, -1) for tile size m, so that a group of 16
    /// may end one tile row and begin the next.
    int split;
    /// Where image row y lies in each plane: row y - `first_row`, or, in a ring of `ring_rows` rows
    /// (`RowWindow`), row y - `first_row` - `ring_rows` from there on. Both 0 for a whole tensor.
    int first_row, ring_rows;
} vsr_winograd_input_args;

/// Winograd's output transform `Aᵀ m A` for one output channel over 16 tiles, then bias, the
/// piecewise-linear activation and the residual: 2 output rows of 32 pixels.
typedef struct vsr_winograd_output_args {
    const float *sums;           ///< position p's 16 sums at `sums + p * position_stride`
    ptrdiff_t position_stride;
    float bias, slope;
    float *out0, *out1;          ///< the tiles' top and bottom output rows
    const float *residual0, *residual1;  ///< the residual's rows, or NULL
} vsr_winograd_output_args;

/// Winograd F(4x4, 3x3)'s output transform for one output channel over 16 tiles, then bias, the
/// activation and the residual: 4 output rows of 64 pixels. (Its input transform takes
/// `vsr_winograd_input_args`: 16 tiles of 6x6 patches 4 columns apart, 36 positions.)
typedef struct vsr_winograd4_output_args {
    const float *sums;           ///< position p's 16 sums at `sums + p * position_stride`
    ptrdiff_t position_stride;
    float bias, slope;
    float *out[4];               ///< the tiles' 4 output rows
    const float *residual[4];    ///< the residual's rows, or NULL
} vsr_winograd4_output_args;

/// Winograd F(6x6, 3x3)'s output transform for one output channel over 16 tiles, then bias, the
/// activation and the residual: 6 output rows of 96 pixels, clipped to the image (`columns`, and
/// rows given as NULL), so that groups at the edges store in place too. The 16 tiles may end one
/// tile row and begin the next (`split`, as in `vsr_winograd_input_args`): row y's pixels
/// 0 ..< columns go to `out[y]`, and pixels 6 split ..< 6 split + next_columns to `next_out[y]`.
/// (Its input transform takes `vsr_winograd_input_args`: 16 tiles of 8x8 patches 6 columns apart,
/// 64 positions.)
typedef struct vsr_winograd6_output_args {
    const float *sums;           ///< position p's 16 sums at `sums + p * position_stride`
    ptrdiff_t position_stride;
    float bias, slope;
    int columns;                 ///< pixels of each row to store at `out`, 1-96 (at most 6 split if split)
    float *out[6];               ///< the tiles' 6 output rows; NULL for a row below the image
    const float *residual[6];    ///< the residual's rows, or NULL
    int split;                   ///< 0, or the first tile of the next tile row (1-15)
    int next_columns;            ///< pixels of each of the next tile row's rows to store, from its first
    float *next_out[6];          ///< the next tile row's 6 output rows (from column 0); NULL below the image
    const float *next_residual[6];
    ptrdiff_t plane_offset;      ///< floats added to every non-NULL row above: the output channel's
                                 ///< plane, so that a group's rows are placed once for all its channels
} vsr_winograd6_output_args;

/// F(4x4)'s or F(6x6)'s input transform for the 16 tiles of one tile row under a group of 16 m
/// pixels (m the tile size: 64 or 96) of rows in lane order, as the lane-order output transforms store
/// them: within each group of a row, pixel m t + k lies where the transforms' lanes hold tile t's
/// column k (F(6x6): vector k, lane t; F(4x4): vector k, lane 4L + i for t = 4i + L), rows
/// `row_floats` apart (16 m a group), every pixel past the image's width zero. Position p of channel
/// c goes to `out[p * position_stride + c * channel_stride + lane]`, as with `vsr_winograd_input_args`.
typedef struct vsr_winograd_lanes_input_args {
    const float *input;          ///< channel 0's plane
    ptrdiff_t plane_size;        ///< floats between two channels' planes
    ptrdiff_t row_floats;        ///< floats between two rows: 16 m x `groups`
    int height;                  ///< rows the transform reads: rows from it on, and above 0, read as zeros
    int top;                     ///< the patches' first row (-1 at the image's top)
    int group, groups;           ///< the tiles' group (tiles 16 group ..< 16 group + 16) of a row's `groups`
    int in_channels;
    float *out;
    ptrdiff_t channel_stride, position_stride;
    int first_row, ring_rows;    ///< where image row y lies, as in `vsr_winograd_input_args`
} vsr_winograd_lanes_input_args;

/// F(4x4)'s or F(6x6)'s output transform for one output channel over the 16 tiles of one tile row,
/// then bias and the activation, stored in lane order (`vsr_winograd_lanes_input_args`): m rows of a
/// group's 16 m pixels, the pixels from `valid` on (past the image's width) stored as zeros, which
/// the next layer's input transform reads as the image's zero padding.
typedef struct vsr_winograd_lanes_output_args {
    const float *sums;           ///< position p's 16 sums at `sums + p * position_stride`
    ptrdiff_t position_stride;
    float bias, slope;
    int valid;                   ///< pixels of the group inside the image, 1-16 m
    float *out[6];               ///< the group's pixels in the tiles' m output rows (F(4x4): the first 4);
                                 ///< NULL for a row below the image
    ptrdiff_t plane_offset;      ///< floats added to every non-NULL row: the output channel's plane
} vsr_winograd_lanes_output_args;

typedef void (*vsr_winograd_input_fn)(const vsr_winograd_input_args *args);
typedef void (*vsr_winograd_output_fn)(const vsr_winograd_output_args *args);
typedef void (*vsr_winograd4_output_fn)(const vsr_winograd4_output_args *args);
typedef void (*vsr_winograd6_output_fn)(const vsr_winograd6_output_args *args);
typedef void (*vsr_winograd_lanes_input_fn)(const vsr_winograd_lanes_input_args *args);
typedef void (*vsr_winograd_lanes_output_fn)(const vsr_winograd_lanes_output_args *args);

/// `out[i] = x[i] * sigmoid(gate[i])` for `count` floats (RLFN's ESA gate; elementwise.c).
typedef void (*vsr_sigmoid_gate_fn)(const float *x, const float *gate, float *out, long count);

/// Runs `iterations` rounds of independent FMA chains (as many as the ISA's register file holds
/// while covering the FMA latency on two pipes) and returns a value that depends on all of them.
typedef float (*vsr_fma_probe_fn)(long iterations);

/// One ISA's kernels.
typedef struct vsr_kernel_table {
    const char *name;            ///< "baseline", "avx2", "avx512"
    vsr_cpu_level level;
    int conv_pixels;             ///< pixels per convolution block (a multiple of the vector width)
    vsr_conv_row_fn conv_row;
    vsr_fma_probe_fn fma_probe;
    int fma_probe_flops;         ///< FLOP per probe iteration (2 per FMA lane; mul + add counts 2)
    vsr_winograd_input_fn winograd_input;
    vsr_winograd_output_fn winograd_output;
    vsr_winograd_input_fn winograd4_input;
    vsr_winograd4_output_fn winograd4_output;
    vsr_winograd_input_fn winograd6_input;
    vsr_winograd6_output_fn winograd6_output;
    vsr_winograd_lanes_input_fn winograd4_lanes_input;
    vsr_winograd_lanes_output_fn winograd4_lanes_output;
    vsr_winograd_lanes_input_fn winograd6_lanes_input;
    vsr_winograd_lanes_output_fn winograd6_lanes_output;
    vsr_sigmoid_gate_fn sigmoid_gate;
    const char *conv_shape;      ///< the micro-kernel's register shape, for the benchmark's report
} vsr_kernel_table;

/// The table for `level`, or NULL when this build has none (an x86-64 level on another
/// architecture). It does not check that the CPU runs it: see `vsr_cpu_best_level`.
const vsr_kernel_table *vsr_kernel_table_for(vsr_cpu_level level);

// The Winograd transforms of each level (winograd.c).
void vsr_winograd_input_baseline(const vsr_winograd_input_args *args);
void vsr_winograd_output_baseline(const vsr_winograd_output_args *args);
void vsr_winograd4_input_baseline(const vsr_winograd_input_args *args);
void vsr_winograd4_output_baseline(const vsr_winograd4_output_args *args);
void vsr_winograd6_input_baseline(const vsr_winograd_input_args *args);
void vsr_winograd6_output_baseline(const vsr_winograd6_output_args *args);
void vsr_winograd4_lanes_input_baseline(const vsr_winograd_lanes_input_args *args);
void vsr_winograd4_lanes_output_baseline(const vsr_winograd_lanes_output_args *args);
void vsr_winograd6_lanes_input_baseline(const vsr_winograd_lanes_input_args *args);
void vsr_winograd6_lanes_output_baseline(const vsr_winograd_lanes_output_args *args);
#if defined(__x86_64__)
void vsr_winograd_input_avx2(const vsr_winograd_input_args *args);
void vsr_winograd_output_avx2(const vsr_winograd_output_args *args);
void vsr_winograd4_input_avx2(const vsr_winograd_input_args *args);
void vsr_winograd4_output_avx2(const vsr_winograd4_output_args *args);
void vsr_winograd6_input_avx2(const vsr_winograd_input_args *args);
void vsr_winograd6_output_avx2(const vsr_winograd6_output_args *args);
void vsr_winograd4_lanes_input_avx2(const vsr_winograd_lanes_input_args *args);
void vsr_winograd4_lanes_output_avx2(const vsr_winograd_lanes_output_args *args);
void vsr_winograd6_lanes_input_avx2(const vsr_winograd_lanes_input_args *args);
void vsr_winograd6_lanes_output_avx2(const vsr_winograd_lanes_output_args *args);
void vsr_winograd_input_avx512(const vsr_winograd_input_args *args);
void vsr_winograd_output_avx512(const vsr_winograd_output_args *args);
void vsr_winograd4_input_avx512(const vsr_winograd_input_args *args);
void vsr_winograd4_output_avx512(const vsr_winograd4_output_args *args);
void vsr_winograd6_input_avx512(const vsr_winograd_input_args *args);
void vsr_winograd6_output_avx512(const vsr_winograd6_output_args *args);
void vsr_winograd4_lanes_input_avx512(const vsr_winograd_lanes_input_args *args);
void vsr_winograd4_lanes_output_avx512(const vsr_winograd_lanes_output_args *args);
void vsr_winograd6_lanes_input_avx512(const vsr_winograd_lanes_input_args *args);
void vsr_winograd6_lanes_output_avx512(const vsr_winograd_lanes_output_args *args);
#endif

// The elementwise kernels of each level (elementwise.c).
void vsr_sigmoid_gate_baseline(const float *x, const float *gate, float *out, long count);
#if defined(__x86_64__)
void vsr_sigmoid_gate_avx2(const float *x, const float *gate, float *out, long count);
void vsr_sigmoid_gate_avx512(const float *x, const float *gate, float *out, long count);
#endif

// The tables, generated by scripts/generate-conv-microkernel.py (conv_<name>.c).
extern const vsr_kernel_table vsr_kernels_baseline;
#if defined(__x86_64__)
extern const vsr_kernel_table vsr_kernels_avx2;
extern const vsr_kernel_table vsr_kernels_avx512;
#endif

#ifdef __cplusplus
}
#endif
#endif
