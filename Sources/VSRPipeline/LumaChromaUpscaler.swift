import VSRCore

/// A `FrameUpscaler` composed of a `LumaUpscaler` for the luma plane (a luma network or a classical
/// filter) and a `PlaneResizer` that brings each chroma plane to the output's chroma size.
/// Not thread-safe (its parts are not).
public final class LumaChromaUpscaler: FrameUpscaler {
    public let luma: LumaUpscaler
    public let chroma: PlaneResizer
    public var scale: Int { luma.scale }
    public var name: String { luma.name }

    public init(luma: LumaUpscaler, chroma: PlaneResizer) {
        self.luma = luma
        self.chroma = chroma
    }

    /// The frame `scale` times larger, with the same index, timing and format.
    public func upscale(_ frame: VideoFrame) throws -> VideoFrame {
        let width = frame.width * scale, height = frame.height * scale
        var planes = [try luma.upscale(frame.planes[0])]
        guard planes[0].width == width, planes[0].height == height else {
            throw VSRError.processing(
                "upscaler \(luma.name) returned \(planes[0].width)x\(planes[0].height), " + "expected \(width)x\(height)")
        }
        for index in 1..<frame.planes.count {
            // Chroma sizes round up (odd sizes), so they are not always scale x the input's.
            let size = frame.format.planeSize(index, width: width, height: height)
            planes.append(try chroma.resize(frame.planes[index], toWidth: size.width, height: size.height))
        }
        return frame.replacingPlanes(planes)
    }
}
