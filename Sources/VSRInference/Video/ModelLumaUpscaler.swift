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
        let output = try inference.run(input, context: context)
        return PlaneConversion.plane(
            output.data, width: output.width, height: output.height, bitDepth: luma.bitDepth,
            scale: white / range)
    }
}
