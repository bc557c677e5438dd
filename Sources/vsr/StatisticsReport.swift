import Foundation
import VSRPipeline

/// `--stats`: per stage, time busy and waiting; overall frames, fps and peak memory.
enum StatisticsReport {
    static func print(_ summary: RunSummary) {
        for stage in summary.stages {
            Console.note("stage " + stage.name.padding(toLength: 8, withPad: " ", startingAt: 0) + String(format: " busy %7.2f s  waiting %7.2f s  frames %d",
                                stage.busySeconds, stage.waitingSeconds, stage.items))
        }
        Console.note(String(format: "frames %d  %.2f s  %.2f fps  peak RSS %.1f MB", summary.frames, summary.seconds,
                            summary.framesPerSecond, Double(peakResidentKilobytes()) / 1024))
    }

    /// The process's peak resident set, from getrusage (kilobytes on Linux).
    static func peakResidentKilobytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss
    }
}
