// Winograd F(4x4, 3x3) input and output transforms for 16 tiles (Lavin and Gray 2016, with the
// points 0, +-1, +-2 and infinity), written once with clang's vector extensions and compiled once per
// instruction set by winograd.c, as winograd_transforms.h is for F(2x2, 3x3). A tile is 4x4 output
// pixels from a 6x6 input patch; its 36 positions are numbered 6i + j (i along y, j along x). It
// uses winograd_transforms.h's row helpers, included before it.
#define WINOGRAD_CAT2(a, b) a##_##b
#define WINOGRAD_CAT(a, b) WINOGRAD_CAT2(a, b)

WINOGRAD_TARGET
void WINOGRAD_CAT(vsr_winograd4_input, WINOGRAD_NAME)(const vsr_winograd_input_args *a) {
    float border[68];  // one row's 68 columns: loads of 64 at offsets 0 and 4
    const ptrdiff_t ps = a->position_stride;
    const int first = a->left < 0 ? -a->left : 0;
    for (int c = 0; c < a->in_channels; c++) {
        const float *plane = a->input + c * a->plane_size;
        WINOGRAD_CAT(winograd_prefetch_ahead, WINOGRAD_NAME)(a, plane, c, 6, 68, first);
        vsr_f32x16 h[6][6];
        for (int r = 0; r < 6; r++) {
            const float *row = WINOGRAD_CAT(winograd_row, WINOGRAD_NAME)(a, plane, r, 68, border);
            // dj is column 4t - 1 + j of tile t: every fourth column of two 64-float loads, 4 apart.
            const vsr_f32x64 lo = *(const vsr_f32x64u *)row, hi = *(const vsr_f32x64u *)(row + 4);
            const vsr_f32x16 d0 = VSR_EVERY4(lo, 0), d1 = VSR_EVERY4(lo, 1), d2 = VSR_EVERY4(lo, 2),
                             d3 = VSR_EVERY4(lo, 3), d4 = VSR_EVERY4(hi, 0), d5 = VSR_EVERY4(hi, 1);
            VSR_B4T(d0, d1, d2, d3, d4, d5, h[r]);
        }
        // Then along y, into positions 6i + j.
        float *out = a->out + c * a->channel_stride;
        for (int j = 0; j < 6; j++) {
            vsr_f32x16 v[6];
            VSR_B4T(h[0][j], h[1][j], h[2][j], h[3][j], h[4][j], h[5][j], v);
            for (int i = 0; i < 6; i++) *(vsr_f32x16u *)(out + (6 * i + j) * ps) = v[i];
        }
    }
}

WINOGRAD_TARGET
void WINOGRAD_CAT(vsr_winograd4_output, WINOGRAD_NAME)(const vsr_winograd4_output_args *a) {
    const float *s = a->sums;
    const ptrdiff_t ps = a->position_stride;
    // Along y: rows of the 6x6 combined into 4, column by column; then along x.
    vsr_f32x16 t[4][6];
    for (int j = 0; j < 6; j++) {
#define M(i) (*(const vsr_f32x16u *)(s + (6 * (i) + j) * ps))
        VSR_A4T(M(0), M(1), M(2), M(3), M(4), M(5), t[0][j], t[1][j], t[2][j], t[3][j]);
#undef M
    }
    const vsr_f32x16 bias = a->bias - (vsr_f32x16){0}, slope = a->slope - (vsr_f32x16){0}, zero = {0};
    for (int y = 0; y < 4; y++) {
        vsr_f32x16 v[4];
        VSR_A4T(t[y][0], t[y][1], t[y][2], t[y][3], t[y][4], t[y][5], v[0], v[1], v[2], v[3]);
        for (int x = 0; x < 4; x++) {
            v[x] += bias;
            // Negative values times the slope, as a bit select (C has no vector ternary).
            const vsr_i32x16 negative = v[x] < zero;
            v[x] = (vsr_f32x16)((negative & (vsr_i32x16)(v[x] * slope)) | (~negative & (vsr_i32x16)v[x]));
        }
        // Pixel 4t + x of the row is tile t's column x.
        const vsr_f32x32 first = VSR_INTERLEAVE(v[0], v[1]), second = VSR_INTERLEAVE(v[2], v[3]);
        vsr_f32x64 row = VSR_INTERLEAVE32(first, second);
        if (a->residual[y]) row += *(const vsr_f32x64u *)a->residual[y];
        *(vsr_f32x64u *)a->out[y] = row;
    }
}

#undef WINOGRAD_CAT
#undef WINOGRAD_CAT2
