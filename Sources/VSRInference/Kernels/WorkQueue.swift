import Dispatch
import Synchronization

/// Items `0..<count` handed out in order, `grain` at a time, to whichever worker asks next.
///
/// A layer's rows (or tile chunks) split into fixed equal shares finish when the slowest thread
/// does; on shared machines two cores are often unequal while both are busy, so the workers claim
/// small runs instead and a faster core simply takes more of them.
final class WorkQueue: Sendable {
    let count: Int
    let workers: Int
    let grain: Int
    private let next = Atomic<Int>(0)

    /// `grain` defaults to about eight runs per worker: enough to even out unequal cores, few
    /// enough that claiming costs nothing measurable.
    init(count: Int, workers: Int, grain: Int? = nil) {
        self.count = count
        self.workers = max(1, workers)
        self.grain = max(1, grain ?? count / (8 * max(1, workers)))
    }

    /// The next run of items, or nil when every item has been handed out.
    func claim() -> Range<Int>? {
        let first = next.wrappingAdd(grain, ordering: .relaxed).oldValue
        guard first < count else { return nil }
        return first..<min(count, first + grain)
    }

    /// Runs `body` on `workers` threads (the caller's among them); each calls `claim()` until nil.
    func run(_ body: @Sendable (WorkQueue) -> Void) {
        if workers <= 1 {
            body(self)
            return
        }
        DispatchQueue.concurrentPerform(iterations: workers) { _ in body(self) }
    }
}
