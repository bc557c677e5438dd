import Synchronization
import XCTest

@testable import VSRInference

/// The queue the kernels' threads claim rows and tile chunks from: every item exactly once, whatever
/// the count, grain and number of workers.
final class WorkQueueTests: XCTestCase {
    func testEveryItemIsHandedOutExactlyOnce() {
        for (count, workers, grain) in [(0, 2, nil), (1, 3, nil), (7, 2, 3), (1000, 3, 7), (1000, 2, nil), (97, 4, 1)] as [(Int, Int, Int?)]
        {
            let queue = WorkQueue(count: count, workers: workers, grain: grain)
            let claimed = Mutex<[Int]>([])
            queue.run { queue in
                while let run = queue.claim() {
                    XCTAssertLessThanOrEqual(run.count, queue.largestRun)
                    claimed.withLock { $0.append(contentsOf: run) }
                }
            }
            XCTAssertEqual(
                claimed.withLock { $0.sorted() }, Array(0..<count),
                "\(count) items, \(workers) workers, grain \(grain.map(String.init) ?? "default")")
        }
    }

    /// Guided runs (the default) shrink as the items run out and end in single items, so that
    /// threads finish a layer within about one item of each other.
    func testGuidedRunsShrinkToSingleItems() {
        for (count, workers) in [(180, 2), (540, 2), (75, 3), (5, 2)] {
            let queue = WorkQueue(count: count, workers: workers)
            var runs: [Int] = []
            while let run = queue.claim() { runs.append(run.count) }
            XCTAssertEqual(runs.reduce(0, +), count)
            XCTAssertEqual(runs.first, max(1, count / (8 * workers)), "\(count) items, \(workers) workers")
            XCTAssertEqual(runs.last, 1, "\(count) items, \(workers) workers")
            XCTAssertEqual(runs, runs.sorted(by: >), "\(count) items, \(workers) workers: runs grow")
        }
    }
}
