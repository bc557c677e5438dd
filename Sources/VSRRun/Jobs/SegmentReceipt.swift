import Foundation

/// What a finished segment is, written as `seg/K.json` after `seg/K.mkv` is in place: a segment is
/// done exactly when its receipt exists and the file matches it.
public struct SegmentReceipt: Codable, Equatable, Sendable {
    public var segment: Int
    /// SHA-256 of the segment file, and its size.
    public var sha256: String
    public var bytes: Int64
    public var frames: Int
    /// The first and last presentation timestamps the segment's packets carry (in its container's
    /// clock, milliseconds for Matroska), and the planned ones in the source's time base.
    public var firstPts: Int64
    public var endPts: Int64
    /// SHA-256 of the encoder's global headers (SPS/PPS...): equal in every segment of a job, or the
    /// segments cannot be joined by copying.
    public var headerSha256: String
    /// How far the decode order runs ahead of presentation order (0 without B-frames).
    public var reorderDepth: Int
    /// Seconds the segment took, and on which machine: for `vsr status`'s rate and ETA.
    public var seconds: Double
    public var host: String
    public var finishedAt: Double
}
