/// Vectorized transcendental functions for the kernels' epilogues.
enum VectorMath {
    /// e^x for 16 lanes: x = n ln2 + r with |r| <= ln2/2, e^r by a degree-6 polynomial (Cephes expf
    /// coefficients, about 1 ulp), scaled by 2^n through the exponent bits. Inputs are clamped to
    /// [-87.3, 88.3], where n stays within the normal exponents.
    ///
    /// Written with compare-and-select and bit operations only: Swift's generic SIMD `clamped`,
    /// `rounded` and Float-to-Int conversions compile to scalar loops.
    @inline(__always)
    static func exp(_ v: SIMD16<Float>) -> SIMD16<Float> {
        var x = v.replacing(with: -87.3, where: v .< -87.3)
        x = x.replacing(with: 88.3, where: x .> 88.3)
        // Adding 1.5 * 2^23 rounds to the nearest integer and leaves it in the low mantissa bits.
        let shifted = x * 1.442_695_04 + 12_582_912
        let n = shifted - 12_582_912
        let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
        var p = SIMD16<Float>(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_6e-2
        p = p * r + 0.166_666_66
        p = p * r + 0.5
        let er = p * r * r + r + 1
        let integer = unsafeBitCast(shifted, to: SIMD16<UInt32>.self) &- 0x4B40_0000
        let scale = (integer &+ 127) &<< 23
        return er * unsafeBitCast(scale, to: SIMD16<Float>.self)
    }

    @inline(__always)
    static func sigmoid(_ v: SIMD16<Float>) -> SIMD16<Float> { 1 / (1 + exp(-v)) }
}
