import Foundation
import VSRCore
import XCTest

@testable import VSRStreams

/// Writers and readers over real files: what one writes the other reads back, and damage is reported.
final class RawFrameStreamTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vsr-streams-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    private func randomFrames(_ count: Int, format: PixelFormat, width: Int, height: Int) -> [VideoFrame] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { index in
            let planes = (0..<format.planeCount).map { number -> Plane in
                let size = format.planeSize(number, width: width, height: height)
                var plane = Plane(width: size.width, height: size.height, bitDepth: format.bitDepth)
                for y in 0..<size.height {
                    for x in 0..<size.width { plane[x, y] = Int.random(in: 0...format.maxSampleValue, using: &generator) }
                }
                return plane
            }
            return VideoFrame(index: index, pts: Int64(index), duration: 1, format: format, planes: planes)
        }
    }

    private func info(_ format: PixelFormat, _ width: Int, _ height: Int) -> VideoStreamInfo {
        VideoStreamInfo(
            width: width, height: height, format: format, timeBase: Rational(1001, 30000),
            frameRate: Rational(30000, 1001), sampleAspectRatio: Rational(10, 11),
            color: ColorInfo(range: .full, chromaLocation: .left), estimatedFrameCount: nil, sourceFormatName: "test")
    }

    func testY4MRoundTripsEveryFormatAtOddSizes() throws {
        for format in PixelFormat.allCases where Y4MHeader.holds(format) {
            let frames = randomFrames(3, format: format, width: 7, height: 5)
            let file = path("\(format).y4m")
            let writer = try Y4MWriter(output: try ByteOutput(path: file, overwrite: false), stream: info(format, 7, 5))
            for frame in frames { try writer.write(frame) }
            XCTAssertEqual(try writer.finish(), Int64(try FileManager.default.attributesOfItem(atPath: file)[.size] as! Int))
            let reader = try Y4MReader(input: try ByteInput(path: file))
            XCTAssertEqual(reader.streamInfo.format, format)
            XCTAssertEqual(reader.streamInfo.frameRate, Rational(30000, 1001))
            XCTAssertEqual(reader.streamInfo.timeBase, Rational(1001, 30000))
            XCTAssertEqual(reader.streamInfo.sampleAspectRatio, Rational(10, 11))
            XCTAssertEqual(reader.streamInfo.color.range, .full)
            var read: [VideoFrame] = []
            while let frame = try reader.nextFrame() { read.append(frame) }
            XCTAssertEqual(read.map(\.planes), frames.map(\.planes), "\(format)")
            XCTAssertEqual(read.map(\.pts), [0, 1, 2])
        }
    }

    func testTinyReadBuffersGiveTheSameFrames() throws {
        // Frames and header lines straddle the buffer's end at every offset.
        let frames = randomFrames(4, format: .yuv422p10le, width: 5, height: 3)
        let file = path("tiny.y4m")
        let writer = try Y4MWriter(output: try ByteOutput(path: file, overwrite: false), stream: info(.yuv422p10le, 5, 3))
        for frame in frames { try writer.write(frame) }
        _ = try writer.finish()
        for size in [1, 2, 3, 7, 64] {
            let descriptor = open(file, O_RDONLY)
            XCTAssertGreaterThanOrEqual(descriptor, 0)
            let reader = try Y4MReader(input: ByteInput(descriptor: descriptor, name: file, owns: true, bufferSize: size))
            var read: [VideoFrame] = []
            while let frame = try reader.nextFrame() { read.append(frame) }
            XCTAssertEqual(read.map(\.planes), frames.map(\.planes), "buffer of \(size) bytes")
        }
    }

    func testRawVideoRoundTripsAndRGBIsNearlyLossless() throws {
        for format in [RawPixelFormat.planar(.yuv420p10le), .planar(.gray), .planar(.yuv444p)] {
            let frames = randomFrames(2, format: format.planarFormat, width: 9, height: 3)
            let file = path("frames-\(format).yuv")
            let writer = RawVideoWriter(output: try ByteOutput(path: file, overwrite: false), format: format)
            for frame in frames { try writer.write(frame) }
            _ = try writer.finish()
            let reader = try RawVideoReader(
                input: try ByteInput(path: file), width: 9, height: 3, format: format, frameRate: Rational(25, 1))
            var read: [VideoFrame] = []
            while let frame = try reader.nextFrame() { read.append(frame) }
            XCTAssertEqual(read.map(\.planes), frames.map(\.planes), "\(format)")
        }
        // rgb24 goes through yuv444p (BT.601 limited): back within 2 code values (range compression rounding).
        var rgb = [UInt8](repeating: 0, count: 11 * 4 * 3)
        for i in rgb.indices { rgb[i] = UInt8.random(in: 0...255) }
        let file = path("in.rgb")
        _ = FileManager.default.createFile(atPath: file, contents: Data(rgb))
        let reader = try RawVideoReader(input: try ByteInput(path: file), width: 11, height: 4, format: .rgb24, frameRate: Rational(25, 1))
        XCTAssertEqual(reader.streamInfo.format, .yuv444p)
        XCTAssertEqual(reader.streamInfo.color.matrix, 6)
        let frame = try XCTUnwrap(reader.nextFrame())
        XCTAssertNil(try reader.nextFrame())
        let back = RawPixelFormat.rgb(fromPlanes: frame.planes)
        XCTAssertLessThanOrEqual(zip(back, rgb).map { abs(Int($0) - Int($1)) }.max()!, 2)
    }

    func testTruncatedLastFrameNamesFrameAndBytes() throws {
        let frames = randomFrames(3, format: .yuv420p, width: 8, height: 6)  // 72 bytes per frame
        let file = path("cut.y4m")
        let writer = try Y4MWriter(output: try ByteOutput(path: file, overwrite: false), stream: info(.yuv420p, 8, 6))
        for frame in frames { try writer.write(frame) }
        _ = try writer.finish()
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        bytes.removeLast(50)
        try bytes.write(to: URL(fileURLWithPath: file))
        let reader = try Y4MReader(input: try ByteInput(path: file))
        XCTAssertNotNil(try reader.nextFrame())
        XCTAssertNotNil(try reader.nextFrame())
        XCTAssertThrowsError(try reader.nextFrame()) { error in
            XCTAssertEqual(error as? VSRError, .invalidInput(path: file, reason: "frame 3 is truncated: expected 72 bytes, got 22"))
        }
        // rawvideo: the same rule, and a clean end at a frame boundary is not an error.
        let raw = path("cut.yuv")
        _ = FileManager.default.createFile(atPath: raw, contents: Data(repeating: 7, count: 72 * 2 + 10))
        let rawReader = try RawVideoReader(
            input: try ByteInput(path: raw), width: 8, height: 6, format: .planar(.yuv420p), frameRate: Rational(25, 1))
        XCTAssertNotNil(try rawReader.nextFrame())
        XCTAssertNotNil(try rawReader.nextFrame())
        XCTAssertThrowsError(try rawReader.nextFrame()) { error in
            XCTAssertEqual(error as? VSRError, .invalidInput(path: raw, reason: "frame 3 is truncated: expected 72 bytes, got 10"))
        }
    }

    func testFrameMarkerIsChecked() throws {
        let file = path("bad.y4m")
        _ = FileManager.default.createFile(atPath: file, contents: Data("YUV4MPEG2 W2 H2 F25:1 Cmono\nFRAME\nabcdFRAMX\nabcd".utf8))
        let reader = try Y4MReader(input: try ByteInput(path: file))
        XCTAssertNotNil(try reader.nextFrame())
        XCTAssertThrowsError(try reader.nextFrame()) { error in
            XCTAssertEqual(
                error as? VSRError,
                .invalidInput(
                    path: file,
                    reason:
                        "frame 2: found 'FRAMX', expected a 'FRAME' line (is the stream's size or format wrong?)"))
        }
    }

    func testBinaryGarbageDoesNotReadForever() throws {
        let file = path("garbage.y4m")
        _ = FileManager.default.createFile(atPath: file, contents: Data(repeating: 0x41, count: 100_000))
        XCTAssertThrowsError(try Y4MReader(input: try ByteInput(path: file))) { error in
            XCTAssertEqual(error as? VSRError, .invalidInput(path: file, reason: "no line break in the first 4096 bytes of a header"))
        }
        _ = FileManager.default.createFile(atPath: file, contents: Data())
        XCTAssertThrowsError(try Y4MReader(input: try ByteInput(path: file))) { error in
            XCTAssertEqual(error as? VSRError, .invalidInput(path: file, reason: "empty input, expected a y4m stream ('YUV4MPEG2 ...')"))
        }
    }

    func testAbortRemovesTheTemporaryFileAndFinishRefusesNothingPartial() throws {
        let file = path("out.y4m")
        let writer = try Y4MWriter(output: try ByteOutput(path: file, overwrite: false), stream: info(.gray, 4, 4))
        writer.abort()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), [])
        _ = FileManager.default.createFile(atPath: file, contents: Data("keep".utf8))
        XCTAssertThrowsError(try ByteOutput(path: file, overwrite: false)) { error in
            XCTAssertEqual(error as? VSRError, .outputExists(path: file))
        }
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), "keep")
    }
}
