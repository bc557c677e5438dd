/// How the video is encoded. Unset values get per-codec defaults (see `EncoderDefaults`).
public struct EncoderSettings: Sendable, Equatable {
    /// An FFmpeg encoder name (libx264, libx265, libvpx-vp9, ffv1, ...); nil picks one from the container.
    public var codec: String?
    /// Constant rate factor, for encoders that have one.
    public var crf: Int?
    /// Speed/quality preset, for encoders that have one (x264/x265).
    public var preset: String?
    /// An FFmpeg pixel format name; nil keeps the input's (converted only if the encoder needs it).
    public var pixelFormat: String?
    /// Further encoder private options, `name=value`, passed as they are.
    public var options: [String: String]

    public init(
        codec: String? = nil, crf: Int? = nil, preset: String? = nil, pixelFormat: String? = nil,
        options: [String: String] = [:]
    ) {
        self.codec = codec
        self.crf = crf
        self.preset = preset
        self.pixelFormat = pixelFormat
        self.options = options
    }
}

/// Default encoders per container and default options per encoder.
enum EncoderDefaults {
    /// The encoder for a container (FFmpeg muxer short name), or nil for the muxer's own default.
    /// PQ and HLG video (transfer 16, 18) gets HEVC Main 10, which HDR displays and phones decode,
    /// where H.264 High 10 plays almost nowhere.
    static func codec(forMuxer muxer: String, transfer: Int32 = 2) -> String? {
        if [16, 18].contains(transfer), ["mp4", "matroska", "mov", "mpegts"].contains(muxer) { return "libx265" }
        switch muxer {
        // MPEG-TS, 3GP and FLV too: FFmpeg's own defaults there (MPEG-2, H.263, Sorenson) are from
        // another era.
        case "mp4", "matroska", "mov", "mpegts", "3gp", "flv", "ipod": return "libx264"
        case "webm": return "libvpx-vp9"
        case "yuv4mpegpipe": return "wrapped_avframe"
        default: return nil
        }
    }

    /// x264's preset names as libvpx-vp9 `cpu-used` values (0 slowest, 8 fastest).
    static let vp9Speed: [String: Int] = [
        "ultrafast": 8, "superfast": 8, "veryfast": 7, "faster": 6, "fast": 5, "medium": 4, "slow": 2, "slower": 1,
        "veryslow": 0, "placebo": 0,
    ]

    /// Private options set unless the user set them: quality-driven rate control for each family.
    static func options(forCodec codec: String, settings: EncoderSettings) -> [(String, String)] {
        switch codec {
        case "libx264", "libx265":
            return [("crf", String(settings.crf ?? 18)), ("preset", settings.preset ?? "medium")]
        case "libvpx-vp9":
            // Constant quality needs bit_rate 0 (set by the encoder type); row-mt uses every core.
            // libvpx has no presets: x264's names map onto its speed control.
            let speed = settings.preset.flatMap { vp9Speed[$0] } ?? 4
            return [("crf", String(settings.crf ?? 31)), ("row-mt", "1"), ("cpu-used", String(speed)), ("deadline", "good")]
        case "ffv1":
            // Version 3 with per-slice CRCs: the archival configuration.
            return [("level", "3"), ("slicecrc", "1")]
        default:
            var options: [(String, String)] = []
            if let crf = settings.crf { options.append(("crf", String(crf))) }
            if let preset = settings.preset { options.append(("preset", preset)) }
            return options
        }
    }
}
