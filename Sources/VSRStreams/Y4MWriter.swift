import VSRCore

/// Writes frames as YUV4MPEG2 to a file or a pipe, each frame as soon as it arrives.
public final class Y4MWriter: FrameSink {
    private let output: ByteOutput
    private let layout: FrameLayout
    private static let frameLine = Array("FRAME\n".utf8)

    /// Writes the stream header at once. `extensions` are X tags (without the X) carried over from
    /// a y4m input. A stream without a usable frame rate is written as 25 fps, FFmpeg's default.
    public init(output: ByteOutput, stream: VideoStreamInfo, extensions: [String] = []) throws {
        self.output = output
        layout = FrameLayout(format: stream.format, width: stream.width, height: stream.height)
        let rate = stream.frameRate.num > 0 && stream.frameRate.den > 0 ? stream.frameRate : Rational(25, 1)
        let header = Y4MHeader(
            width: stream.width, height: stream.height, frameRate: rate,
            sampleAspectRatio: stream.sampleAspectRatio, format: stream.format,
            chromaLocation: stream.color.chromaLocation, range: stream.color.range,
            extensions: extensions)
        try output.write(Array(header.line.utf8))
    }

    public func write(_ frame: VideoFrame) throws {
        guard frame.format == layout.format, frame.width == layout.width, frame.height == layout.height else {
            throw VSRError.processing(
                "\(output.name): frame \(frame.index + 1) is \(frame.width)x\(frame.height) "
                    + "\(frame.format.rawValue), expected \(layout.width)x\(layout.height) \(layout.format.rawValue)")
        }
        try output.write(Self.frameLine)
        try layout.write(frame.planes, to: output)
    }

    public func finish() throws -> Int64? {
        try output.finish()
        return output.bytesWritten
    }

    public func abort() { output.abort() }
}
