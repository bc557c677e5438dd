/// What a frame source promises about the frames it will deliver, known before the first frame.
/// Sinks use it to set up encoders and containers.
public struct VideoStreamInfo: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var format: PixelFormat
    /// The time base of frame `pts` and `duration`.
    public var timeBase: Rational
    /// Average frame rate if known (0/0 otherwise); informative for VFR streams.
    public var frameRate: Rational
    /// Sample (pixel) aspect ratio; 0/1 when unknown.
    public var sampleAspectRatio: Rational
    public var color: ColorInfo
    /// Frame count from the container, or an estimate from duration x frame rate; nil if unknown.
    public var estimatedFrameCount: Int?
    /// Name of the source format before conversion to `format` (e.g. "rgb24"), for messages.
    public var sourceFormatName: String
    /// The field order the stream is tagged with (frames carry their own).
    public var fieldOrder: FieldOrder = .unknown
    /// How a player turns the stored pictures; nil when upright or not stated.
    public var displayMatrix: DisplayMatrix?

    public init(
        width: Int, height: Int, format: PixelFormat, timeBase: Rational, frameRate: Rational,
        sampleAspectRatio: Rational, color: ColorInfo, estimatedFrameCount: Int?,
        sourceFormatName: String
    ) {
        self.width = width
        self.height = height
        self.format = format
        self.timeBase = timeBase
        self.frameRate = frameRate
        self.sampleAspectRatio = sampleAspectRatio
        self.color = color
        self.estimatedFrameCount = estimatedFrameCount
        self.sourceFormatName = sourceFormatName
    }

    /// The same stream at `scale` times the size.
    public func scaled(by scale: Int) -> VideoStreamInfo {
        var info = self
        info.width = width * scale
        info.height = height * scale
        return info
    }
}
