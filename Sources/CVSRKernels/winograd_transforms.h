// Winograd F(2x2, 3x3) input and output transforms for 16 tiles, written once with clang's vector
// extensions and compiled once per instruction set by winograd.c (which defines WINOGRAD_NAME and
// WINOGRAD_TARGET before including this file): a 16-float vector is four xmm registers on SSE2, two
// ymm on AVX2 and one zmm on AVX-512. (Plain loops over the 16 tiles were unrolled to scalar code.)
#define WINOGRAD_CAT2(a, b) a##_##b
#define WINOGRAD_CAT(a, b) WINOGRAD_CAT2(a, b)

// Floats from a plane's start to image row y's (`first_row`, `ring_rows`): RowWindow.Placement's
// `offset` on the Swift side, which places the rows the transforms read.
static inline ptrdiff_t WINOGRAD_CAT(winograd_row_offset, WINOGRAD_NAME)(const vsr_winograd_input_args *a, int y) {
    const int row = y - a->first_row;
    return (ptrdiff_t)(a->ring_rows > 0 && row >= a->ring_rows ? row - a->ring_rows : row) * a->width;
}

// Prefetches `rows` rows of `columns` floats from (top, left + first) of the plane two channels on:
// a tile group's rows are more streams than the hardware prefetcher follows, and the loads would
// wait on memory. Into L2 (prefetcht1), not L1: F(4x4)'s 6 rows are 30 lines a channel, more
// misses in flight than L1 keeps; prefetcht1 took the F(4x4) input transform's share of an RLFN-S
// x2 960x540 profile down 10-25% (one thread) and 15-24% (two) from prefetcht0's (AMD EPYC Zen 4),
// and its time in scripts/winograd-transform-bench.c 20-28%.
WINOGRAD_TARGET
static inline void WINOGRAD_CAT(winograd_prefetch_ahead, WINOGRAD_NAME)(const vsr_winograd_input_args *a, const float *plane,
                                                                        int c, int rows, int columns, int first) {
    if (c + 2 >= a->in_channels) return;
    for (int r = 0; r < rows; r++) {
        const int y = a->top + r;
        if (y >= 0 && y < a->height) {
            const float *ahead = plane + 2 * a->plane_size + WINOGRAD_CAT(winograd_row_offset, WINOGRAD_NAME)(a, y) + a->left + first;
            for (int x = 0; x < columns; x += 16) __builtin_prefetch(ahead + x, 0, 2);
        }
    }
}

// Which of the `columns` floats from column `left` on lie inside the image: `*first ..< *end`.
static inline void WINOGRAD_CAT(winograd_columns_inside, WINOGRAD_NAME)(const vsr_winograd_input_args *a, int columns,
                                                                        int *first, int *end) {
    *first = a->left < 0 ? -a->left : 0;
    *end = a->left + columns > a->width ? a->width - a->left : columns;
}

// Row `top + r` of the plane from column `left` on, `columns` floats: the plane's own row when all of
// them lie inside the image, else `border` holding the row's columns inside the image and zeros
// around them (PyTorch's zero padding).
WINOGRAD_TARGET
static inline const float *WINOGRAD_CAT(winograd_row, WINOGRAD_NAME)(const vsr_winograd_input_args *a, const float *plane,
                                                                     int r, int columns, float *border) {
    const int y = a->top + r;
    if (a->left >= 0 && a->left + columns <= a->width && y >= 0 && y < a->height) {
        return plane + WINOGRAD_CAT(winograd_row_offset, WINOGRAD_NAME)(a, y) + a->left;
    }
    int first, end;
    WINOGRAD_CAT(winograd_columns_inside, WINOGRAD_NAME)(a, columns, &first, &end);
    __builtin_memset(border, 0, (size_t)columns * sizeof(float));
    if (y >= 0 && y < a->height && end > first) {
        __builtin_memcpy(border + first, plane + WINOGRAD_CAT(winograd_row_offset, WINOGRAD_NAME)(a, y) + a->left + first, (size_t)(end - first) * sizeof(float));
    }
    return border;
}

