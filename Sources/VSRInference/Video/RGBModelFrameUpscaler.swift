import VSRCore

/// Upscales frames with an RGB model (such as the official RLFN): chroma is brought to luma size,
/// the frame becomes RGB with the stream's matrix and range, the model runs in tiles, and the
/// result goes back to YUV with the same matrix and range, chroma resampled to the output's
/// subsampling; an alpha plane is resized like chroma. Not thread-safe (the resizer is not).
public final class RGBModelFrameUpscaler: FrameUpscaler {
    private let inference: TiledInference
    private let context: InferenceContext
    private let resizer: PlaneResizer
    private let color: ColorInfo
    public let name: String
    public var scale: Int { inference.model.descriptor.scale }

    /// - Parameter resizer: resamples chroma to luma size before the model and to the output's
    ///   chroma size after it.
    public init(
        model: any SRModel, name: String, tileSize: Int? = nil, halo: Int? = nil, context: InferenceContext, resizer: PlaneResizer,
        color: ColorInfo
    ) {
        precondition(model.descriptor.colors == 3, "RGBModelFrameUpscaler needs a three-colour model")
        inference = TiledInference(model: model, tileSize: tileSize ?? model.tileSize, halo: halo ?? model.tileHalo)
        self.context = context
        self.resizer = resizer
        self.color = color
        self.name = name
    }

    public func upscale(_ frame: VideoFrame) throws -> VideoFrame {
        guard !frame.format.isGray else {
            throw VSRError.unsupported("\(name) is an RGB model; gray video needs a luma model or bicubic/lanczos")
        }
        let width = frame.width, height = frame.height, depth = frame.format.bitDepth
        let matrix = ColorMatrix(color: color, height: height, bitDepth: depth)
        let range = inference.model.descriptor.inputRange
        let cb = try fullSize(frame.planes[1], width: width, height: height)
        let cr = try fullSize(frame.planes[2], width: width, height: height)
        let plane = width * height
        var rgb = [Float](repeating: 0, count: 3 * plane)
        for y in 0..<height {
            for x in 0..<width {
                let (r, g, b) = matrix.rgb(y: Float(frame.planes[0][x, y]), cb: Float(cb[x, y]), cr: Float(cr[x, y]))
                let i = y * width + x
                // RGB models learn on valid RGB; out-of-gamut YCbCr (e.g. a mistagged matrix) is clipped.
                rgb[i] = min(max(r, 0), 255) * range / 255
                rgb[plane + i] = min(max(g, 0), 255) * range / 255
                rgb[2 * plane + i] = min(max(b, 0), 255) * range / 255
            }
        }
        let output = try inference.run(Tensor(channels: 3, height: height, width: width, data: rgb), context: context)
        let outW = output.width, outH = output.height, outPlane = outW * outH
        var luma = Plane(width: outW, height: outH, bitDepth: depth)
        var u = Plane(width: outW, height: outH, bitDepth: depth), v = Plane(width: outW, height: outH, bitDepth: depth)
        let maximum = Float((1 << depth) - 1)
        func code(_ value: Float) -> Int { Int(min(max(value, 0), maximum).rounded()) }
        for y in 0..<outH {
            for x in 0..<outW {
                let i = y * outW + x
                let (yy, cbv, crv) = matrix.ycbcr(
                    r: output.data[i] * 255 / range, g: output.data[outPlane + i] * 255 / range,
                    b: output.data[2 * outPlane + i] * 255 / range)
                luma[x, y] = code(yy)
                u[x, y] = code(cbv)
                v[x, y] = code(crv)
            }
        }
        let chroma = frame.format.planeSize(1, width: outW, height: outH)
        var planes = [
            luma,
            try resizer.resize(u, toWidth: chroma.width, height: chroma.height),
            try resizer.resize(v, toWidth: chroma.width, height: chroma.height),
        ]
        // Alpha is not colour: the chroma resizer brings it to the output's size.
        if frame.format.hasAlpha { planes.append(try resizer.resize(frame.planes[3], toWidth: outW, height: outH)) }
        return frame.replacingPlanes(planes)
    }

    private func fullSize(_ plane: Plane, width: Int, height: Int) throws -> Plane {
        plane.width == width && plane.height == height ? plane : try resizer.resize(plane, toWidth: width, height: height)
    }
}
