// Winograd F(4x4, 3x3) input and output transforms for 16 tiles (Lavin and Gray 2016, with the
// points 0, +-1, +-2 and infinity), written once with clang's vector extensions and compiled once per
// instruction set by winograd.c, as winograd_transforms.h is for F(2x2, 3x3). A tile is 4x4 output
// pixels from a 6x6 input patch; its 36 positions are numbered 6i + j (i along y, j along x). It
// uses winograd_transforms.h's row helpers, included before it.
//
// The 16 tiles sit in a vector's lanes in a transposed order: lane 4L + i holds tile 4i + L. Then
// a tile's four columns come out of four 16-float loads, and go back into four 16-float stores, by
// one 4x4 transpose inside 128-bit lanes (VSR_TRANSPOSE4), which is cheap on every instruction set.
// The products between the transforms treat tiles independently, so the order is the transforms'
// own business: the input transform puts the tiles in it and the output transform takes them out.
// The lane-order pair at the end (`vsr_winograd4_lanes_input`/`_output`) read and write rows in this
// order itself (ColumnOrder.lanes), which is how a band chain's Winograd layers hand rows on.
#define WINOGRAD_CAT2(a, b) a##_##b
#define WINOGRAD_CAT(a, b) WINOGRAD_CAT2(a, b)

// The input transform's second pass: the 6 rows' Bᵀ-transformed vectors `h` (row r, column j)
// combined along y, into positions 6i + j of `out`, `ps` floats apart.
WINOGRAD_TARGET
static inline __attribute__((always_inline)) void WINOGRAD_CAT(winograd4_input_along_y, WINOGRAD_NAME)(vsr_f32x16 h[6][6], float *out,
                                                                                                    ptrdiff_t ps) {
    for (int j = 0; j < 6; j++) {
        vsr_f32x16 v[6];
        VSR_B4T(h[0][j], h[1][j], h[2][j], h[3][j], h[4][j], h[5][j], v);
        for (int i = 0; i < 6; i++) *(vsr_f32x16u *)(out + (6 * i + j) * ps) = v[i];
    }
}

// The output transform's first pass: the 36 positions' sums (`s`, `ps` floats apart) combined along
// y into 4 rows of 6 column vectors, `t[y][j]`.
WINOGRAD_TARGET
static inline __attribute__((always_inline)) void WINOGRAD_CAT(winograd4_output_along_y, WINOGRAD_NAME)(const float *s, ptrdiff_t ps,
                                                                                                     vsr_f32x16 t[4][6]) {
    for (int j = 0; j < 6; j++) {
#define M(i) (*(const vsr_f32x16u *)(s + (6 * (i) + j) * ps))
        VSR_A4T(M(0), M(1), M(2), M(3), M(4), M(5), t[0][j], t[1][j], t[2][j], t[3][j]);
#undef M
    }
}

