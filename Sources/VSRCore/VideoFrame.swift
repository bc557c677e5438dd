/// A decoded picture in one of the native formats, with where it sits in time.
public struct VideoFrame: Sendable {
    /// Position in decode-output (presentation) order, starting at 0.
    public var index: Int
    /// Presentation timestamp in the stream's time base.
    public var pts: Int64
    /// Display duration in the stream's time base; 0 when unknown.
    public var duration: Int64
    public var format: PixelFormat
    /// Y, then U and V for YUV formats; Y alone for gray.
    public var planes: [Plane]
    /// Progressive, or the field order of an interlaced picture (as the decoder flagged it).
    public var fields: FieldOrder
    /// ATSC A53 closed captions (CEA-608/708 `cc_data`) the decoder found with this picture, for
    /// the encoder to carry on; nil when there are none.
    public var closedCaptions: [UInt8]?

    public init(
        index: Int, pts: Int64, duration: Int64, format: PixelFormat, planes: [Plane],
        fields: FieldOrder = .progressive
    ) {
        precondition(planes.count == format.planeCount, "\(format.rawValue) needs \(format.planeCount) planes")
        self.index = index
        self.pts = pts
        self.duration = duration
        self.format = format
        self.planes = planes
        self.fields = fields
        closedCaptions = nil
    }

    /// This frame's timing and side data with other pictures (an upscaler's output).
    public func replacingPlanes(_ planes: [Plane]) -> VideoFrame {
        var frame = self
        frame.planes = planes
        return frame
    }

    public var width: Int { planes[0].width }
    public var height: Int { planes[0].height }
}
