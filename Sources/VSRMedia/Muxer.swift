import CFFmpeg
import Foundation
import VSRCore

/// Writes packets into a container with libavformat. Streams are added before `writeHeader()`; the
/// writer then calls `write` on its own thread for the video and the copied streams alike, and
/// libavformat interleaves them by dts. The lock keeps a `close()` from another thread (an abort)
/// from racing a write.
final class Muxer: @unchecked Sendable {
    let context: UnsafeMutablePointer<AVFormatContext>
    /// Where bytes go (a temporary file until the writer renames it).
    let path: String
    /// The final output path, for messages (`path` is the temporary file renamed at the end).
    let displayPath: String
    private let lock = NSLock()
    private var headerWritten = false
    private var closed = false

    /// - Parameters:
    ///   - path: the file to write.
    ///   - format: the container, chosen from the final output name by `Muxer.format(for:)`.
    init(path: String, format: UnsafePointer<AVOutputFormat>, displayPath: String) throws {
        self.path = path
        self.displayPath = displayPath
        var allocated: UnsafeMutablePointer<AVFormatContext>? = nil
        try FFmpeg.check(avformat_alloc_output_context2(&allocated, format, nil, path)) {
            VSRError.outputUnwritable(path: displayPath, reason: $0)
        }
        context = allocated!
        // On failure `deinit` (which runs, every stored property being set) frees the context.
        if format.pointee.flags & AVFMT_NOFILE == 0 {
            try FFmpeg.check(avio_open(&context.pointee.pb, "file:" + path, AVIO_FLAG_WRITE)) {
                VSRError.outputUnwritable(path: displayPath, reason: $0)
            }
        }
    }

    deinit { _ = close() }

    /// The container for an output file name, from its extension.
    static func format(for path: String) throws -> UnsafePointer<AVOutputFormat> {
        guard let format = av_guess_format(nil, path, nil) else {
            throw VSRError.usage(
                "\(path): cannot tell the container from the file name; " + "expected an extension such as .mp4, .mkv, .mov, .webm or .y4m")
        }
        return format
    }

    var format: UnsafePointer<AVOutputFormat> { context.pointee.oformat }

    /// Whether `format` takes a stream like `input`, asked of FFmpeg: its codec table first
    /// (`avformat_query_codec`), and where the table says no (attachments are not in Matroska's
    /// codec table, yet its muxer writes them), the muxer itself, by writing a header with that one
    /// stream into memory. Muxers without a table (MPEG-TS, Ogg) are asked the same way for audio and
    /// data only: MPEG-TS writes any subtitle or attachment as opaque private data, which no player
    /// reads back as what it was.
    static func accepts(_ input: UnsafeMutablePointer<AVStream>, format: UnsafePointer<AVOutputFormat>) -> Bool {
        let parameters = input.pointee.codecpar!
        let answer = avformat_query_codec(format, parameters.pointee.codec_id, FF_COMPLIANCE_NORMAL)
        if answer == 1 { return true }
        let kind = parameters.pointee.codec_type
        if answer < 0, kind != AVMEDIA_TYPE_AUDIO, kind != AVMEDIA_TYPE_DATA { return false }
        var trial: UnsafeMutablePointer<AVFormatContext>? = nil
        guard avformat_alloc_output_context2(&trial, format, nil, nil) >= 0, let trial else { return false }
        defer { avformat_free_context(trial) }
        guard let stream = avformat_new_stream(trial, nil),
            avcodec_parameters_copy(stream.pointee.codecpar, parameters) >= 0
        else { return false }
        stream.pointee.codecpar.pointee.codec_tag = 0
        stream.pointee.time_base = input.pointee.time_base
        av_dict_copy(&stream.pointee.metadata, input.pointee.metadata, 0)
        if format.pointee.flags & AVFMT_NOFILE == 0 {
            guard avio_open_dyn_buf(&trial.pointee.pb) >= 0 else { return false }
        }
        let accepted = avformat_write_header(trial, nil) >= 0
        if trial.pointee.pb != nil {
            var buffer: UnsafeMutablePointer<UInt8>? = nil
            _ = avio_close_dyn_buf(trial.pointee.pb, &buffer)
            av_free(buffer)
            trial.pointee.pb = nil
        }
        return accepted
    }

    /// Adds a stream; returns it so the caller can fill its parameters.
    func addStream() -> UnsafeMutablePointer<AVStream> {
        guard let stream = avformat_new_stream(context, nil) else { fatalError("avformat_new_stream: out of memory") }
        return stream
    }

    func stream(_ index: Int32) -> UnsafeMutablePointer<AVStream> { context.pointee.streams[Int(index)]! }

    /// - Parameter options: muxer options (e.g. `movflags`).
    func writeHeader(options: [String: String] = [:]) throws {
        var dictionary: OpaquePointer? = nil
        defer { av_dict_free(&dictionary) }
        for (key, value) in options { av_dict_set(&dictionary, key, value, 0) }
        try FFmpeg.check(avformat_write_header(context, &dictionary)) {
            VSRError.outputUnwritable(path: displayPath, reason: "cannot write the container header: \($0)")
        }
        headerWritten = true
    }

    /// Rescales `packet` from `timeBase` to the stream's time base and writes it, interleaved.
    func write(_ packet: Packet, to streamIndex: Int32, from timeBase: AVRational) throws {
        lock.lock()
        defer { lock.unlock() }
        let p = packet.pointer
        p.pointee.stream_index = streamIndex
        av_packet_rescale_ts(p, timeBase, stream(streamIndex).pointee.time_base)
        p.pointee.pos = -1
        try FFmpeg.check(av_interleaved_write_frame(context, p), "\(displayPath): writing a packet")
    }

    /// Writes the trailer and closes the file.
    func finish() throws {
        lock.lock()
        defer { lock.unlock() }
        guard headerWritten, !closed else { return }
        let trailer = av_write_trailer(context)
        let closing = close()
        try FFmpeg.check(trailer, "\(displayPath): writing the container trailer")
        try FFmpeg.check(closing, "\(displayPath): closing the output")
    }

    /// Closes the file without a trailer (after a failure) and frees the context.
    /// Returns avio's status: closing flushes buffered bytes, which can fail (disk full).
    @discardableResult
    func close() -> Int32 {
        guard !closed else { return 0 }
        closed = true
        var code: Int32 = 0
        if format.pointee.flags & AVFMT_NOFILE == 0 { code = avio_closep(&context.pointee.pb) }
        avformat_free_context(context)
        return code
    }
}
