import ArgumentParser
import Foundation
import VSRCore
import VSRInference
import VSRMedia
import VSRPipeline
import VSRRun

/// `vsr bench`: per-model speed on this machine against its measured FMA peak; optionally the
/// whole pipeline on a file and the quality on a dataset. A benchmark that prints figures.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure upscaling speed per model on this machine.",
        discussion: """
            For each model, after a warm-up: parameters, GFLOP per frame (counted from the model graph at \
            the frame size, 2 FLOP per multiply-add), median and p90 ms per frame over --frames frames, fps, \
            output megapixels per second, and the achieved GFLOP/s as a share of this machine's fp32 FMA \
            peak (measured in-process, printed on its own line). The GFLOP are those of direct \
            convolution; layers run by Winograd's algorithm do fewer, so their share can pass 100%. A frame is upscaled the way `vsr upscale` \
            does it (tiles, chroma, colour conversion), by one upscaler with --threads threads. With \
            --input, the whole pipeline (decode, upscale, encode to a temporary file) also runs on that \
            file's frames; with --dataset, a Y-PSNR column is added (as `vsr eval` computes it).
            """
    )

    @Option(help: ArgumentHelp("all, or a comma-separated list of bicubic, lanczos and model names.", valueName: "names"))
    var models = "all"

    @Option(help: ArgumentHelp("Input frame size (default 640x360, or --input's size).", valueName: "WxH"))
    var size: String?

    @Option(help: ArgumentHelp("Frames timed per model (after 2 warm-up frames).", valueName: "n"))
    var frames = 20

    @Option(help: ArgumentHelp("Thread counts to time, e.g. 1,2 (default: all cores).", valueName: "list"))
    var threads: String?

    @Option(
        help: ArgumentHelp(
            "Tile size for networks, as vsr upscale's --tile (default: each model's own, \(UpscaleSettings.tileDefaults)).",
            valueName: "n"))
    var tile: Int?

    @Option(
        help: ArgumentHelp(
            "Upscaling factor for the classical filters (networks use their own; default \(UpscaleSettings.defaultScale)).",
            valueName: "n"))
    var scale = UpscaleSettings.defaultScale

    @Option(help: ArgumentHelp("Time the whole pipeline on this file's frames, and use its first frame.", valueName: "file"))
    var input: String?

    @Option(help: ArgumentHelp("A dataset folder (manifest.csv) for a Y-PSNR column.", valueName: "dir"))
    var dataset: String?

    @Option(help: ArgumentHelp("Write every figure, with machine and build information, to this JSON file.", valueName: "file"))
    var json: String?

    func validate() throws {
        guard frames >= 1 else { throw ValidationError("--frames must be at least 1, got \(frames)") }
        if let tile { try UpscaleSettings.check(tile: tile) }
        try UpscaleSettings.check(scale: scale)
        _ = try threadCounts()
        if let size { _ = try FrameGeometry.parseSize(size) }
    }

    func threadCounts() throws -> [Int] {
        guard let threads else { return [InferenceContext.defaultThreads] }
        let values = threads.split(separator: ",").map { Int($0) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) >= 1 }) else {
            throw ValidationError("--threads must be a list of counts like 1,2, got '\(threads)'")
        }
        return values.map { $0! }
    }

    func run() throws {
        MediaLogging.configure(verbose: false)
        let machine = MachineInfo.current()
        let threadList = try threadCounts()
        let choices = try selectedModels()
        let frame = try benchFrame()
        print(
            "vsr bench: \(machine.cpuModel), \(machine.cores) cores [\(machine.cpuFlags.joined(separator: " "))], "
                + "\(machine.configuration) build, target \(machine.targetCPU), \(machine.gitRevision)")
        print(CPUKernels.summary)
        var peaks: [Int: Double] = [:]
        for count in threadList {
            peaks[count] = FMAPeak.measure(threads: count)
            print(
                String(
                    format: "fp32 FMA peak, %d thread(s): %.1f GFLOP/s (in-process probe: independent %@ FMA chains)",
                    count, peaks[count]!, CPUKernels.selected.level.name))
        }
        print("input frame \(frame.width)x\(frame.height) \(frame.format.rawValue), \(frames) frames timed after 2 warm-up frames\n")

        var rows: [BenchResult] = []
        for (name, choice) in choices {
            let scale = choice.scale ?? self.scale
            let factory = UpscalerFactory(scale: scale, tile: tile, chromaScaler: UpscaleSettings.defaultChromaScaler, color: ColorInfo())
            let quality = try dataset.map { try BenchQuality.psnr(choice, dataset: $0, scale: scale, tile: tile) }
            for count in threadList {
                let upscaler = factory.make(choice, threads: count)
                let seconds = try BenchTiming.perFrame(upscaler, frame: frame, frames: frames)
                rows.append(
                    BenchResult(
                        name: name, choice: choice, scale: scale, threads: count, frame: frame,
                        seconds: seconds, peak: peaks[count]!, psnr: quality))
            }
        }
        BenchTable.print(rows, dataset: dataset)

        var pipelines: [[String: Any]] = []
        if let input {
            print("\npipeline on \(input) (\(frames) frames, decode -> upscale -> encode to a temporary .mkv, 1 worker)")
            for (name, choice) in choices {
                let count = threadList.max()!
                let srOnly = rows.first { $0.name == name && $0.threads == count }!
                pipelines.append(
                    try BenchPipeline.run(
                        name: name, choice: choice, input: input, frames: frames,
                        threads: count, tile: tile, scale: choice.scale ?? scale,
                        srOnlyFPS: srOnly.fps))
            }
        }
        // The probe again: a machine whose speed changed during the run (other load, a throttled or
        // shared core) gives figures that are not measurements of vsr, and the report says so.
        var peaksAfter: [Int: Double] = [:]
        for count in threadList { peaksAfter[count] = FMAPeak.measure(threads: count) }
        let drift = threadList.map { abs(peaksAfter[$0]! / peaks[$0]! - 1) }.max() ?? 0
        let noisy = drift > 0.10
        print(
            String(
                format: "\nfp32 FMA peak again after the timings: %@ (%.0f%% apart at most)%@",
                threadList.map { String(format: "%.1f GFLOP/s on %d thread(s)", peaksAfter[$0]!, $0) }.joined(separator: ", "),
                100 * drift,
                noisy ? ": the machine's speed changed during the run, so these figures are not reliable; rerun on a quiet machine" : ""))
        if let json {
            let report: [String: Any] = [
                "schema": "vsr-bench/1", "machine": machine.json,
                "fma_peak_gflops": Dictionary(uniqueKeysWithValues: peaks.map { ("\($0.key)", $0.value) }),
                "fma_peak_after_gflops": Dictionary(uniqueKeysWithValues: peaksAfter.map { ("\($0.key)", $0.value) }),
                "noisy": noisy,
                "settings": [
                    "size": "\(frame.width)x\(frame.height)", "pixel_format": frame.format.rawValue,
                    "frames": frames, "warmup_frames": 2, "tile": tile ?? NSNull(), "threads": threadList,
                    "input": input ?? NSNull(), "dataset": dataset ?? NSNull(),
                ] as [String: Any],
                "models": rows.map(\.json), "pipeline": pipelines,
            ]
            // Reports are replaced when they exist, as before, but by the same rules as every output.
            try SafeOutput.write(
                JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys]), to: json, overwrite: true)
            print("\nwrote \(json)")
        }
    }

    /// bicubic, lanczos and every available network, or the names given.
    func selectedModels() throws -> [(String, ModelChoice)] {
        let catalog = ModelCatalog()
        let names =
            models == "all"
            ? catalog.allNames
            : models.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.isEmpty else { throw VSRError.usage("--models names no model") }
        return try names.map { name in (name, try catalog.resolve(model: name, weights: nil, scale: nil).choice) }
    }

    /// The first frame of --input, or a synthetic 8-bit 4:2:0 frame of --size with natural-looking
    /// texture (deterministic, so runs compare).
    func benchFrame() throws -> VideoFrame {
        if let input {
            let reader = try MediaFileReader(path: input)
            guard let frame = try reader.nextFrame() else {
                throw VSRError.invalidInput(path: input, reason: "no video frame to benchmark on")
            }
            return frame
        }
        let (width, height) = try size.map { try FrameGeometry.parseSize($0) } ?? (640, 360)
        return SyntheticFrame.make(width: width, height: height)
    }
}
