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

    /// Runs `body` on `workers` threads (the caller's and `ForkJoinPool`'s helpers); each calls
    /// `claim()` until nil.
    /// Even-numbered workers claim from the front, odd-numbered ones from the back, so that two
    /// workers meet once, in the middle, where claiming from one end they take turns along it, each
    /// run next to the other thread's.
    ///
    /// Every layer's rows, pixel chunks and tile chunks are numbered top to bottom, so from both
    /// ends each thread keeps to its own part of the frame from layer to layer, and reads what it
    /// wrote itself. That matters where the two threads' cores do not share a cache: this 2-vCPU VM
    /// (AMD EPYC Zen 4) spends a few seconds at a time with its vCPUs on cores 321-359 ns apart for
    /// a cache line's round trip instead of 50-78 (`scripts/vcpu-round-trip.sh`). `vsr-kernel-bench
    /// model`, 2 threads, median of 5 runs, one end against both ends alternating for 4-9 minutes,
    /// the runs sorted by the round trip measured before and after each, median ms:
    ///
    /// | model at 320x180 | near cores (runs) | far cores (runs) |
    /// | --- | --- | --- |
    /// | RLFN-S x2 | 116.7 (109) -> 118.2 (108) | 140.7 (6) -> 125.1 (7); an earlier run 141.7 (9) -> 127.6 (9) |
    /// | RLFN x2 | 128.3 (70) -> 129.6 (71) | 156.4 (6) -> 137.2 (7) |
    /// | RLFN-S x2, AVX2 kernels (`scripts/as-avx2-cpu.sh`) | 128.3 (61) -> 128.8 (64) | 154.5 (11) -> 136.0 (14) |
    ///
    /// RLFN-S x2 at 960x540 1046 -> 1034 ms near, 1065 -> 1060 far. Layer by layer (`vsr-kernel-bench
    /// conv --size 320x180 --threads 2`, far cores, two rounds each): the direct 3x3 kernel at 16
    /// channels 81% -> 85-86% of the FMA peak, at 52 channels 88-91% -> 91-93%; a 1x1 layer 52-53% ->
    /// 64% (16 channels) and 69-71% -> 76-86% (52). Only the Winograd layers had claimed from both
    /// ends before: their chunks of 64 tiles end mid-row and mid-cache-line, so neighbouring chunks
    /// store into the two sides of the same lines (`vsr-kernel-bench model repsr-y-x2 --size 320x180
    /// --threads 2`, 20 runs alternating: 4.9-5.9 ms a frame -> 4.3-4.7, and 10.8 -> 5.4 in a slow
    /// phase). Earlier A/B runs of every queue from both ends, not sorted by the round trip, had
    /// read it as no clear gain (20 pairs, median 124.5 -> 122.9 ms): near-core runs, most of them,
    /// hid the far ones' difference. Splitting ESA's max-pool, resize and column split by rows
    /// instead of channels as well changed nothing measurable (far 125.1 against 127.2 ms).
    func run(_ body: @Sendable (Claimer) -> Void) {
        if workers <= 1 {
            body(Claimer(queue: self, fromBack: false))
            return
        }
        ForkJoinPool.shared.perform(iterations: workers) { worker in
            body(Claimer(queue: self, fromBack: worker % 2 == 1))
        }
    }
}
