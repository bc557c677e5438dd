// What handing a layer's second half to another thread costs, beyond the work itself: the way the
// engine forked each layer until ForkJoinPool (`DispatchQueue.concurrentPerform(iterations: 2)`),
// against one persistent helper thread that spins on an atomic counter for up to
// SPIN microseconds before it parks on a semaphore (what ONNX Runtime's pool and OpenMP do between
// parallel regions). Each call runs WORK microseconds of busy work on both threads; between calls
// the caller alone busy-works a gap (a layer's serial part), 0-1000 us. Prints the median and p90 of
// (call time - WORK) over 400 calls per gap.
//   scripts/fork-join-probe.sh [WORK [SPIN [CALLS]]]       # defaults 500 us, 200 us, 400 calls; both ways
// On the 2-vCPU AMD EPYC Zen 4 VM (AVX-512: yes), vCPU round trip 54-62 ns, 2026-12-06, four runs:
// with concurrentPerform a median of 43-74 us at gaps of 0-200 us and 73-81 us at 1000; with the
// spinning helper 0.2-1.0 us at 0-200 us and 26-46 us once it had parked (1000 us). A 16-channel
// 320x180 layer takes 1.3-1.5 ms on two threads, so that fork was 3-5% of it. The engine now forks
// on `ForkJoinPool` (Sources/VSRInference/Kernels), helpers that spin 200 us and park, as "spin" here.
import Dispatch
import Foundation
import Synchronization

func micros() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e3 }

func busy(_ duration: Double) {
    let end = micros() + duration
    while micros() < end {}
}

/// One helper thread: it spins for the next job up to `spinNanos`, then parks until woken.
final class SpinningHelper: @unchecked Sendable {
    private let generation = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    private let parked = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)
    private var job: () -> Void = {}
    private let spinNanos: UInt64

    init(spinMicros: Double) {
        spinNanos = UInt64(spinMicros * 1000)
        Thread { self.loop() }.start()
    }

    private func loop() {
        var seen = 0
        while true {
            let start = DispatchTime.now().uptimeNanoseconds
            while generation.load(ordering: .acquiring) == seen {
                guard DispatchTime.now().uptimeNanoseconds - start > spinNanos else { continue }
                parked.store(true, ordering: .sequentiallyConsistent)
                if generation.load(ordering: .sequentiallyConsistent) == seen { wake.wait() }
                parked.store(false, ordering: .sequentiallyConsistent)
            }
            seen = generation.load(ordering: .acquiring)
            job()
            finished.store(seen, ordering: .releasing)
        }
    }

    /// Runs `body` on the caller and on the helper, and returns when both are done.
    func run(_ body: @escaping () -> Void) {
        job = body
        let current = generation.add(1, ordering: .sequentiallyConsistent).newValue
        if parked.load(ordering: .sequentiallyConsistent) { wake.signal() }
        body()
        while finished.load(ordering: .acquiring) != current {}
    }
}

// MODE: "dispatch" or "spin", one per process: a helper spinning beside libdispatch's pool would
// hold a core the pool's thread waits for, and each would time the other's leftovers.
func usage(_ problem: String) -> Never {
    FileHandle.standardError.write(
        "fork-join-probe: \(problem); usage: MODE (dispatch or spin) [WORK_US [SPIN_US [CALLS]]]\n".data(using: .utf8)!)
    exit(64)
}
let mode = CommandLine.arguments.dropFirst().first ?? "dispatch"
guard ["dispatch", "spin"].contains(mode) else { usage("MODE is dispatch or spin, not '\(mode)'") }
let arguments = CommandLine.arguments.dropFirst(2).map { text in
    guard let value = Double(text), value >= 0 else { usage("'\(text)' is not a number of microseconds or calls") }
    return value
}
let work = arguments.count > 0 ? arguments[0] : 500
let spinMicros = arguments.count > 1 ? arguments[1] : 200
let calls = arguments.count > 2 ? max(10, Int(arguments[2])) : 400
let helper = mode == "spin" ? SpinningHelper(spinMicros: spinMicros) : nil
for gap in [0.0, 20, 200, 1000] {
    var overhead: [Double] = []
    for _ in 0..<calls {
        busy(gap)
        let start = micros()
        if let helper {
            helper.run { busy(work) }
        } else {
            DispatchQueue.concurrentPerform(iterations: 2) { _ in busy(work) }
        }
        overhead.append(micros() - start - work)
    }
    overhead.sort()
    let how = helper == nil ? "concurrentPerform" : String(format: "helper spinning up to %.0f us", spinMicros)
    print(
        String(
            format: "%@, work %.0f us, gap %4.0f us: fork/join overhead median %.1f us, p90 %.1f us", how, work, gap,
            overhead[calls / 2], overhead[calls * 9 / 10]))
}
exit(0)  // the helper thread never returns
