import Foundation
import VSRCore
import VSRMedia
import VSRPipeline
import VSRStreams

/// The run's frame sink, and how to describe it.
public struct UpscaleOutput {
    public let sink: FrameSink
    /// "stdout" or the path.
    public let name: String
    /// What is written, e.g. "libx264 yuv420p" or "y4m yuv420p".
    public let description: String
    public let warnings: [String]
    /// What was converted to fit the container (subtitles into another text format).
    public var notes: [String] = []

    /// True when the output keeps a display matrix (mp4, mov): frames then stay as stored and players
    /// turn them; other outputs get upright frames.
    public static func carriesDisplayMatrix(_ endpoints: UpscaleEndpoints) -> Bool {
        guard case .encoded = OutputKind.choose(path: endpoints.output, format: endpoints.outputFormat) else { return false }
        return MediaFileWriter.carriesDisplayMatrix(path: endpoints.output)
    }

    /// Opens the sink `OutputKind` chooses: vsr's own writers for raw frames (every format, 10-bit
    /// included, with no `-strict` needed), FFmpeg's encoders and muxers for other files.
    public static func open(
        _ endpoints: UpscaleEndpoints, settings: UpscaleSettings, video: VideoStreamInfo,
        input: UpscaleInput
    ) throws -> UpscaleOutput {
        let output = endpoints.output
        switch OutputKind.choose(path: output, format: endpoints.outputFormat) {
        case .encoded:
            let writer = try MediaFileWriter(
                path: output, video: video, source: input.media,
                streams: endpoints.streamSelection,
                settings: settings.encoder(pixFmtNamesInput: input.rawFormat != nil), overwrite: endpoints.overwrite,
                notSameAs: [endpoints.input])
            return UpscaleOutput(
                sink: writer, name: output, description: "\(writer.codecName) \(writer.encodedPixelFormat)",
                warnings: writer.warnings, notes: writer.notes)
        case .raw(let rawFormat):
            return try openRaw(rawFormat, endpoints: endpoints, settings: settings, video: video, input: input)
        }
    }

    private static func openRaw(
        _ rawFormat: RawOutputFormat, endpoints: UpscaleEndpoints, settings: UpscaleSettings,
        video: VideoStreamInfo, input: UpscaleInput
    ) throws -> UpscaleOutput {
        let output = endpoints.output
        let isStdout = output == "-"
        if settings.codec != nil || settings.crf != nil || settings.encoderPreset != nil {
            throw VSRError.usage("--codec, --crf and --encoder-preset apply to encoded files, not to \(rawFormat.rawValue) output")
        }
        if input.rawFormat == nil, let pixFmt = settings.pixFmt, pixFmt != video.format.rawValue {
            throw VSRError.usage(
                "\(rawFormat.rawValue) output keeps the input's pixel format (\(video.format.rawValue)); --pix-fmt \(pixFmt) needs an encoded output"
            )
        }
        if isStdout, isatty(STDOUT_FILENO) == 1 {
            throw VSRError.usage("stdout is a terminal; redirect it or pipe it into a player or encoder, e.g. | mpv -")
        }
        let bytes =
            isStdout
            ? ByteOutput.standardOutput() : try ByteOutput(path: output, overwrite: endpoints.overwrite, notSameAs: [endpoints.input])
        let name = isStdout ? "stdout" : output
        switch rawFormat {
        case .y4m:
            guard Y4MHeader.holds(video.format) else {
                var opaque = video
                opaque.format = video.format.withoutAlpha
                let writer = try Y4MWriter(output: bytes, stream: opaque, extensions: input.y4mExtensions)
                return UpscaleOutput(
                    sink: AlphaDroppingSink(writer), name: name, description: "y4m \(opaque.format.rawValue)",
                    warnings: ["the alpha (transparency) plane is dropped: y4m holds alpha only as 8-bit 4:4:4 (C444alpha)"])
            }
            let writer = try Y4MWriter(output: bytes, stream: video, extensions: input.y4mExtensions)
            return UpscaleOutput(sink: writer, name: name, description: "y4m \(video.format.rawValue)", warnings: [])
        case .rawvideo:
            let format = input.rawFormat ?? .planar(video.format)
            return UpscaleOutput(
                sink: RawVideoWriter(output: bytes, format: format), name: name,
                description: "rawvideo \(format)", warnings: [])
        }
    }
}
