/// The exact frames a reader hands out, by presentation timestamp: a segment of a planned job
/// (`vsr plan`). The reader seeks to `seekTo`, decodes, keeps the frames whose timestamps are listed
/// (unchanged, not shifted), and stops as soon as it has them all, which may be past later keyframes
/// (open GOPs put leading frames after the next keyframe in decode order).
public struct FrameSelection: Sendable, Equatable {
    /// Where the demuxer seeks first (a keyframe's pts in the stream's time base); nil reads from the start.
    public var seekTo: Int64?
    /// The frames wanted, in increasing order.
    public var timestamps: [Int64]
    /// The frame rate the whole stream was measured at (a segment alone may measure another).
    public var frameRate: Rational
    /// Keyframes decoded past the last wanted timestamp before the reader gives up on missing frames.
    public var keyframesPastEnd = 2

    public init(seekTo: Int64?, timestamps: [Int64], frameRate: Rational) {
        (self.seekTo, self.timestamps, self.frameRate) = (seekTo, timestamps, frameRate)
    }
}
