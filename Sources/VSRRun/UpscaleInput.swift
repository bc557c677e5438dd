import Foundation
import VSRCore
import VSRMedia
import VSRPipeline
import VSRStreams

/// The run's frame source, and the media file behind it when FFmpeg reads it.
public struct UpscaleInput {
    public let source: FrameSource
    public let media: MediaFileReader?
    /// The rawvideo layout of the input, which raw output keeps (rgb24 stays rgb24).
    public let rawFormat: RawPixelFormat?
    /// X tags of a y4m input, carried to y4m output.
    public let y4mExtensions: [String]
    /// The input in messages: the path, or "stdin".
    public let name: String

    /// This input with its frames passed through `correction`'s filters (no change when there is
    /// nothing to do).
    public func corrected(by correction: FrameCorrection) throws -> (input: UpscaleInput, summary: String?) {
        guard let filtered = try FilteredFrameSource(source, correction: correction) else { return (self, nil) }
        return (
            UpscaleInput(source: filtered, media: media, rawFormat: rawFormat, y4mExtensions: y4mExtensions, name: name),
            filtered.summary
        )
    }

    /// The first frame's field flags where the stream's tags leave it open (files only; y4m states it).
    public func firstFrameFields() throws -> FieldOrder? {
        guard let media, !media.streamInfo.fieldOrder.isInterlaced, media.streamInfo.fieldOrder != .progressive else { return nil }
        return try media.peekFirstFrame()?.fields
    }

    /// Stdin or `--input-format` go through vsr's own y4m/rawvideo readers; files through FFmpeg.
    public static func open(_ endpoints: UpscaleEndpoints, pixFmt: String?) throws -> UpscaleInput {
        let isStdin = endpoints.input == "-"
        guard isStdin || endpoints.inputFormat != nil else {
            let isSequence = ImageSequence.input(endpoints.input) != nil
            if endpoints.size != nil || (endpoints.fps != nil && !isSequence) {
                throw VSRError.usage("--size and --fps describe rawvideo input (and --fps an image sequence); add --input-format rawvideo")
            }
            let rate = try endpoints.fps.map { try FrameGeometry.parseRate($0) } ?? Rational(25, 1)
            let reader = try MediaFileReader(
                path: endpoints.input, range: endpoints.timeRange(), sequenceRate: rate, selection: endpoints.selection)
            return UpscaleInput(source: reader, media: reader, rawFormat: nil, y4mExtensions: [], name: endpoints.input)
        }
        if try endpoints.timeRange() != nil {
            throw VSRError.usage("--start, --end and --duration need a media file as input, not raw frames")
        }
        if isStdin, isatty(STDIN_FILENO) == 1 {
            throw VSRError.usage("stdin is a terminal; pipe frames in, e.g. ffmpeg -i in.mkv -f yuv4mpegpipe - | vsr upscale - -o out.mkv")
        }
        let bytes = isStdin ? ByteInput.standardInput() : try ByteInput(path: endpoints.input)
        switch endpoints.inputFormat ?? .y4m {
        case .y4m:
            if endpoints.size != nil || endpoints.fps != nil {
                throw VSRError.usage("--size and --fps are for rawvideo input; y4m carries its own")
            }
            let reader = try Y4MReader(input: bytes)
            return UpscaleInput(source: reader, media: nil, rawFormat: nil, y4mExtensions: reader.header.extensions, name: bytes.name)
        case .rawvideo:
            guard let size = endpoints.size else { throw VSRError.usage("rawvideo input needs --size WxH") }
            guard let pixFmt else {
                throw VSRError.usage("rawvideo input needs --pix-fmt (\(RawPixelFormat.names.joined(separator: ", ")))")
            }
            guard let format = RawPixelFormat(name: pixFmt) else {
                throw VSRError.usage(
                    "--pix-fmt '\(pixFmt)' is not a rawvideo format vsr reads; expected one of \(RawPixelFormat.names.joined(separator: ", "))"
                )
            }
            let (width, height) = try FrameGeometry.parseSize(size)
            let rate = try endpoints.fps.map { try FrameGeometry.parseRate($0) } ?? Rational(25, 1)
            let reader = try RawVideoReader(input: bytes, width: width, height: height, format: format, frameRate: rate)
            return UpscaleInput(source: reader, media: nil, rawFormat: format, y4mExtensions: [], name: bytes.name)
        }
    }
}
