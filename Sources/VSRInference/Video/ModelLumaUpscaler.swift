import VSRCore

/// A `LumaUpscaler` backed by a Y-channel model (colours 1). Limited-range video luma is the Y of
/// the SR literature's convention, so the plane goes in as Y/255 (8-bit) or Y/1020 (10-bit), scaled
/// to the model's input range, and comes back rounded and clamped to the plane's bit depth.
public final class ModelLumaUpscaler: LumaUpscaler {
    private let inference: TiledInference
    private let context: InferenceContext
    public let name: String
    public var scale: Int { inference.model.descriptor.scale }

    /// `tileSize` and `halo` default to the model's own (`SRModel.tileSize`, `SRModel.tileHalo`).
    public init(model: any SRModel, name: String, tileSize: Int? = nil, halo: Int? = nil, context: InferenceContext) {
        precondition(model.descriptor.colors == 1, "ModelLumaUpscaler needs a one-colour model")
        inference = TiledInference(model: model, tileSize: tileSize ?? model.tileSize, halo: halo ?? model.tileHalo)
        self.context = context
        self.name = name
    }

    public func upscale(_ luma: Plane) throws -> Plane {
        let white = Float(255 << (luma.bitDepth - 8)), range = inference.model.descriptor.inputRange
        let input = Tensor(
            channels: 1, height: luma.height, width: luma.width,
            data: PlaneConversion.floats(luma, scale: range / white))
        // The model's rows are converted to samples as they are stored: no float frame.
        let width = luma.width * scale, height = luma.height * scale, size = luma.bytesPerSample
        let bytes = try [UInt8](unsafeUninitializedCapacity: width * height * size) { out, initialized in
            let window = OutputWindow(
                whole: out.baseAddress!, height: height, width: width, format: .samples(bitDepth: luma.bitDepth, scale: white / range))
            try inference.run(input, into: window, context: context)
            initialized = width * height * size
        }
        return Plane(width: width, height: height, bitDepth: luma.bitDepth, bytes: bytes)
    }
}
