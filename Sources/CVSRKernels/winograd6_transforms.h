// Winograd F(6x6, 3x3) input and output transforms for 16 tiles (the points 0, +-1, +-2, +-1/2 and
// infinity, as ncnn and NNPACK use), written once with clang's vector extensions and compiled once per
// instruction set by winograd.c, as winograd4_transforms.h is for F(4x4). A tile is 6x6 output pixels
// from an 8x8 input patch; its 64 positions are numbered 8i + j (i along y, j along x). It uses
// winograd_transforms.h's row helpers, included before it.
//
// Lane L of a vector holds tile L. A tile's 8 input columns are one 8-float load (tiles are 6 apart),
// so a row's 16 tiles are 16 such loads, paired into eight 16-float vectors (tile k in lanes 0-7,
// tile k + 8 in lanes 8-15) and turned into the 8 columns by an 8x8 transpose inside each 256-bit
// half (VSR_TRANSPOSE8): unpacks and shufps inside 128-bit lanes, then one 128-bit lane exchange,
// which every instruction set does cheaply (AVX2 on each ymm half, SSE2 on xmm pairs). The output
// transform packs each row's six column vectors into pixel order (VSR_PACK6), general two-source
// shuffles that AVX-512 does in one instruction each; F(6x6) is the tile of the AVX-512 level only
// (WinogradConvolution.preferredTile), the others compile it for the tests. The lane-order pair at
// the end (`vsr_winograd6_lanes_input`/`_output`) read and write rows in the transforms' own column
// order (ColumnOrder.lanes), which is how a band chain's Winograd layers hand rows to each other.
#define WINOGRAD_CAT2(a, b) a##_##b
#define WINOGRAD_CAT(a, b) WINOGRAD_CAT2(a, b)

// The input transform's second pass: the 8 rows' Bᵀ-transformed vectors `h` (row r, column j)
// combined along y, into positions 8i + j of `out`, `ps` floats apart.
WINOGRAD_TARGET
static inline __attribute__((always_inline)) void WINOGRAD_CAT(winograd6_input_along_y, WINOGRAD_NAME)(vsr_f32x16 h[8][8], float *out,
                                                                                                    ptrdiff_t ps) {
    for (int j = 0; j < 8; j++) {
        vsr_f32x16 column[8], v[8];
        for (int r = 0; r < 8; r++) column[r] = h[r][j];
        VSR_B6T(column, v);
        for (int i = 0; i < 8; i++) *(vsr_f32x16u *)(out + (8 * i + j) * ps) = v[i];
    }
}

// The output transform's first pass: the 64 positions' sums (`s`, `ps` floats apart) combined along
// y into 6 rows of 8 column vectors, `t[y][j]`.
WINOGRAD_TARGET
static inline __attribute__((always_inline)) void WINOGRAD_CAT(winograd6_output_along_y, WINOGRAD_NAME)(const float *s, ptrdiff_t ps,
                                                                                                     vsr_f32x16 t[6][8]) {
    for (int j = 0; j < 8; j++) {
        vsr_f32x16 m[8], o[6];
        for (int i = 0; i < 8; i++) m[i] = *(const vsr_f32x16u *)(s + (8 * i + j) * ps);
        VSR_A6T(m, o);
        for (int y = 0; y < 6; y++) t[y][j] = o[y];
    }
}

