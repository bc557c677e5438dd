import Dispatch

/// Time a stage spent working and waiting on its queues.
public struct StageStatistics: Sendable, Equatable {
    public var name: String
    public var busySeconds: Double = 0
    public var waitingSeconds: Double = 0
    public var items: Int = 0

    public init(name: String) { self.name = name }
}

/// Measures a stage's busy and waiting time. Used by one thread.
struct StageClock {
    private(set) var statistics: StageStatistics
    private var mark = DispatchTime.now().uptimeNanoseconds

    init(name: String) { statistics = StageStatistics(name: name) }

    private mutating func lap() -> Double {
        let now = DispatchTime.now().uptimeNanoseconds
        defer { mark = now }
        return Double(now - mark) / 1e9
    }

    mutating func waited() { statistics.waitingSeconds += lap() }
    mutating func worked() { statistics.busySeconds += lap(); statistics.items += 1 }
}
