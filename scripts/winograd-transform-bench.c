// The Winograd input and output transforms alone, on the CPU's best kernels, over one 48 -> 48
// channel layer of a frame: milliseconds a layer with the data streaming through memory as a model
// runs them (each layer's output the next one's input) and with one chunk's data in cache (the
// transforms' arithmetic alone). The products between them are not run: this isolates what the
// transforms cost, for tuning their memory access (prefetching, stores). It walks the tiles as
// WinogradConvolution does: chunks of 48 (AVX2, SSE2) or 64 (AVX-512) tiles, each chunk's input
// transformed group by group, then its output channel by channel. F(4x4) (the default) numbers tile
// rows up to whole quads of tiles and F(6x6) row after row (WinogradTile.rowTiles): a group may end
// one tile row and begin the next (`split`). Built with -O3, as the package builds the kernels (at -O2 clang left the F(4x4)
// input transform's eight row loads in a loop for AVX2 and SSE2, and the harness timed code the
// product does not run).
//
//   make bench-check                                   # builds .build/winograd-transform-bench at -O3 (and runs it once, small)
//   .build/winograd-transform-bench 960 540            # width height [tile: 4 or 6]; VSR_CPU=avx2|baseline for a lower level
#include "vsr_kernels.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { CHANNELS = 48, REPEATS = 7 };

static double milliseconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static vsr_cpu_level requested_level(void) {
    const char *name = getenv("VSR_CPU");
    vsr_cpu_level best = vsr_cpu_best_level();
    if (!name) return best;
    for (int level = 0; level <= (int)best; level++) {
        const vsr_kernel_table *table = vsr_kernel_table_for((vsr_cpu_level)level);
        if (table && strcmp(table->name, name) == 0) return (vsr_cpu_level)level;
    }
    fprintf(stderr, "winograd-transform-bench: VSR_CPU=%s is not a level this CPU runs\n", name);
    exit(2);
}

// Tiles per chunk, as WinogradConvolution.chunkTiles: a multiple of the transforms' 16-tile groups and
// of the micro-kernel's pixel count, at least 48.
static int chunk_tiles_for(const vsr_kernel_table *k) {
    int chunk_tiles = 16;
    while (chunk_tiles % k->conv_pixels != 0) chunk_tiles += 16;
    return chunk_tiles * ((48 + chunk_tiles - 1) / chunk_tiles);
}

// A layer's input and output tensors (`a`, `b`: 48 planes, random values) and a chunk's transformed
// input and sums (`positions` of `position_stride` floats each, the sums set to small values).
typedef struct layer_buffers {
    float *a, *b, *transformed, *sums;
} layer_buffers;

static layer_buffers allocate_buffers(size_t plane, int positions, ptrdiff_t position_stride) {
    const size_t tensor_bytes = plane * CHANNELS * sizeof(float), chunk_bytes = positions * position_stride * sizeof(float);
    layer_buffers buffers = {aligned_alloc(64, tensor_bytes), aligned_alloc(64, tensor_bytes), aligned_alloc(64, chunk_bytes),
                             aligned_alloc(64, chunk_bytes)};
    srand(1);
    for (size_t i = 0; i < plane * CHANNELS; i++) buffers.a[i] = buffers.b[i] = (float)rand() / (float)RAND_MAX;
    for (ptrdiff_t i = 0; i < positions * position_stride; i++) buffers.sums[i] = 1e-3f * (float)(i % 97);
    return buffers;
}

static void free_buffers(layer_buffers buffers) {
    free(buffers.a);
    free(buffers.b);
    free(buffers.transformed);
    free(buffers.sums);
}

