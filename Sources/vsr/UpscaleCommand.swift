import ArgumentParser
import Foundation
import VSRCore
import VSRMedia
import VSRPipeline

/// `vsr upscale INPUT -o OUTPUT`: decode, upscale every frame, encode, and copy the other streams.
struct UpscaleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upscale",
        abstract: "Upscale a video file.",
        discussion: """
            The luma plane goes through the model; chroma planes go through --chroma-scaler. Audio, \
            subtitles, chapters and metadata are copied without re-encoding; every frame keeps its \
            timestamp, and colour tags and the sample aspect ratio are carried over. The output is \
            written to a temporary file beside it and renamed when complete. On SIGINT or SIGTERM \
            the frames done so far are finalized into a playable file and vsr exits with 130.
            """
    )

    @Argument(help: ArgumentHelp("The video to upscale (any container and codec FFmpeg decodes).", valueName: "input"))
    var input: String

    @Option(name: .shortAndLong, help: ArgumentHelp(
        "The output file; its extension picks the container (.mp4, .mkv, .mov, .webm, .y4m).", valueName: "file"))
    var output: String

    @Option(help: "Upscaling factor: 2, 3 or 4.")
    var scale: Int = 2

    @Option(help: ArgumentHelp("Luma upscaler: \(ClassicalModel.allValueStrings.joined(separator: ", ")).",
                               valueName: "name"))
    var model: ClassicalModel = .bicubic

    @Option(help: ArgumentHelp("Chroma upscaler: \(ResamplingFilter.allCases.map(\.rawValue).joined(separator: ", ")).",
                               valueName: "filter"))
    var chromaScaler: ResamplingFilter = .lanczos

    @Option(help: ArgumentHelp("""
        Video encoder (an FFmpeg encoder name). Default: libx264 for .mp4/.mkv/.mov, libvpx-vp9 for \
        .webm, raw frames for .y4m; ffv1 makes lossless archives.
        """, valueName: "name"))
    var codec: String?

    @Option(help: ArgumentHelp("Constant rate factor (x264/x265 default 18, vp9 default 31); lower is better.",
                               valueName: "n"))
    var crf: Int?

    @Option(help: ArgumentHelp("Encoder preset for x264/x265 (ultrafast ... veryslow; default medium).",
                               valueName: "name"))
    var preset: String?

    @Option(help: ArgumentHelp("Output pixel format (default: the input's; 10-bit stays 10-bit where the codec allows).",
                                valueName: "format"))
    var pixFmt: String?

    @Flag(name: [.customShort("y"), .long], help: "Replace the output if it exists.")
    var overwrite = false

    @Option(help: ArgumentHelp("Progress on stderr: auto (live on a terminal), plain (a line every 5 s), none.",
                               valueName: "mode"))
    var progress: ProgressMode = .auto

    @Option(help: ArgumentHelp("Stop after this many frames.", valueName: "n"))
    var frames: Int?

    @Flag(help: "Do not copy audio streams.")
    var noAudio = false

    @Flag(help: "Do not copy subtitle streams.")
    var noSubtitles = false

    @Flag(name: .shortAndLong, help: "Show FFmpeg's own log messages.")
    var verbose = false

    func validate() throws {
        guard (2...4).contains(scale) else {
            throw ValidationError("--scale must be 2, 3 or 4, got \(scale)")
        }
        if let crf, !(0...63).contains(crf) { throw ValidationError("--crf must be 0...63, got \(crf)") }
        if let frames, frames < 1 { throw ValidationError("--frames must be at least 1, got \(frames)") }
    }

    func run() throws {
        MediaLogging.configure(verbose: verbose)
        let reader = try MediaFileReader(path: input)
        let outputInfo = reader.streamInfo.scaled(by: scale)
        let writer = try MediaFileWriter(
            path: output, video: outputInfo, source: reader,
            streams: StreamSelection(audio: !noAudio, subtitles: !noSubtitles),
            settings: EncoderSettings(codec: codec, crf: crf, preset: preset, pixelFormat: pixFmt),
            overwrite: overwrite)
        writer.warnings.forEach(Console.warning)

        let luma = ResizingLumaUpscaler(resizer: SwscalePlaneResizer(filter: model.filter), scale: scale)
        let upscaler = FrameUpscaler(luma: luma, chroma: SwscalePlaneResizer(filter: chromaScaler))
        let cancellation = CancellationFlag()
        let trap = SignalTrap(cancelling: cancellation)
        defer { withExtendedLifetime(trap) {} }

        let total = [frames, reader.streamInfo.estimatedFrameCount].compactMap { $0 }.min()
        let reporter = ProgressReporter(mode: progress, total: total)
        let runner = UpscaleRunner(frameLimit: frames, cancellation: cancellation)
        let summary: RunSummary
        do {
            summary = try runner.run(source: reader, upscaler: upscaler, sink: writer,
                                     progress: reporter.update)
        } catch {
            reporter.end()
            throw error
        }
        reporter.end()
        if reader.corruptPackets > 0 {
            Console.warning("\(input): skipped \(reader.corruptPackets) damaged video packet(s)")
        }
        let info = reader.streamInfo
        var line = "upscaled \(summary.frames) frames \(info.width)x\(info.height) -> " +
            "\(outputInfo.width)x\(outputInfo.height) (\(model.rawValue), \(writer.codecName) " +
            "\(writer.encodedPixelFormat)) in " + String(format: "%.2f s (%.1f fps)", summary.seconds,
                                                         summary.framesPerSecond)
        line += "; wrote \(output)" + (summary.outputBytes.map { " (\(ByteCount.describe($0)))" } ?? "")
        Console.note(line)
        if summary.interrupted {
            Console.note("interrupted: kept the \(summary.frames) frames done so far in \(output)")
            throw ExitCode(ExitStatus.interrupted)
        }
    }
}

/// The classical luma upscalers (SR models join them in the model registry).
enum ClassicalModel: String, ExpressibleByArgument, CaseIterable {
    case bicubic, lanczos

    var filter: ResamplingFilter {
        switch self {
        case .bicubic: return .bicubic
        case .lanczos: return .lanczos
        }
    }
}

extension ResamplingFilter: ExpressibleByArgument {}

enum ByteCount {
    static func describe(_ bytes: Int64) -> String {
        let value = Double(bytes)
        if value >= 1e9 { return String(format: "%.2f GB", value / 1e9) }
        if value >= 1e6 { return String(format: "%.1f MB", value / 1e6) }
        if value >= 1e3 { return String(format: "%.1f kB", value / 1e3) }
        return "\(bytes) B"
    }
}
