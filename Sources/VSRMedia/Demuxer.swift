import CFFmpeg
import Foundation
import VSRCore

/// Opens a media file with libavformat and reads its packets. Chooses the video stream to upscale.
/// Not thread-safe.
final class Demuxer {
    let path: String
    private(set) var context: UnsafeMutablePointer<AVFormatContext>
    /// Index of the video stream that is decoded and upscaled.
    let videoStreamIndex: Int32

    /// - Parameter sequenceRate: for an image sequence (a printf pattern or glob that names no
    ///   existing file), the frame rate its pictures are shown at.
    init(path: String, sequenceRate: Rational = Rational(25, 1)) throws {
        self.path = path
        let sequence = ImageSequence.input(path)
        if sequence == nil {
            guard FileManager.default.isReadableFile(atPath: path) else { throw VSRError.inputNotFound(path: path) }
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw VSRError.invalidInput(path: path, reason: "is a directory, expected a media file")
        }
        var opened: UnsafeMutablePointer<AVFormatContext>? = nil
        let invalid = { (message: String) in
            VSRError.invalidInput(path: path, reason: "not a media file FFmpeg can read (\(message))")
        }
        var options: OpaquePointer? = nil
        defer { av_dict_free(&options) }
        var format: UnsafePointer<AVInputFormat>? = nil
        if let sequence {
            // FFmpeg's image2 reads the pictures in order: numbered from the first number found
            // (0 to 4), or every file the glob matches, sorted.
            format = av_find_input_format("image2")
            av_dict_set(&options, "framerate", "\(sequenceRate.num)/\(sequenceRate.den)", 0)
            av_dict_set(&options, "pattern_type", sequence.kind == .glob ? "glob" : "sequence", 0)
        }
        // Always FFmpeg's file protocol: a file named `pipe:0.mp4` or `http:x` is a file here, never
        // stdin or a URL. (A glob is matched by image2 itself, without the protocol prefix.)
        let url = sequence?.kind == .glob ? path : "file:" + path
        let code = avformat_open_input(&opened, url, format, &options)
        if code < 0, sequence != nil {
            throw VSRError.inputNotFound(path: path)
        }
        try FFmpeg.check(code, invalid)
        guard let ctx = opened else { throw invalid("no context") }
        context = ctx
        do {
            // The container's own header first, before probing decodes anything, then what probing found.
            try Demuxer.checkFrameSizes(ctx, path: path)
            // Probing may decode a frame: the decoders it opens refuse frames over the size limit.
            var options = [OpaquePointer?](repeating: nil, count: Int(ctx.pointee.nb_streams))
            for index in options.indices { av_dict_set(&options[index], "max_pixels", "\(FrameSizeLimit.maxPixels)", 0) }
            defer { for index in options.indices { av_dict_free(&options[index]) } }
            try FFmpeg.check(avformat_find_stream_info(ctx, &options)) {
                VSRError.invalidInput(path: path, reason: "cannot read stream information (\($0))")
            }
            try Demuxer.checkFrameSizes(ctx, path: path)
            let best = av_find_best_stream(ctx, AVMEDIA_TYPE_VIDEO, -1, -1, nil, 0)
            guard best >= 0 else {
                throw VSRError.invalidInput(path: path, reason: "no video stream, expected at least one")
            }
            videoStreamIndex = best
        } catch {
            avformat_close_input(&opened)
            throw error
        }
    }

    /// Refuses a video stream whose header claims a frame over `FrameSizeLimit`.
    private static func checkFrameSizes(_ ctx: UnsafeMutablePointer<AVFormatContext>, path: String) throws {
        for index in 0..<Int(ctx.pointee.nb_streams) {
            let parameters = ctx.pointee.streams[index]!.pointee.codecpar.pointee
            guard parameters.codec_type == AVMEDIA_TYPE_VIDEO, parameters.width > 0, parameters.height > 0 else { continue }
            let width = Int(parameters.width), height = Int(parameters.height)
            guard FrameSizeLimit.accepts(width: width, height: height) else {
                throw VSRError.invalidInput(path: path, reason: FrameSizeLimit.refusal(width: width, height: height))
            }
        }
    }

    deinit {
        var ctx: UnsafeMutablePointer<AVFormatContext>? = context
        avformat_close_input(&ctx)
    }

    var streamCount: Int32 { Int32(context.pointee.nb_streams) }

    func stream(_ index: Int32) -> UnsafeMutablePointer<AVStream> {
        context.pointee.streams[Int(index)]!
    }

    var videoStream: UnsafeMutablePointer<AVStream> { stream(videoStreamIndex) }

    /// Reads the next packet of any stream into `packet`; false at the end of the input.
    func read(into packet: Packet) throws -> Bool {
        packet.unref()
        let status = try FFmpeg.status(av_read_frame(context, packet.pointer)) {
            VSRError.invalidInput(path: self.path, reason: "read error: \($0)")
        }
        return status != .endOfStream
    }
}
