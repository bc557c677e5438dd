import VSRCore
import XCTest

@testable import VSRRun

/// The pure parts of planned jobs: segment cutting, task grouping, array specs, the timestamp
/// table, the settings' round trip and time-base rescaling.
final class JobPlanTests: XCTestCase {
    private func timings(_ count: Int, keyframeEvery: Int, step: Int64 = 512) -> [FrameTiming] {
        (0..<count).map { FrameTiming(pts: Int64($0) * step, duration: step, isKeyframe: $0 % keyframeEvery == 0) }
    }

    func testSegmentsStartAtTheFirstKeyframeAtLeastLengthFramesOnAndCoverEveryFrame() {
        let frames = timings(100, keyframeEvery: 12)
        let segments = JobPlanner.segments(frames, length: 30)
        XCTAssertEqual(segments.map(\.firstFrame), [0, 36, 72])
        XCTAssertEqual(segments.map(\.frames), [36, 36, 28])
        XCTAssertNil(segments[0].seek, "the first segment reads from the start")
        XCTAssertEqual(segments[1].seek, 36 * 512)
        XCTAssertEqual(segments[1].firstPts, 36 * 512)
        XCTAssertEqual(segments[1].endPts, 72 * 512)
        XCTAssertEqual(segments[2].endPts, 100 * 512, "the last ends one frame duration after its last frame")
        XCTAssertEqual(JobPlanner.segments(timings(7, keyframeEvery: 1000), length: 3).count, 1, "no keyframe, one segment")
        XCTAssertEqual(JobPlanner.segments(timings(5, keyframeEvery: 1), length: 1).map(\.frames), [1, 1, 1, 1, 1])
    }

    func testTasksGroupConsecutiveSegments() {
        let segments = JobPlanner.segments(timings(100, keyframeEvery: 10), length: 10)
        XCTAssertEqual(JobPlanner.tasks(segments, count: nil, framesPerTask: nil).count, 10)
        XCTAssertEqual(JobPlanner.tasks(segments, count: 3, framesPerTask: nil), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
        XCTAssertEqual(JobPlanner.tasks(segments, count: 1, framesPerTask: nil), [Array(0..<10)])
        XCTAssertEqual(JobPlanner.tasks(segments, count: 50, framesPerTask: nil).count, 10, "never more tasks than segments")
        XCTAssertEqual(JobPlanner.tasks(segments, count: nil, framesPerTask: 25), [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]])
    }

    func testTaskRangesAreArraySpecs() {
        XCTAssertEqual(TaskRanges.describe([]), "")
        XCTAssertEqual(TaskRanges.describe([3]), "3")
        XCTAssertEqual(TaskRanges.describe([9, 3, 7, 8]), "3,7-9")
        XCTAssertEqual(TaskRanges.describe(Array(0..<5) + [6]), "0-4,6")
    }

    func testTheTimestampTableRoundTripsAndRefusesOtherFiles() throws {
        let frames = [
            FrameTiming(pts: -1024, duration: 512, isKeyframe: true), FrameTiming(pts: Int64.max - 1, duration: 0, isKeyframe: false),
        ]
        XCTAssertEqual(try FrameTimingTable.decode(FrameTimingTable.encode(frames), path: "t"), frames)
        XCTAssertThrowsError(try FrameTimingTable.decode(Data("VSRPTS01abc".utf8), path: "t"))
        XCTAssertThrowsError(try FrameTimingTable.decode(Data("not a table at all".utf8), path: "t"))
    }

    func testSettingsArgumentsRoundTripAndLeaveParallelismOutOfTheOutputArguments() throws {
        let given = [
            "--model", "lanczos", "--scale", "1.5", "--tile", "64", "--threads", "2", "--workers", "1", "--codec", "ffv1", "--crf", "20",
            "--pad", "--encoder-option", "tune=film", "--deinterlace", "off",
        ]
        let settings = try UpscaleSettings.parse(given)
        XCTAssertEqual(try UpscaleSettings.parse(settings.arguments).arguments, settings.arguments)
        XCTAssertFalse(settings.outputArguments.contains("--threads"))
        XCTAssertFalse(settings.outputArguments.contains("--workers"))
        XCTAssertTrue(settings.outputArguments.contains("--crf"))
        XCTAssertEqual(try UpscaleSettings.parse([]).outputArguments, [])
    }

    func testRescaleRoundsToTheNearestLikeFFmpeg() {
        let milliseconds = Rational(1, 1000), mpeg = Rational(1, 90000)
        XCTAssertEqual(milliseconds.rescale(3003, from: mpeg), 33)
        XCTAssertEqual(milliseconds.rescale(45, from: mpeg), 1, "half away from zero")
        XCTAssertEqual(milliseconds.rescale(-45, from: mpeg), -1)
        XCTAssertEqual(Rational(1, 12800).rescale(40, from: milliseconds), 512)
    }
}
