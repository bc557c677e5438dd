import VSRCore

/// Reads headerless rawvideo: frames of a size, pixel format and rate given on the command line,
/// back to back. Frames get pts 0, 1, 2, ... in a time base of one frame.
public final class RawVideoReader: FrameSource {
    public let streamInfo: VideoStreamInfo
    private let input: ByteInput
    private let format: RawPixelFormat
    private let layout: FrameLayout
    private var nextIndex = 0

    public init(input: ByteInput, width: Int, height: Int, format: RawPixelFormat, frameRate: Rational) throws {
        guard FrameSizeLimit.accepts(width: width, height: height) else {
            throw VSRError.usage("--size \(width)x\(height) is out of range: at most \(FrameSizeLimit.maxPixels) pixels (8192x8192)")
        }
        self.input = input
        self.format = format
        layout = FrameLayout(format: format.planarFormat, width: width, height: height)
        streamInfo = VideoStreamInfo(
            width: width, height: height, format: format.planarFormat, timeBase: Rational(frameRate.den, frameRate.num),
            frameRate: frameRate, sampleAspectRatio: Rational(1, 1), color: format.impliedColor,
            estimatedFrameCount: nil, sourceFormatName: "rawvideo \(format)")
    }

    public func nextFrame() throws -> VideoFrame? {
        let number = nextIndex + 1
        let planes: [Plane]
        switch format {
        case .planar:
            guard let read = try layout.readPlanes(from: input, frameNumber: number, endAllowed: true) else { return nil }
            planes = read
        case .rgb24:
            var rgb = [UInt8](repeating: 0, count: format.frameBytes(width: streamInfo.width, height: streamInfo.height))
            let count = try rgb.withUnsafeMutableBytes { try input.read(into: $0) }
            if count == 0 { return nil }
            guard count == rgb.count else {
                throw VSRError.invalidInput(
                    path: input.name,
                    reason:
                        "frame \(number) is truncated: expected \(rgb.count) bytes, got \(count)")
            }
            planes = RawPixelFormat.planes(fromRGB: rgb, width: streamInfo.width, height: streamInfo.height)
        }
        defer { nextIndex += 1 }
        return VideoFrame(index: nextIndex, pts: Int64(nextIndex), duration: 1, format: format.planarFormat, planes: planes)
    }
}
