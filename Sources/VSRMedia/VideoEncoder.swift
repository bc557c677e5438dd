import CFFmpeg
import VSRCore

/// Encodes frames with libavcodec. Picks the codec, pixel format and options; carries timing,
/// colour and aspect ratio to the codec. Not thread-safe.
final class VideoEncoder {
    let context: UnsafeMutablePointer<AVCodecContext>
    let codecName: String
    /// The pixel format frames must be in when sent.
    let pixelFormat: AVPixelFormat
    /// What vsr chose for the user: a more playable layout than the source's (4:2:0 for .mp4), an
    /// x264 preset name mapped onto libvpx's speed.
    let notes: [String]

    /// - Parameters:
    ///   - video: the frames to encode (already at the output size).
    ///   - timeBase: the time base of the pts that will be sent.
    ///   - muxer: the container, for its default codec and global-header flag.
    ///   - hdr: static HDR metadata to give x265 for its SEI messages.
    init(
        video: VideoStreamInfo, timeBase: Rational, muxer: UnsafePointer<AVOutputFormat>,
        settings: EncoderSettings, outputPath: String, hdr: StaticHDRMetadata? = nil
    ) throws {
        let muxerName = String(cString: muxer.pointee.name)
        let codec = try VideoEncoder.codec(settings: settings, muxer: muxer, video: video, outputPath: outputPath)
        codecName = String(cString: codec.pointee.name)
        guard codec.pointee.type == AVMEDIA_TYPE_VIDEO else {
            throw VSRError.unsupported("'\(codecName)' is not a video encoder")
        }
        // 0 is FFmpeg's "no"; a negative answer means the muxer keeps no table (MPEG-TS, Ogg), and
        // its header decides.
        guard avformat_query_codec(muxer, codec.pointee.id, FF_COMPLIANCE_NORMAL) != 0 else {
            throw VSRError.unsupported("\(outputPath): the \(muxerName) container cannot hold \(codecName) video")
        }
        var source = video.format
        var notes: [String] = []
        if settings.pixelFormat == nil, let playable = VideoEncoder.playableFormat(for: source, codec: codecName, muxer: muxerName) {
            notes.append(
                "\(outputPath): \(source.rawValue) is encoded as \(playable.rawValue), which browsers and phones play; "
                    + "--pix-fmt \(source.rawValue) keeps it")
            source = playable
        }
        if codecName == "libvpx-vp9", let preset = settings.preset {
            guard let speed = EncoderDefaults.vp9Speed[preset] else {
                throw VSRError.usage(
                    "libvpx-vp9 has no preset '\(preset)'; --encoder-preset takes x264's names for it "
                        + "(\(EncoderDefaults.vp9Speed.keys.sorted().joined(separator: ", ")))")
            }
            notes.append("--encoder-preset \(preset) is libvpx-vp9's cpu-used \(speed) (libvpx has no presets)")
        }
        self.notes = notes
        pixelFormat = try VideoEncoder.choosePixelFormat(
            codec: codec, codecName: codecName,
            source: source, requested: settings.pixelFormat)
        try VideoEncoder.checkDimensions(video: video, format: pixelFormat, codecName: codecName)

        guard let ctx = avcodec_alloc_context3(codec) else { fatalError("avcodec_alloc_context3: out of memory") }
        context = ctx
        do {
            let c = ctx
            c.pointee.width = Int32(video.width)
            c.pointee.height = Int32(video.height)
            c.pointee.pix_fmt = pixelFormat
            c.pointee.time_base = timeBase.avRational
            if video.frameRate.num > 0 && video.frameRate.den > 0 { c.pointee.framerate = video.frameRate.avRational }
            c.pointee.sample_aspect_ratio = video.sampleAspectRatio.avRational
            c.pointee.color_primaries = AVColorPrimaries(rawValue: UInt32(video.color.primaries))
            c.pointee.color_trc = AVColorTransferCharacteristic(rawValue: UInt32(video.color.transfer))
            c.pointee.colorspace = AVColorSpace(rawValue: UInt32(video.color.matrix))
            c.pointee.color_range = AVColorRange(rawValue: UInt32(video.color.range.rawValue))
            c.pointee.chroma_sample_location = AVChromaLocation(rawValue: UInt32(video.color.chromaLocation.rawValue))
            // Deinterlaced and progressive pictures say so; upscaled fields (--deinterlace off) are no
            // longer fields, so nothing is claimed for them.
            c.pointee.field_order = video.fieldOrder == .progressive ? AV_FIELD_PROGRESSIVE : AV_FIELD_UNKNOWN
            c.pointee.thread_count = 0
            if muxer.pointee.flags & AVFMT_GLOBALHEADER != 0 { c.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
            if codecName == "libvpx-vp9" { c.pointee.bit_rate = 0 }
            if codecName == "mjpeg" {
                // JPEG stills at quality 2 of 31 (ffmpeg's -q:v 2), from limited-range YUV too
                // (an FFmpeg extension of JPEG, hence "unofficial").
                c.pointee.flags |= AV_CODEC_FLAG_QSCALE
                c.pointee.global_quality = Int32(settings.crf ?? 2) * FF_QP2LAMBDA
                c.pointee.strict_std_compliance = FF_COMPLIANCE_UNOFFICIAL
            }

            var options: OpaquePointer? = nil
            defer { av_dict_free(&options) }
            for (key, value) in EncoderDefaults.options(forCodec: codecName, settings: settings)
            where settings.options[key] == nil {
                av_dict_set(&options, key, value, 0)
            }
            for (key, value) in settings.options { av_dict_set(&options, key, value, 0) }
            if codecName == "libx265" {
                // x265 logs to stderr itself: errors only, as vsr's own FFmpeg logging. HDR's SEI
                // parameters next; the user's own x265-params last, so theirs win.
                let own = settings.options["x265-params"]
                let parameters = ["log-level=error", hdr?.x265Parameters ?? ""] + [own].compactMap { $0 }
                av_dict_set(&options, "x265-params", parameters.filter { !$0.isEmpty }.joined(separator: ":"), 0)
            }
            try FFmpeg.check(avcodec_open2(c, codec, &options)) {
                VSRError.unsupported(
                    "cannot open encoder \(self.codecName) for \(video.width)x\(video.height) "
                        + "\(PixelFormat.name(of: self.pixelFormat)): \($0)")
            }
            // Options left in the dictionary were not recognised by the encoder.
            if let unused = av_dict_get(options, "", nil, AV_DICT_IGNORE_SUFFIX) {
                let key = String(cString: unused.pointee.key)
                throw VSRError.usage("encoder \(codecName) has no option '\(key)'")
            }
        }
        // No cleanup here on failure: every stored property is set, so a throwing init still runs
        // `deinit`, which frees the context (freeing it here too was a double free).
    }

    /// The encoder `settings` name, or the container's default.
    static func codec(
        settings: EncoderSettings, muxer: UnsafePointer<AVOutputFormat>, video: VideoStreamInfo, outputPath: String
    ) throws -> UnsafePointer<AVCodec> {
        let muxerName = String(cString: muxer.pointee.name)
        if let name = settings.codec ?? EncoderDefaults.codec(forMuxer: muxerName, transfer: video.color.transfer) {
            guard let found = avcodec_find_encoder_by_name(name) else {
                throw VSRError.unsupported("unknown encoder '\(name)': this FFmpeg build has no such video encoder")
            }
            return found
        }
        // FFmpeg's own guess from the name: image2 picks png for .png, bmp for .bmp, mjpeg for .jpg.
        let guessed = av_guess_codec(muxer, nil, outputPath, nil, AVMEDIA_TYPE_VIDEO)
        guard let found = avcodec_find_encoder(guessed != AV_CODEC_ID_NONE ? guessed : muxer.pointee.video_codec) else {
            throw VSRError.unsupported("\(outputPath): the \(muxerName) container has no default video encoder; use --codec")
        }
        return found
    }

    /// True where frames must be numbered at a fixed rate (time base 1/fps) instead of keeping the
    /// source's clock: Theora's granule positions count frames (a 1/15360 clock made Ogg readers
    /// see 2 of 15 frames), MPEG-4 Part 2 and H.263 take at most 65535 ticks a second, MPEG-1/2
    /// take only their standard rates, and AVI counts chunks (a gap becomes empty "drop" chunks).
    static func needsFrameRateClock(codec: UnsafePointer<AVCodec>, muxer: UnsafePointer<AVOutputFormat>) -> Bool {
        let fixedRateCodecs: Set<AVCodecID> = [
            AV_CODEC_ID_THEORA, AV_CODEC_ID_MPEG4, AV_CODEC_ID_H263, AV_CODEC_ID_H263P, AV_CODEC_ID_MPEG1VIDEO,
            AV_CODEC_ID_MPEG2VIDEO, AV_CODEC_ID_MSMPEG4V2, AV_CODEC_ID_MSMPEG4V3, AV_CODEC_ID_WMV1, AV_CODEC_ID_WMV2,
        ]
        return fixedRateCodecs.contains(codec.pointee.id) || String(cString: muxer.pointee.name) == "avi"
    }

    deinit {
        var ctx: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&ctx)
    }

