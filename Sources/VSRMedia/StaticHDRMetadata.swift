import CFFmpeg
import VSRCore

/// HDR10's static metadata on a video stream: the mastering display's colour volume (SMPTE ST
/// 2086) and the content light levels (MaxCLL, MaxFALL). Upscaling changes neither, so both are
/// copied to the output stream (the mp4 `mdcv`/`clli` boxes, Matroska's colour elements) and given
/// to x265 for its SEI messages.
struct StaticHDRMetadata {
    private(set) var masteringDisplay: AVMasteringDisplayMetadata?
    private(set) var contentLight: AVContentLightMetadata?

    /// What `stream` carries; nil when it has neither.
    init?(stream: UnsafeMutablePointer<AVStream>) {
        var size = 0
        if let data = av_stream_get_side_data(stream, AV_PKT_DATA_MASTERING_DISPLAY_METADATA, &size),
            size >= MemoryLayout<AVMasteringDisplayMetadata>.size
        {
            masteringDisplay = UnsafeRawPointer(data).loadUnaligned(as: AVMasteringDisplayMetadata.self)
        }
        if let data = av_stream_get_side_data(stream, AV_PKT_DATA_CONTENT_LIGHT_LEVEL, &size),
            size >= MemoryLayout<AVContentLightMetadata>.size
        {
            contentLight = UnsafeRawPointer(data).loadUnaligned(as: AVContentLightMetadata.self)
        }
        if masteringDisplay == nil && contentLight == nil { return nil }
    }

    /// Adds both as side data of an output stream.
    func attach(to stream: UnsafeMutablePointer<AVStream>) throws {
        if var display = masteringDisplay {
            try Self.add(&display, type: AV_PKT_DATA_MASTERING_DISPLAY_METADATA, to: stream)
        }
        if var light = contentLight {
            try Self.add(&light, type: AV_PKT_DATA_CONTENT_LIGHT_LEVEL, to: stream)
        }
    }

    private static func add<T>(_ value: inout T, type: AVPacketSideDataType, to stream: UnsafeMutablePointer<AVStream>) throws {
        guard let data = av_stream_new_side_data(stream, type, MemoryLayout<T>.size) else {
            throw VSRError.processing("out of memory for HDR metadata")
        }
        withUnsafeBytes(of: &value) { UnsafeMutableRawPointer(data).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
    }

    /// x265's `master-display` and `max-cll` parameters (chromaticities in 0.00002, luminance in
    /// 0.0001 cd/m², as x265 and HEVC's SEI count them), `:`-separated.
    var x265Parameters: String {
        var parameters: [String] = []
        if let d = masteringDisplay, d.has_primaries != 0, d.has_luminance != 0 {
            func unit(_ value: AVRational, _ scale: Double) -> Int { Int((av_q2d(value) * scale).rounded()) }
            let p = d.display_primaries, w = d.white_point
            // FFmpeg stores R, G, B; x265 wants G, B, R.
            parameters.append(
                "master-display=G(\(unit(p.1.0, 50000)),\(unit(p.1.1, 50000)))B(\(unit(p.2.0, 50000)),\(unit(p.2.1, 50000)))"
                    + "R(\(unit(p.0.0, 50000)),\(unit(p.0.1, 50000)))WP(\(unit(w.0, 50000)),\(unit(w.1, 50000)))"
                    + "L(\(unit(d.max_luminance, 10000)),\(unit(d.min_luminance, 10000)))")
        }
        if let light = contentLight { parameters.append("max-cll=\(light.MaxCLL),\(light.MaxFALL)") }
        return parameters.joined(separator: ":")
    }
}
