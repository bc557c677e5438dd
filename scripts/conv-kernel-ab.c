// Two builds of one ISA's direct-convolution micro-kernel in one process, timed in alternation: a
// 3x3 "same" layer (bias + LeakyReLU fused, as vsr-kernel-bench conv times it) over a whole frame,
// on one thread and on two (the rows split in halves), round after round, each round also timing
// the FMA peak (the two-thread pass includes starting its second thread, tens of microseconds, as
// both builds' do). On a noisy VM two binaries run minutes apart meet different phases (this 2-vCPU
// AMD EPYC Zen 3 swings between about 65% and 90% of the peak for the same kernel); alternating
// within one process puts both builds in the same phases, so their ratio holds where the absolute
// figures do not. scripts/conv-kernel-ab.sh builds it from a git revision's kernel file and the
// working tree's.
//
// With `products` (a fifth argument), the shape Winograd's products give the kernel instead: one tap, a
// chunk of 48 (AVX2) or 64 (AVX-512) tiles, CHANNELS in and out, no bias, activation or prefetching,
// 36 positions (F(4x4)) for every chunk of the frame's 4x4 tiles, each position's inputs, weights
// and sums in buffers of their own, as WinogradConvolution lays them out; GFLOP/s are the products'
// own multiply-adds.
//
// Built with BASE_ROW (the base build's entry point, its symbols renamed), NEW_ROW, PROBE and LEVEL
// (the ISA's vsr_cpu_level).
//   .build/conv-kernel-ab CHANNELS WIDTH HEIGHT ROUNDS [products]
#include "vsr_kernels.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void BASE_ROW(const vsr_conv_args *args);
void NEW_ROW(const vsr_conv_args *args);
float PROBE(long iterations);

enum { PIXELS_MAX = 64, MAX_ROUNDS = 1000 };

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int compare(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *values, int count) {
    qsort(values, count, sizeof *values, compare);
    return values[count / 2];
}

static float random_value(void) { return (float)(rand() % 100000) / 100000.0f - 0.5f; }

/// The layer: a zero-bordered copy of the input (rows padded as DirectConvolution's bands pad them),
/// packed weights, the output, the kernel's block width, and the rows one call computes.
typedef struct layer {
    int channels, width, height, row_stride, block_pixels;
    ptrdiff_t plane, taps[9];
    float *input, *output, *weights, *bias, *slopes;
    void (*row)(const vsr_conv_args *);
    int first, last;
} layer;

static void *compute_rows(void *context) {
    const layer *l = context;
    vsr_conv_args a;
    memset(&a, 0, sizeof a);
    a.plane_stride = l->plane;
    a.taps = l->taps;
    a.tap_count = 9;
    a.in_channels = l->channels;
    a.weights = l->weights;
    a.bias = l->bias;
    a.slopes = l->slopes;
    a.output_stride = (ptrdiff_t)l->width * l->height;
    a.out_channels = l->channels;
    a.pixels = l->width;
    a.prefetch = 2 * l->block_pixels;  // as DirectConvolution sets it
    a.prefetch_output = 1;
    for (int y = l->first; y < l->last; y++) {
        a.input = l->input + (ptrdiff_t)(y + 1) * l->row_stride + 1;
        a.output = l->output + (ptrdiff_t)y * l->width;
        l->row(&a);
    }
    return NULL;
}

/// One pass over the frame with `threads` (1 or 2) threads; seconds.
static double time_layer(layer l, void (*row)(const vsr_conv_args *), int threads) {
    l.row = row;
    const double start = seconds();
    if (threads == 1) {
        l.first = 0;
        l.last = l.height;
        compute_rows(&l);
    } else {
        layer top = l, bottom = l;
        top.first = 0;
        top.last = bottom.first = l.height / 2;
        bottom.last = l.height;
        pthread_t helper;
        pthread_create(&helper, NULL, compute_rows, &bottom);
        compute_rows(&top);
        pthread_join(helper, NULL);
    }
    return seconds() - start;
}

