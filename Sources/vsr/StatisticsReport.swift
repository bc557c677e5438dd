import Foundation
import VSRCore
import VSRPipeline

/// `--stats`: per stage, time busy and waiting and CPU time; the CPU time of threads no stage owns;
/// overall frames, fps and peak memory.
enum StatisticsReport {
    /// `threadsPerFrame` above 1 puts the upscaler's helper threads (the kernels' dispatch pool) among
    /// the threads no stage owns: a stage's CPU time is its own threads'.
    static func print(_ summary: RunSummary, threadsPerFrame: Int) {
        for stage in summary.stages {
            Console.note(
                "stage " + stage.name.padding(toLength: 8, withPad: " ", startingAt: 0)
                    + String(
                        format: " busy %7.2f s  waiting %7.2f s  cpu %7.2f s  frames %d",
                        stage.busySeconds, stage.waitingSeconds, stage.cpuSeconds, stage.items))
        }
        // x264/x265 encode on threads of their own, and FFmpeg's decoders may too: the time they take
        // is in no stage's busy time, so it is shown beside them.
        let owners =
            threadsPerFrame > 1
            ? "encoder, decoder and upscaler helper threads (libx264's, FFmpeg's own, the \(threadsPerFrame)-thread upscaler's)"
            : "encoder and decoder threads (libx264's, FFmpeg's own)"
        Console.note(
            owners + String(format: ": cpu %.2f s of %.2f s for the whole process", summary.libraryCPUSeconds, summary.processCPUSeconds))
        Console.note(
            String(
                format: "frames %d  %.2f s  %.2f fps  peak RSS %.1f MB", summary.frames, summary.seconds,
                summary.framesPerSecond, Double(peakResidentKilobytes()) / 1024))
    }

    /// `--stats-json`: every figure of `--stats`, plus `details` (input, model, settings).
    static func write(_ summary: RunSummary, to path: String, overwrite: Bool, details: [String: Any]) throws {
        var report = details
        report["frames"] = summary.frames
        report["seconds"] = summary.seconds
        report["fps"] = summary.framesPerSecond
        report["interrupted"] = summary.interrupted
        report["output_bytes"] = summary.outputBytes.map { Int($0) } ?? NSNull()
        report["peak_rss_kb"] = peakResidentKilobytes()
        report["stages"] = summary.stages.map {
            [
                "name": $0.name, "busy_seconds": $0.busySeconds, "waiting_seconds": $0.waitingSeconds, "cpu_seconds": $0.cpuSeconds,
                "frames": $0.items,
            ] as [String: Any]
        }
        report["process_cpu_seconds"] = summary.processCPUSeconds
        report["library_cpu_seconds"] = summary.libraryCPUSeconds
        let data = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys])
        try SafeOutput.write(data, to: path, overwrite: overwrite)
    }

    /// The process's peak resident set, from getrusage (kilobytes on Linux).
    static func peakResidentKilobytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss
    }
}
