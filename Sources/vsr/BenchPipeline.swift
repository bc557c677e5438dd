import Foundation
import VSRCore
import VSRMedia
import VSRPipeline
import VSRRun

/// `vsr bench --input`: the whole pipeline on a file's frames, stage by stage.
enum BenchPipeline {
    /// Decodes `input`, upscales `frames` frames with one worker of `threads` threads and encodes
    /// them (the default encoder for .mkv) into a temporary file that is removed afterwards.
    static func run(
        name: String, choice: ModelChoice, input: String, frames: Int, threads: Int, tile: Int?,
        scale: Int, srOnlyFPS: Double
    ) throws -> [String: Any] {
        var trial = TrialRun(
            input: input, choice: choice,
            factory: UpscalerFactory(
                scale: scale, tile: tile, chromaScaler: UpscaleSettings.defaultChromaScaler,
                color: ColorInfo()))
        (trial.threads, trial.frameLimit) = (threads, frames)
        let (summary, encoder, _) = try trial.run()
        let efficiency = summary.framesPerSecond / srOnlyFPS
        let stages = summary.stages.map { stage in
            String(format: "%@ %.2f s busy / %.2f s waiting", stage.name, stage.busySeconds, stage.waitingSeconds)
        }
        // The pipeline does the SR work and more, so it cannot be faster than SR alone on a quiet
        // machine: above 100% (with a 5% margin for timing), the load changed between the timings.
        let plausible = efficiency <= 1.05
        print(
            String(
                format: "  %@: %d frames in %.2f s, %.2f fps end to end vs %.2f fps SR only (%@); ",
                name, summary.frames, summary.seconds, summary.framesPerSecond, srOnlyFPS,
                plausible
                    ? String(format: "%.0f%% efficiency", 100 * efficiency)
                    : "no efficiency: end to end came out faster than SR alone, so the machine's load changed between the timings")
                + stages.joined(separator: ", ") + " (\(encoder))")
        return [
            "model": name, "input": input, "frames": summary.frames, "seconds": summary.seconds,
            "fps": summary.framesPerSecond, "sr_only_fps": srOnlyFPS, "efficiency": plausible ? efficiency : NSNull(),
            "threads": threads,
            "workers": 1, "encoder": encoder,
            "stages": summary.stages.map {
                ["name": $0.name, "busy_seconds": $0.busySeconds, "waiting_seconds": $0.waitingSeconds, "frames": $0.items]
            },
        ]
    }
}
