// The Winograd input and output transforms alone, on the CPU's best kernels, over one 48 -> 48
// channel layer of a frame (or CHANNELS -> CHANNELS): milliseconds a layer with the data streaming
// through memory as a model runs them (each layer's output the next one's input) and with one chunk's data in cache (the
// transforms' arithmetic alone). The products between them are not run: this isolates what the
// transforms cost, for tuning their memory access (prefetching, stores). It walks the tiles as
// WinogradConvolution does: chunks of 48 (AVX2, SSE2) or 64 (AVX-512) tiles, each chunk's input
// transformed group by group, then its output channel by channel. F(4x4) (the default) numbers tile
// rows up to whole quads of tiles and F(6x6) row after row (WinogradTile.rowTiles): a group may end
// one tile row and begin the next (`split`); both are timed in lane order too (ColumnOrder.lanes: rows
// of whole groups of 16 tiles, no split), as band chains hand rows on. Built with -O3, as the package builds the kernels (at -O2 clang left the F(4x4)
// input transform's eight row loads in a loop for AVX2 and SSE2, and the harness timed code the
// product does not run).
//
//   make bench-check                                   # builds .build/winograd-transform-bench at -O3 (and runs it once, small)
//   .build/winograd-transform-bench 960 540            # width height [tile: 4 or 6 [channels]]; VSR_CPU=avx2|baseline for a lower level
//   .build/winograd-transform-bench 960 540 6 16       # F(6x6) in pixel order and in lane order (ColumnOrder.lanes), 16 channels
//   VSR_CPU=avx2 .build/winograd-transform-bench 960 540 4 16   # F(4x4), the AVX2 level's tile, likewise
#include "vsr_kernels.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { REPEATS = 7 };

// Input and output channels of the layer (the optional fourth argument; 48 by default).
static int channels = 48;

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
    const size_t tensor_bytes = plane * channels * sizeof(float), chunk_bytes = positions * position_stride * sizeof(float);
    layer_buffers buffers = {aligned_alloc(64, tensor_bytes), aligned_alloc(64, tensor_bytes), aligned_alloc(64, chunk_bytes),
                             aligned_alloc(64, chunk_bytes)};
    srand(1);
    for (size_t i = 0; i < plane * channels; i++) buffers.a[i] = buffers.b[i] = (float)rand() / (float)RAND_MAX;
    for (ptrdiff_t i = 0; i < positions * position_stride; i++) buffers.sums[i] = 1e-3f * (float)(i % 97);
    return buffers;
}

static void free_buffers(layer_buffers buffers) {
    free(buffers.a);
    free(buffers.b);
    free(buffers.transformed);
    free(buffers.sums);
}

// One layer's geometry, tile size m (4 or 6): tiles numbered `row_tiles` a tile row (pixel order:
// F(6x6) the tile columns, no gaps; F(4x4) up to whole quads, at least 16, as WinogradTile.rowTiles;
// lane order, `ColumnOrder.lanes`: whole groups of 16, rows of `row_floats`, a multiple of 16 m).
typedef struct winograd_layer {
    int m, lanes, width, height, row_tiles, tiles;
    ptrdiff_t row_floats, plane, channel_stride, position_stride, sum_stride;
} winograd_layer;

static winograd_layer layer_for(int m, int lanes, int width, int height, int chunk_tiles) {
    const int columns = (width + m - 1) / m;
    const int row_tiles = lanes ? (columns + 15) / 16 * 16 : m == 6 ? columns : columns <= 16 ? 16 : (columns + 3) / 4 * 4;
    const ptrdiff_t row_floats = lanes ? (width + 16 * m - 1) / (16 * m) * (16 * m) : width;
    // WinogradJob's strides: F(6x6)'s channels have 16 lanes of slack.
    const ptrdiff_t channel_stride = m == 6 ? chunk_tiles + 16 : chunk_tiles;
    return (winograd_layer){m, lanes, width, height, row_tiles, row_tiles * ((height + m - 1) / m), row_floats,
                            row_floats * height, channel_stride, channels * channel_stride + 16,
                            (ptrdiff_t)channels * chunk_tiles + 16};
}