/// Winograd F(4x4)'s products over a frame, one thread; seconds. `l.input` holds a chunk's
/// transformed input for every position, `l.output` the sums, `l.weights` every position's weights.
static double time_products(const layer *l, void (*row)(const vsr_conv_args *), int chunks, int chunk_tiles) {
    enum { POSITIONS = 36 };
    const ptrdiff_t zero = 0;
    vsr_conv_args a;
    memset(&a, 0, sizeof a);
    a.plane_stride = chunk_tiles;
    a.taps = &zero;
    a.tap_count = 1;
    a.in_channels = l->channels;
    a.output_stride = chunk_tiles;
    a.out_channels = l->channels;
    a.pixels = chunk_tiles;
    const ptrdiff_t position_floats = (ptrdiff_t)l->channels * chunk_tiles;
    const double start = seconds();
    for (int chunk = 0; chunk < chunks; chunk++) {
        for (int p = 0; p < POSITIONS; p++) {
            a.input = l->input + p * position_floats;
            a.weights = l->weights + (ptrdiff_t)p * l->channels * l->channels;
            a.output = l->output + p * position_floats;
            row(&a);
        }
    }
    return seconds() - start;
}

/// One thread's run of the FMA probe: `iterations` in, its own elapsed seconds out.
typedef struct probe_run {
    long iterations;
    double seconds;
} probe_run;

static void *probe_thread(void *context) {
    probe_run *run = context;
    const double start = seconds();
    volatile float sink = PROBE(run->iterations);
    (void)sink;
    run->seconds = seconds() - start;
    return NULL;
}

/// GFLOP/s of the ISA's FMA probe on `threads` threads (its chains x lanes x 2 FLOPs an iteration):
/// the sum of each thread's rate over its own run, so that starting the second thread is not timed.
static double peak(int threads, int flops_per_iteration) {
    probe_run runs[2] = {{2000000, 0}, {2000000, 0}};
    pthread_t helper;
    if (threads == 2) pthread_create(&helper, NULL, probe_thread, &runs[1]);
    probe_thread(&runs[0]);
    if (threads == 2) pthread_join(helper, NULL);
    double gflops = 0;
    for (int t = 0; t < threads; t++) gflops += (double)runs[t].iterations * flops_per_iteration / runs[t].seconds / 1e9;
    return gflops;
}

/// One timed pass of a build: the 3x3 layer on `threads` threads, or Winograd's products (one thread).
typedef struct pass {
    int products, chunks, chunk_tiles;
} pass;

static double time_pass(const layer *l, pass p, void (*row)(const vsr_conv_args *), int threads) {
    return p.products ? time_products(l, row, p.chunks, p.chunk_tiles) : time_layer(*l, row, threads);
}

