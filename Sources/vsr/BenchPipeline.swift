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
        name: String, choice: ModelChoice, input: String, frames: Int, threads: Int, tile: Int,
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
        print(
            String(
                format: "  %@: %d frames in %.2f s, %.2f fps end to end vs %.2f fps SR only (%.0f%% efficiency); ",
                name, summary.frames, summary.seconds, summary.framesPerSecond, srOnlyFPS, 100 * efficiency)
                + stages.joined(separator: ", ") + " (\(encoder))")
        return [
            "model": name, "input": input, "frames": summary.frames, "seconds": summary.seconds,
            "fps": summary.framesPerSecond, "sr_only_fps": srOnlyFPS, "efficiency": efficiency, "threads": threads,
            "workers": 1, "encoder": encoder,
            "stages": summary.stages.map {
                ["name": $0.name, "busy_seconds": $0.busySeconds, "waiting_seconds": $0.waitingSeconds, "frames": $0.items]
            },
        ]
    }
}