// Row `top + r` of the plane from column `left` on, for a group at the image's left or right edge,
// without copying: the row's `columns` floats read in place, columns outside the image to be zeroed
// by the caller's loads (`*valid_from ..< *valid_to`). Columns left or right of a row are the
// neighbouring row's floats, inside the tensor; only the tensor's very first and last rows would read
// outside it, and those (and rows above or below the image, all zeros) take `border` as
// `winograd_row` fills it, every column then valid.
WINOGRAD_TARGET
static inline const float *WINOGRAD_CAT(winograd_row_in_place, WINOGRAD_NAME)(const vsr_winograd_input_args *a, const float *plane,
                                                                              int r, int columns, float *border,
                                                                              int *valid_from, int *valid_to) {
    const int y = a->top + r;
    *valid_from = 0;
    *valid_to = columns;
    if (y >= 0 && y < a->height) {
        const float *row = plane + WINOGRAD_CAT(winograd_row_offset, WINOGRAD_NAME)(a, y) + a->left;
        if (row >= a->input && row + columns <= a->input + (ptrdiff_t)a->in_channels * a->plane_size) {
            WINOGRAD_CAT(winograd_columns_inside, WINOGRAD_NAME)(a, columns, valid_from, valid_to);
            return row;
        }
    }
    return WINOGRAD_CAT(winograd_row, WINOGRAD_NAME)(a, plane, r, columns, border);
}

// Row `top + r` of a lane-order plane (`vsr_winograd_lanes_input_args`) from the group's first
// float on, or NULL for a row above or below the image (zeros). It prefetches the same row two
// channels on into L2, as winograd_prefetch_ahead does for pixel order: without it F(6x6)'s lane-order
// transform waited on memory when rows streamed from beyond the caches (winograd-transform-bench).
WINOGRAD_TARGET
static inline const float *WINOGRAD_CAT(winograd_lanes_row, WINOGRAD_NAME)(const vsr_winograd_lanes_input_args *a, const float *plane,
                                                                           int c, int r, int group_floats) {
    const int y = a->top + r;
    if (y < 0 || y >= a->height) return NULL;
    int row = y - a->first_row;
    if (a->ring_rows > 0 && row >= a->ring_rows) row -= a->ring_rows;
    const float *start = plane + (ptrdiff_t)row * a->row_floats;
    if (c + 2 < a->in_channels) {
        for (int x = 0; x < group_floats; x += 16) __builtin_prefetch(start + 2 * a->plane_size + x, 0, 2);
    }
    return start;
}

// One output row of a lane-order group (`vsr_winograd_lanes_output_args`: bias, slope, valid), both
// tiles': its `vectors` column vectors `v` (lane L of vector x: pixel `(*pixel)[L] + x` of the group)
// with bias and the activation, the pixels from `valid` on stored as zeros, each vector stored as it
// is. (Vectors by pointer: by value, 16-float arguments would change the ABI below AVX-512.)
WINOGRAD_TARGET
static inline __attribute__((always_inline)) void WINOGRAD_CAT(winograd_lanes_store, WINOGRAD_NAME)(
    float *out, const vsr_f32x16 *v, int vectors, const vsr_winograd_lanes_output_args *a, const vsr_i32x16 *pixel) {
    const vsr_f32x16 bias = a->bias - (vsr_f32x16){0}, slope = a->slope - (vsr_f32x16){0};
    for (int x = 0; x < vectors; x++) {
        vsr_f32x16 value = VSR_PRELU(v[x] + bias, slope);
        if (a->valid < 16 * vectors) value = (vsr_f32x16)((vsr_i32x16)value & (*pixel + x < a->valid));
        *(vsr_f32x16u *)(out + 16 * x) = value;
    }
}

