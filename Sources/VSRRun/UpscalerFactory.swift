import VSRCore
import VSRInference
import VSRMedia
import VSRPipeline

/// Builds the frame upscaler for a model choice, the same way for `vsr upscale`, `vsr probe` and `vsr bench`.
public struct UpscalerFactory {
    public let scale: Int
    /// Overrides the model's own tile size; nil keeps the model's (`SRModel.tileSize`).
    public let tile: Int?
    /// Overrides the model's own halo (presets can set it); nil keeps the model's.
    public var halo: Int? = nil
    public let chromaScaler: ResamplingFilter
    /// The stream's colour description (RGB models convert with its matrix and range).
    public var color: ColorInfo

    public init(scale: Int, tile: Int?, halo: Int? = nil, chromaScaler: ResamplingFilter, color: ColorInfo) {
        (self.scale, self.tile, self.halo, self.chromaScaler, self.color) = (scale, tile, halo, chromaScaler, color)
    }

    /// Luma models and classical filters go through the luma seam with chroma resampled apart;
    /// RGB models see the whole frame.
    public func make(_ choice: ModelChoice, threads: Int) -> FrameUpscaler {
        let chroma = SwscalePlaneResizer(filter: chromaScaler)
        let context = InferenceContext(kernels: .optimized, threads: threads)
        switch choice {
        case .classical(let filter):
            return LumaChromaUpscaler(
                luma: ResizingLumaUpscaler(resizer: SwscalePlaneResizer(filter: filter), scale: scale),
                chroma: chroma)
        case .network(let name, let model) where model.descriptor.colors == 1:
            return LumaChromaUpscaler(
                luma: ModelLumaUpscaler(model: model, name: name, tileSize: tile, halo: halo, context: context),
                chroma: chroma)
        case .network(let name, let model):
            return RGBModelFrameUpscaler(
                model: model, name: name, tileSize: tile, halo: halo, context: context, resizer: chroma,
                color: color)
        }
    }
}
