import CFFmpeg
import Foundation
import VSRCore

/// What `vsr probe` reports about a media file before a long run: its streams, the video's frame
/// count, frame-rate regularity, colour tags, interlacing and HDR metadata. Reads packets only
/// (no decoding), up to `packetLimit` video packets.
public struct MediaProbe: Sendable {
    /// One stream of the file, described in a line.
    public struct Stream: Sendable {
        public let index: Int
        /// video, audio, subtitle, data or attachment.
        public let kind: String
        public let summary: String
    }

    public let path: String
    public let container: String
    /// Seconds, when the container knows.
    public let duration: Double?
    public let streams: [Stream]
    public let videoStreamIndex: Int
    public let video: VideoStreamInfo
    /// Video packets counted by reading the file (exact when `frameCountIsExact`).
    public let frameCount: Int
    /// False when the scan stopped at `packetLimit`; `frameCount` is then the container's estimate.
    public let frameCountIsExact: Bool
    /// The video packet count in the container's index (mp4, mov); nil where it has none. More than
    /// an exact `frameCount` means the file is truncated.
    public let indexedFrameCount: Int?
    /// Distinct frame durations found, in seconds (one for constant frame rate), tick-level jitter merged.
    public let frameDurations: [Double]
    /// progressive, top field first, bottom field first, ... or unknown.
    public let fieldOrder: String
    /// HDR side data found on the video stream (mastering display, content light level).
    public let hdrSideData: [String]
    /// The first decoded frame's field flags (what `--deinterlace auto` goes by where the stream is
    /// not tagged); nil when no frame decodes.
    public let firstFrameFields: FieldOrder?
    /// What of the video no output keeps (bits beyond 10, alpha, Dolby Vision), one line each.
    public let conversionWarnings: [String]

    public var isVariableFrameRate: Bool { frameDurations.count > 1 }

    public init(path: String, packetLimit: Int = 100_000) throws {
        let demuxer = try Demuxer(path: path)
        self.path = path
        let context = demuxer.context.pointee
        container = context.iformat.map { String(cString: $0.pointee.long_name ?? $0.pointee.name) } ?? "unknown"
        duration = context.duration > 0 ? Double(context.duration) / Double(AV_TIME_BASE) : nil
        videoStreamIndex = Int(demuxer.videoStreamIndex)
        let reader = try MediaFileReader(path: path)
        video = reader.streamInfo
        firstFrameFields = try? reader.peekFirstFrame()?.fields
        conversionWarnings = reader.conversionWarnings
        indexedFrameCount = reader.indexedFrameCount
        streams = (0..<demuxer.streamCount).map { MediaProbe.describe(demuxer.stream($0), index: Int($0)) }

        let stream = demuxer.videoStream
        var timestamps: [Int64] = []
        let packet = Packet()
        var exact = true
        while try demuxer.read(into: packet) {
            guard packet.pointer.pointee.stream_index == demuxer.videoStreamIndex else { continue }
            let pts = packet.pointer.pointee.pts
            timestamps.append(pts == vsr_nopts_value() ? packet.pointer.pointee.dts : pts)
            if timestamps.count >= packetLimit { exact = false; break }
        }
        frameCountIsExact = exact
        frameCount = exact ? timestamps.count : (video.estimatedFrameCount ?? timestamps.count)
        let timeBase = av_q2d(stream.pointee.time_base)
        let sorted = timestamps.filter { $0 != vsr_nopts_value() }.sorted()
        // Durations that differ by a tick (timestamps rounded to the container's clock, e.g. 83 and
        // 84 ms for 12 fps in Matroska) or by under 1% are one duration.
        var durations: [Int64] = []
        for step in Set(zip(sorted, sorted.dropFirst()).map { $1 - $0 }.filter { $0 > 0 }).sorted() {
            if let last = durations.last, step - last <= max(1, last / 100) { continue }
            durations.append(step)
        }
        frameDurations = durations.map { Double($0) * timeBase }

        switch stream.pointee.codecpar.pointee.field_order {
        case AV_FIELD_PROGRESSIVE: fieldOrder = "progressive"
        case AV_FIELD_TT: fieldOrder = "interlaced, top field first"
        case AV_FIELD_BB: fieldOrder = "interlaced, bottom field first"
        case AV_FIELD_TB, AV_FIELD_BT: fieldOrder = "interlaced, fields interleaved"
        default: fieldOrder = "unknown (not tagged)"
        }
        var hdr: [String] = []
        if av_stream_get_side_data(stream, AV_PKT_DATA_MASTERING_DISPLAY_METADATA, nil) != nil { hdr.append("mastering display metadata") }
        if av_stream_get_side_data(stream, AV_PKT_DATA_CONTENT_LIGHT_LEVEL, nil) != nil { hdr.append("content light level") }
        hdrSideData = hdr
    }

    private static func describe(_ stream: UnsafeMutablePointer<AVStream>, index: Int) -> Stream {
        let p = stream.pointee.codecpar.pointee
        let codec = String(cString: avcodec_get_name(p.codec_id))
        let profile = avcodec_profile_name(p.codec_id, p.profile).map { " (\(String(cString: $0)))" } ?? ""
        switch p.codec_type {
        case AVMEDIA_TYPE_VIDEO:
            let format = av_get_pix_fmt_name(AVPixelFormat(rawValue: p.format)).map { String(cString: $0) } ?? "unknown"
            return Stream(index: index, kind: "video", summary: "\(codec)\(profile), \(p.width)x\(p.height), \(format)")
        case AVMEDIA_TYPE_AUDIO:
            let channels = p.ch_layout.nb_channels
            return Stream(index: index, kind: "audio", summary: "\(codec)\(profile), \(p.sample_rate) Hz, \(channels) channel(s)")
        case AVMEDIA_TYPE_SUBTITLE: return Stream(index: index, kind: "subtitle", summary: codec)
        case AVMEDIA_TYPE_ATTACHMENT: return Stream(index: index, kind: "attachment", summary: codec)
        default: return Stream(index: index, kind: "data", summary: codec)
        }
    }

    /// FFmpeg's name for a colour code point (`bt709`, `smpte2084`, ...), or nil when unspecified.
    public static func colorNames(_ color: ColorInfo) -> (primaries: String?, transfer: String?, matrix: String?, range: String?) {
        func name(_ code: Int32, _ lookup: (Int32) -> UnsafePointer<CChar>?) -> String? {
            code == 2 ? nil : lookup(code).map { String(cString: $0) }
        }
        return (
            name(color.primaries) { av_color_primaries_name(AVColorPrimaries(rawValue: UInt32($0))) },
            name(color.transfer) { av_color_transfer_name(AVColorTransferCharacteristic(rawValue: UInt32($0))) },
            name(color.matrix) { av_color_space_name(AVColorSpace(rawValue: UInt32($0))) },
            color.range == .unspecified ? nil : (color.range == .full ? "full (pc)" : "limited (tv)")
        )
    }
}
