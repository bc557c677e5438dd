import CFFmpeg
import Foundation
import VSRCore

/// What a written segment holds, read back from the file before it is committed: its video
/// packets, their timestamp range, the encoder's headers and how deep the decode order runs ahead.
public struct SegmentFile: Sendable, Equatable {
    public var packets: Int
    /// Smallest and largest presentation timestamp, in `timeBase` (the container's: 1/1000 for Matroska).
    public var firstPts: Int64
    public var lastPts: Int64
    public var timeBase: Rational
    /// SHA-256 of the video stream's extradata (empty data for codecs without global headers).
    public var headerSha256: String
    /// max over packets of (decode position - presentation rank): 0 for intra-only streams.
    public var reorderDepth: Int
    public var width: Int
    public var height: Int

    /// Reads every packet of `path`'s video stream (no decoding).
    public static func inspect(_ path: String) throws -> SegmentFile {
        let demuxer = try Demuxer(path: path)
        let stream = demuxer.videoStream
        var timestamps: [Int64] = []
        let packet = Packet()
        while try demuxer.read(into: packet) {
            defer { packet.unref() }
            guard packet.streamIndex == demuxer.videoStreamIndex else { continue }
            let p = packet.pointer.pointee
            guard p.pts != vsr_nopts_value() else {
                throw VSRError.invalidInput(path: path, reason: "a video packet has no timestamp")
            }
            timestamps.append(p.pts)
        }
        guard let first = timestamps.min(), let last = timestamps.max() else {
            throw VSRError.invalidInput(path: path, reason: "holds no video packets")
        }
        let order = timestamps.indices.sorted { timestamps[$0] < timestamps[$1] }
        var depth = 0
        for (rank, position) in order.enumerated() { depth = max(depth, position - rank) }
        let parameters = stream.pointee.codecpar.pointee
        let header = parameters.extradata.map { Data(bytes: $0, count: Int(parameters.extradata_size)) } ?? Data()
        return SegmentFile(
            packets: timestamps.count, firstPts: first, lastPts: last, timeBase: Rational(stream.pointee.time_base),
            headerSha256: ContentHash.sha256(header), reorderDepth: depth, width: Int(parameters.width),
            height: Int(parameters.height))
    }
}
