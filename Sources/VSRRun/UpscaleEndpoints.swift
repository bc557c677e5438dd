import ArgumentParser
import Foundation
import VSRCore
import VSRStreams

/// `--input-format`: how stdin or a raw file is read.
public enum RawInputFormat: String, CaseIterable, ExpressibleByArgument, Sendable {
    case y4m, rawvideo
}

/// `--output-format`: how stdout or a raw file is written.
extension RawOutputFormat: ExpressibleByArgument {}

/// Where an upscale run's frames come from and go to, and what goes along with them: the part of
/// `vsr upscale`'s options that `vsr probe` and the benchmarks do not have.
public struct UpscaleEndpoints: ParsableArguments {
    @Argument(
        help: ArgumentHelp(
            "The video to upscale (any container and codec FFmpeg decodes), or - for y4m/raw frames on stdin.",
            valueName: "input"))
    public var input: String

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp(
            """
            The output file; its extension picks the container (.mp4, .mkv, .mov, .webm; .y4m for y4m; .yuv, \
            .raw or .rgb for rawvideo), or - for y4m/raw frames on stdout. Raw frames carry no audio or subtitles.
            """, valueName: "file"))
    public var output: String

    @Option(
        help: ArgumentHelp(
            "Read the input as raw frames: y4m (default for -) or rawvideo (needs --size and --pix-fmt).",
            valueName: "format"))
    public var inputFormat: RawInputFormat?

    @Option(help: ArgumentHelp("Frame size of rawvideo input, e.g. 1280x720.", valueName: "WxH"))
    public var size: String?

    @Option(help: ArgumentHelp("Frame rate of rawvideo input, e.g. 30000/1001 (default 25).", valueName: "N/D"))
    public var fps: String?

    @Option(
        help: ArgumentHelp(
            "Write raw frames: y4m (default for -) or rawvideo (default for .yuv/.raw/.rgb files).",
            valueName: "format"))
    public var outputFormat: RawOutputFormat?

    @Flag(name: [.customShort("y"), .long], help: "Replace the output if it exists.")
    public var overwrite = false

    @Flag(help: "Do not copy audio streams.")
    public var noAudio = false

    @Flag(help: "Do not copy subtitle streams.")
    public var noSubtitles = false

    /// Required by ArgumentParser; a value made by it cannot be read. Make one with `parse([...])`.
    public init() {}

    public func validate() throws {
        if let size { _ = try FrameGeometry.parseSize(size, flag: "--size") }
        if let fps { _ = try FrameGeometry.parseRate(fps, flag: "--fps") }
    }
}

/// The text forms of frame sizes and rates that flags take.
public enum FrameGeometry {
    /// "WxH" with both sides positive.
    public static func parseSize(_ text: String, flag: String = "--size") throws -> (width: Int, height: Int) {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]), width > 0, height > 0 else {
            throw VSRError.usage("\(flag) '\(text)' is not a frame size; expected WxH, e.g. 1280x720")
        }
        return (width, height)
    }

    /// "N" or "N/D" with both positive.
    public static func parseRate(_ text: String, flag: String = "--fps") throws -> Rational {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        let numerator = Int32(parts[0]), denominator = parts.count == 2 ? Int32(parts[1]) : 1
        guard parts.count <= 2, let numerator, let denominator, numerator > 0, denominator > 0 else {
            throw VSRError.usage("\(flag) '\(text)' is not a frame rate; expected N or N/D, e.g. 30000/1001")
        }
        return Rational(numerator, denominator)
    }
}
