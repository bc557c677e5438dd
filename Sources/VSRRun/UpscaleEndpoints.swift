import ArgumentParser
import Foundation
import VSRCore
import VSRMedia
import VSRStreams

/// Where an upscale run's frames come from and go to, and what goes along with them: the part of
/// `vsr upscale`'s options that `vsr probe` and the benchmarks do not have.
public struct UpscaleEndpoints: ParsableArguments {
    @Argument(
        help: ArgumentHelp(
            """
            The video or picture to upscale (any container and codec FFmpeg decodes), an image sequence \
            (frame_%03d.png, 'shots/*.png'), a folder (every video and picture in it, to -o DIR), or - for \
            y4m/raw frames on stdin.
            """,
            valueName: "input"))
    public var input: String

    @Argument(
        help: ArgumentHelp(
            "More files to upscale with the same options; with them, -o names an output folder.", valueName: "more inputs"))
    public var moreInputs: [String] = []

    /// Every input named: the first and the rest.
    public var inputs: [String] { [input] + moreInputs }

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

    @Option(
        help: ArgumentHelp(
            "Start at this time of the input: seconds or HH:MM:SS.mmm; frame-accurate, and the output starts at zero.",
            valueName: "time"))
    public var start: String?

    @Option(help: ArgumentHelp("Stop before this time of the input (seconds or HH:MM:SS.mmm).", valueName: "time"))
    public var end: String?

    @Option(help: ArgumentHelp("Upscale this long from --start (seconds or HH:MM:SS.mmm).", valueName: "time"))
    public var duration: String?

    @Flag(name: [.customShort("y"), .long], help: "Replace the output if it exists.")
    public var overwrite = false

    @Flag(help: "Do not copy audio streams.")
    public var noAudio = false

    @Flag(help: "Do not copy subtitle streams.")
    public var noSubtitles = false

    @Option(
        help: ArgumentHelp(
            """
            Audio encoder for every audio stream (e.g. libopus, aac), or copy to never re-encode. Default: \
            copy, re-encoding only audio the container cannot hold (to Opus, else AAC, ...).
            """, valueName: "name|copy"))
    public var audioCodec: String?

    /// The exact frames to read: a planned job's segment (not a flag: `vsr upscale --task` sets it).
    public var selection: FrameSelection?

    /// Only the video goes to the output (a job's segments; the merge copies the other streams).
    public var videoOnly = false

    enum CodingKeys: String, CodingKey {
        case input, moreInputs, output, inputFormat, size, fps, outputFormat, start, end, duration, overwrite, noAudio,
            noSubtitles, audioCodec
    }

    /// Required by ArgumentParser; a value made by it cannot be read. Make one with `parse([...])`.
    public init() {}

    /// The other streams the output takes: `--no-audio`, `--no-subtitles`, `--audio-codec`, and
    /// none at all for `videoOnly`.
    public var streamSelection: StreamSelection {
        StreamSelection(
            audio: !noAudio && !videoOnly, subtitles: !noSubtitles && !videoOnly, other: !videoOnly, audioCodec: audioCodec)
    }

    /// `--start`, `--end` and `--duration` as one range; nil when none is given.
    public func timeRange() throws -> TimeRange? {
        guard start != nil || end != nil || duration != nil else { return nil }
        func seconds(_ text: String, _ flag: String) throws -> Double {
            guard let value = TimeRange.seconds(text) else {
                throw ValidationError("\(flag) '\(text)' is not a time; expected seconds (90, 1.5) or HH:MM:SS.mmm")
            }
            return value
        }
        if end != nil && duration != nil { throw ValidationError("give --end or --duration, not both") }
        let from = try start.map { try seconds($0, "--start") } ?? 0
        var to = try end.map { try seconds($0, "--end") }
        if let duration {
            let length = try seconds(duration, "--duration")
            guard length > 0 else { throw ValidationError("--duration must be more than 0") }
            to = from + length
        }
        if let to, to <= from { throw ValidationError("--end (\(to) s) must come after --start (\(from) s)") }
        return TimeRange(start: from, end: to)
    }

    public func validate() throws {
        _ = try timeRange()
        if let size { _ = try FrameGeometry.parseSize(size, flag: "--size") }
        if let fps { _ = try FrameGeometry.parseRate(fps, flag: "--fps") }
    }
}
