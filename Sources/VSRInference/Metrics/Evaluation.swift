import Foundation
import VSRCore

/// Runs a model on a low-resolution image the way the SR literature evaluates it (whole image, no
/// tiling) and scores it against the high-resolution original with `ImageQuality`.
public enum Evaluation {
    /// Y-PSNR and Y-SSIM of `model` on `lowResolution` against `highResolution`, `scale` pixels
    /// cropped. A high-resolution image up to scale-1 pixels larger than the output is cropped at
    /// its bottom and right ("modcrop"), as the standard test scripts do.
    /// With `tiling`, the model runs tile by tile (as `vsr upscale` does) instead of on the whole image.
    public static func score(
        _ model: any SRModel, lowResolution: RGBImage, highResolution: RGBImage,
        context: InferenceContext, tiling: (tile: Int, halo: Int)? = nil
    ) throws -> (psnr: Double, ssim: Double) {
        func forward(_ input: Tensor) throws -> Tensor {
            guard let tiling else { return try model.forward(input, context: context) }
            return try TiledInference(model: model, tileSize: tiling.tile, halo: tiling.halo).run(input, context: context)
        }
        let scale = model.descriptor.scale
        let reference = try modcrop(
            highResolution, width: lowResolution.width * scale,
            height: lowResolution.height * scale)
        let output = try forward(modelInput(model, lowResolution))
        if model.descriptor.colors == 3 {
            return ImageQuality.compare(rgbImage(output, range: model.descriptor.inputRange), to: reference, border: scale)
        }
        // Luma models: the Y of the result scored directly.
        let lumaOut = output.data.map { Double(min(max($0 * 255 / model.descriptor.inputRange, 0), 255)).rounded() }
        let a = ImageQuality.crop(lumaOut, width: output.width, height: output.height, border: scale)
        let b = ImageQuality.crop(ImageQuality.luma(reference), width: reference.width, height: reference.height, border: scale)
        return (ImageQuality.psnr(a.values, b.values), ImageQuality.ssim(a.values, b.values, width: a.width, height: a.height))
    }

    /// How far tiling moves a network's output: the PSNR, on the 0-255 scale, of the tiled output
    /// against the whole-image output for the same input (unrounded; infinite when they are equal).
    public static func tilingFidelity(
        _ model: any SRModel, lowResolution: RGBImage, context: InferenceContext,
        tile: Int, halo: Int
    ) throws -> Double {
        let range = model.descriptor.inputRange
        let input = modelInput(model, lowResolution)
        let whole = try model.forward(input, context: context)
        let tiled = try TiledInference(model: model, tileSize: tile, halo: halo).run(input, context: context)
        var squared = 0.0
        for i in 0..<whole.count {
            let difference = Double(tiled.data[i] - whole.data[i]) * 255 / Double(range)
            squared += difference * difference
        }
        return squared == 0 ? .infinity : 10 * log10(255 * 255 * Double(whole.count) / squared)
    }

    /// What the model sees of an image: RGB for three-colour models, the Y of the literature's
    /// convention for luma models, scaled to the model's input range.
    static func modelInput(_ model: any SRModel, _ image: RGBImage) -> Tensor {
        let range = model.descriptor.inputRange
        guard model.descriptor.colors == 1 else { return rgbTensor(image, range: range) }
        return Tensor(
            channels: 1, height: image.height, width: image.width,
            data: ImageQuality.luma(image).map { Float($0) * range / 255 })
    }

    /// [3, H, W] planar floats with white at `range`.
    public static func rgbTensor(_ image: RGBImage, range: Float) -> Tensor {
        let plane = image.width * image.height
        var data = [Float](repeating: 0, count: 3 * plane)
        for i in 0..<plane {
            for c in 0..<3 { data[c * plane + i] = Float(image.pixels[3 * i + c]) * range / 255 }
        }
        return Tensor(channels: 3, height: image.height, width: image.width, data: data)
    }

    /// Back to 8-bit RGB: scaled, clamped to 0-255 and rounded.
    public static func rgbImage(_ tensor: Tensor, range: Float) -> RGBImage {
        let plane = tensor.planeSize
        var pixels = [UInt8](repeating: 0, count: 3 * plane)
        for i in 0..<plane {
            for c in 0..<3 { pixels[3 * i + c] = UInt8(min(max(tensor.data[c * plane + i] * 255 / range, 0), 255).rounded()) }
        }
        return RGBImage(width: tensor.width, height: tensor.height, pixels: pixels)
    }

    static func modcrop(_ image: RGBImage, width: Int, height: Int) throws -> RGBImage {
        if image.width == width && image.height == height { return image }
        guard image.width >= width, image.height >= height else {
            throw ModelInputError(
                description: "the high-resolution image is \(image.width)x\(image.height), " + "smaller than the \(width)x\(height) output")
        }
        var pixels = [UInt8]()
        pixels.reserveCapacity(width * height * 3)
        for y in 0..<height { pixels.append(contentsOf: image.pixels[(y * image.width * 3)..<((y * image.width + width) * 3)]) }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}
