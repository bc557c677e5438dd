/// YCbCr <-> R'G'B' with a stream's matrix and range, as floats with white at 255.
public struct ColorMatrix: Sendable, Equatable {
    public let kr: Float, kb: Float
    public let fullRange: Bool
    public let bitDepth: Int

    /// The stream's matrix; untagged streams get BT.709 from 720 lines up and BT.601 below (FFmpeg's rule).
    public init(color: ColorInfo, height: Int, bitDepth: Int) {
        switch color.matrix {
        case 1: (kr, kb) = (0.2126, 0.0722)  // BT.709
        case 9, 10: (kr, kb) = (0.2627, 0.0593)  // BT.2020
        case 5, 6: (kr, kb) = (0.299, 0.114)  // BT.601
        default: (kr, kb) = height >= 720 ? (0.2126, 0.0722) : (0.299, 0.114)
        }
        fullRange = color.range == .full
        self.bitDepth = bitDepth
    }

    private var unit: Float { Float(1 << (bitDepth - 8)) }

    /// RGB (0-255 scale) from code values.
    @inline(__always)
    public func rgb(y: Float, cb: Float, cr: Float) -> (Float, Float, Float) {
        let luma: Float, u: Float, v: Float
        if fullRange {
            luma = y / unit
            u = (cb / unit - 128)
            v = (cr / unit - 128)
        } else {
            luma = (y / unit - 16) * 255 / 219
            u = (cb / unit - 128) * 255 / 224
            v = (cr / unit - 128) * 255 / 224
        }
        let kg = 1 - kr - kb
        let r = luma + 2 * (1 - kr) * v
        let b = luma + 2 * (1 - kb) * u
        let g = (luma - kr * r - kb * b) / kg
        return (r, g, b)
    }

    /// Code values (unrounded) from RGB on the 0-255 scale.
    @inline(__always)
    public func ycbcr(r: Float, g: Float, b: Float) -> (Float, Float, Float) {
        let luma = kr * r + (1 - kr - kb) * g + kb * b
        let u = (b - luma) / (2 * (1 - kb)), v = (r - luma) / (2 * (1 - kr))
        if fullRange { return (luma * unit, (u + 128) * unit, (v + 128) * unit) }
        return ((luma * 219 / 255 + 16) * unit, (u * 224 / 255 + 128) * unit, (v * 224 / 255 + 128) * unit)
    }
}
