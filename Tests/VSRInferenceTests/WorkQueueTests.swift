import XCTest

@testable import VSRInference

/// The queue the kernels' threads claim rows and tile chunks from: every item exactly once, whatever
/// the count, grain and number of workers.
final class WorkQueueTests: XCTestCase {
    func testEveryItemIsHandedOutExactlyOnce() {
        for (count, workers, grain) in [(0, 2, nil), (1, 3, nil), (7, 2, 3), (1000, 3, 7), (1000, 2, nil), (97, 4, 1)] as [(Int, Int, Int?)]
        {
            let queue = WorkQueue(count: count, workers: workers, grain: grain)
            let claimed = LockedValue<[Int]>([])
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

    /// Claims from the back take the last items first, in guided runs that shrink toward the middle,
    /// and the two ends never hand out an item twice.
    func testClaimsFromBothEndsMeetInTheMiddle() {
        let queue = WorkQueue(count: 180, workers: 2)
        XCTAssertEqual(queue.claim(fromBack: true), 169..<180)
        XCTAssertEqual(queue.claim(fromBack: false), 0..<10)
        var front: [Range<Int>] = [], back: [Range<Int>] = []
        while true {
            guard let a = queue.claim(fromBack: false) else { break }
            front.append(a)
            guard let b = queue.claim(fromBack: true) else { break }
            back.append(b)
        }
        XCTAssertNil(queue.claim(fromBack: true))
        let items = ([0..<10, 169..<180] + front + back).flatMap { Array($0) }.sorted()
        XCTAssertEqual(items, Array(0..<180))
        XCTAssertEqual(zip(front, front.dropFirst()).filter { $0.upperBound != $1.lowerBound }.count, 0, "front runs in order")
        XCTAssertEqual(zip(back, back.dropFirst()).filter { $1.upperBound != $0.lowerBound }.count, 0, "back runs in order")
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
