import CFFmpeg
import VSRCore

/// Decodes one video stream with libavcodec, frame threading on. Not thread-safe.
final class VideoDecoder {
    private var context: UnsafeMutablePointer<AVCodecContext>
    private let path: String
    /// Packets the decoder rejected as invalid data; decoding goes on past them, as ffmpeg does.
    private(set) var corruptPackets = 0

    init(stream: UnsafeMutablePointer<AVStream>, path: String) throws {
        self.path = path
        let parameters = stream.pointee.codecpar!
        guard let codec = avcodec_find_decoder(parameters.pointee.codec_id) else {
            let name = String(cString: avcodec_get_name(parameters.pointee.codec_id))
            throw VSRError.unsupported("\(path): no decoder for video codec \(name) in this FFmpeg build")
        }
        guard let ctx = avcodec_alloc_context3(codec) else { fatalError("avcodec_alloc_context3: out of memory") }
        context = ctx
        do {
            try FFmpeg.check(avcodec_parameters_to_context(ctx, parameters), "\(path): decoder parameters")
            ctx.pointee.pkt_timebase = stream.pointee.time_base
            ctx.pointee.thread_count = 0  // one per core
            ctx.pointee.thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE
            // A stream whose frames grow past the limit mid-stream fails to decode instead of allocating.
            var options: OpaquePointer? = nil
            av_dict_set(&options, "max_pixels", "\(FrameSizeLimit.maxPixels)", 0)
            defer { av_dict_free(&options) }
            try FFmpeg.check(avcodec_open2(ctx, codec, &options)) {
                VSRError.invalidInput(path: path, reason: "cannot open the video decoder (\($0))")
            }
        }
        // No cleanup here on failure: every stored property is set, so `deinit` runs and frees the context.
    }

    deinit {
        var ctx: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&ctx)
    }

    /// Sends a packet, or nil to start draining. Damaged packets are counted and skipped.
    func send(_ packet: Packet?) throws {
        let code = avcodec_send_packet(context, packet?.pointer)
        if code == vsr_averror_invaliddata() {
            corruptPackets += 1
            return
        }
        try FFmpeg.status(code) { VSRError.invalidInput(path: self.path, reason: "decode error: \($0)") }
    }

    /// Receives the next decoded frame into `frame`: `.ok`, `.again` (needs input) or `.endOfStream`.
    /// A frame the decoder could not decode counts as a damaged packet and reads as `.again`: with
    /// frame threading, damage in a packet is reported here rather than by `send`.
    func receive(into frame: Frame) throws -> FFmpegStatus {
        frame.unref()
        let code = avcodec_receive_frame(context, frame.pointer)
        if code == vsr_averror_invaliddata() {
            corruptPackets += 1
            return .again
        }
        return try FFmpeg.status(code) { VSRError.invalidInput(path: self.path, reason: "decode error: \($0)") }
    }
}