    /// Sends a frame, or nil to drain.
    func send(_ frame: UnsafeMutablePointer<AVFrame>?) throws {
        try FFmpeg.check(avcodec_send_frame(context, frame), "encoding with \(codecName)")
    }

    /// Receives the next packet: `.ok`, `.again` (needs more frames) or `.endOfStream`.
    func receive(into packet: Packet) throws -> FFmpegStatus {
        packet.unref()
        return try FFmpeg.status(avcodec_receive_packet(context, packet.pointer)) {
            VSRError.processing("encoding with \(self.codecName): \($0)")
        }
    }

    /// The requested format if the encoder takes it; otherwise the source's native format if the
    /// encoder takes it; otherwise the encoder's closest supported format.
    /// 4:2:0 at the source's bit depth where the container is for playback (.mp4, .mov, .webm) and
    /// the encoder would otherwise make a 4:4:4, 4:2:2 or 4:0:0 stream (H.264 High 4:4:4 and the like)
    /// that browsers and phones do not decode; nil where the source is 4:2:0 already or the output
    /// is for archiving (.mkv, FFV1, ProRes, PNG keep the source's layout).
    static func playableFormat(for source: PixelFormat, codec: String, muxer: String) -> PixelFormat? {
        guard ["mp4", "mov", "webm"].contains(muxer), ["libx264", "libx265", "libvpx-vp9"].contains(codec) else { return nil }
        let shift = source.chromaShift
        guard source.isGray || shift.x != 1 || shift.y != 1 else { return nil }
        let planar = PixelFormat.yuv420p.withBitDepth(source.bitDepth)
        // VP9 keeps alpha in WebM; the others have none to keep.
        return source.hasAlpha && codec == "libvpx-vp9" ? planar.withAlpha : planar
    }

