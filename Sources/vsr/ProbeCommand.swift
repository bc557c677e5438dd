import ArgumentParser
import Foundation
import VSRCore
import VSRInference
import VSRMedia
import VSRPresets
import VSRPipeline

/// `vsr probe INPUT`: what vsr will find in a file, what it will assume, and how long a run will take.
struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Describe a video before upscaling it, with an ETA measured on this CPU.",
        discussion: """
            Lists the streams (and which are copied), the frame count (counted from the packets), whether the \
            frame rate is variable, the colour tags and what vsr assumes where they are missing, interlacing, \
            HDR side data and odd sizes. The ETA comes from running the chosen model or preset (the same \
            options as `vsr upscale`) on the file's first frames for about 2 seconds, decode, upscale and \
            encode (the preset's encoder, or libx264 medium as for .mkv) included.
            """
    )

    @Argument(help: ArgumentHelp("The video to examine.", valueName: "input"))
    var input: String

    @Option(help: ArgumentHelp("A preset, as for `vsr upscale --pipeline`.", valueName: "preset"))
    var pipeline: String?

    @Option(help: ArgumentHelp("The model the ETA is for (default: as `vsr upscale`).", valueName: "name"))
    var model: String?

    @Option(help: ArgumentHelp("A model file the ETA is for.", valueName: "file"))
    var weights: String?

    @Option(help: "Upscaling factor for the ETA (default: the model's, or 2).")
    var scale: Int?

    @Option(help: ArgumentHelp("Seconds of benchmark behind the ETA (0 skips it).", valueName: "s"))
    var benchmarkSeconds: Double = 2

    func validate() throws {
        if model != nil && weights != nil { throw ValidationError("give --model or --weights, not both") }
        if let scale, !(2...4).contains(scale) { throw ValidationError("--scale must be 2, 3 or 4, got \(scale)") }
        guard benchmarkSeconds >= 0 else { throw ValidationError("--benchmark-seconds must be 0 or more") }
    }

    func run() throws {
        MediaLogging.configure(verbose: false)
        let probe = try MediaProbe(path: input)
        let info = probe.video
        print("\(input): \(probe.container)" + (probe.duration.map { String(format: ", %.3f s", $0) } ?? ""))
        for stream in probe.streams {
            let role = stream.index == probe.videoStreamIndex ? "upscaled" : stream.kind == "video" ? "copied as is" : "copied"
            print("  #\(stream.index) \(stream.kind): \(stream.summary)  -> \(role)")
        }
        let rate = info.frameRate.doubleValue.map { String(format: "%.3f fps (%d/%d)", $0, info.frameRate.num, info.frameRate.den) } ?? "unknown"
        print("frames: \(probe.frameCount)" + (probe.frameCountIsExact ? " (counted)" : " (estimated from the duration)"))
        if probe.frameCountIsExact, let indexed = probe.indexedFrameCount, indexed > probe.frameCount {
            print("  truncated: the index lists \(indexed) video packets, the file holds \(probe.frameCount)")
        }
        if probe.isVariableFrameRate {
            let durations = probe.frameDurations.map { String(format: "%.4f", $0) }
            print("frame rate: variable, average \(rate); frame durations \(durations.prefix(6).joined(separator: ", "))" +
                  (durations.count > 6 ? ", ..." : "") + " s (every timestamp is kept)")
        } else {
            print("frame rate: constant, \(rate)")
        }
        printColour(info)
        print("interlacing: \(probe.fieldOrder)" + (probe.fieldOrder.hasPrefix("interlaced")
              ? " (vsr upscales whole frames; deinterlace first, e.g. ffmpeg -vf bwdif)" : ""))
        let transfer = MediaProbe.colorNames(info.color).transfer ?? ""
        let hdrTransfer = ["smpte2084": "PQ", "arib-std-b67": "HLG"][transfer]
        if probe.hdrSideData.isEmpty && hdrTransfer == nil {
            print("HDR: none")
        } else {
            print("HDR: " + ([hdrTransfer.map { "\($0) transfer (tag carried to the output)" }].compactMap { $0 } +
                             probe.hdrSideData.map { "\($0) (not carried to the output)" }).joined(separator: ", "))
        }
        printSize(info)
        if benchmarkSeconds > 0 { try printETA(frames: probe.frameCount) }
    }

    private func printColour(_ info: VideoStreamInfo) {
        let names = MediaProbe.colorNames(info.color)
        let assumedMatrix = info.height >= 720 ? "bt709" : "bt601 (smpte170m)"
        print("colour: primaries \(names.primaries ?? "unspecified"), transfer \(names.transfer ?? "unspecified"), " +
              "matrix \(names.matrix ?? "unspecified (assumed \(assumedMatrix) by RGB models, as FFmpeg does)"), " +
              "range \(names.range ?? "unspecified (assumed limited)")" +
              (info.sourceFormatName != info.format.rawValue ? "; \(info.sourceFormatName) is processed as \(info.format.rawValue)" : ""))
    }

    private func printSize(_ info: VideoStreamInfo) {
        var line = "size: \(info.width)x\(info.height), \(info.format.rawValue)"
        if info.sampleAspectRatio.num > 0 && info.sampleAspectRatio != Rational(1, 1) {
            line += ", SAR \(info.sampleAspectRatio.num):\(info.sampleAspectRatio.den) (kept)"
        }
        if info.width % 2 == 1 || info.height % 2 == 1 {
            line += "; odd size: x2 and x4 outputs are even, but x3 keeps it odd, which libx264/libx265 refuse " +
                "with subsampled chroma (use --pix-fmt yuv444p or --codec ffv1)"
        }
        print(line)
    }

    /// Runs the real pipeline (decode, upscale, encode to a temporary .mkv) for about `benchmarkSeconds`.
    private func printETA(frames: Int) throws {
        var command = try UpscaleCommand.parse([input, "-o", "/dev/null"])
        command.model = model
        command.weights = weights
        command.scale = scale
        if let pipeline { try command.apply(PipelinePreset.load(path: PresetLibrary.locate(pipeline))) }
        let (choice, _) = try ModelChoice.resolve(model: command.model, weights: command.weights, scale: command.scale,
                                                   store: ModelStore())
        let factor = choice.scale ?? command.scale ?? 2
        let (workers, threads) = command.parallelism(for: choice)
        let cancellation = CancellationFlag()
        let timer = DispatchWorkItem { cancellation.cancel() }
        DispatchQueue.global().asyncAfter(deadline: .now() + benchmarkSeconds, execute: timer)
        defer { timer.cancel() }
        let trial = TrialRun(input: input, choice: choice, scale: factor, tile: command.tile ?? 256, halo: command.halo,
                             chromaScaler: command.chromaScaler ?? .lanczos,
                             encoder: EncoderSettings(codec: command.codec, crf: command.crf, preset: command.preset,
                                                      pixelFormat: command.pixFmt, options: command.encoderOptions),
                             workers: workers, threads: threads, queueDepth: command.queueDepth ?? 4, cancellation: cancellation)
        let (summary, encoder, name) = try trial.run()
        guard summary.frames > 0, summary.framesPerSecond > 0 else {
            print("ETA: no frame was done in \(benchmarkSeconds) s; the run will take longer than \(frames) x that")
            return
        }
        let seconds = Double(frames) / summary.framesPerSecond
        print(String(format: "ETA: %@ x%d, encoder %@: %.1f fps over %d frames in a %.1f s benchmark -> about %@ for %d frames",
                     name, factor, encoder, summary.framesPerSecond, summary.frames,
                     summary.seconds, ProbeCommand.describe(seconds: seconds), frames))
    }

    static func describe(seconds: Double) -> String {
        if seconds < 90 { return String(format: "%.1f s", seconds) }
        if seconds < 5400 { return String(format: "%.1f min", seconds / 60) }
        return String(format: "%.1f h", seconds / 3600)
    }
}
