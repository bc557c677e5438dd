import Dispatch
import Foundation
import Synchronization
import XCTest

@testable import VSRInference

/// The pool every kernel forks its layer's threads on: each part runs exactly once, all parts run
/// at once, and the pool stays right when its helpers have parked, when jobs differ in width, when
/// a part forks again and when several threads fork at the same time.
final class ForkJoinPoolTests: XCTestCase {
    /// Runs `iterations` parts and returns how often each index ran.
    private func counts(_ pool: ForkJoinPool, iterations: Int) -> [Int] {
        let runs = LockedValue([Int](repeating: 0, count: iterations))
        pool.perform(iterations: iterations) { part in runs.withLock { $0[part] += 1 } }
        return runs.withLock { $0 }
    }

    func testEveryPartRunsExactlyOnceWhateverTheWidth() {
        let pool = ForkJoinPool(spinNanos: 50_000)
        for iterations in [0, 1, 2, 3, 2, 5, 1, 4, 2, 2, 8, 3] {
            XCTAssertEqual(counts(pool, iterations: iterations), [Int](repeating: 1, count: iterations), "\(iterations) parts")
        }
    }

    /// Every part waits until all parts have started: this returns only if they run at the same
    /// time, on as many threads (with a deadline, so that a pool that runs them one after another
    /// fails instead of hanging). Part 0 runs on the caller, part k on the pool's helper k, not on
    /// libdispatch's threads.
    func testPartsRunAtTheSameTime() {
        let pool = ForkJoinPool(spinNanos: 50_000)
        for iterations in [2, 4, 3] {
            let started = Atomic<Int>(0)
            let allMet = Atomic<Int>(0)
            let threads = LockedValue(Set<String>())
            let helperNames = LockedValue([String?](repeating: nil, count: iterations))
            pool.perform(iterations: iterations) { part in
                threads.withLock { _ = $0.insert("\(pthread_self())") }
                if part > 0 { helperNames.withLock { $0[part] = Self.threadName() } }
                started.add(1, ordering: .sequentiallyConsistent)
                let deadline = DispatchTime.now().uptimeNanoseconds + 10_000_000_000
                while started.load(ordering: .sequentiallyConsistent) < iterations, DispatchTime.now().uptimeNanoseconds < deadline {
                    sched_yield()
                }
                if started.load(ordering: .sequentiallyConsistent) == iterations { allMet.add(1, ordering: .relaxed) }
            }
            XCTAssertEqual(allMet.load(ordering: .relaxed), iterations, "\(iterations) parts met")
            XCTAssertEqual(threads.withLock { $0.count }, iterations, "\(iterations) parts on as many threads")
            XCTAssertEqual(helperNames.withLock { $0 }, [nil] + (1..<iterations).map { "vsr-helper-\($0)" })
        }
    }

    /// The calling thread's name, as `top` and `perf` show it.
    private static func threadName() -> String? {
        (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8))?.trimmingCharacters(in: .newlines)
    }

    /// Helpers that have spun out and parked wake for the next job.
    func testParkedHelpersWakeForTheNextJob() {
        let pool = ForkJoinPool(spinNanos: 1_000)
        for round in 0..<20 {
            usleep(round % 2 == 0 ? 2_000 : 0)
            XCTAssertEqual(counts(pool, iterations: 2 + round % 3), [Int](repeating: 1, count: 2 + round % 3), "round \(round)")
        }
    }

    /// A part that forks again gets its own threads (the pool is busy, so `concurrentPerform`), and
    /// both levels run every part once.
    func testNestedForksRunEveryPart() {
        let pool = ForkJoinPool(spinNanos: 50_000)
        let inner = LockedValue([Int](repeating: 0, count: 6))
        pool.perform(iterations: 2) { outer in
            pool.perform(iterations: 3) { part in inner.withLock { $0[outer * 3 + part] += 1 } }
        }
        XCTAssertEqual(inner.withLock { $0 }, [Int](repeating: 1, count: 6))
    }

    /// Threads forking on one pool at once (pipeline workers with several threads each) each get
    /// every part of their own job run once, with the results written where their job said.
    func testConcurrentForkersEachGetTheirOwnJob() {
        let pool = ForkJoinPool(spinNanos: 50_000)
        let forkers = 4, jobs = 200
        let wrong = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: forkers) { forker in
            for job in 0..<jobs {
                let iterations = 2 + (forker + job) % 3
                let sums = LockedValue([Int](repeating: 0, count: iterations))
                pool.perform(iterations: iterations) { part in sums.withLock { $0[part] += forker * 1000 + job } }
                if sums.withLock({ $0 }) != [Int](repeating: forker * 1000 + job, count: iterations) {
                    wrong.add(1, ordering: .relaxed)
                }
            }
        }
        XCTAssertEqual(wrong.load(ordering: .relaxed), 0)
    }

    /// Writes by every part are visible to the forking thread when `perform` returns.
    func testPartsWritesAreVisibleAfterTheJoin() {
        let pool = ForkJoinPool(spinNanos: 50_000)
        let count = 4096
        let buffer = UnsafeMutablePointer<Int>.allocate(capacity: count)
        defer { buffer.deallocate() }
        let box = UnsafeMutablePointerBox(buffer)
        for round in 1...50 {
            let parts = 2 + round % 2
            pool.perform(iterations: parts) { part in
                for index in stride(from: part, to: count, by: parts) { box.pointer[index] = round * count + index }
            }
            XCTAssertTrue((0..<count).allSatisfy { buffer[$0] == round * count + $0 }, "round \(round)")
        }
    }
}
