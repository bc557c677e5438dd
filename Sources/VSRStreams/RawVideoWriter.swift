import VSRCore

/// Writes frames as headerless rawvideo, each frame as soon as it arrives.
public final class RawVideoWriter: FrameSink {
    private let output: ByteOutput
    private let format: RawPixelFormat

    /// `format` must be the frames' planar format, or rgb24 for yuv444p frames.
    public init(output: ByteOutput, format: RawPixelFormat) {
        self.output = output
        self.format = format
    }

    public func write(_ frame: VideoFrame) throws {
        guard frame.format == format.planarFormat else {
            throw VSRError.processing(
                "\(output.name): frame \(frame.index + 1) is \(frame.format.rawValue), expected \(format.planarFormat.rawValue)")
        }
        switch format {
        case .planar: try FrameLayout(format: frame.format, width: frame.width, height: frame.height).write(frame.planes, to: output)
        case .rgb24: try output.write(RawPixelFormat.rgb(fromPlanes: frame.planes))
        }
    }

    public func finish() throws -> Int64? {
        try output.finish()
        return output.bytesWritten
    }

    public func abort() { output.abort() }
}
