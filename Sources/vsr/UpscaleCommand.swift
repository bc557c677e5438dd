import ArgumentParser
import Foundation
import VSRCore
import VSRMedia
import VSRPipeline
import VSRRun

/// `vsr upscale INPUT -o OUTPUT`: a thin adapter from flags to an `UpscaleJob`, and from its report
/// to messages and an exit status.
struct UpscaleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upscale",
        abstract: "Upscale a video file.",
        discussion: """
            The luma plane goes through the model; chroma planes go through --chroma-scaler. Audio, \
            subtitles, chapters and metadata are copied without re-encoding; every frame keeps its \
            timestamp, and colour tags and the sample aspect ratio are carried over. The output is \
            written to a temporary file beside it and renamed when complete. On SIGINT, SIGTERM or SIGHUP \
            the frames done so far are finalized into a playable file and vsr exits with 130.

            Pipes: input - reads y4m (or, with --input-format rawvideo, raw frames) from stdin, and \
            output - writes y4m (or --output-format rawvideo) to stdout, each frame as soon as it is \
            done, e.g. ffmpeg -i in.mkv -f yuv4mpegpipe - | vsr upscale - -o - | x264 --demuxer y4m -o out.264 -. \
            A truncated or damaged input ends the run early: the frames before the damage are written \
            and vsr exits with 65. When the reader of stdout goes away, vsr stops quietly with 141.

            Long films: --resumable upscales in segments committed one by one, so the same command resumes \
            after a crash; vsr upscale --job DIR --task T (no INPUT, no -o) runs one task of a job made by \
            vsr plan, on any machine (see vsr plan, vsr status, vsr merge).
            """
    )

    @OptionGroup(title: "Input and output")
    var endpoints: UpscaleEndpoints

    @OptionGroup(title: "Upscaling and encoding")
    var settings: UpscaleSettings

    @OptionGroup(title: "Reporting")
    var reporting: ReportingOptions

    @Flag(
        help: """
            Upscale in segments that survive a crash: running the same command again resumes. The segments \
            live in --job DIR (default OUTPUT.vsr-job, removed when done). See also vsr plan.
            """)
    var resumable = false

    @Option(
        help: ArgumentHelp(
            "The job folder of --resumable (implies it). With --task T or --segment-from-env and no INPUT: run a task of vsr plan.",
            valueName: "dir"))
    var job: String?

    @OptionGroup(title: "Segments (--resumable)")
    var planning: JobPlanOptions

    func run() throws {
        MediaLogging.configure(verbose: reporting.verbose)
        // A closed stdout must surface as EPIPE (a quiet exit 141), not kill the process mid-write.
        signal(SIGPIPE, SIG_IGN)
        // Trapped before any output exists: a signal at any later point finalizes or removes it.
        let cancellation = CancellationFlag()
        let trap = SignalTrap(cancelling: cancellation)
        defer { withExtendedLifetime(trap) {} }
        // Every file the run will write is checked before it starts (SafeOutput): a --stats-json that
        // names the input or the output, or exists without -y, would otherwise be found only at the end.
        if let statsJson = reporting.statsJson {
            try SafeOutput.check(statsJson, overwrite: endpoints.overwrite, notSameAs: [endpoints.input, endpoints.output])
            if URL(fileURLWithPath: statsJson).standardizedFileURL == URL(fileURLWithPath: endpoints.output).standardizedFileURL {
                throw VSRError.usage("--stats-json \(statsJson) is the output")
            }
        }
        if resumable || job != nil {
            return try runResumable(cancellation: cancellation)
        }
        if FolderBatch.isFolder(endpoints.input) || !endpoints.moreInputs.isEmpty {
            return try runFolder(cancellation: cancellation)
        }
        try runOne(endpoints, cancellation: cancellation)
    }

    /// One input to one output, reported as it goes.
    private func runOne(_ endpoints: UpscaleEndpoints, cancellation: CancellationFlag) throws {
        var reporter: ProgressReporter?
        defer { reporter?.end() }
        var events = UpscaleJob.Events()
        events.message = { message in
            switch message {
            case .warning(let text): Console.warning(text)
            case .note(let text): Console.note(text)
            }
        }
        events.started = { total in reporter = ProgressReporter(mode: reporting.progress, total: total) }
        events.progress = { frames, elapsed in reporter?.update(frames: frames, elapsed: elapsed) }
        let report = try UpscaleJob(endpoints: endpoints, settings: settings, cancellation: cancellation, events: events).run()
        reporter?.end()
        reporter = nil
        try finish(report, endpoints: endpoints)
    }

    /// A resumable run: plan, the segments not done, merge.
    private func runResumable(cancellation: CancellationFlag) throws {
        guard endpoints.moreInputs.isEmpty, !FolderBatch.isFolder(endpoints.input) else {
            throw VSRError.usage("--resumable takes one input file")
        }
        let started = Date()
        var run = ResumableUpscale(
            endpoints: endpoints, planner: planning.planner(input: endpoints.input, settings: settings),
            folder: JobFolder(path: job ?? ResumableUpscale.defaultFolder(for: endpoints.output)), removeFolderWhenDone: job == nil)
        (run.restart, run.cancellation) = (planning.restart, cancellation)
        run.note = { Console.note($0) }
        run.warning = { Console.warning($0) }
        let result = try run.run()
        result.warnings.forEach { Console.warning($0) }
        result.notes.forEach { Console.note($0) }
        let seconds = Date().timeIntervalSince(started)
        Console.note(
            "upscaled \(result.frames) frames in " + String(format: "%.2f s (%.1f fps)", seconds, Double(result.frames) / seconds)
                + "; wrote \(endpoints.output) (\(ByteCount.describe(result.bytes)))")
    }

    /// Every video and picture in a folder, one after another: a failure is reported and the rest
    /// still run; the exit status is the first failure's.
    private func runFolder(cancellation: CancellationFlag) throws {
        guard reporting.statsJson == nil else { throw VSRError.usage("--stats-json takes one input, not a folder") }
        let batch =
            endpoints.moreInputs.isEmpty
            ? try FolderBatch(input: endpoints.input, output: endpoints.output, overwrite: endpoints.overwrite)
            : try FolderBatch(files: endpoints.inputs, output: endpoints.output, overwrite: endpoints.overwrite)
        var done = 0, skipped = 0, failures: [(name: String, status: Int32)] = []
        for (number, item) in batch.items.enumerated() {
            let name = (item.input as NSString).lastPathComponent
            let position = "[\(number + 1)/\(batch.items.count)] \(name)"
            if item.skipped {
                Console.note("\(position): skipped, \(item.output) exists (-y replaces it)")
                skipped += 1
                continue
            }
            guard !cancellation.isCancelled else { break }
            Console.note(position)
            var one = endpoints
            (one.input, one.moreInputs, one.output) = (item.input, [], item.output)
            do {
                try runOne(one, cancellation: cancellation)
                done += 1
            } catch {
                if let message = ExitStatusMapping.message(for: error) { Console.error(message) }
                let status = ExitStatusMapping.status(for: error)
                failures.append((name, status))
                if status == ExitStatus.interrupted { break }
            }
        }
        Console.note(
            "batch: \(done) upscaled, \(failures.count) failed\(failures.isEmpty ? "" : " (\(failures.map(\.name).joined(separator: ", ")))"), "
                + "\(skipped) skipped, of \(batch.items.count)" + (endpoints.moreInputs.isEmpty ? " in \(endpoints.input)" : ""))
        if let first = failures.first { throw ExitCode(first.status) }
    }

    /// The closing lines, the statistics and the exit status of a finished job.
    private func finish(_ report: UpscaleReport, endpoints: UpscaleEndpoints) throws {
        let summary = report.summary
        switch report.outcome {
        case .interruptedBeforeFirstFrame:
            Console.note("interrupted before the first frame; nothing was written")
            throw ExitCode(ExitStatus.interrupted)
        case .unreadable(let damage):
            Console.note("no frame could be read; nothing was written")
            throw damage
        case .noVideoFrames(let input):
            throw VSRError.invalidInput(path: input, reason: "no video frames in the input; nothing was written")
        case .completed, .interrupted, .inputDamaged:
            break
        }
        Console.note(
            "upscaled \(summary.frames) frames \(report.sourceSize.width)x\(report.sourceSize.height) -> "
                + "\(report.outputSize.width)x\(report.outputSize.height) (\(report.upscaler), \(report.outputDescription)) in "
                + String(format: "%.2f s (%.1f fps)", summary.seconds, summary.framesPerSecond) + "; wrote \(report.output)"
                + (summary.outputBytes.map { " (\(ByteCount.describe($0)))" } ?? ""))
        if reporting.stats { StatisticsReport.print(summary, threadsPerFrame: report.upscalerThreads) }
        if let statsJson = reporting.statsJson {
            try StatisticsReport.write(
                summary, to: statsJson, overwrite: endpoints.overwrite,
                details: [
                    "input": endpoints.input, "output": endpoints.output, "upscaler": report.upscaler, "scale": report.scale,
                    "workers": report.workers, "threads": report.threads, "queue_depth": report.queueDepth,
                    "preset": report.recipe.map { $0 as Any } ?? NSNull(),
                ])
        }
        switch report.outcome {
        case .inputDamaged(let frames, let damage):
            Console.note("kept the \(frames) frames before the damage in \(report.output)")
            throw damage
        case .interrupted(let frames):
            Console.note("interrupted: kept the \(frames) frames done so far in \(report.output)")
            throw ExitCode(ExitStatus.interrupted)
        default:
            break
        }
    }
}

/// How a run reports itself: progress, statistics and FFmpeg's log.
struct ReportingOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Progress on stderr: auto (live on a terminal), plain (a line every 5 s), none.",
            valueName: "mode"))
    var progress: ProgressMode = .auto

    @Flag(
        help:
            "Print each stage's time busy and waiting and CPU time, the CPU time of threads no stage owns (the encoder's; with --threads above 1 also the upscaler's helpers), and the peak memory, at the end."
    )
    var stats = false

    @Option(help: ArgumentHelp("Write the run's statistics (stages, fps, peak RSS) to this JSON file.", valueName: "file"))
    var statsJson: String?

    @Flag(name: .shortAndLong, help: "Show FFmpeg's own log messages.")
    var verbose = false
}

enum ByteCount {
    static func describe(_ bytes: Int64) -> String {
        let value = Double(bytes)
        if value >= 1e9 { return String(format: "%.2f GB", value / 1e9) }
        if value >= 1e6 { return String(format: "%.1f MB", value / 1e6) }
        if value >= 1e3 { return String(format: "%.1f kB", value / 1e3) }
        return "\(bytes) B"
    }
}
