// RLFN's ESA gate, out = x * sigmoid(gate), written once with clang's vector extensions and compiled
// once per instruction set by elementwise.c (which defines ELEMENTWISE_NAME and ELEMENTWISE_TARGET
// before including this file), as winograd.c compiles the Winograd transforms. In Swift the same
// loop ran on the portable binary's SSE2 code: about 8 cycles a value on AVX2 machines.
#define ELEMENTWISE_CAT2(a, b) a##_##b
#define ELEMENTWISE_CAT(a, b) ELEMENTWISE_CAT2(a, b)

// e^x for 16 lanes, as VectorMath.exp: x = n ln2 + r with |r| <= ln2/2, e^r by Cephes expf's
// degree-6 polynomial, 2^n through the exponent bits; inputs clamped to [-87.3, 88.3].
// (In and out through a pointer: a 64-byte vector passed by value changes the calling convention
// between instruction sets, which clang warns of.)
ELEMENTWISE_TARGET
static inline void ELEMENTWISE_CAT(vsr_exp16, ELEMENTWISE_NAME)(vsr_f32x16 *value) {
    vsr_f32x16 v = *value;
    const vsr_f32x16 low = (vsr_f32x16){0} - 87.3f, high = (vsr_f32x16){0} + 88.3f;
    v = (vsr_f32x16)(((vsr_i32x16)(v < low) & (vsr_i32x16)low) | (~(vsr_i32x16)(v < low) & (vsr_i32x16)v));
    v = (vsr_f32x16)(((vsr_i32x16)(v > high) & (vsr_i32x16)high) | (~(vsr_i32x16)(v > high) & (vsr_i32x16)v));
    // Adding 1.5 * 2^23 rounds to the nearest integer and leaves it in the low mantissa bits.
    const vsr_f32x16 shifted = v * 1.44269504f + 12582912.0f;
    const vsr_f32x16 n = shifted - 12582912.0f;
    const vsr_f32x16 r = v - n * 0.693359375f + n * 2.1219444e-4f;
    vsr_f32x16 p = r * 1.98756915e-4f + 1.39819995e-3f;
    p = p * r + 8.3334519e-3f;
    p = p * r + 4.1665796e-2f;
    p = p * r + 0.16666666f;
    p = p * r + 0.5f;
    const vsr_f32x16 er = p * r * r + r + 1.0f;
    const vsr_i32x16 scale = (((vsr_i32x16)shifted - 0x4B400000) + 127) << 23;
    *value = er * (vsr_f32x16)scale;
}

ELEMENTWISE_TARGET
void ELEMENTWISE_CAT(vsr_sigmoid_gate, ELEMENTWISE_NAME)(const float *x, const float *gate, float *out, long count) {
    long i = 0;
    for (; i + 16 <= count; i += 16) {
        vsr_f32x16 e = -*(const vsr_f32x16u *)(gate + i);
        ELEMENTWISE_CAT(vsr_exp16, ELEMENTWISE_NAME)(&e);
        *(vsr_f32x16u *)(out + i) = *(const vsr_f32x16u *)(x + i) / (1.0f + e);
    }
    if (i < count) {
        // The last partial vector through a zero-padded copy, so every value takes the same arithmetic.
        vsr_f32x16 xs = {0}, gs = {0};
        for (long j = i; j < count; j++) {
            xs[j - i] = x[j];
            gs[j - i] = gate[j];
        }
        vsr_f32x16 e = -gs;
        ELEMENTWISE_CAT(vsr_exp16, ELEMENTWISE_NAME)(&e);
        const vsr_f32x16 result = xs / (1.0f + e);
        for (long j = i; j < count; j++) out[j] = result[j - i];
    }
}

#undef ELEMENTWISE_CAT
#undef ELEMENTWISE_CAT2
