import CFFmpeg
import VSRCore

/// Turns a text subtitle stream into another text format a container holds: SubRip, ASS or WebVTT
/// into `mov_text` for mp4/mov, `mov_text` into SubRip for Matroska, as `ffmpeg -c:s mov_text`
/// does (decoded into FFmpeg's ASS events, encoded again). Each packet keeps its timestamps and
/// duration. Not thread-safe: the writer's thread owns it.
final class SubtitleConverter {
    private var decoder: UnsafeMutablePointer<AVCodecContext>?
    private var encoder: UnsafeMutablePointer<AVCodecContext>?
    let targetName: String
    private var buffer = [UInt8](repeating: 0, count: 1 << 20)

    /// Text formats tried, in order, for a container that cannot hold the source's.
    static let textFormats: [AVCodecID] = [AV_CODEC_ID_MOV_TEXT, AV_CODEC_ID_SUBRIP, AV_CODEC_ID_WEBVTT, AV_CODEC_ID_ASS]

    /// A converter from `input`'s text subtitles to the first text format `format` holds; nil when
    /// the input is not text (DVD and PGS bitmaps stay as they are or are dropped) or no format fits.
    static func make(for input: UnsafeMutablePointer<AVStream>, format: UnsafePointer<AVOutputFormat>) -> SubtitleConverter? {
        let parameters = input.pointee.codecpar!
        guard parameters.pointee.codec_type == AVMEDIA_TYPE_SUBTITLE,
            let descriptor = avcodec_descriptor_get(parameters.pointee.codec_id),
            descriptor.pointee.props & AV_CODEC_PROP_TEXT_SUB != 0
        else { return nil }
        for target in textFormats where target != parameters.pointee.codec_id {
            guard avformat_query_codec(format, target, FF_COMPLIANCE_NORMAL) == 1 else { continue }
            if let converter = try? SubtitleConverter(input: input, target: target) { return converter }
        }
        return nil
    }

    private init(input: UnsafeMutablePointer<AVStream>, target: AVCodecID) throws {
        targetName = String(cString: avcodec_get_name(target))
        let failure = { (message: String) in VSRError.processing("converting subtitles to \(target): \(message)") }
        guard let decoding = avcodec_find_decoder(input.pointee.codecpar.pointee.codec_id),
            let encoding = avcodec_find_encoder(target)
        else { throw failure("no codec") }
        decoder = avcodec_alloc_context3(decoding)
        encoder = avcodec_alloc_context3(encoding)
        guard let decoder, let encoder else { fatalError("avcodec_alloc_context3: out of memory") }
        try FFmpeg.check(avcodec_parameters_to_context(decoder, input.pointee.codecpar), failure)
        decoder.pointee.pkt_timebase = input.pointee.time_base
        try FFmpeg.check(avcodec_open2(decoder, decoding, nil), failure)
        encoder.pointee.time_base = input.pointee.time_base
        // The ASS header (styles) the decoder made is what the encoder writes from.
        if let header = decoder.pointee.subtitle_header, decoder.pointee.subtitle_header_size > 0 {
            let size = Int(decoder.pointee.subtitle_header_size)
            guard let copy = av_mallocz(size + 1)?.assumingMemoryBound(to: UInt8.self) else { throw failure("out of memory") }
            copy.update(from: header, count: size)
            encoder.pointee.subtitle_header = copy
            encoder.pointee.subtitle_header_size = Int32(size)
        }
        try FFmpeg.check(avcodec_open2(encoder, encoding, nil), failure)
    }

    deinit {
        avcodec_free_context(&decoder)
        avcodec_free_context(&encoder)
    }

    /// Fills the output stream's codec parameters from the encoder.
    func describe(_ stream: UnsafeMutablePointer<AVStream>) throws {
        try FFmpeg.check(avcodec_parameters_from_context(stream.pointee.codecpar, encoder), "subtitle parameters")
    }

    /// The packet in the target format, timing kept; nil when it holds no event (a clearing packet
    /// some formats use).
    func convert(_ packet: Packet) throws -> Packet? {
        var subtitle = AVSubtitle()
        var got: Int32 = 0
        try FFmpeg.check(avcodec_decode_subtitle2(decoder, &subtitle, &got, packet.pointer), "decoding a subtitle")
        guard got != 0 else { return nil }
        defer { avsubtitle_free(&subtitle) }
        let size = buffer.withUnsafeMutableBufferPointer {
            avcodec_encode_subtitle(encoder, $0.baseAddress, Int32($0.count), &subtitle)
        }
        try FFmpeg.check(size, "encoding a \(targetName) subtitle")
        let out = Packet()
        try FFmpeg.check(av_new_packet(out.pointer, size), "allocating a subtitle packet")
        out.pointer.pointee.data.update(from: buffer, count: Int(size))
        let p = packet.pointer.pointee
        out.pointer.pointee.pts = p.pts
        out.pointer.pointee.dts = p.dts == vsr_nopts_value() ? p.pts : p.dts
        out.pointer.pointee.duration = p.duration
        out.pointer.pointee.stream_index = p.stream_index
        out.pointer.pointee.flags = AV_PKT_FLAG_KEY
        return out
    }
}
