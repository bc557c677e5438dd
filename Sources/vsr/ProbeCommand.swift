import ArgumentParser
import Foundation
import VSRCore
import VSRInference
import VSRMedia
import VSRPipeline
import VSRRun

/// `vsr probe INPUT`: what vsr will find in a file, what it will assume, and how long a run will take.
struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Describe a video before upscaling it, with an ETA measured on this CPU.",
        discussion: """
            Lists the streams (and which are copied), the frame count (counted from the packets), whether the \
            frame rate is variable, the colour tags and what vsr assumes where they are missing, interlacing \
            and what --deinterlace will do, rotation, HDR side data, odd sizes, and what of the other streams \
            the output (-o, default .mkv) copies, converts or drops. The ETA comes from running the chosen model or recipe (the same \
            options as `vsr upscale`) on the file's first frames for about 2 seconds, decode, upscale and \
            encode (the recipe's encoder, or libx264 medium as for .mkv) included.
            """
    )

    @Argument(help: ArgumentHelp("The video to examine.", valueName: "input"))
    var input: String

    @OptionGroup(title: "The run the ETA is for (as for vsr upscale)")
    var settings: UpscaleSettings

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp(
            "The output the stream report is for: its extension picks the container (default .mkv).", valueName: "file"))
    var output = "out.mkv"

    @Option(help: ArgumentHelp("Seconds of benchmark behind the ETA (0 skips it).", valueName: "s"))
    var benchmarkSeconds: Double = 2

    func validate() throws {
        guard benchmarkSeconds >= 0 else { throw ValidationError("--benchmark-seconds must be 0 or more") }
    }

    func run() throws {
        MediaLogging.configure(verbose: false)
        let probe = try MediaProbe(path: input)
        let info = probe.video
        print("\(input): \(probe.container)" + (probe.duration.map { String(format: ", %.3f s", $0) } ?? ""))
        let plan = try StreamPlan.plan(input: input, output: output, selection: StreamSelection())
        let container = (output as NSString).pathExtension
        for stream in probe.streams {
            var role = "upscaled"
            if let entry = plan.entries.first(where: { $0.index == stream.index }) {
                switch entry.fate {
                case .copied: role = stream.kind == "video" ? "copied as is" : "copied"
                case .converted(let target): role = "converted to \(target) for .\(container)"
                case .reencoded(let target, _): role = "re-encoded to \(target) for .\(container)"
                case .dropped: role = "dropped: .\(container) cannot hold it"
                case .unknownCodec: role = "dropped: codec unknown to FFmpeg \(StreamPlan.ffmpegVersion)"
                case .notSelected: role = "left out"
                case .timecode(let value): role = "timecode \(value), kept as the video's timecode"
                }
            }
            print("  #\(stream.index) \(stream.kind): \(stream.summary)  -> \(role)")
        }
        probe.conversionWarnings.forEach { print("  not kept: " + $0.replacingOccurrences(of: "\(input): ", with: "")) }
        let rate =
            info.frameRate.doubleValue.map { String(format: "%.3f fps (%d/%d)", $0, info.frameRate.num, info.frameRate.den) } ?? "unknown"
        print("frames: \(probe.frameCount)" + (probe.frameCountIsExact ? " (counted)" : " (estimated from the duration)"))
        if probe.frameCountIsExact, let indexed = probe.indexedFrameCount, indexed > probe.frameCount {
            print("  truncated: the index lists \(indexed) video packets, the file holds \(probe.frameCount)")
        }
        if probe.isVariableFrameRate {
            let durations = probe.frameDurations.map { String(format: "%.4f", $0) }
            print(
                "frame rate: variable, average \(rate); frame durations \(durations.prefix(6).joined(separator: ", "))"
                    + (durations.count > 6 ? ", ..." : "") + " s (every timestamp is kept)")
        } else {
            print("frame rate: constant, \(rate)")
        }
        printColour(info)
        printInterlacing(probe)
        printRotation(info)
        let transfer = MediaProbe.colorNames(info.color).transfer ?? ""
        let hdrTransfer = ["smpte2084": "PQ", "arib-std-b67": "HLG"][transfer]
        if probe.hdrSideData.isEmpty && hdrTransfer == nil {
            print("HDR: none")
        } else {
            print(
                "HDR: "
                    + ([hdrTransfer.map { "\($0) transfer (tag carried to the output)" }].compactMap { $0 }
                    + probe.hdrSideData.map { "\($0) (carried to the output)" }).joined(separator: ", ")
                    + (hdrTransfer != nil && settings.codec == nil ? "; encoded with libx265 Main 10 unless --codec says otherwise" : ""))
        }
        printSize(info)
        if benchmarkSeconds > 0 { try printETA(frames: probe.frameCount) }
    }

    /// The tag, the first frame's flag, and what `--deinterlace` will do with them.
    private func printInterlacing(_ probe: MediaProbe) {
        let correction = settings.frameCorrection(
            source: probe.video, firstFrame: probe.firstFrameFields, outputCarriesDisplayMatrix: true)
        var line = "interlacing: \(probe.fieldOrder)"
        if probe.video.fieldOrder == .unknown, let first = probe.firstFrameFields {
            line += first.isInterlaced ? "; the first frame is flagged interlaced (\(first.rawValue))" : "; the first frame is progressive"
        }
        let policy = "--deinterlace \(settings.deinterlace ?? .auto)"
        if correction.deinterlace {
            line += " -> \(correction.summary) (\(policy))"
        } else if probe.video.fieldOrder.isInterlaced {
            line += " -> upscaled as it is, combing included (\(policy))"
        }
        print(line)
    }

    /// The display matrix, and what each kind of output does with it.
    private func printRotation(_ info: VideoStreamInfo) {
        guard let matrix = info.displayMatrix else {
            print("rotation: none")
            return
        }
        print(
            "rotation: \(matrix.summary) (display matrix) -> kept in .mp4/.mov outputs; "
                + "frames turned as players show them for other outputs (.mkv, .webm, y4m, raw)")
    }

    private func printColour(_ info: VideoStreamInfo) {
        let names = MediaProbe.colorNames(info.color)
        let assumedMatrix = info.height >= 720 ? "bt709" : "bt601 (smpte170m)"
        print(
            "colour: primaries \(names.primaries ?? "unspecified"), transfer \(names.transfer ?? "unspecified"), "
                + "matrix \(names.matrix ?? "unspecified (assumed \(assumedMatrix) by RGB models, as FFmpeg does)"), "
                + "range \(names.range ?? "unspecified (assumed limited)")"
                + (info.sourceFormatName != info.format.rawValue
                    ? "; \(info.sourceFormatName) is processed as \(info.format.rawValue)" : ""))
    }

    private func printSize(_ info: VideoStreamInfo) {
        var line = "size: \(info.width)x\(info.height), \(info.format.rawValue)"
        if info.sampleAspectRatio.num > 0 && info.sampleAspectRatio != Rational(1, 1) {
            line += ", SAR \(info.sampleAspectRatio.num):\(info.sampleAspectRatio.den) (kept)"
        }
        if info.width % 2 == 1 || info.height % 2 == 1 {
            line +=
                "; odd size: x2 and x4 outputs are even, but x3 keeps it odd, which libx264/libx265 refuse "
                + "with subsampled chroma (use --pix-fmt yuv444p or --codec ffv1)"
        }
        print(line)
    }

    /// Runs the real pipeline (decode, upscale, encode to a temporary .mkv) for about `benchmarkSeconds`.
    private func printETA(frames: Int) throws {
        let catalog = ModelCatalog()
        var settings = self.settings
        try settings.applyRecipe(catalog: catalog)
        try settings.validate()
        let (choice, factor, _) = try settings.resolveModel(catalog: catalog)
        let (workers, threads) = settings.parallelism(isNetwork: choice.isNetwork)
        // Slow frames (a large frame through a big network) would make even one frame of the real
        // pipeline outlast the benchmark: a part of the first frame is timed and scaled instead.
        let factory = settings.factory(scale: factor, color: ColorInfo())
        let sample = try SampleTiming(input: input, choice: choice, factory: factory, threads: threads)
        if sample.secondsPerFrame * 2 > benchmarkSeconds {
            let framesPerSecond = Double(workers) / sample.secondsPerFrame
            print(
                String(
                    format: "ETA: %@ x%d: about %.2f s a frame on %d thread(s), %d frame(s) at once, from a %dx%d part of the "
                        + "first frame scaled by pixel count (decoding and encoding not included) -> about %@ for %d frames",
                    choice.displayName, factor, sample.secondsPerFrame, threads, workers, sample.sampleWidth, sample.sampleHeight,
                    ProbeCommand.describe(seconds: Double(frames) / framesPerSecond), frames))
            return
        }
        let cancellation = CancellationFlag()
        let timer = DispatchWorkItem { cancellation.cancel() }
        DispatchQueue.global().asyncAfter(deadline: .now() + benchmarkSeconds, execute: timer)
        defer { timer.cancel() }
        var trial = TrialRun(input: input, choice: choice, factory: factory)
        trial.encoder = settings.encoder()
        // Frames in flight when the time is up still go through: one frame of queue, and about as many
        // frames as the sample says fit in the benchmark, keep the run near its time.
        (trial.workers, trial.threads, trial.queueDepth) = (workers, threads, 1)
        trial.cancellation = cancellation
        let fitting = max(2, Int(benchmarkSeconds * Double(workers) / max(sample.secondsPerFrame, 1e-3)))
        trial.frameLimit = min(settings.frames ?? fitting, fitting)
        let (summary, encoder, name) = try trial.run()
        guard summary.frames > 0, summary.framesPerSecond > 0 else {
            print("ETA: no frame was done in \(benchmarkSeconds) s; the run will take longer than \(frames) x that")
            return
        }
        let seconds = Double(frames) / summary.framesPerSecond
        print(
            String(
                format: "ETA: %@ x%d, encoder %@: %.1f fps over %d frames in a %.1f s benchmark -> about %@ for %d frames",
                name, factor, encoder, summary.framesPerSecond, summary.frames,
                summary.seconds, ProbeCommand.describe(seconds: seconds), frames))
    }

    static func describe(seconds: Double) -> String {
        if seconds < 90 { return String(format: "%.1f s", seconds) }
        if seconds < 5400 { return String(format: "%.1f min", seconds / 60) }
        return String(format: "%.1f h", seconds / 3600)
    }
}
