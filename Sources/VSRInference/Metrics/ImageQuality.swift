import Foundation
import VSRCore

/// The SR literature's evaluation convention: BT.601 limited-range Y with MATLAB's `rgb2ycbcr`
/// coefficients on 8-bit RGB (not rounded), `border` pixels cropped on every side, PSNR on
/// the 0-255 scale, and SSIM (Wang et al. 2004) with an 11x11 Gaussian window (sigma 1.5) over the
/// valid region, K1 = 0.01, K2 = 0.03.
public enum ImageQuality {
    /// Y = 16 + (65.481 R + 128.553 G + 24.966 B) / 255, unrounded (as BasicSR's `test_y_channel` and the
    /// published RLFN figures use it), as [height][width] doubles.
    public static func luma(_ image: RGBImage) -> [Double] {
        var y = [Double](repeating: 0, count: image.width * image.height)
        for i in 0..<y.count {
            let r = Double(image.pixels[3 * i]), g = Double(image.pixels[3 * i + 1]), b = Double(image.pixels[3 * i + 2])
            y[i] = (65.481 * r + 128.553 * g + 24.966 * b) / 255 + 16
        }
        return y
    }

    /// Crops `border` pixels from each side of a width x height plane.
    public static func crop(_ plane: [Double], width: Int, height: Int, border: Int) -> (values: [Double], width: Int, height: Int) {
        let w = width - 2 * border, h = height - 2 * border
        precondition(w > 0 && h > 0, "image too small for a border of \(border)")
        var out = [Double]()
        out.reserveCapacity(w * h)
        for y in border..<(height - border) { out.append(contentsOf: plane[(y * width + border)..<(y * width + width - border)]) }
        return (out, w, h)
    }

    public static func psnr(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count)
        var sum = 0.0
        for i in 0..<a.count { let d = a[i] - b[i]; sum += d * d }
        let mse = sum / Double(a.count)
        return mse == 0 ? .infinity : 10 * Foundation.log10(65025.0 / mse)
    }

    public static func ssim(_ a: [Double], _ b: [Double], width: Int, height: Int) -> Double {
        let c1: Double = (0.01 * 255) * (0.01 * 255), c2: Double = (0.03 * 255) * (0.03 * 255)
        let window = gaussianWindow(size: 11, sigma: 1.5)
        let outW = width - 10, outH = height - 10
        precondition(outW > 0 && outH > 0, "SSIM needs at least 11x11 pixels")
        var total = 0.0
        for y in 0..<outH {
            for x in 0..<outW {
                var ma = 0.0, mb = 0.0, saa = 0.0, sbb = 0.0, sab = 0.0
                for dy in 0..<11 {
                    for dx in 0..<11 {
                        let w = window[dy * 11 + dx]
                        let pa = a[(y + dy) * width + x + dx], pb = b[(y + dy) * width + x + dx]
                        ma += w * pa; mb += w * pb
                        saa += w * pa * pa; sbb += w * pb * pb; sab += w * pa * pb
                    }
                }
                let va = saa - ma * ma, vb = sbb - mb * mb, cov = sab - ma * mb
                total += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2))
            }
        }
        return total / Double(outW * outH)
    }

    static func gaussianWindow(size: Int, sigma: Double) -> [Double] {
        let half = Double(size - 1) / 2
        let g = (0..<size).map { exp(-pow(Double($0) - half, 2) / (2 * sigma * sigma)) }
        let sum = g.reduce(0, +)
        let normalized = g.map { $0 / sum }
        return (0..<size * size).map { normalized[$0 / size] * normalized[$0 % size] }
    }

    /// Y-PSNR and Y-SSIM of `output` against `reference` with `border` pixels cropped.
    public static func compare(_ output: RGBImage, to reference: RGBImage, border: Int) -> (psnr: Double, ssim: Double) {
        precondition(output.width == reference.width && output.height == reference.height, "image sizes differ")
        let a = crop(luma(output), width: output.width, height: output.height, border: border)
        let b = crop(luma(reference), width: reference.width, height: reference.height, border: border)
        return (psnr(a.values, b.values), ssim(a.values, b.values, width: a.width, height: a.height))
    }
}
