import Foundation
import VSRCore
import XCTest

@testable import VSRPipeline

/// The pipeline with test doubles: order, backpressure, errors from every stage, cancellation.
final class UpscalePipelineTests: XCTestCase {
    private func upscaler(delay: ClosedRange<Double> = 0...0, failAt: Int? = nil) -> FrameUpscaler {
        DelayedUpscaler(delay: delay, failAt: failAt)
    }

    func testOrderIsRestoredUnderRandomDelays() throws {
        for workers in [1, 3] {
            let sink = RecordingSink()
            var progress: [Int] = []
            let summary = try UpscalePipeline(queueDepth: 2, workers: workers).run(
                source: ArraySource(count: 40), makeUpscaler: { upscaler(delay: 0...0.004) }, sink: sink
            ) { frames, _ in
                progress.append(frames)
            }
            XCTAssertEqual(sink.written.map(\.index), Array(0..<40), "\(workers) workers")
            XCTAssertEqual(sink.written.map(\.pts), (0..<40).map { Int64($0 * 2) })
            XCTAssertEqual(sink.written.first?.width, 10)
            XCTAssertEqual(progress, Array(1...40))
            XCTAssertTrue(sink.finished)
            XCTAssertFalse(sink.aborted)
            XCTAssertEqual(summary.frames, 40)
            XCTAssertEqual(summary.stages.map(\.name), ["decode", "upscale", "encode"])
            XCTAssertEqual(summary.stages.map(\.items), [40, 40, 40])
        }
    }

    func testARunWithoutFramesLeavesNoOutput() throws {
        let sink = RecordingSink()
        let summary = try UpscalePipeline().run(source: ArraySource(count: 0), makeUpscaler: { upscaler() }, sink: sink)
        XCTAssertEqual(summary.frames, 0)
        XCTAssertNil(summary.outputBytes)
        XCTAssertTrue(sink.aborted, "an empty output is removed")
        XCTAssertFalse(sink.finished)

        let damaged = ArraySource(count: 5)
        damaged.failAt = 0
        let sink2 = RecordingSink()
        let summary2 = try UpscalePipeline().run(source: damaged, makeUpscaler: { upscaler() }, sink: sink2)
        XCTAssertEqual(summary2.frames, 0)
        XCTAssertNotNil(summary2.inputError)
        XCTAssertTrue(sink2.aborted)
        XCTAssertFalse(sink2.finished)
    }

    func testFrameLimit() throws {
        let sink = RecordingSink()
        let summary = try UpscalePipeline(frameLimit: 3).run(source: ArraySource(count: 7), makeUpscaler: { upscaler() }, sink: sink)
        XCTAssertEqual(summary.frames, 3)
        XCTAssertEqual(sink.written.count, 3)
    }

    /// A sink that stalls holds the source back: it reads no more than the frames in flight allow,
    /// whatever the workers' relative speeds (random delays make them overtake each other).
    func testStalledSinkStopsTheSource() throws {
        let source = ArraySource(count: 1000)
        let sink = RecordingSink()
        sink.gate = DispatchSemaphore(value: 0)
        let pipeline = UpscalePipeline(queueDepth: 3, workers: 2)
        XCTAssertEqual(pipeline.framesInFlight, 8)
        let done = DispatchSemaphore(value: 0)
        let box = PipelineBox(pipeline: pipeline, source: source, sink: sink)
        Thread {
            box.run(); done.signal()
        }.start()
        Thread.sleep(forTimeInterval: 0.5)
        XCTAssertLessThanOrEqual(source.reads, pipeline.framesInFlight)
        XCTAssertGreaterThan(source.reads, 3)
        // Let frames through one at a time and check the bound all along.
        for _ in 0..<200 {
            sink.gate!.signal()
            XCTAssertLessThanOrEqual(source.reads, sink.written.count + 1 + pipeline.framesInFlight)
        }
        for _ in 200..<1000 { sink.gate!.signal() }
        XCTAssertEqual(done.wait(timeout: .now() + 60), .success, "the pipeline did not finish")
        XCTAssertEqual(sink.written.map(\.index), Array(0..<1000))
    }

    func testErrorInTheUpscalerStopsEverything() {
        let sink = RecordingSink()
        XCTAssertThrowsError(
            try UpscalePipeline(queueDepth: 2, workers: 2).run(
                source: ArraySource(count: 500), makeUpscaler: { upscaler(failAt: 7) }, sink: sink)
        ) { error in
            XCTAssertEqual(error as? TestFailure, TestFailure(stage: "upscale"))
        }
        XCTAssertTrue(sink.aborted)
        XCTAssertFalse(sink.finished)
    }

    func testErrorInTheSourceKeepsTheFramesBeforeIt() throws {
        let source = ArraySource(count: 500)
        source.failAt = 5
        let sink = RecordingSink()
        let summary = try UpscalePipeline(queueDepth: 2, workers: 3).run(source: source, makeUpscaler: { upscaler() }, sink: sink)
        XCTAssertEqual(summary.inputError, .processing("reading the input: \(TestFailure(stage: "source"))"))
        XCTAssertEqual(sink.written.map(\.index), Array(0..<5), "the frames read before the damage must be written")
        XCTAssertEqual(summary.frames, 5)
        XCTAssertTrue(sink.finished)
        XCTAssertFalse(sink.aborted)
        XCTAssertEqual(source.reads, 6, "the source was read again after it failed")
    }