WINOGRAD_TARGET
void WINOGRAD_CAT(vsr_winograd4_input, WINOGRAD_NAME)(const vsr_winograd_input_args *a) {
    float border[68], next_border[68];  // one row's 68 columns: loads of 64 at offsets 0 and 4
    const ptrdiff_t ps = a->position_stride;
    const int first = a->left < 0 ? -a->left : 0;
    // Tiles split..15 (all 16 unless a->split, a multiple of 4) read the next tile row from its left
    // edge: tile rows numbered up to whole quads of tiles, not whole groups of 16, so that a 720-pixel
    // row computes 180 tiles, not 192.
    const int split = a->split > 0 ? a->split : 16;
    vsr_winograd_input_args next = *a;
    next.top = a->top + 4;
    next.left = -1;
    // A group at the left or right edge reads its rows in place and zeroes the columns outside the
    // image in its loads: copying each row into `border` (a memset and a memcpy per row and channel,
    // in 2 of the 5 groups of a 320-pixel row) cost more than the masks. A split group is at both edges.
    const int edge = split < 16 || a->left < 0 || a->left + 68 > a->width;
    const vsr_i32x16 lane = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    static const int offsets[8] = {0, 16, 32, 48, 4, 20, 36, 52};
    for (int c = 0; c < a->in_channels; c++) {
        const float *plane = a->input + c * a->plane_size;
        WINOGRAD_CAT(winograd_prefetch_ahead, WINOGRAD_NAME)(a, plane, c, 6, 4 * split + 4, first);
        if (split < 16) WINOGRAD_CAT(winograd_prefetch_ahead, WINOGRAD_NAME)(&next, plane, c, 6, 4 * (16 - split) + 4, 1);
        vsr_f32x16 h[6][6];
        for (int r = 0; r < 6; r++) {
            int from = 0, to = 68, next_from = 0, next_to = 68;
            const float *row = edge ? WINOGRAD_CAT(winograd_row_in_place, WINOGRAD_NAME)(a, plane, r, 68, border, &from, &to)
                                    : WINOGRAD_CAT(winograd_row, WINOGRAD_NAME)(a, plane, r, 68, border);
            // dj is column 4t - 1 + j of tile t (row[4t + j]): columns 0-3 from the four 16-float
            // loads at 0, 16, 32, 48, columns 4 and 5 from the four at 4 apart from them. Load k
            // (and k + 4) holds tiles 4k ..< 4k + 4: from this tile row, or (4k >= split) from the
            // next one's start, column 4 (4k - split) there, that is 16k of `shifted`; the columns
            // inside the image likewise shifted.
            const float *next_row = split < 16 ? WINOGRAD_CAT(winograd_row_in_place, WINOGRAD_NAME)(
                                                     &next, plane, r, 68, next_border, &next_from, &next_to)
                                               : row;
            vsr_f32x16 d[6], e[4];
            vsr_f32x16 v[8];
            if (split == 16) {
                for (int k = 0; k < 8; k++) {
                    v[k] = *(const vsr_f32x16u *)(row + offsets[k]);
                    if (from > 0 || to < 68) {
                        const vsr_i32x16 column = lane + offsets[k];
                        v[k] = (vsr_f32x16)((vsr_i32x16)v[k] & ((column >= from) & (column < to)));
                    }
                }
            } else {
                const float *shifted = next_row - 4 * split;
                const int shifted_from = next_from + 4 * split, shifted_to = next_to + 4 * split;
                for (int k = 0; k < 8; k++) {
                    const int mine = 4 * (k & 3) < split;
                    const vsr_i32x16 column = lane + offsets[k];
                    v[k] = *(const vsr_f32x16u *)((mine ? row : shifted) + offsets[k]);
                    v[k] = (vsr_f32x16)((vsr_i32x16)v[k] & ((column >= (mine ? from : shifted_from)) &
                                                            (column < (mine ? to : shifted_to))));
                }
            }
            VSR_TRANSPOSE4(v[0], v[1], v[2], v[3], d);
            VSR_TRANSPOSE4(v[4], v[5], v[6], v[7], e);
            d[4] = e[0];
            d[5] = e[1];
            VSR_B4T(d[0], d[1], d[2], d[3], d[4], d[5], h[r]);
        }
        // Then along y, into positions 6i + j.
        WINOGRAD_CAT(winograd4_input_along_y, WINOGRAD_NAME)(h, a->out + c * a->channel_stride, ps);
    }
}

WINOGRAD_TARGET
void WINOGRAD_CAT(vsr_winograd4_output, WINOGRAD_NAME)(const vsr_winograd4_output_args *a) {
    // Along y: rows of the 6x6 combined into 4, column by column; then along x.
    vsr_f32x16 t[4][6];
    WINOGRAD_CAT(winograd4_output_along_y, WINOGRAD_NAME)(a->sums, a->position_stride, t);
    const vsr_f32x16 bias = a->bias - (vsr_f32x16){0}, slope = a->slope - (vsr_f32x16){0};
    for (int y = 0; y < 4; y++) {
        vsr_f32x16 v[4];
        VSR_A4T(t[y][0], t[y][1], t[y][2], t[y][3], t[y][4], t[y][5], v[0], v[1], v[2], v[3]);
        for (int x = 0; x < 4; x++) v[x] = VSR_PRELU(v[x] + bias, slope);
        // Pixel 4t + x of the row is tile t's column x: pixels 16k ..< 16k + 16 are tiles 4k ..< 4k + 4.
        vsr_f32x16 pixels[4];
        VSR_TRANSPOSE4(v[0], v[1], v[2], v[3], pixels);
        for (int k = 0; k < 4; k++) {
            if (a->residual[y]) pixels[k] += *(const vsr_f32x16u *)(a->residual[y] + 16 * k);
            *(vsr_f32x16u *)(a->out[y] + 16 * k) = pixels[k];
        }
    }
}

