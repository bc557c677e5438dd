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

    init(path: String) throws {
        self.path = path
        guard FileManager.default.isReadableFile(atPath: path) else { throw VSRError.inputNotFound(path: path) }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw VSRError.invalidInput(path: path, reason: "is a directory, expected a media file")
        }
        var opened: UnsafeMutablePointer<AVFormatContext>? = nil
        let invalid = { (message: String) in
            VSRError.invalidInput(path: path, reason: "not a media file FFmpeg can read (\(message))")
        }
        try FFmpeg.check(avformat_open_input(&opened, path, nil, nil), invalid)
        guard let ctx = opened else { throw invalid("no context") }
        context = ctx
        do {
            try FFmpeg.check(avformat_find_stream_info(ctx, nil)) {
                VSRError.invalidInput(path: path, reason: "cannot read stream information (\($0))")
            }
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