WINOGRAD_TARGET
void WINOGRAD_CAT(vsr_winograd6_input, WINOGRAD_NAME)(const vsr_winograd_input_args *a) {
    float border[104], next_border[104];  // one row's 98 columns: tile t's 8 at 6t
    const ptrdiff_t ps = a->position_stride;
    const int first = a->left < 0 ? -a->left : 0;
    // Tiles split..15 (all 16 unless a->split) read the next tile row from its left edge.
    const int split = a->split > 0 ? a->split : 16;
    vsr_winograd_input_args next = *a;
    next.top = a->top + 6;
    next.left = -1;
    // A group at the left or right edge reads its rows in place and zeroes the columns outside the
    // image in its loads, as F(4x4) does: copying rows into `border` (a memset and a memcpy per row
    // and channel, in 2 of the 4 groups of a 320-pixel row) was 4% of RLFN-S x2 at 320x180. A split
    // group is at both edges.
    const int edge = split < 16 || a->left < 0 || a->left + 98 > a->width;
    const vsr_i32x8 lane = {0, 1, 2, 3, 4, 5, 6, 7};
    for (int c = 0; c < a->in_channels; c++) {
        const float *plane = a->input + c * a->plane_size;
        WINOGRAD_CAT(winograd_prefetch_ahead, WINOGRAD_NAME)(a, plane, c, 8, 6 * split + 2, first);
        if (split < 16) WINOGRAD_CAT(winograd_prefetch_ahead, WINOGRAD_NAME)(&next, plane, c, 8, 6 * (16 - split) + 2, 1);
        vsr_f32x16 h[8][8];
        for (int r = 0; r < 8; r++) {
            int from = 0, to = 98, next_from = 0, next_to = 98;
            const float *row = edge ? WINOGRAD_CAT(winograd_row_in_place, WINOGRAD_NAME)(a, plane, r, 98, border, &from, &to)
                                    : WINOGRAD_CAT(winograd_row, WINOGRAD_NAME)(a, plane, r, 98, border);
            const float *next_row = split < 16 ? WINOGRAD_CAT(winograd_row_in_place, WINOGRAD_NAME)(
                                                     &next, plane, r, 98, next_border, &next_from, &next_to)
                                               : row;
            vsr_f32x16 x[8], d[8];
            if (split == 16) {
                for (int k = 0; k < 8; k++) {
                    vsr_f32x8 low = *(const vsr_f32x8u *)(row + 6 * k), high = *(const vsr_f32x8u *)(row + 6 * (k + 8));
                    if (from > 0 || to < 98) {
                        const vsr_i32x8 low_column = lane + 6 * k, high_column = lane + 6 * (k + 8);
                        low = (vsr_f32x8)((vsr_i32x8)low & ((low_column >= from) & (low_column < to)));
                        high = (vsr_f32x8)((vsr_i32x8)high & ((high_column >= from) & (high_column < to)));
                    }
                    x[k] = VSR_CONCAT8(low, high);
                }
            } else {
                // Tile t's 8 columns: from this tile row, or (t >= split) from the next one's start,
                // column 6 (t - split) there, that is 6 t of `shifted`; the columns inside the image
                // likewise shifted.
                const float *shifted = next_row - 6 * split;
                const int shifted_from = next_from + 6 * split, shifted_to = next_to + 6 * split;
                vsr_f32x8 tiles[16];
#pragma clang loop unroll(full)
                for (int t = 0; t < 16; t++) {
                    const int mine = t < split;
                    const vsr_i32x8 columns = lane + 6 * t;
                    vsr_f32x8 v = *(const vsr_f32x8u *)((mine ? row : shifted) + 6 * t);
                    // A plain load, then the mask: as masked loads (what the compiler made of them, in
                    // a loop with the pointer picked per tile) a split group's loads took a quarter of
                    // this transform's samples in RLFN-S x2 at 320x180; unrolled, as loads and ANDs,
                    // they no longer stand out.
                    WINOGRAD_OPAQUE(v);
                    tiles[t] = (vsr_f32x8)((vsr_i32x8)v & ((columns >= (mine ? from : shifted_from)) &
                                                           (columns < (mine ? to : shifted_to))));
                }
                for (int k = 0; k < 8; k++) x[k] = VSR_CONCAT8(tiles[k], tiles[k + 8]);
            }
            VSR_TRANSPOSE8(x, d);
            VSR_B6T(d, h[r]);
        }
        WINOGRAD_CAT(winograd6_input_along_y, WINOGRAD_NAME)(h, a->out + c * a->channel_stride, ps);
    }
}

// Pixels from ..< to of one output row's 96 (`pixels`, six vectors), plus the residual's, stored
// at dst[p - from]: whole vectors where they lie inside the range, the rest through
// WINOGRAD_STORE_LANES (AVX-512's masked stores; lane by lane below it).
WINOGRAD_TARGET
static inline void WINOGRAD_CAT(winograd6_store, WINOGRAD_NAME)(const vsr_f32x16 *pixels, int from, int to, float *dst,
                                                                const float *residual) {
    for (int k = from / 16; k < 6 && 16 * k < to; k++) {
        const int start = 16 * k;
        if (start >= from && start + 16 <= to) {
            vsr_f32x16 v = pixels[k];
            if (residual) v += *(const vsr_f32x16u *)(residual + start - from);
            *(vsr_f32x16u *)(dst + start - from) = v;
        } else {
            // Lanes first ..< last of this vector, at dst + start - from (lanes before `first` not
            // touched, so the address may lie before dst).
            const int first = from > start ? from - start : 0, last = to < start + 16 ? to - start : 16;
            WINOGRAD_STORE_LANES(dst + start - from, residual ? residual + start - from : NULL, pixels[k], first, last);
        }
    }
}