// Milliseconds of F(6x6)'s input and output transforms over one layer (best of REPEATS), tiles
// numbered row after row in chunks of `chunk_tiles`, as WinogradJob runs them; `in_cache` repeats the
// second chunk (a split group among its four) instead of walking the frame.
static void time_f6(const vsr_kernel_table *k, int width, int height, int chunk_tiles, int in_cache, layer_buffers buffers,
                    double *input_ms, double *output_ms) {
    const int columns = (width + 5) / 6, tiles = columns * ((height + 5) / 6);
    const int chunks = (tiles + chunk_tiles - 1) / chunk_tiles, groups = chunk_tiles / 16;
    const int cached_chunk = chunks > 1 ? 1 : 0;
    float *transformed = buffers.transformed;
    const float *sums = buffers.sums;
    const size_t plane = (size_t)width * height;
    const ptrdiff_t channel_stride = chunk_tiles + 16, position_stride = CHANNELS * channel_stride + 16;
    const ptrdiff_t sum_stride = (ptrdiff_t)CHANNELS * chunk_tiles + 16;
    const float *input = buffers.a;
    float *output = buffers.b;
    *input_ms = *output_ms = 1e30;
    for (int repeat = 0; repeat < REPEATS; repeat++) {
        double t0 = milliseconds();
        for (int chunk = 0; chunk < chunks; chunk++) {
            const int first = (in_cache ? cached_chunk : chunk) * chunk_tiles;
            for (int g = 0; g < groups; g++) {
                const int tile = first + 16 * g, row = tile / columns, column = tile % columns;
                const int run = columns - column < 16 ? columns - column : 16;
                vsr_winograd_input_args args = {input, (ptrdiff_t)plane, width, height, 6 * row - 1, 6 * column - 1, CHANNELS,
                                                transformed + 16 * g, channel_stride, position_stride, run < 16 ? run : 0};
                k->winograd6_input(&args);
            }
        }
        double t1 = milliseconds();
        for (int chunk = 0; chunk < chunks; chunk++) {
            const int first = (in_cache ? cached_chunk : chunk) * chunk_tiles;
            for (int channel = 0; channel < CHANNELS; channel++) {
                for (int g = 0; g < groups && first + 16 * g < tiles; g++) {
                    const int tile = first + 16 * g, row = tile / columns, column = tile % columns;
                    const int count = tiles - tile < 16 ? tiles - tile : 16;
                    const int run = columns - column < count ? columns - column : count, next = count - run;
                    const int x = 6 * column, y = 6 * row;
                    vsr_winograd6_output_args args;
                    memset(&args, 0, sizeof args);
                    args.sums = sums + channel * chunk_tiles + 16 * g;
                    args.position_stride = sum_stride;
                    args.bias = 0.1f;
                    args.slope = 0.2f;
                    args.columns = 6 * run < width - x ? 6 * run : width - x;
                    for (int i = 0; i < 6; i++) args.out[i] = y + i < height ? output + ((size_t)channel * height + y + i) * width + x : NULL;
                    if (next > 0) {
                        args.split = run;
                        args.next_columns = 6 * next < width ? 6 * next : width;
                        for (int i = 0; i < 6; i++) {
                            args.next_out[i] = y + 6 + i < height ? output + ((size_t)channel * height + y + 6 + i) * width : NULL;
                        }
                    }
                    k->winograd6_output(&args);
                }
            }
        }
        double t2 = milliseconds();
        if (t1 - t0 < *input_ms) *input_ms = t1 - t0;
        if (t2 - t1 < *output_ms) *output_ms = t2 - t1;
        // The next layer reads what this one wrote.
        float *swap = (float *)input;
        input = output;
        output = swap;
    }
}

static void run_f6(const vsr_kernel_table *k, int width, int height) {
    const int chunk_tiles = chunk_tiles_for(k);
    const layer_buffers buffers = allocate_buffers((size_t)width * height, 64, (ptrdiff_t)CHANNELS * (chunk_tiles + 16) + 16);
    for (int in_cache = 0; in_cache <= 1; in_cache++) {
        double input_ms, output_ms;
        time_f6(k, width, height, chunk_tiles, in_cache, buffers, &input_ms, &output_ms);
        printf("%s, %dx%d, F(6x6), 48 -> 48 channels, %s: input transform %.2f ms, output transform %.2f ms a layer (best of %d)\n",
               k->name, width, height, in_cache ? "one chunk's data in cache" : "streaming, layer after layer", input_ms,
               output_ms, REPEATS);
    }
    free_buffers(buffers);
}

