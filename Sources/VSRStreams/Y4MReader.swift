import VSRCore

/// Reads YUV4MPEG2 from a file or a pipe: one header, then `FRAME` lines each followed by a frame.
/// Frames get pts 0, 1, 2, ... in a time base of one frame (1/F).
public final class Y4MReader: FrameSource {
    public let header: Y4MHeader
    public private(set) var streamInfo: VideoStreamInfo
    private let input: ByteInput
    private let layout: FrameLayout
    private var nextIndex = 0

    /// Reads and checks the stream header.
    public init(input: ByteInput) throws {
        self.input = input
        guard let line = try input.readLine(limit: 4096) else {
            throw VSRError.invalidInput(path: input.name, reason: "empty input, expected a y4m stream ('YUV4MPEG2 ...')")
        }
        header = try Y4MHeader(line: line, source: input.name)
        layout = FrameLayout(format: header.format, width: header.width, height: header.height)
        let rate = header.frameRate
        streamInfo = VideoStreamInfo(
            width: header.width, height: header.height, format: header.format,
            timeBase: Rational(rate.den, rate.num), frameRate: rate, sampleAspectRatio: header.sampleAspectRatio,
            color: ColorInfo(range: header.range, chromaLocation: header.chromaLocation),
            estimatedFrameCount: nil, sourceFormatName: "y4m \(header.format.rawValue)")
        streamInfo.fieldOrder = header.fieldOrder
    }

    public func nextFrame() throws -> VideoFrame? {
        let number = nextIndex + 1
        guard let line = try input.readLine(limit: 4096) else { return nil }
        guard line.starts(with: Array("FRAME".utf8)), line.count == 5 || line[5] == 0x20 else {
            let found = String(decoding: line.prefix(16), as: UTF8.self)
            throw VSRError.invalidInput(
                path: input.name,
                reason:
                    "frame \(number): found '\(found)', expected a 'FRAME' line (is the stream's size or format wrong?)")
        }
        guard let planes = try layout.readPlanes(from: input, frameNumber: number, endAllowed: false) else { return nil }
        defer { nextIndex += 1 }
        return VideoFrame(
            index: nextIndex, pts: Int64(nextIndex), duration: 1, format: header.format, planes: planes,
            fields: header.fieldOrder)
    }
}
