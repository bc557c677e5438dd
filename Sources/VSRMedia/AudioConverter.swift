import CFFmpeg
import VSRCore

/// Re-encodes an audio stream the output container cannot hold (AC-3 or AAC in WebM, say) into
/// one it can: decode, then libavfilter's `aresample`/`aformat` to the encoder's rate, sample format
/// and frame size, then encode. Timestamps continue from the input's first. Not thread-safe: the
/// writer's thread owns it.
final class AudioConverter {
    private var decoder: UnsafeMutablePointer<AVCodecContext>?
    private var encoder: UnsafeMutablePointer<AVCodecContext>?
    private var graph: UnsafeMutablePointer<AVFilterGraph>?
    // Set while the graph is built; nil only until then. Every stored property has a value from the
    // start, so a failure part way through `init` still runs `deinit`, which frees what was made.
    private var source: UnsafeMutablePointer<AVFilterContext>!
    private var sink: UnsafeMutablePointer<AVFilterContext>!
    private let decoded = Frame()
    private let filtered = Frame()
    private let encoded = Packet()
    private let inputTimeBase: AVRational
    let targetName: String
    /// The time base of the packets `convert` returns.
    var timeBase: AVRational { encoder!.pointee.time_base }

    /// Encoders tried, in order, where the user names none: the first the container holds wins.
    static let defaultEncoders = ["libopus", "aac", "libvorbis", "ac3", "libmp3lame", "mp2"]

    /// A converter for `input` into `codecName` (or the first default encoder `format` holds).
    static func make(
        for input: UnsafeMutablePointer<AVStream>, format: UnsafePointer<AVOutputFormat>, codecName: String?
    ) throws -> AudioConverter? {
        for name in codecName.map({ [$0] }) ?? defaultEncoders {
            guard let codec = avcodec_find_encoder_by_name(name), codec.pointee.type == AVMEDIA_TYPE_AUDIO else {
                if codecName != nil { throw VSRError.usage("unknown audio encoder '\(name)' for --audio-codec (e.g. libopus, aac)") }
                continue
            }
            guard avformat_query_codec(format, codec.pointee.id, FF_COMPLIANCE_NORMAL) == 1 else {
                if codecName != nil {
                    throw VSRError.usage("--audio-codec \(name): the \(String(cString: format.pointee.name)) container cannot hold it")
                }
                continue
            }
            return try AudioConverter(input: input, codec: codec, format: format)
        }
        return nil
    }

