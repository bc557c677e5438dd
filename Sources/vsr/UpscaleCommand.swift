import ArgumentParser
import Foundation
import VSRCore
import VSRInference
import VSRMedia
import VSRPresets
import VSRPipeline
import VSRStreams

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

            Pipes: input - reads y4m (or, with --input-format rawvideo, raw frames) from stdin, and \
            output - writes y4m (or --output-format rawvideo) to stdout, each frame as soon as it is \
            done, e.g. ffmpeg -i in.mkv -f yuv4mpegpipe - | vsr upscale - -o - | x264 --demuxer y4m -o out.264 -. \
            A truncated or damaged input ends the run early: the frames before the damage are written \
            and vsr exits with 65. When the reader of stdout goes away, vsr stops quietly with 141.
            """
    )

    @Argument(help: ArgumentHelp(
        "The video to upscale (any container and codec FFmpeg decodes), or - for y4m/raw frames on stdin.",
        valueName: "input"))
    var input: String

    @Option(name: .shortAndLong, help: ArgumentHelp("""
        The output file; its extension picks the container (.mp4, .mkv, .mov, .webm; .y4m for y4m; .yuv, \
        .raw or .rgb for rawvideo), or - for y4m/raw frames on stdout. Raw frames carry no audio or subtitles.
        """, valueName: "file"))
    var output: String

    @Option(help: ArgumentHelp("Read the input as raw frames: y4m (default for -) or rawvideo (needs --size and --pix-fmt).",
                               valueName: "format"))
    var inputFormat: RawInputFormat?

    @Option(help: ArgumentHelp("Frame size of rawvideo input, e.g. 1280x720.", valueName: "WxH"))
    var size: String?

    @Option(help: ArgumentHelp("Frame rate of rawvideo input, e.g. 30000/1001 (default 25).", valueName: "N/D"))
    var fps: String?

    @Option(help: ArgumentHelp("Write raw frames: y4m (default for -) or rawvideo (default for .yuv/.raw/.rgb files).",
                               valueName: "format"))
    var outputFormat: RawOutputFormat?

    @Option(help: "Upscaling factor: 2, 3 or 4 (default: the model's, or 2).")
    var scale: Int?

    @Option(help: ArgumentHelp("""
        The upscaler: bicubic, lanczos, a shipped model (repsr-y-x2, repsr-y-x4) or an installed one \
        (see `vsr models`). Default: repsr-y-x2, or repsr-y-x4 with --scale 4; bicubic at x3.
        """, valueName: "name"))
    var model: String?

    @Option(help: ArgumentHelp("A model file (.safetensors) to use instead of --model.", valueName: "file"))
    var weights: String?

    @Option(help: ArgumentHelp("""
        A preset (Pipelines/NAME.json, or NAME from `vsr presets`) that fixes the model, tiling, queues, \
        threads, chroma scaler and encoder; flags given here override it.
        """, valueName: "preset"))
    var pipeline: String?

    @Option(help: ArgumentHelp("Tile size in input pixels for networks (default 256).", valueName: "n"))
    var tile: Int?

    @Option(help: ArgumentHelp("Halo around each tile in input pixels (default: the model's own).", valueName: "n"))
    var halo: Int?

    @Option(help: ArgumentHelp("Threads per frame for networks (default: cores / workers).", valueName: "n"))
    var threads: Int?

    @Option(help: ArgumentHelp("Chroma upscaler: \(ResamplingFilter.allCases.map(\.rawValue).joined(separator: ", ")).",
                               valueName: "filter"))
    var chromaScaler: ResamplingFilter?

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

    @Option(help: ArgumentHelp("""
        Output pixel format (default: the input's; 10-bit stays 10-bit where the codec allows). With \
        --input-format rawvideo it names the input's format instead (\(RawPixelFormat.names.joined(separator: ", "))), \
        which raw output keeps.
        """, valueName: "format"))
    var pixFmt: String?

    @Flag(name: [.customShort("y"), .long], help: "Replace the output if it exists.")
    var overwrite = false

    @Option(help: ArgumentHelp("Progress on stderr: auto (live on a terminal), plain (a line every 5 s), none.",
                               valueName: "mode"))
    var progress: ProgressMode = .auto

    @Option(help: ArgumentHelp("Stop after this many frames.", valueName: "n"))
    var frames: Int?

    @Option(help: ArgumentHelp("Frames each queue between stages holds; at most 2 x this + workers frames are in flight.",
                               valueName: "n"))
    var queueDepth: Int?

    @Option(help: ArgumentHelp("""
        Frames upscaled at once (default: one per core for networks, each on one thread, which keeps \
        every core busy through the serial parts of a frame; 2 for classical filters; cores / --threads \
        when --threads is given).
        """, valueName: "n"))
    var workers: Int?

    @Flag(help: "Print time busy and waiting per stage, and the peak memory, at the end.")
    var stats = false

    @Option(help: ArgumentHelp("Write the run's statistics (stages, fps, peak RSS) to this JSON file.", valueName: "file"))
    var statsJson: String?

    @Flag(help: "Do not copy audio streams.")
    var noAudio = false

    @Flag(help: "Do not copy subtitle streams.")
    var noSubtitles = false

    @Flag(name: .shortAndLong, help: "Show FFmpeg's own log messages.")
    var verbose = false

    /// Encoder private options from a preset (not a command-line flag).
    var encoderOptions: [String: String] = [:]

    enum CodingKeys: String, CodingKey {
        case input, output, inputFormat, size, fps, outputFormat, scale, model, weights, pipeline, tile, halo, threads,
             chromaScaler, codec, crf, preset, pixFmt, overwrite, progress, frames, queueDepth, workers, stats, statsJson,
             noAudio, noSubtitles, verbose
    }

    func validate() throws {
        if let scale, !(2...4).contains(scale) {
            throw ValidationError("--scale must be 2, 3 or 4, got \(scale)")
        }
        if model != nil && weights != nil { throw ValidationError("give --model or --weights, not both") }
        if let tile, tile < 16 { throw ValidationError("--tile must be at least 16, got \(tile)") }
        if let halo, halo < 0 { throw ValidationError("--halo must be 0 or more, got \(halo)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if let queueDepth, queueDepth < 1 { throw ValidationError("--queue-depth must be at least 1, got \(queueDepth)") }
        if let workers, workers < 1 { throw ValidationError("--workers must be at least 1, got \(workers)") }
        if let crf, !(0...63).contains(crf) { throw ValidationError("--crf must be 0...63, got \(crf)") }
        if let frames, frames < 1 { throw ValidationError("--frames must be at least 1, got \(frames)") }
    }

    func run() throws {
        var command = self
        if let pipeline { try command.apply(PipelinePreset.load(path: PresetLibrary.locate(pipeline))) }
        try command.execute()
    }

    /// Takes every setting the command line left unset from the preset.
    mutating func apply(_ preset: PipelinePreset) throws {
        if model == nil && weights == nil {
            if let name = try preset.availableModel(store: ModelStore()) { model = name }
            weights = preset.weights
        }
        scale = scale ?? preset.scale
        tile = tile ?? preset.tile
        halo = halo ?? preset.halo
        queueDepth = queueDepth ?? preset.queueDepth
        workers = workers ?? preset.workers
        threads = threads ?? preset.threads
        chromaScaler = chromaScaler ?? preset.chromaScaler
        codec = codec ?? preset.codec
        crf = crf ?? preset.crf
        self.preset = self.preset ?? preset.encoderPreset
        pixFmt = pixFmt ?? preset.pixelFormat
        encoderOptions = preset.encoderOptions
        outputFormat = outputFormat ?? preset.outputFormat
    }

    func execute() throws {
        MediaLogging.configure(verbose: verbose)
        // A closed stdout must surface as EPIPE (a quiet exit 141), not kill the process mid-write.
        signal(SIGPIPE, SIG_IGN)
        // Trapped before any output exists: a signal at any later point finalizes or removes it.
        let cancellation = CancellationFlag()
        let trap = SignalTrap(cancelling: cancellation)
        defer { withExtendedLifetime(trap) {} }
        let input = try openInput()
        let (choice, note) = try ModelChoice.resolve(model: model, weights: weights, scale: scale, store: ModelStore())
        if let modelScale = choice.scale, let scale, scale != modelScale {
            throw VSRError.usage("the model upscales x\(modelScale), but --scale is \(scale)")
        }
        let scale = choice.scale ?? self.scale ?? 2
        let sourceInfo = input.source.streamInfo
        let outputInfo = sourceInfo.scaled(by: scale)
        let output = try openOutput(video: outputInfo, input: input)
        output.warnings.forEach(Console.warning)
        if let note { Console.note(note) }
        let color = sourceInfo.color

        let total = [frames, sourceInfo.estimatedFrameCount].compactMap { $0 }.min()
        let reporter = ProgressReporter(mode: progress, total: total)
        let (workerCount, threadCount) = parallelism(for: choice)
        let pipeline = UpscalePipeline(queueDepth: queueDepth ?? 4, workers: workerCount, frameLimit: frames,
                                       cancellation: cancellation)
        var upscalerName = ""
        let summary: RunSummary
        do {
            summary = try pipeline.run(source: input.source, makeUpscaler: {
                let upscaler = UpscalerFactory(scale: scale, tile: tile ?? 256, halo: halo, chromaScaler: chromaScaler ?? .lanczos,
                                               color: color)
                    .make(choice, threads: threadCount)
                upscalerName = upscaler.name
                return upscaler
            }, sink: output.sink, progress: reporter.update)
        } catch {
            reporter.end()
            throw error
        }
        reporter.end()
        if let corrupt = input.media?.corruptPackets, corrupt > 0 {
            Console.warning("\(input.name): skipped \(corrupt) damaged video packet(s)")
        }
        if let missing = input.media?.missingFrames, missing > 0 {
            Console.warning("\(input.name): the timestamps skip about \(missing) frame(s): damaged data the demuxer passed over")
        }
        if summary.frames == 0 {
            // The pipeline aborted the sink: no output file was left.
            if summary.interrupted {
                Console.note("interrupted before the first frame; nothing was written")
                throw ExitCode(ExitStatus.interrupted)
            }
            if let damage = summary.inputError ?? input.media?.truncation {
                Console.note("no frame could be read; nothing was written")
                throw damage
            }
            throw VSRError.invalidInput(path: input.name, reason: "no video frames in the input; nothing was written")
        }
        Console.note("upscaled \(summary.frames) frames \(sourceInfo.width)x\(sourceInfo.height) -> " +
                     "\(outputInfo.width)x\(outputInfo.height) (\(upscalerName), \(output.description)) in " +
                     String(format: "%.2f s (%.1f fps)", summary.seconds, summary.framesPerSecond) +
                     "; wrote \(output.name)" + (summary.outputBytes.map { " (\(ByteCount.describe($0)))" } ?? ""))
        if stats { StatisticsReport.print(summary) }
        if let statsJson {
            try StatisticsReport.write(summary, to: statsJson, details: [
                "input": self.input, "output": self.output, "upscaler": upscalerName, "scale": scale,
                "workers": workerCount, "threads": threadCount, "queue_depth": queueDepth ?? 4, "preset": self.pipeline.map { $0 as Any } ?? NSNull(),
            ])
        }
        if let damage = summary.inputError ?? input.media?.truncation {
            Console.note("kept the \(summary.frames) frames before the damage in \(output.name)")
            throw damage
        }
        if summary.interrupted {
            Console.note("interrupted: kept the \(summary.frames) frames done so far in \(output.name)")
            throw ExitCode(ExitStatus.interrupted)
        }
    }
}

extension UpscaleCommand {
    /// Frames in flight and threads per frame. Networks default to one frame per core on one thread
    /// each: a frame's serial parts (colour conversion, tile assembly) then never leave a core idle.
    func parallelism(for choice: ModelChoice) -> (workers: Int, threads: Int) {
        let cores = InferenceContext.defaultThreads
        var isNetwork = false
        if case .network = choice { isNetwork = true }
        let workerCount = workers ?? (isNetwork ? max(1, cores / (threads ?? 1)) : 2)
        return (workerCount, threads ?? max(1, cores / workerCount))
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