int main(int argc, char **argv) {
    if (argc != 5 && !(argc == 6 && strcmp(argv[5], "products") == 0)) {
        fprintf(stderr, "usage: %s CHANNELS WIDTH HEIGHT ROUNDS [products]\n", argv[0]);
        return 2;
    }
    layer l;
    memset(&l, 0, sizeof l);
    l.channels = atoi(argv[1]);
    l.width = atoi(argv[2]);
    l.height = atoi(argv[3]);
    const int rounds = atoi(argv[4]);
    if (l.channels < 1 || l.width < 1 || l.height < 2 || rounds < 1 || rounds > MAX_ROUNDS) {
        fprintf(stderr, "conv-kernel-ab: expected channels >= 1, width >= 1, height >= 2, 1-%d rounds\n", MAX_ROUNDS);
        return 2;
    }
    if (vsr_cpu_best_level() < LEVEL) {
        fprintf(stderr, "conv-kernel-ab: this CPU lacks the instruction set of the kernels compiled in\n");
        return 2;
    }
    const vsr_kernel_table *kernels = vsr_kernel_table_for(LEVEL);
    const int c = l.channels;
    l.block_pixels = kernels->conv_pixels;
    l.row_stride = (l.width + l.block_pixels - 1) / l.block_pixels * l.block_pixels + 16;  // as the bands' rows
    l.plane = (ptrdiff_t)(l.height + 2) * l.row_stride;
    if (l.plane * 4 % 4096 == 0) l.plane += 16;
    const int products = argc == 6;
    const int chunk_tiles = kernels->level == VSR_CPU_AVX512 ? 64 : 48;
    const int tiles = (l.width + 3) / 4 * ((l.height + 3) / 4), chunks = (tiles + chunk_tiles - 1) / chunk_tiles;
    const size_t product_floats = (size_t)36 * (c + VSR_CONV_BLOCK) * (c > chunk_tiles ? c : chunk_tiles);
    size_t input_floats = (size_t)c * l.plane + 4 * PIXELS_MAX;
    size_t weight_floats = (size_t)(c + VSR_CONV_BLOCK) * c * 9;
    size_t output_floats = (size_t)c * l.width * l.height + PIXELS_MAX;
    if (input_floats < product_floats) input_floats = product_floats;
    if (weight_floats < product_floats) weight_floats = product_floats;
    if (output_floats < product_floats) output_floats = product_floats;
    l.input = aligned_alloc(64, input_floats * 4);
    l.output = aligned_alloc(64, output_floats * 4);
    l.weights = aligned_alloc(64, weight_floats * 4);
    l.bias = calloc(c, 4);
    l.slopes = malloc(c * 4);
    for (size_t i = 0; i < input_floats; i++) l.input[i] = random_value();
    for (int ci = 0; ci < c; ci++)  // the zero border: columns 0 and past the image, rows 0 and h + 1
        for (int y = 0; y < l.height + 2; y++)
            for (int x = 0; x < l.row_stride; x++)
                if (y == 0 || y == l.height + 1 || x == 0 || x > l.width) l.input[ci * l.plane + y * l.row_stride + x] = 0;
    for (size_t i = 0; i < weight_floats; i++) l.weights[i] = 0.1f * random_value();
    for (int i = 0; i < c; i++) l.slopes[i] = 0.05f;
    memset(l.output, 0, output_floats * 4);
    for (int t = 0; t < 9; t++) l.taps[t] = (ptrdiff_t)(t / 3 - 1) * l.row_stride + (t % 3 - 1);

    // Both builds must compute the same layer: compare one pass before timing.
    const pass once = {products, 1, chunk_tiles}, whole = {products, chunks, chunk_tiles};
    float *first = malloc(output_floats * 4);
    time_pass(&l, once, BASE_ROW, 1);
    memcpy(first, l.output, output_floats * 4);
    time_pass(&l, once, NEW_ROW, 1);
    double largest = 0;
    for (size_t i = 0; i < output_floats; i++) {
        const double d = first[i] > l.output[i] ? first[i] - l.output[i] : l.output[i] - first[i];
        if (d > largest) largest = d;
    }
    if (largest > 1e-4) {
        fprintf(stderr, "conv-kernel-ab: the two builds differ by %g on the same layer\n", largest);
        return 1;
    }

    static double times[2][2][MAX_ROUNDS], peaks[2][MAX_ROUNDS];
    for (int r = 0; r < rounds; r++) {
        for (int threads = 1; threads <= (products ? 1 : 2); threads++) {
            peaks[threads - 1][r] = peak(threads, kernels->fma_probe_flops);
            // Alternate which build goes first, so that neither always follows the probe.
            for (int k = 0; k < 2; k++) {
                const int build = (r + k) % 2;
                times[build][threads - 1][r] = time_pass(&l, whole, build ? NEW_ROW : BASE_ROW, threads);
            }
        }
    }
    const double flops = products ? 2.0 * c * c * chunk_tiles * 36 * chunks : 2.0 * c * c * 9 * l.width * l.height;
    if (products)
        printf("%s kernels (%s); Winograd F(4x4)'s products, %d -> %d channels, %d chunks of %d tiles (%dx%d); medians of %d "
               "alternating rounds\n", kernels->name, kernels->conv_shape, c, c, chunks, chunk_tiles, l.width, l.height, rounds);
    else
        printf("%s kernels (%s); %d -> %d channels, 3x3, %dx%d; medians of %d alternating rounds\n", kernels->name,
               kernels->conv_shape, c, c, l.width, l.height, rounds);
    for (int threads = 1; threads <= (products ? 1 : 2); threads++) {
        const double p = median(peaks[threads - 1], rounds);
        const double base = median(times[0][threads - 1], rounds), new = median(times[1][threads - 1], rounds);
        printf("  %d thread(s), FMA peak %.1f GFLOP/s: base %.3f ms (%.0f%% of peak), new %.3f ms (%.0f%%), new/base time %.3f\n",
               threads, p, base * 1e3, 100 * flops / base / 1e9 / p, new * 1e3, 100 * flops / new / 1e9 / p, new / base);
    }
    return 0;
}