// The input transform of the 16 tiles from `tile` on, into `transformed`.
static void transform_input(const vsr_kernel_table *k, const winograd_layer *l, const float *input, int tile, float *transformed) {
    const int m = l->m, row = tile / l->row_tiles, column = tile % l->row_tiles;
    if (l->lanes) {
        vsr_winograd_lanes_input_args args = {input, l->plane, l->row_floats, l->height, m * row - 1, column / 16,
                                              l->row_tiles / 16, channels, transformed, l->channel_stride, l->position_stride, 0, 0};
        (m == 6 ? k->winograd6_lanes_input : k->winograd4_lanes_input)(&args);
        return;
    }
    const int run = l->row_tiles - column < 16 ? l->row_tiles - column : 16;
    vsr_winograd_input_args args = {input, l->plane, l->width, l->height, m * row - 1, m * column - 1, channels,
                                    transformed, l->channel_stride, l->position_stride, run < 16 ? run : 0};
    (m == 6 ? k->winograd6_input : k->winograd4_input)(&args);
}

// The output transform of one channel's sums over the 16 tiles from `tile` on (fewer at the last);
// in pixel order F(4x4) only stores groups inside the image, as the model's fast path does.
static void transform_output(const vsr_kernel_table *k, const winograd_layer *l, const float *sums, int tile, int channel,
                             float *output) {
    const int m = l->m, row = tile / l->row_tiles, column = tile % l->row_tiles, x = m * column, y = m * row;
    float *plane = output + channel * l->plane;
    if (l->lanes) {
        vsr_winograd_lanes_output_args args;
        memset(&args, 0, sizeof args);
        args.sums = sums;
        args.position_stride = l->sum_stride;
        args.bias = 0.1f;
        args.slope = 0.2f;
        args.valid = l->width - x < 16 * m ? l->width - x : 16 * m;
        for (int i = 0; i < m; i++) args.out[i] = y + i < l->height ? plane + (y + i) * l->row_floats + x : NULL;
        (m == 6 ? k->winograd6_lanes_output : k->winograd4_lanes_output)(&args);
        return;
    }
    if (m == 4) {
        if (x + 64 > l->width || y + 4 > l->height) return;
        float *top = plane + y * l->width + x;
        vsr_winograd4_output_args args = {sums, l->sum_stride, 0.1f, 0.2f, {top, top + l->width, top + 2 * l->width, top + 3 * l->width},
                                          {NULL, NULL, NULL, NULL}};
        k->winograd4_output(&args);
        return;
    }
    const int count = l->tiles - tile < 16 ? l->tiles - tile : 16;
    const int run = l->row_tiles - column < count ? l->row_tiles - column : count, next = count - run;
    vsr_winograd6_output_args args;
    memset(&args, 0, sizeof args);
    args.sums = sums;
    args.position_stride = l->sum_stride;
    args.bias = 0.1f;
    args.slope = 0.2f;
    args.columns = 6 * run < l->width - x ? 6 * run : l->width - x;
    for (int i = 0; i < 6; i++) args.out[i] = y + i < l->height ? plane + (y + i) * l->width + x : NULL;
    if (next > 0) {
        args.split = run;
        args.next_columns = 6 * next < l->width ? 6 * next : l->width;
        for (int i = 0; i < 6; i++) args.next_out[i] = y + 6 + i < l->height ? plane + (y + 6 + i) * l->width : NULL;
    }
    k->winograd6_output(&args);
}

