import Dispatch
import Synchronization

/// Items `0..<count` handed out in order, in runs, to whichever worker asks next.
///
/// A layer's rows (or tile chunks) split into fixed equal shares finish when the slowest thread
/// does; on shared machines two cores are often unequal while both are busy, so the workers claim
/// runs instead and a faster core simply takes more of them. By default the runs shrink as the
/// items run out (guided self-scheduling, as OpenMP's `schedule(guided)`): each claim takes an
/// eighth of a worker's share of what is left, down to one item, so the threads sweep long
/// neighbouring runs while there is much to do and end within about one item of each other. Runs
/// of a fixed size left the last claimer alone for up to a whole run, about 3% of a layer on two
/// threads (a 16-channel 3x3 layer on an AVX2-only AMD EPYC, family 23 model 1: 79% of the FMA
/// peak on two threads against 84% on one).
final class WorkQueue: Sendable {
    let count: Int
    let workers: Int
    /// The length of every run, or nil for guided runs.
    let fixedRun: Int?
    /// The items not yet handed out, `front ..< back`: front in the low 32 bits, back in the high.
    private let range: Atomic<Int>

    /// `grain`: a fixed run length; nil (the default) for guided runs.
    init(count: Int, workers: Int, grain: Int? = nil) {
        precondition(count >= 0 && count < 1 << 31, "a work queue holds up to 2^31 - 1 items")
        self.count = count
        self.workers = max(1, workers)
        self.fixedRun = grain.map { max(1, $0) }
        range = Atomic<Int>(count << 32)
    }

    /// The longest run `claim()` can return.
    var largestRun: Int { fixedRun ?? guidedRun(left: count) }

    /// A guided claim's length when `left` items remain: an eighth of a worker's share, at least one.
    private func guidedRun(left: Int) -> Int { max(1, left / (8 * workers)) }

    /// The next run of items from the front, or nil when every item has been handed out.
    func claim() -> Range<Int>? { claim(fromBack: false) }

    /// The next run of items from the front or from the back, or nil when every item has been
    /// handed out.
    func claim(fromBack: Bool) -> Range<Int>? {
        var seen = range.load(ordering: .relaxed)
        while true {
            let front = seen & 0xFFFF_FFFF, back = seen >> 32
            guard front < back else { return nil }
            let run = min(back - front, fixedRun ?? guidedRun(left: back - front))
            let claimed = fromBack ? (back - run)..<back : front..<(front + run)
            let desired = fromBack ? (back - run) << 32 | front : back << 32 | (front + run)
            let (exchanged, current) = range.compareExchange(expected: seen, desired: desired, ordering: .relaxed)
            if exchanged { return claimed }
            seen = current
        }
    }

    /// One worker's end of the queue (`run`): even-numbered workers claim from the front,
    /// odd-numbered ones from the back.
    struct Claimer: Sendable {
        let queue: WorkQueue
        let fromBack: Bool

        /// The next run of items from this worker's end, or nil when every item has been handed out.
        func claim() -> Range<Int>? { queue.claim(fromBack: fromBack) }

        /// The longest run `claim()` can return.
        var largestRun: Int { queue.largestRun }
    }

    /// Runs `body` on `workers` threads (the caller's among them); each calls `claim()` until nil.
    ///
    /// `fromBothEnds`: odd-numbered workers claim from the back, so that two workers meet once, in
    /// the middle, where claiming from one end they take turns along it, each run next to the other
    /// thread's. Winograd layers ask for it: their chunks of 64 tiles end mid-row and mid-cache-line,
    /// so neighbouring chunks store into the two sides of the same lines, and a 320x180 frame's
    /// 16-channel layers are 26 chunks, claimed one at a time. `vsr-kernel-bench model repsr-y-x2
    /// --size 320x180 --threads 2`, AMD EPYC Zen 4, 20 runs alternating: 4.9-5.9 ms a frame -> 4.3-4.7,
    /// and in the phases when this VM ran the former at 11-12 ms (a few runs at a time, with one
    /// thread normal in the same runs, the output transform's stores taking 3.8 times their samples)
    /// 10.8 -> 5.4; with the AVX2 kernels' F(4x4) (`VSR_CPU=avx2`, 10 runs) 5.5-6.2 -> 4.8-6.1, slow
    /// phases 11.6-12.7 -> 4.8-6.1. RLFN-S x2 at 320x180 on two threads was unchanged (median of
    /// five 115.2 against 116.0 ms). With every queue taken from both ends, the direct convolutions'
    /// rows and pixel chunks included, it lost (125 ms); tried again on the same CPU, 20 pairs of runs
    /// alternating, median 124.5 ms from one end against 122.9 from both, both faster in 13 of 20:
    /// not a clear gain, so they keep one end.
    func run(fromBothEnds: Bool = false, _ body: @Sendable (Claimer) -> Void) {
        if workers <= 1 {
            body(Claimer(queue: self, fromBack: false))
            return
        }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            body(Claimer(queue: self, fromBack: fromBothEnds && worker % 2 == 1))
        }
    }
}
