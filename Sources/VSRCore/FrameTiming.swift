/// A decoded frame's timing and whether it is a keyframe: what `vsr plan` records of every frame.
public struct FrameTiming: Sendable, Equatable {
    public var pts: Int64
    public var duration: Int64
    public var isKeyframe: Bool

    public init(pts: Int64, duration: Int64, isKeyframe: Bool) {
        (self.pts, self.duration, self.isKeyframe) = (pts, duration, isKeyframe)
    }
}