// Lane order (vsr_winograd_lanes_input_args, which the output transform below writes): within each
// 64 pixels of a row, pixel 4t + x lies where this transform's lanes hold it, vector x, lane 4L + i
// for tile t = 4i + L. A row's four vectors at the group's 64 pixels are then columns 1-4 of its 16
// patches as they are; column 0 (tile t - 1's column 3) is the last vector with its lanes moved four
// on and the previous group's last tile in lane 0, column 5 (tile t + 1's column 0) the first vector
// moved four back with the next group's first tile in lane 15: two shuffles a row, where pixel order
// takes eight loads and two 4x4 transposes (16 shuffles). The values, and so every sum, are those
// of the pixel-order transform to the bit.
WINOGRAD_TARGET
void WINOGRAD_CAT(vsr_winograd4_lanes_input, WINOGRAD_NAME)(const vsr_winograd_lanes_input_args *a) {
    const ptrdiff_t ps = a->position_stride;
    const int has_previous = a->group > 0, has_next = a->group + 1 < a->groups;
    const vsr_f32x16 zero = {0};
    for (int c = 0; c < a->in_channels; c++) {
        const float *plane = a->input + c * a->plane_size + 64 * a->group;
        vsr_f32x16 h[6][6];
        for (int r = 0; r < 6; r++) {
            const float *row = WINOGRAD_CAT(winograd_lanes_row, WINOGRAD_NAME)(a, plane, c, r, 64);
            vsr_f32x16 d[6];
            if (!row) {
                for (int k = 0; k < 6; k++) d[k] = zero;
            } else {
                for (int k = 0; k < 4; k++) d[k + 1] = *(const vsr_f32x16u *)(row + 16 * k);
                const vsr_f32x16 previous = has_previous ? *(const vsr_f32x16u *)(row - 16) : zero;
                const vsr_f32x16 next = has_next ? *(const vsr_f32x16u *)(row + 64) : zero;
                d[0] = __builtin_shufflevector(previous, d[4], 15, 28, 29, 30, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27);
                d[5] = __builtin_shufflevector(d[1], next, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 1, 2, 3, 16);
            }
            VSR_B4T(d[0], d[1], d[2], d[3], d[4], d[5], h[r]);
        }
        WINOGRAD_CAT(winograd4_input_along_y, WINOGRAD_NAME)(h, a->out + c * a->channel_stride, ps);
    }
}

// The output transform into lane order: the same arithmetic as the pixel-order one, each row's four
// column vectors stored as they are (no transpose), the pixels past the image zeroed.
WINOGRAD_TARGET
void WINOGRAD_CAT(vsr_winograd4_lanes_output, WINOGRAD_NAME)(const vsr_winograd_lanes_output_args *a) {
    vsr_f32x16 t[4][6];
    WINOGRAD_CAT(winograd4_output_along_y, WINOGRAD_NAME)(a->sums, a->position_stride, t);
    // Lane 4L + i of vector x is pixel 4 (4i + L) + x of the group.
    const vsr_i32x16 pixel = {0, 16, 32, 48, 4, 20, 36, 52, 8, 24, 40, 56, 12, 28, 44, 60};
    for (int y = 0; y < 4; y++) {
        if (!a->out[y]) continue;
        float *out = a->out[y] + a->plane_offset;
        vsr_f32x16 v[4];
        VSR_A4T(t[y][0], t[y][1], t[y][2], t[y][3], t[y][4], t[y][5], v[0], v[1], v[2], v[3]);
        WINOGRAD_CAT(winograd_lanes_store, WINOGRAD_NAME)(out, v, 4, a, &pixel);
    }
}

#undef WINOGRAD_CAT
#undef WINOGRAD_CAT2