WINOGRAD_TARGET
void WINOGRAD_CAT(vsr_winograd6_output, WINOGRAD_NAME)(const vsr_winograd6_output_args *a) {
    const float *s = a->sums;
    const ptrdiff_t ps = a->position_stride;
    // Along y: rows of the 8x8 combined into 6, column by column; then along x.
    vsr_f32x16 t[6][8];
    WINOGRAD_CAT(winograd6_output_along_y, WINOGRAD_NAME)(s, ps, t);
    const vsr_f32x16 bias = a->bias - (vsr_f32x16){0}, slope = a->slope - (vsr_f32x16){0};
    // Tiles split..15 of a split group are the next tile row's: the same 96 pixels of each row,
    // from 6 split on, belong 6 image rows further down, from column 0.
    const int split = a->split > 0 ? a->split : 16;
    const ptrdiff_t plane = a->plane_offset;
    for (int y = 0; y < 6; y++) {
        float *out = a->out[y] ? a->out[y] + plane : NULL;
        float *next = split < 16 && a->next_out[y] ? a->next_out[y] + plane : NULL;
        if (!out && !next) continue;
        vsr_f32x16 v[6];
        VSR_A6T(t[y], v);
        for (int x = 0; x < 6; x++) v[x] = VSR_PRELU(v[x] + bias, slope);
        // The row's 96 pixels as six 16-float vectors, stored whole: 16 8-float stores of the tiles'
        // rows, half of them across cache lines, had made this transform store-bound.
        vsr_f32x16 pixels[6];
        VSR_PACK6(v, pixels);
        if (out) {
            WINOGRAD_CAT(winograd6_store, WINOGRAD_NAME)(pixels, 0, a->columns, out,
                                                         a->residual[y] ? a->residual[y] + plane : NULL);
        }
        if (next) {
            WINOGRAD_CAT(winograd6_store, WINOGRAD_NAME)(pixels, 6 * split, 6 * split + a->next_columns, next,
                                                         a->next_residual[y] ? a->next_residual[y] + plane : NULL);
        }
    }
}

// Lane order (vsr_winograd_lanes_input_args, which the output transform below writes): a row's six
// vectors at the group's 96 pixels are columns 1-6 of its 16 patches as they are (pixel 6t + k in
// lane t of vector k), column 0 is the last vector moved up one lane under the previous group's
// last pixel, and column 7 the first vector moved down one lane over the next group's first: two
// shuffles a row, where pixel order takes 16 loads and an 8x8 transpose (VSR_TRANSPOSE8: 24
// shuffles). The values, and so every sum, are those of the pixel-order transform to the bit.
// Both lane-order transforms keep their 8x8 (input) or 6x8 (output) intermediate on the stack, as
// the compiler places it. Splitting them so that a part stays in registers was slower on a Zen 4
// (`.build/winograd-transform-bench 960 540 6 16`, in cache, three rounds alternating): the input
// transform two patch columns at a time, its 8 rows reloaded for each pair, 1.62-1.65 -> 1.85-1.94 ms
// a layer; the output transform its even and odd rows apart (which share no sums), 1.28-1.36 ->
// 1.44-1.50.
WINOGRAD_TARGET
void WINOGRAD_CAT(vsr_winograd6_lanes_input, WINOGRAD_NAME)(const vsr_winograd_lanes_input_args *a) {
    const ptrdiff_t ps = a->position_stride;
    const int has_previous = a->group > 0, has_next = a->group + 1 < a->groups;
    const vsr_f32x16 zero = {0};
    for (int c = 0; c < a->in_channels; c++) {
        const float *plane = a->input + c * a->plane_size + 96 * a->group;
        vsr_f32x16 h[8][8];
        for (int r = 0; r < 8; r++) {
            const float *row = WINOGRAD_CAT(winograd_lanes_row, WINOGRAD_NAME)(a, plane, c, r, 96);
            vsr_f32x16 d[8];
            if (!row) {
                for (int k = 0; k < 8; k++) d[k] = zero;
            } else {
                for (int k = 0; k < 6; k++) d[k + 1] = *(const vsr_f32x16u *)(row + 16 * k);
                const vsr_f32x16 previous = has_previous ? *(const vsr_f32x16u *)(row - 16) : zero;
                const vsr_f32x16 next = has_next ? *(const vsr_f32x16u *)(row + 96) : zero;
                d[0] = __builtin_shufflevector(previous, d[6], 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30);
                d[7] = __builtin_shufflevector(d[1], next, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
            }
            VSR_B6T(d, h[r]);
        }
        WINOGRAD_CAT(winograd6_input_along_y, WINOGRAD_NAME)(h, a->out + c * a->channel_stride, ps);
    }
}

// The output transform into lane order: the same arithmetic as the pixel-order one, each row's six
// column vectors stored as they are (no VSR_PACK6), with the pixels past the image zeroed.
WINOGRAD_TARGET
void WINOGRAD_CAT(vsr_winograd6_lanes_output, WINOGRAD_NAME)(const vsr_winograd_lanes_output_args *a) {
    vsr_f32x16 t[6][8];
    WINOGRAD_CAT(winograd6_output_along_y, WINOGRAD_NAME)(a->sums, a->position_stride, t);
    const vsr_i32x16 pixel = {0, 6, 12, 18, 24, 30, 36, 42, 48, 54, 60, 66, 72, 78, 84, 90};
    for (int y = 0; y < 6; y++) {
        if (!a->out[y]) continue;
        float *out = a->out[y] + a->plane_offset;
        vsr_f32x16 v[6];
        VSR_A6T(t[y], v);
        WINOGRAD_CAT(winograd_lanes_store, WINOGRAD_NAME)(out, v, 6, a, &pixel);
    }
}

#undef WINOGRAD_CAT
#undef WINOGRAD_CAT2
