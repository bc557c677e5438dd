import VSRCore

/// A `FrameUpscaler` whose output is cropped or padded to `width` x `height` (`--crop`, `--pad`):
/// the even sizes H.264 and HEVC need for subsampled chroma, one row or column away from what the
/// scale gives. Padding repeats the last row and column. Not thread-safe (its inner upscaler is not).
public final class EvenSizeUpscaler: FrameUpscaler {
    private let inner: FrameUpscaler
    public let width: Int
    public let height: Int
    public var scale: Int { inner.scale }
    public var name: String { inner.name }

    public init(_ inner: FrameUpscaler, width: Int, height: Int) {
        (self.inner, self.width, self.height) = (inner, width, height)
    }

    public func upscale(_ frame: VideoFrame) throws -> VideoFrame {
        let upscaled = try inner.upscale(frame)
        let planes = upscaled.planes.enumerated().map { index, plane in
            let size = upscaled.format.planeSize(index, width: width, height: height)
            let cropped = plane.cropped(x: 0, y: 0, width: min(size.width, plane.width), height: min(size.height, plane.height))
            return cropped.width == size.width && cropped.height == size.height
                ? cropped : cropped.padded(toWidth: size.width, height: size.height)
        }
        return upscaled.replacingPlanes(planes)
    }
}