WINOGRAD_TARGET
void WINOGRAD_CAT(vsr_winograd_input, WINOGRAD_NAME)(const vsr_winograd_input_args *a) {
    float border[34];  // one row's 34 columns: loads of 32 at offsets 0 and 2
    const ptrdiff_t ps = a->position_stride;
    const int first = a->left < 0 ? -a->left : 0;
    for (int c = 0; c < a->in_channels; c++) {
        const float *plane = a->input + c * a->plane_size;
        WINOGRAD_CAT(winograd_prefetch_ahead, WINOGRAD_NAME)(a, plane, c, 4, 34, first);
        vsr_f32x16 h[4][4];
        for (int r = 0; r < 4; r++) {
            const float *row = WINOGRAD_CAT(winograd_row, WINOGRAD_NAME)(a, plane, r, 34, border);
            // Along x: (d0 - d2, d1 + d2, d2 - d1, d1 - d3) where dj is column 2t - 1 + j of tile t:
            // the even and odd columns of two 32-float loads, 2 floats apart.
            const vsr_f32x32 left = *(const vsr_f32x32u *)row, right = *(const vsr_f32x32u *)(row + 2);
            const vsr_f32x16 d0 = VSR_EVEN(left), d1 = VSR_ODD(left), d2 = VSR_EVEN(right), d3 = VSR_ODD(right);
            h[r][0] = d0 - d2;
            h[r][1] = d1 + d2;
            h[r][2] = d2 - d1;
            h[r][3] = d1 - d3;
        }
        // Then along y: (r0 - r2, r1 + r2, r2 - r1, r1 - r3), into positions 4i + j.
        float *out = a->out + c * a->channel_stride;
        for (int j = 0; j < 4; j++) {
            *(vsr_f32x16u *)(out + j * ps) = h[0][j] - h[2][j];
            *(vsr_f32x16u *)(out + (4 + j) * ps) = h[1][j] + h[2][j];
            *(vsr_f32x16u *)(out + (8 + j) * ps) = h[2][j] - h[1][j];
            *(vsr_f32x16u *)(out + (12 + j) * ps) = h[1][j] - h[3][j];
        }
    }
}

WINOGRAD_TARGET
void WINOGRAD_CAT(vsr_winograd_output, WINOGRAD_NAME)(const vsr_winograd_output_args *a) {
    const float *s = a->sums;
    const ptrdiff_t ps = a->position_stride;
#define M(p) (*(const vsr_f32x16u *)(s + (p) * ps))
    // Along y: a = m0 + m1 + m2 and b = m1 - m2 - m3 (rows of the 4x4), then the same along x.
    const vsr_f32x16 a0 = M(0) + M(4) + M(8), a1 = M(1) + M(5) + M(9), a2 = M(2) + M(6) + M(10), a3 = M(3) + M(7) + M(11);
    const vsr_f32x16 b0 = M(4) - M(8) - M(12), b1 = M(5) - M(9) - M(13), b2 = M(6) - M(10) - M(14), b3 = M(7) - M(11) - M(15);
#undef M
    const vsr_f32x16 bias = a->bias - (vsr_f32x16){0}, slope = a->slope - (vsr_f32x16){0};
    vsr_f32x16 v[4] = {a0 + a1 + a2 + bias, a1 - a2 - a3 + bias, b0 + b1 + b2 + bias, b1 - b2 - b3 + bias};
    for (int i = 0; i < 4; i++) v[i] = VSR_PRELU(v[i], slope);
    vsr_f32x32 top = VSR_INTERLEAVE(v[0], v[1]), bottom = VSR_INTERLEAVE(v[2], v[3]);
    if (a->residual0) {
        top += *(const vsr_f32x32u *)a->residual0;
        bottom += *(const vsr_f32x32u *)a->residual1;
    }
    *(vsr_f32x32u *)a->out0 = top;
    *(vsr_f32x32u *)a->out1 = bottom;
}

#undef WINOGRAD_CAT
#undef WINOGRAD_CAT2