int main(int argc, char **argv) {
    if (argc < 3 || argc > 4 || atoi(argv[1]) < 16 || atoi(argv[2]) < 4 || (argc == 4 && atoi(argv[3]) != 4 && atoi(argv[3]) != 6)) {
        fprintf(stderr, "usage: winograd-transform-bench WIDTH HEIGHT [4|6] (at least 16x4; tile F(4x4) or F(6x6))\n");
        return 2;
    }
    const int width = atoi(argv[1]), height = atoi(argv[2]);
    const vsr_kernel_table *k = vsr_kernel_table_for(requested_level());
    if (argc == 4 && atoi(argv[3]) == 6) {
        run_f6(k, width, height);
        return 0;
    }
    const int chunk_tiles = chunk_tiles_for(k);
    const int tile_rows = (height + 3) / 4, tile_columns = (width + 3) / 4, row_tiles = tile_columns <= 16 ? 16 : (tile_columns + 3) / 4 * 4;
    const int chunks = (tile_rows * row_tiles + chunk_tiles - 1) / chunk_tiles, groups = chunk_tiles / 16;
    const size_t plane = (size_t)width * height;
    const ptrdiff_t position_stride = (ptrdiff_t)CHANNELS * chunk_tiles + 16;
    const layer_buffers buffers = allocate_buffers(plane, 36, position_stride);
    float *transformed = buffers.transformed;
    const float *sums = buffers.sums;

    for (int in_cache = 0; in_cache <= 1; in_cache++) {
        double best_input = 1e30, best_output = 1e30;
        float *input = buffers.a, *output = buffers.b;
        for (int repeat = 0; repeat < REPEATS; repeat++) {
            double t0 = milliseconds();
            for (int chunk = 0; chunk < chunks; chunk++) {
                const int first = (in_cache ? 0 : chunk) * chunk_tiles;
                for (int g = 0; g < groups; g++) {
                    const int tile = first + 16 * g, row = tile / row_tiles, column = tile % row_tiles;
                    const int split = row_tiles - column < 16 ? row_tiles - column : 0;
                    vsr_winograd_input_args args = {input, (ptrdiff_t)plane, width, height, 4 * row - 1, 4 * column - 1,
                                                    CHANNELS, transformed + 16 * g, chunk_tiles, position_stride, split};
                    k->winograd4_input(&args);
                }
            }
            double t1 = milliseconds();
            for (int chunk = 0; chunk < chunks; chunk++) {
                const int first = (in_cache ? 0 : chunk) * chunk_tiles;
                for (int channel = 0; channel < CHANNELS; channel++) {
                    for (int g = 0; g < groups; g++) {
                        const int tile = first + 16 * g, row = tile / row_tiles, column = tile % row_tiles;
                        // Only groups inside the image, as the model's fast path stores them.
                        if (4 * column + 64 > width || 4 * row + 4 > height) continue;
                        float *top = output + ((size_t)channel * height + 4 * row) * width + 4 * column;
                        vsr_winograd4_output_args args = {
                            sums + channel * chunk_tiles + 16 * g, position_stride, 0.1f, 0.2f,
                            {top, top + width, top + 2 * width, top + 3 * width}, {NULL, NULL, NULL, NULL}};
                        k->winograd4_output(&args);
                    }
                }
            }
            double t2 = milliseconds();
            if (t1 - t0 < best_input) best_input = t1 - t0;
            if (t2 - t1 < best_output) best_output = t2 - t1;
            // The next layer reads what this one wrote.
            float *swap = input;
            input = output;
            output = swap;
        }
        printf("%s, %dx%d, F(4x4), 48 -> 48 channels, %s: input transform %.2f ms, output transform %.2f ms a layer (best of %d)\n",
               k->name, width, height, in_cache ? "one chunk's data in cache" : "streaming, layer after layer", best_input,
               best_output, REPEATS);
    }
    free_buffers(buffers);
    return 0;
}
