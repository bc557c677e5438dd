import VSRCore
import VSRPipeline
import XCTest

final class FrameUpscalerTests: XCTestCase {
    func testOddSizedFrameGetsExactOutputPlaneSizes() throws {
        let source = ArraySource(count: 1, width: 5, height: 3, format: .yuv420p)
        let frame = try XCTUnwrap(source.nextFrame())
        let upscaler = FrameUpscaler(luma: ResizingLumaUpscaler(resizer: NearestResizer(), scale: 3),
                                     chroma: NearestResizer())
        let out = try upscaler.upscale(frame)
        XCTAssertEqual([out.planes[0].width, out.planes[0].height], [15, 9])
        // ceil(15/2) x ceil(9/2): not 3 x the input's 3x2 chroma.
        XCTAssertEqual([out.planes[1].width, out.planes[1].height], [8, 5])
        XCTAssertEqual([out.planes[2].width, out.planes[2].height], [8, 5])
        XCTAssertEqual(out.pts, frame.pts)
        XCTAssertEqual(out.index, frame.index)
        XCTAssertEqual(out.format, .yuv420p)
    }

    func testGrayFramesHaveNoChroma() throws {
        let frame = try XCTUnwrap(ArraySource(count: 1, format: .gray10le).nextFrame())
        let out = try FrameUpscaler(luma: ResizingLumaUpscaler(resizer: NearestResizer(), scale: 2),
                                    chroma: NearestResizer()).upscale(frame)
        XCTAssertEqual(out.planes.count, 1)
        XCTAssertEqual(out.planes[0].bitDepth, 10)
    }

    func testWrongSizedLumaIsAnError() throws {
        let frame = try XCTUnwrap(ArraySource(count: 1).nextFrame())
        let upscaler = FrameUpscaler(luma: BrokenUpscaler(), chroma: NearestResizer())
        XCTAssertThrowsError(try upscaler.upscale(frame)) { error in
            XCTAssertTrue("\(error)".contains("expected 10x6"), "\(error)")
        }
    }
}

final class UpscaleRunnerTests: XCTestCase {
    private let upscaler = FrameUpscaler(luma: ResizingLumaUpscaler(resizer: NearestResizer(), scale: 2),
                                         chroma: NearestResizer())

    func testAllFramesInOrderThenFinish() throws {
        let sink = RecordingSink()
        var progress: [Int] = []
        let summary = try UpscaleRunner().run(source: ArraySource(count: 7), upscaler: upscaler, sink: sink) { frames, _ in
            progress.append(frames)
        }
        XCTAssertEqual(sink.written.map(\.index), Array(0..<7))
        XCTAssertEqual(sink.written.map(\.pts), (0..<7).map { Int64($0 * 2) })
        XCTAssertTrue(sink.finished)
        XCTAssertFalse(sink.aborted)
        XCTAssertEqual(progress, Array(1...7))
        XCTAssertEqual(summary.frames, 7)
        XCTAssertEqual(summary.outputBytes, 42)
        XCTAssertFalse(summary.interrupted)
    }

    func testFrameLimit() throws {
        let sink = RecordingSink()
        let summary = try UpscaleRunner(frameLimit: 3).run(source: ArraySource(count: 7), upscaler: upscaler, sink: sink)
        XCTAssertEqual(summary.frames, 3)
        XCTAssertEqual(sink.written.count, 3)
    }

    func testCancellationFinishesTheOutput() throws {
        let source = ArraySource(count: 10)
        let flag = CancellationFlag()
        source.onRead = { reads in if reads == 4 { flag.cancel() } }
        let sink = RecordingSink()
        let summary = try UpscaleRunner(cancellation: flag).run(source: source, upscaler: upscaler, sink: sink)
        XCTAssertTrue(summary.interrupted)
        XCTAssertEqual(summary.frames, 4)
        XCTAssertTrue(sink.finished, "a cancelled run keeps what was encoded")
        XCTAssertFalse(sink.aborted)
    }

    func testErrorAbortsTheOutput() {
        let broken = BrokenUpscaler()
        broken.throwing = true
        let sink = RecordingSink()
        XCTAssertThrowsError(try UpscaleRunner().run(source: ArraySource(count: 3),
                                                     upscaler: FrameUpscaler(luma: broken, chroma: NearestResizer()),
                                                     sink: sink))
        XCTAssertTrue(sink.aborted)
        XCTAssertFalse(sink.finished)
    }
}
