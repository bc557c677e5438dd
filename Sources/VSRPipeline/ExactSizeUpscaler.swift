import VSRCore

/// A `FrameUpscaler` that brings another one's output to an exact size (`--width`, `--height`,
/// `--output-size`): the network runs at its integer scale, then every plane is resized to the
/// target's plane sizes. Not thread-safe (its parts are not).
public final class ExactSizeUpscaler: FrameUpscaler {
    private let inner: FrameUpscaler
    private let resizer: PlaneResizer
    public let width: Int
    public let height: Int
    public var scale: Int { inner.scale }
    public var name: String { "\(inner.name), then \(resizer.name) to \(width)x\(height)" }

    public init(_ inner: FrameUpscaler, width: Int, height: Int, resizer: PlaneResizer) {
        (self.inner, self.width, self.height, self.resizer) = (inner, width, height, resizer)
    }

    public func upscale(_ frame: VideoFrame) throws -> VideoFrame {
        let upscaled = try inner.upscale(frame)
        let planes = try upscaled.planes.enumerated().map { index, plane in
            let size = upscaled.format.planeSize(index, width: width, height: height)
            return try resizer.resize(plane, toWidth: size.width, height: size.height)
        }
        return upscaled.replacingPlanes(planes)
    }
}