    func testErrorInTheSinkStopsEverything() {
        let source = ArraySource(count: 500)
        let sink = RecordingSink()
        sink.failAt = 3
        XCTAssertThrowsError(try UpscalePipeline(queueDepth: 2).run(source: source, makeUpscaler: { upscaler() }, sink: sink)) { error in
            XCTAssertEqual(error as? TestFailure, TestFailure(stage: "sink"))
        }
        XCTAssertTrue(sink.aborted)
        XCTAssertLessThan(source.reads, 20, "the source kept reading after the sink failed")
    }

    func testErrorCreatingAnUpscalerAbortsBeforeStarting() {
        let sink = RecordingSink()
        XCTAssertThrowsError(
            try UpscalePipeline().run(
                source: ArraySource(count: 5),
                makeUpscaler: { throw TestFailure(stage: "setup") }, sink: sink))
        XCTAssertTrue(sink.aborted)
        XCTAssertTrue(sink.written.isEmpty)
    }

    func testCancellationFinishesTheOutput() throws {
        let source = ArraySource(count: 1000)
        let flag = CancellationFlag()
        source.onRead = { reads in if reads == 10 { flag.cancel() } }
        let sink = RecordingSink()
        let summary = try UpscalePipeline(cancellation: flag).run(source: source, makeUpscaler: { upscaler() }, sink: sink)
        XCTAssertTrue(summary.interrupted)
        XCTAssertEqual(summary.frames, 10)
        XCTAssertEqual(sink.written.map(\.index), Array(0..<10))
        XCTAssertTrue(sink.finished, "a cancelled run keeps what was encoded")
        XCTAssertFalse(sink.aborted)
    }

    /// A popped item belongs to whoever popped it: the queue keeps no reference, so a frame's planes
    /// are freed as soon as the consumer is done with them (not up to 64 pops later).
    func testQueueKeepsNoReferenceToPoppedItems() {
        final class Item: Sendable {}
        let queue = BoundedQueue<Item>(capacity: 2)
        weak var popped: Item?
        do {
            let item = Item()
            popped = item
            XCTAssertTrue(queue.push(item))
            XCTAssertTrue(queue.push(Item()))
        }
        XCTAssertNotNil(popped, "a queued item is the queue's until popped")
        _ = queue.pop()
        XCTAssertNil(popped, "the queue still holds an item it handed out")
        XCTAssertNotNil(queue.pop())
        queue.close()
        XCTAssertNil(queue.pop())
    }

    func testQueueBlocksWhenFullAndDrainsAfterClose() {
        let queue = BoundedQueue<Int>(capacity: 2)
        XCTAssertTrue(queue.push(1))
        XCTAssertTrue(queue.push(2))
        let pushed = DispatchSemaphore(value: 0)
        Thread {
            queue.push(3); pushed.signal()
        }.start()
        XCTAssertEqual(pushed.wait(timeout: .now() + 0.2), .timedOut, "push must wait while full")
        XCTAssertEqual(queue.pop(), 1)
        XCTAssertEqual(pushed.wait(timeout: .now() + 5), .success)
        queue.close()
        XCTAssertFalse(queue.push(4))
        XCTAssertEqual(queue.pop(), 2)
        XCTAssertEqual(queue.pop(), 3)
        XCTAssertNil(queue.pop())
    }
}

struct TestFailure: Error, Equatable { let stage: String }

/// Nearest-neighbour x2 with a random delay, failing at a given frame index.
final class DelayedUpscaler: FrameUpscaler {
    let scale = 2
    let name = "delayed"
    private let inner = LumaChromaUpscaler(luma: ResizingLumaUpscaler(resizer: NearestResizer(), scale: 2), chroma: NearestResizer())
    private let delay: ClosedRange<Double>
    private let failAt: Int?

    init(delay: ClosedRange<Double>, failAt: Int?) {
        self.delay = delay
        self.failAt = failAt
    }

    func upscale(_ frame: VideoFrame) throws -> VideoFrame {
        if frame.index == failAt { throw TestFailure(stage: "upscale") }
        if delay.upperBound > 0 { Thread.sleep(forTimeInterval: Double.random(in: delay)) }
        return try inner.upscale(frame)
    }
}

/// Runs a pipeline on another thread (the test thread feeds the stalled sink).
final class PipelineBox: @unchecked Sendable {
    let pipeline: UpscalePipeline, source: ArraySource, sink: RecordingSink
    init(pipeline: UpscalePipeline, source: ArraySource, sink: RecordingSink) {
        self.pipeline = pipeline
        self.source = source
        self.sink = sink
    }
    func run() {
        _ = try? pipeline.run(source: source, makeUpscaler: { DelayedUpscaler(delay: 0...0.003, failAt: nil) }, sink: sink)
    }
}