    private static func choosePixelFormat(
        codec: UnsafePointer<AVCodec>, codecName: String, source: PixelFormat,
        requested: String?
    ) throws -> AVPixelFormat {
        let supported = supportedFormats(codec)
        // GIF: a palette made from the frames themselves (MediaFileWriter's palette filters), not a
        // fixed 3-3-2 colour cube that tints and dithers greys.
        if requested == nil, codecName == "gif", supported.contains(AV_PIX_FMT_PAL8) { return AV_PIX_FMT_PAL8 }
        if let requested {
            let format = av_get_pix_fmt(requested)
            guard format != AV_PIX_FMT_NONE else {
                throw VSRError.usage("unknown pixel format '\(requested)' for --pix-fmt (e.g. yuv420p, yuv420p10le)")
            }
            guard supported.isEmpty || supported.contains(format) else {
                let names = supported.map { PixelFormat.name(of: $0) }.joined(separator: ", ")
                throw VSRError.unsupported("encoder \(codecName) does not take pixel format \(requested); it takes: \(names)")
            }
            return format
        }
        let native = source.avPixelFormat
        if supported.isEmpty || supported.contains(native) { return native }
        // Transparency first: FFmpeg's ranking would trade alpha for chroma resolution (VP9 takes
        // yuva420p but also yuv444p).
        let withAlpha = supported.filter { av_pix_fmt_desc_get($0).map { $0.pointee.flags & UInt64(AV_PIX_FMT_FLAG_ALPHA) != 0 } ?? false }
        var list = (source.hasAlpha && !withAlpha.isEmpty ? withAlpha : supported) + [AV_PIX_FMT_NONE]
        return avcodec_find_best_pix_fmt_of_list(&list, native, 0, nil)
    }

    private static func supportedFormats(_ codec: UnsafePointer<AVCodec>) -> [AVPixelFormat] {
        guard var cursor = codec.pointee.pix_fmts else { return [] }
        var formats: [AVPixelFormat] = []
        while cursor.pointee != AV_PIX_FMT_NONE {
            formats.append(cursor.pointee)
            cursor += 1
        }
        return formats
    }

    /// H.264 and HEVC code chroma in whole samples: subsampled formats need even sizes.
    private static func checkDimensions(video: VideoStreamInfo, format: AVPixelFormat, codecName: String) throws {
        guard ["libx264", "libx265", "libx264rgb"].contains(codecName),
            let descriptor = av_pix_fmt_desc_get(format)
        else { return }
        let xStep = 1 << Int(descriptor.pointee.log2_chroma_w), yStep = 1 << Int(descriptor.pointee.log2_chroma_h)
        if video.width % xStep != 0 || video.height % yStep != 0 {
            throw VSRError.unsupported(
                "encoder \(codecName) needs a width divisible by \(xStep) and a height divisible by \(yStep) for "
                    + "\(PixelFormat.name(of: format)), but the output is \(video.width)x\(video.height); "
                    + "use --pad or --crop, another --scale, --pix-fmt yuv444p or --codec ffv1")
        }
    }
}