    private init(input: UnsafeMutablePointer<AVStream>, codec: UnsafePointer<AVCodec>, format: UnsafePointer<AVOutputFormat>) throws {
        let name = String(cString: codec.pointee.name)
        targetName = name
        inputTimeBase = input.pointee.time_base
        let failure = { (message: String) in VSRError.processing("converting audio to \(name): \(message)") }
        let stageFailure = { (what: String) in { (message: String) in failure("\(what): \(message)") } }
        guard let decoding = avcodec_find_decoder(input.pointee.codecpar.pointee.codec_id) else { throw failure("no decoder") }
        decoder = avcodec_alloc_context3(decoding)
        encoder = avcodec_alloc_context3(codec)
        graph = avfilter_graph_alloc()
        guard let decoder, let encoder, let graph else { fatalError("out of memory") }
        try FFmpeg.check(avcodec_parameters_to_context(decoder, input.pointee.codecpar), failure)
        decoder.pointee.pkt_timebase = input.pointee.time_base
        try FFmpeg.check(avcodec_open2(decoder, decoding, nil), failure)

        // The encoder: the input's channels, its rate if the encoder takes it (Opus: 48 kHz), the
        // encoder's first sample format.
        var rate = decoder.pointee.sample_rate
        if let rates = codec.pointee.supported_samplerates {
            var cursor = rates, supported: [Int32] = []
            while cursor.pointee != 0 { supported.append(cursor.pointee); cursor += 1 }
            if !supported.contains(rate) { rate = supported.min { abs($0 - rate) < abs($1 - rate) } ?? 48000 }
        }
        encoder.pointee.sample_rate = rate
        encoder.pointee.sample_fmt = codec.pointee.sample_fmts?.pointee ?? AV_SAMPLE_FMT_FLTP
        try FFmpeg.check(av_channel_layout_copy(&encoder.pointee.ch_layout, &decoder.pointee.ch_layout), failure)
        if encoder.pointee.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC {
            av_channel_layout_default(&encoder.pointee.ch_layout, encoder.pointee.ch_layout.nb_channels)
        }
        encoder.pointee.time_base = AVRational(num: 1, den: rate)
        if format.pointee.flags & AVFMT_GLOBALHEADER != 0 { encoder.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        try FFmpeg.check(avcodec_open2(encoder, codec, nil), failure)

        // abuffer -> aresample, aformat -> abuffersink, which hands out frames of the encoder's size.
        var layoutName = [CChar](repeating: 0, count: 128)
        var inputLayout = decoder.pointee.ch_layout
        if inputLayout.order == AV_CHANNEL_ORDER_UNSPEC { av_channel_layout_default(&inputLayout, inputLayout.nb_channels) }
        av_channel_layout_describe(&inputLayout, &layoutName, layoutName.count)
        let arguments =
            "time_base=\(inputTimeBase.num)/\(inputTimeBase.den):sample_rate=\(decoder.pointee.sample_rate)"
            + ":sample_fmt=\(String(cString: av_get_sample_fmt_name(decoder.pointee.sample_fmt)))"
            + ":channel_layout=\(String(cString: layoutName))"
        var outputLayout = [CChar](repeating: 0, count: 128)
        av_channel_layout_describe(&encoder.pointee.ch_layout, &outputLayout, outputLayout.count)
        let chain =
            "aresample=\(rate),aformat=sample_fmts=\(String(cString: av_get_sample_fmt_name(encoder.pointee.sample_fmt)))"
            + ":sample_rates=\(rate):channel_layouts=\(String(cString: outputLayout))"
        (source, sink) = try FilterChain.build(
            graph, source: "abuffer", arguments: arguments, chain: chain, sink: "abuffersink", failure: stageFailure)
        if encoder.pointee.frame_size > 0, codec.pointee.capabilities & AV_CODEC_CAP_VARIABLE_FRAME_SIZE == 0 {
            av_buffersink_set_frame_size(sink, UInt32(encoder.pointee.frame_size))
        }
    }

    deinit {
        avfilter_graph_free(&graph)
        avcodec_free_context(&decoder)
        avcodec_free_context(&encoder)
    }

    /// Fills the output stream's codec parameters from the encoder.
    func describe(_ stream: UnsafeMutablePointer<AVStream>) throws {
        try FFmpeg.check(avcodec_parameters_from_context(stream.pointee.codecpar, encoder), "audio parameters")
        stream.pointee.time_base = encoder!.pointee.time_base
    }

    /// The encoded packets this input packet completes (often none or one), in `timeBase`.
    func convert(_ packet: Packet) throws -> [Packet] {
        try FFmpeg.status(avcodec_send_packet(decoder, packet.pointer)) { VSRError.processing("decoding audio: \($0)") }
        return try drain()
    }

    /// What is left in the decoder, filters and encoder at the end of the input.
    func flush() throws -> [Packet] {
        try FFmpeg.status(avcodec_send_packet(decoder, nil)) { VSRError.processing("decoding audio: \($0)") }
        var packets = try drain()
        try FFmpeg.check(av_buffersrc_add_frame_flags(source, nil, 0), "flushing the audio filters")
        packets += try filterAndEncode()
        try FFmpeg.status(avcodec_send_frame(encoder, nil)) { VSRError.processing("encoding audio: \($0)") }
        packets += try receivePackets()
        return packets
    }

    private func drain() throws -> [Packet] {
        var packets: [Packet] = []
        while true {
            decoded.unref()
            let status = try FFmpeg.status(avcodec_receive_frame(decoder, decoded.pointer)) {
                VSRError.processing("decoding audio: \($0)")
            }
            guard case .ok = status else { break }
            decoded.pointer.pointee.pts = decoded.pointer.pointee.best_effort_timestamp
            try FFmpeg.check(av_buffersrc_add_frame_flags(source, decoded.pointer, 0), "filtering audio")
            packets += try filterAndEncode()
        }
        return packets
    }

    private func filterAndEncode() throws -> [Packet] {
        var packets: [Packet] = []
        while true {
            filtered.unref()
            let status = try FFmpeg.status(av_buffersink_get_frame(sink, filtered.pointer)) {
                VSRError.processing("filtering audio: \($0)")
            }
            guard case .ok = status else { break }
            let f = filtered.pointer
            if f.pointee.pts != vsr_nopts_value() {
                f.pointee.pts = av_rescale_q(f.pointee.pts, av_buffersink_get_time_base(sink), encoder!.pointee.time_base)
            }
            try FFmpeg.check(avcodec_send_frame(encoder, f), "encoding audio with \(targetName)")
            packets += try receivePackets()
        }
        return packets
    }

    private func receivePackets() throws -> [Packet] {
        var packets: [Packet] = []
        while true {
            encoded.unref()
            let status = try FFmpeg.status(avcodec_receive_packet(encoder, encoded.pointer)) {
                VSRError.processing("encoding audio with \(self.targetName): \($0)")
            }
            guard case .ok = status else { break }
            let owned = Packet()
            av_packet_move_ref(owned.pointer, encoded.pointer)
            packets.append(owned)
        }
        return packets
    }
}
