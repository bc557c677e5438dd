import Foundation
import VSRCore

/// The immutable description of a planned job (`vsr plan`), stored as `plan.json` in the job folder
/// beside `timestamps.bin` (every frame's timing): what the input was, which options and model every
/// task must use, and how the frames are cut into segments and the segments into tasks.
public struct JobPlan: Codable, Equatable, Sendable {
    public static let currentVersion = 1

    public var version = JobPlan.currentVersion
    /// The input as given and as an absolute path (tasks on other machines see the same shared path).
    public var input: String
    /// `ContentHash.fingerprint(file:)` of the input when planned.
    public var inputFingerprint: String
    /// The upscale options (`UpscaleSettings.arguments`), and the hashes a task compares with its own.
    public var settings: [String]
    public var settingsFingerprint: String
    public var modelFingerprint: String
    /// The source video stream's time base, in which every planned timestamp is counted.
    public var timeBaseNum: Int32
    public var timeBaseDen: Int32
    /// The frame rate measured over the whole stream (segments use it, not their own measurement).
    public var frameRateNum: Int32
    public var frameRateDen: Int32
    public var frames: Int
    /// The encoder every segment uses (joinable: libx264, libx265 or ffv1).
    public var codec: String
    public var segments: [Segment]
    /// Segment indexes per task; task T runs `tasks[T]`.
    public var tasks: [[Int]]

    /// A run of frames from one source keyframe to the next segment's.
    public struct Segment: Codable, Equatable, Sendable {
        public var index: Int
        /// Position of its first frame in the plan's frame table.
        public var firstFrame: Int
        public var frames: Int
        /// The keyframe the reader seeks to (its first frame), nil for the first segment, which reads from the start.
        public var seek: Int64?
        /// [firstPts, endPts): its frames' presentation timestamps.
        public var firstPts: Int64
        public var endPts: Int64
    }

    public var timeBase: Rational { Rational(timeBaseNum, timeBaseDen) }
    public var frameRate: Rational { Rational(frameRateNum, frameRateDen) }

    /// The frames a segment reads, for the reader; `seekFrom` is an earlier segment's keyframe for a retry.
    public func selection(for segment: Segment, timings: [FrameTiming], seekFrom earlier: Segment? = nil) -> FrameSelection {
        let frames = timings[segment.firstFrame..<segment.firstFrame + segment.frames].map(\.pts).sorted()
        return FrameSelection(seekTo: (earlier ?? segment).seek, timestamps: frames, frameRate: frameRate)
    }
}
