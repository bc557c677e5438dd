import ArgumentParser
import Foundation
import VSRCore
import VSRMedia
import VSRStreams

/// `--input-format`: how stdin or a raw file is read.
enum RawInputFormat: String, CaseIterable, ExpressibleByArgument {
    case y4m, rawvideo
}

/// `--output-format`: how stdout or a raw file is written.
extension RawOutputFormat: ExpressibleByArgument {}

/// The run's frame source, and the media file behind it when FFmpeg reads it.
struct UpscaleInput {
    let source: FrameSource
    let media: MediaFileReader?
    /// The rawvideo layout of the input, which raw output keeps (rgb24 stays rgb24).
    let rawFormat: RawPixelFormat?
    /// X tags of a y4m input, carried to y4m output.
    let y4mExtensions: [String]
    /// The input in messages: the path, or "stdin".
    let name: String
}

/// The run's frame sink, and how to describe it.
struct UpscaleOutput {
    let sink: FrameSink
    /// "stdout" or the path.
    let name: String
    /// What is written, e.g. "libx264 yuv420p" or "y4m yuv420p".
    let description: String
    let warnings: [String]
}

extension UpscaleCommand {
    static let rawFileExtensions: Set<String> = ["yuv", "raw", "rgb"]

    /// Stdin or `--input-format` go through vsr's own y4m/rawvideo readers; files through FFmpeg.
    func openInput() throws -> UpscaleInput {
        let isStdin = input == "-"
        guard isStdin || inputFormat != nil else {
            if size != nil || fps != nil { throw VSRError.usage("--size and --fps describe rawvideo input; add --input-format rawvideo") }
            let reader = try MediaFileReader(path: input)
            return UpscaleInput(source: reader, media: reader, rawFormat: nil, y4mExtensions: [], name: input)
        }
        if isStdin, isatty(STDIN_FILENO) == 1 {
            throw VSRError.usage("stdin is a terminal; pipe frames in, e.g. ffmpeg -i in.mkv -f yuv4mpegpipe - | vsr upscale - -o out.mkv")
        }
        let bytes = isStdin ? ByteInput.standardInput() : try ByteInput(path: input)
        switch inputFormat ?? .y4m {
        case .y4m:
            if size != nil || fps != nil { throw VSRError.usage("--size and --fps are for rawvideo input; y4m carries its own") }
            let reader = try Y4MReader(input: bytes)
            return UpscaleInput(source: reader, media: nil, rawFormat: nil, y4mExtensions: reader.header.extensions, name: bytes.name)
        case .rawvideo:
            guard let size else { throw VSRError.usage("rawvideo input needs --size WxH") }
            guard let pixFmt else { throw VSRError.usage("rawvideo input needs --pix-fmt (\(RawPixelFormat.names.joined(separator: ", ")))") }
            guard let format = RawPixelFormat(name: pixFmt) else {
                throw VSRError.usage("--pix-fmt '\(pixFmt)' is not a rawvideo format vsr reads; expected one of \(RawPixelFormat.names.joined(separator: ", "))")
            }
            let (width, height) = try Self.parseSize(size)
            let rate = try fps.map(Self.parseRate) ?? Rational(25, 1)
            let reader = try RawVideoReader(input: bytes, width: width, height: height, format: format, frameRate: rate)
            return UpscaleInput(source: reader, media: nil, rawFormat: format, y4mExtensions: [], name: bytes.name)
        }
    }

    /// Stdout, `--output-format`, .y4m and .yuv/.raw/.rgb files go through vsr's own writers (every
    /// format, 10-bit included, with no `-strict` needed); other files through FFmpeg's encoders and muxers.
    func openOutput(video: VideoStreamInfo, input: UpscaleInput) throws -> UpscaleOutput {
        let isStdout = output == "-"
        let fileExtension = URL(fileURLWithPath: output).pathExtension.lowercased()
        let rawFormat = outputFormat ?? (isStdout || fileExtension == "y4m" ? .y4m
                                         : Self.rawFileExtensions.contains(fileExtension) ? .rawvideo : nil)
        guard let rawFormat else {
            let writer = try MediaFileWriter(
                path: output, video: video, source: input.media,
                streams: StreamSelection(audio: !noAudio, subtitles: !noSubtitles),
                settings: EncoderSettings(codec: codec, crf: crf, preset: preset,
                                          pixelFormat: input.rawFormat == nil ? pixFmt : nil, options: encoderOptions),
                overwrite: overwrite)
            return UpscaleOutput(sink: writer, name: output, description: "\(writer.codecName) \(writer.encodedPixelFormat)",
                                 warnings: writer.warnings)
        }
        if codec != nil || crf != nil || preset != nil {
            throw VSRError.usage("--codec, --crf and --preset apply to encoded files, not to \(rawFormat.rawValue) output")
        }
        if input.rawFormat == nil, let pixFmt, pixFmt != video.format.rawValue {
            throw VSRError.usage("\(rawFormat.rawValue) output keeps the input's pixel format (\(video.format.rawValue)); --pix-fmt \(pixFmt) needs an encoded output")
        }
        if isStdout, isatty(STDOUT_FILENO) == 1 {
            throw VSRError.usage("stdout is a terminal; redirect it or pipe it into a player or encoder, e.g. | mpv -")
        }
        if !isStdout, URL(fileURLWithPath: output).standardizedFileURL == URL(fileURLWithPath: self.input).standardizedFileURL {
            throw VSRError.usage("the output \(output) is the input")
        }
        let bytes = isStdout ? ByteOutput.standardOutput() : try ByteOutput(path: output, overwrite: overwrite)
        let name = isStdout ? "stdout" : output
        switch rawFormat {
        case .y4m:
            let writer = try Y4MWriter(output: bytes, stream: video, extensions: input.y4mExtensions)
            return UpscaleOutput(sink: writer, name: name, description: "y4m \(video.format.rawValue)", warnings: [])
        case .rawvideo:
            let format = input.rawFormat ?? .planar(video.format)
            return UpscaleOutput(sink: RawVideoWriter(output: bytes, format: format), name: name,
                                 description: "rawvideo \(format)", warnings: [])
        }
    }

    static func parseSize(_ text: String) throws -> (Int, Int) {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]), width > 0, height > 0 else {
            throw VSRError.usage("--size '\(text)' is not a frame size; expected WxH, e.g. 1280x720")
        }
        return (width, height)
    }

    static func parseRate(_ text: String) throws -> Rational {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        let numerator = Int32(parts[0]), denominator = parts.count == 2 ? Int32(parts[1]) : 1
        guard parts.count <= 2, let numerator, let denominator, numerator > 0, denominator > 0 else {
            throw VSRError.usage("--fps '\(text)' is not a frame rate; expected N or N/D, e.g. 30000/1001")
        }
        return Rational(numerator, denominator)
    }
}
