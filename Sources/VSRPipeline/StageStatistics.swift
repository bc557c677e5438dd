import Dispatch
import Foundation

/// Time a stage spent working and waiting on its queues, and the CPU time of its own threads.
public struct StageStatistics: Sendable, Equatable {
    public var name: String
    public var busySeconds: Double = 0
    public var waitingSeconds: Double = 0
    public var items: Int = 0
    /// CPU seconds of the stage's own threads (not of threads a library starts, such as x264's).
    public var cpuSeconds: Double = 0

    public init(name: String) { self.name = name }
}

/// Measures a stage's busy and waiting time. Used by one thread.
struct StageClock {
    private(set) var statistics: StageStatistics
    private var mark = DispatchTime.now().uptimeNanoseconds
    private let startCPU = StageClock.threadCPUSeconds()

    init(name: String) { statistics = StageStatistics(name: name) }

    /// CPU seconds this thread has used.
    static func threadCPUSeconds() -> Double { cpuSeconds(CLOCK_THREAD_CPUTIME_ID) }

    /// CPU seconds the whole process has used (every thread, FFmpeg's and x264's included).
    static func processCPUSeconds() -> Double { cpuSeconds(CLOCK_PROCESS_CPUTIME_ID) }

    private static func cpuSeconds(_ clock: clockid_t) -> Double {
        var time = timespec()
        clock_gettime(clock, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// Records the thread's CPU time; called last, on the stage's thread.
    mutating func stop() { statistics.cpuSeconds = StageClock.threadCPUSeconds() - startCPU }

    /// Work that is not a frame (flushing the encoder at the end).
    mutating func workedWithoutItem() { statistics.busySeconds += lap() }

    private mutating func lap() -> Double {
        let now = DispatchTime.now().uptimeNanoseconds
        defer { mark = now }
        return Double(now - mark) / 1e9
    }

    mutating func waited() { statistics.waitingSeconds += lap() }
    mutating func worked() { statistics.busySeconds += lap(); statistics.items += 1 }
}