// Milliseconds of the input and output transforms over one layer (best of REPEATS), tiles numbered
// row after row in chunks of `chunk_tiles`, as WinogradJob runs them, in pixel order (an F(6x6) or
// F(4x4) group may end one tile row and begin the next) or in lane order (`lanes`: rows of whole
// groups, as band chains hand rows on); `in_cache` repeats the second chunk instead of walking the frame.
static void time_layer(const vsr_kernel_table *k, int m, int lanes, int width, int height, int chunk_tiles, int in_cache,
                       layer_buffers buffers, double *input_ms, double *output_ms) {
    const winograd_layer layer = layer_for(m, lanes, width, height, chunk_tiles);
    const int chunks = (layer.tiles + chunk_tiles - 1) / chunk_tiles, groups = chunk_tiles / 16;
    const int cached_chunk = chunks > 1 ? 1 : 0;
    const float *input = buffers.a;
    float *output = buffers.b;
    *input_ms = *output_ms = 1e30;
    for (int repeat = 0; repeat < REPEATS; repeat++) {
        double t0 = milliseconds();
        for (int chunk = 0; chunk < chunks; chunk++) {
            const int first = (in_cache ? cached_chunk : chunk) * chunk_tiles;
            for (int g = 0; g < groups && first + 16 * g < layer.tiles; g++) {
                transform_input(k, &layer, input, first + 16 * g, buffers.transformed + 16 * g);
            }
        }
        double t1 = milliseconds();
        for (int chunk = 0; chunk < chunks; chunk++) {
            const int first = (in_cache ? cached_chunk : chunk) * chunk_tiles;
            for (int channel = 0; channel < channels; channel++) {
                for (int g = 0; g < groups && first + 16 * g < layer.tiles; g++) {
                    transform_output(k, &layer, buffers.sums + channel * chunk_tiles + 16 * g, first + 16 * g, channel, output);
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

// Both orders of tile size m over a width x height layer, streaming and in cache.
static void run_tile(const vsr_kernel_table *k, int m, int width, int height) {
    const int chunk_tiles = chunk_tiles_for(k);
    // Room for lane order's rows of whole groups too.
    const layer_buffers buffers = allocate_buffers((size_t)(width + 16 * m - 1) / (16 * m) * (16 * m) * height, m == 6 ? 64 : 36,
                                                   (ptrdiff_t)channels * (chunk_tiles + 16) + 16);
    for (int lanes = 0; lanes <= 1; lanes++) {
        for (int in_cache = 0; in_cache <= 1; in_cache++) {
            double input_ms, output_ms;
            time_layer(k, m, lanes, width, height, chunk_tiles, in_cache, buffers, &input_ms, &output_ms);
            printf("%s, %dx%d, F(%dx%d) in %s order, %d -> %d channels, %s: input transform %.2f ms, output transform %.2f ms "
                   "a layer (best of %d)\n",
                   k->name, width, height, m, m, lanes ? "lane" : "pixel", channels, channels,
                   in_cache ? "one chunk's data in cache" : "streaming, layer after layer", input_ms, output_ms, REPEATS);
        }
    }
    free_buffers(buffers);
}

int main(int argc, char **argv) {
    if (argc < 3 || argc > 5 || atoi(argv[1]) < 16 || atoi(argv[2]) < 4 || (argc >= 4 && atoi(argv[3]) != 4 && atoi(argv[3]) != 6) ||
        (argc == 5 && (atoi(argv[4]) < 1 || atoi(argv[4]) > 256))) {
        fprintf(stderr, "usage: winograd-transform-bench WIDTH HEIGHT [4|6 [CHANNELS]] (at least 16x4; tile F(4x4) or F(6x6); "
                        "1-256 channels, default 48)\n");
        return 2;
    }
    if (argc == 5) channels = atoi(argv[4]);
    const int width = atoi(argv[1]), height = atoi(argv[2]);
    const vsr_kernel_table *k = vsr_kernel_table_for(requested_level());
    run_tile(k, argc >= 4 ? atoi(argv[3]) : 4, width, height);
    return 0;
}
