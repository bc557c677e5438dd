import CVSRKernels
import Dispatch
import Foundation
import Synchronization

/// Runs a layer's workers at once, as `DispatchQueue.concurrentPerform` does, on helper threads
/// that spin for a while after each job before they sleep, so that the next layer's fork costs a
/// cache line's round trip instead of a thread's wake-up.
///
/// The engine forks once per layer (`WorkQueue.run`, the Winograd band chain's slabs, the
/// elementwise and resampling ops): RLFN-S x2 at 320x180 forks about 60 times a forward pass.
/// `concurrentPerform` wakes a libdispatch worker each time: 43-81 us median from the fork to both
/// threads done, against 0.2-1.0 us for a helper already spinning (`scripts/fork-join-probe.sh`,
/// AMD EPYC Zen 4 VM, AVX-512: yes), which is 3-5% of a 16-channel 320x180 layer on two threads.
/// Whole forward passes on two threads, `vsr-kernel-bench model`, this pool's binary and the one
/// before alternating, medians on an AVX2-only AMD EPYC Zen 3 VM (family 25 model 1, 2026-12-06):
/// RLFN-S x2 320x180 187.8 -> 179.5 ms (10 rounds), 164.4 -> 156.5 (8) and 215.4 -> 196.9 (5);
/// RLFN x2 225.4 -> 213.3 (6). Layers forked once a frame (repsr-y-x2's band chain) and the direct
/// kernel alone (16 channels, 320x180, 9 rounds) within the VM's noise either way; in that VM's
/// slow phases a two-thread layer took its one-thread time with either. On Zen 4 an earlier spinning
/// helper read within noise (RLFN-S x2 320x180: 122.8 -> 123.0 and 117.2 -> 114.5 ms, 2026-12-05).
///
/// One job runs at a time: a fork while another is in flight (a second pipeline worker, or a job
/// that forks inside itself) goes to `concurrentPerform` as before. A helper spins for `spinNanos`
/// after its last job, then parks on a semaphore (26-46 us to wake), so an idle process does not
/// hold the cores: between frames, or when one worker of one thread runs inline and never forks.
final class ForkJoinPool: @unchecked Sendable {
    /// The process's pool, used by every kernel that splits a layer among threads.
    static let shared = ForkJoinPool(spinNanos: 200_000)

    /// The most workers one job takes here (the forking thread and 63 helpers); more go to
    /// `concurrentPerform`.
    static let maximumWorkers = 64

    /// `announcement` holds a job's number times this plus its worker count (at most
    /// `maximumWorkers`).
    private static let numberUnit = 128

    /// How long a helper spins after a job before it parks.
    let spinNanos: UInt64
    /// Held by the thread whose job is in flight.
    private let busy = Atomic<Bool>(false)
    /// The job's number and worker count (`numberUnit`): helpers wait for the number to change.
    private let announcement = Atomic<Int>(0)
    /// Helpers still running the current job.
    private let unfinished = Atomic<Int>(0)
    /// The current job's body. Written by the forking thread before it announces the job, read by
    /// the helpers after they see the announcement, cleared after they have all finished.
    private var body: (@Sendable (Int) -> Void)?
    /// The helpers started so far; only the thread holding `busy` adds to it.
    private var helpers: [Helper] = []

    init(spinNanos: UInt64) {
        self.spinNanos = spinNanos
    }

    /// Calls `body(0) ... body(iterations - 1)` at once, each on its own thread (the caller's
    /// among them), and returns when all have returned.
    func perform(iterations: Int, _ body: @Sendable (Int) -> Void) {
        if iterations <= 1 {
            if iterations == 1 { body(0) }
            return
        }
        guard iterations <= Self.maximumWorkers,
            busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
        else {
            return DispatchQueue.concurrentPerform(iterations: iterations, execute: body)
        }
        defer { busy.store(false, ordering: .releasing) }
        while helpers.count < iterations - 1 { helpers.append(Helper(pool: self, worker: helpers.count + 1)) }
        withoutActuallyEscaping(body) { body in
            self.body = body
            unfinished.store(iterations - 1, ordering: .relaxed)
            let number = announcement.load(ordering: .relaxed) / Self.numberUnit + 1
            announcement.store(number * Self.numberUnit + iterations, ordering: .sequentiallyConsistent)
            for helper in helpers[0..<(iterations - 1)] { helper.wake() }
            body(0)
            waitForHelpers()
            self.body = nil
        }
    }

    /// Spins until every helper has finished its part, then yields the core between looks: a
    /// helper that the kernel has descheduled needs it more than this thread does.
    private func waitForHelpers() {
        var looks = 0
        while unfinished.load(ordering: .acquiring) > 0 {
            looks += 1
            if looks < 20_000 { vsr_spin_pause() } else { sched_yield() }
        }
    }

    /// Helper `worker`'s part of the current job. A function of its own, so that its reference to
    /// the body is gone before the helper reports it done (`withoutActuallyEscaping` checks).
    @inline(never)
    fileprivate func runPart(_ worker: Int) {
        body?(worker)
    }

    fileprivate func announced() -> (number: Int, workers: Int) {
        let value = announcement.load(ordering: .sequentiallyConsistent)
        return (value / Self.numberUnit, value % Self.numberUnit)
    }

    fileprivate func finishedPart() {
        unfinished.subtract(1, ordering: .releasing)
    }
}

/// One helper thread of a `ForkJoinPool`: worker `worker` of every job that has that many.
private final class Helper: @unchecked Sendable {
    let worker: Int
    /// Set while the thread sleeps (or is about to) on `wakeUp`.
    private let parked = Atomic<Bool>(false)
    private let wakeUp = DispatchSemaphore(value: 0)

    init(pool: ForkJoinPool, worker: Int) {
        self.worker = worker
        Thread { [self] in
            vsr_name_current_thread("vsr-helper-\(worker)")
            self.serve(pool)
        }.start()
    }

    /// Wakes the thread if it sleeps. Called after the job is announced: either the helper sees the
    /// announcement before it parks, or this sees it parked (both are sequentially consistent).
    func wake() {
        if parked.exchange(false, ordering: .sequentiallyConsistent) { wakeUp.signal() }
    }

    private func serve(_ pool: ForkJoinPool) {
        var seen = 0
        while true {
            let job = waitForJob(after: seen, in: pool)
            seen = job.number
            // A job with fewer workers than this helper's number is not this helper's to finish.
            guard worker < job.workers else { continue }
            pool.runPart(worker)
            pool.finishedPart()
        }
    }

    /// Spins until a job after `seen` is announced, parking when none comes within the pool's
    /// spin time.
    private func waitForJob(after seen: Int, in pool: ForkJoinPool) -> (number: Int, workers: Int) {
        var start = DispatchTime.now().uptimeNanoseconds
        var looks = 0
        while true {
            let job = pool.announced()
            if job.number != seen { return job }
            looks += 1
            guard looks % 64 == 0, DispatchTime.now().uptimeNanoseconds - start > pool.spinNanos else {
                vsr_spin_pause()
                continue
            }
            parked.store(true, ordering: .sequentiallyConsistent)
            if pool.announced().number == seen {
                wakeUp.wait()
            } else if !parked.exchange(false, ordering: .sequentiallyConsistent) {
                // The forking thread took the flag back and signals: take its signal.
                wakeUp.wait()
            }
            start = DispatchTime.now().uptimeNanoseconds
        }
    }
}
