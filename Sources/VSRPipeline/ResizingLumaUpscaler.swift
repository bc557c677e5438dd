import VSRCore

/// A classical `LumaUpscaler`: resamples the luma plane with a filter (bicubic, lanczos, ...).
/// These are the baselines SR models are measured against.
public final class ResizingLumaUpscaler: LumaUpscaler {
    public let scale: Int
    private let resizer: PlaneResizer
    public var name: String { resizer.name }

    public init(resizer: PlaneResizer, scale: Int) {
        precondition(scale >= 1, "scale must be positive")
        self.resizer = resizer
        self.scale = scale
    }

    public func upscale(_ luma: Plane) throws -> Plane {
        try resizer.resize(luma, toWidth: luma.width * scale, height: luma.height * scale)
    }
}
