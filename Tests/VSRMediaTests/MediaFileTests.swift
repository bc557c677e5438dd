import Foundation
import VSRCore
import VSRMedia
import XCTest

final class MediaFileTests: XCTestCase {
    func testReaderDescribesTheStreamAndDeliversEveryFrame() throws {
        let reader = try MediaFileReader(path: Fixtures.sample("testsrc2-320x180-h264-aac.mp4"))
        let info = reader.streamInfo
        XCTAssertEqual([info.width, info.height], [320, 180])
        XCTAssertEqual(info.format, .yuv420p)
        XCTAssertEqual(info.color.primaries, 1)  // BT.709
        XCTAssertEqual(info.color.matrix, 1)
        XCTAssertEqual(info.color.range, .limited)
        XCTAssertEqual(info.estimatedFrameCount, 50)
        var pts: [Int64] = []
        while let frame = try reader.nextFrame() {
            XCTAssertEqual(frame.index, pts.count)
            XCTAssertEqual(frame.planes.map(\.width), [320, 160, 160])
            pts.append(frame.pts)
        }
        XCTAssertEqual(pts.count, 50)
        XCTAssertEqual(pts, pts.sorted())
        XCTAssertEqual(Set(pts).count, 50)
    }

    func testTenBitOddSample() throws {
        let reader = try MediaFileReader(path: Fixtures.sample("odd-321x181-yuv422p10.mkv"))
        XCTAssertEqual(reader.streamInfo.format, .yuv422p10le)
        XCTAssertEqual(reader.streamInfo.sampleAspectRatio, Rational(10, 11))
        let frame = try XCTUnwrap(reader.nextFrame())
        XCTAssertEqual(frame.planes.map(\.width), [321, 161, 161])
        XCTAssertEqual(frame.planes.map(\.height), [181, 181, 181])
        var maximum = 0
        for y in 0..<181 { for x in 0..<321 { maximum = max(maximum, frame.planes[0][x, y]) } }
        XCTAssertGreaterThan(maximum, 255, "10-bit samples must not be squeezed into 8 bits")
        XCTAssertLessThanOrEqual(maximum, 1023)
    }

    func testRGBInputIsConvertedToYUV444WithTheMatrixTagged() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("rgb.mkv").path
        try Fixtures.ffmpeg([
            "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=5:duration=1", "-pix_fmt", "rgb24",
            "-c:v", "png", input,
        ])
        let reader = try MediaFileReader(path: input)
        XCTAssertEqual(reader.streamInfo.sourceFormatName, "rgb24")
        XCTAssertEqual(reader.streamInfo.format, .yuv444p)
        XCTAssertEqual(reader.streamInfo.color.matrix, 6)  // BT.601 below 720 lines, as FFmpeg assumes
        XCTAssertEqual(reader.streamInfo.color.range, .limited)
        let frame = try XCTUnwrap(reader.nextFrame())
        XCTAssertEqual(frame.planes.count, 3)
        XCTAssertEqual(frame.planes[1].width, 64)
    }

    /// Frames written losslessly and read back are identical, plane for plane, at 8 and 10 bits:
    /// the copies between padded FFmpeg frames and packed planes lose nothing.
    func testLosslessWriteThenReadIsBitExact() throws {
        for sample in ["testsrc2-320x180-h264-aac.mp4", "odd-321x181-yuv422p10.mkv"] {
            let dir = try Fixtures.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let reader = try MediaFileReader(path: Fixtures.sample(sample))
            let output = dir.appendingPathComponent("copy.mkv").path
            let writer = try MediaFileWriter(
                path: output, video: reader.streamInfo, source: nil,
                streams: StreamSelection(), settings: EncoderSettings(codec: "ffv1"),
                overwrite: false)
            var originals: [VideoFrame] = []
            while originals.count < 5, let frame = try reader.nextFrame() {
                originals.append(frame)
                try writer.write(frame)
            }
            let bytes = try XCTUnwrap(writer.finish())
            XCTAssertGreaterThan(bytes, 0)
            let back = try MediaFileReader(path: output)
            for original in originals {
                let copy = try XCTUnwrap(back.nextFrame())
                XCTAssertEqual(copy.planes, original.planes, "\(sample) frame \(original.index)")
                // mkv counts milliseconds; the mp4 sample counts 1/12800 s.
                XCTAssertEqual(
                    Double(copy.pts) * (back.streamInfo.timeBase.doubleValue ?? 0),
                    Double(original.pts) * (reader.streamInfo.timeBase.doubleValue ?? 0), accuracy: 0.0005)
            }
            XCTAssertNil(try back.nextFrame())
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["copy.mkv"])
        }
    }

    /// Timestamps that go backwards (damaged input) still make a valid file with every frame: the
    /// muxer used to refuse the encoder's packets ("pts < dts") part way.
    func testBackwardTimestampsStillMakeAValidFile() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let reader = try MediaFileReader(path: Fixtures.sample("testsrc2-320x180-h264-aac.mp4"))
        let output = dir.appendingPathComponent("out.mkv").path
        let writer = try MediaFileWriter(
            path: output, video: reader.streamInfo, source: nil, streams: StreamSelection(),
            settings: EncoderSettings(preset: "ultrafast"), overwrite: false)
        let step = Int64(512)  // one frame at 25 fps in the sample's 1/12800 time base
        let order: [Int64] = (0..<12).map { $0 } + (4..<19).map { $0 }
        for (index, slot) in order.enumerated() {
            var frame = try XCTUnwrap(reader.nextFrame())
            frame = VideoFrame(index: index, pts: slot * step, duration: step, format: frame.format, planes: frame.planes)
            try writer.write(frame)
        }
        XCTAssertNotNil(try writer.finish())
        XCTAssertEqual(writer.reorderedTimestamps, 15, "every frame after the jump moves")
        let back = try MediaFileReader(path: output)
        var count = 0, last = Int64.min
        while let frame = try back.nextFrame() {
            XCTAssertGreaterThan(frame.pts, last, "frame \(count)")
            last = frame.pts
            count += 1
        }
        XCTAssertEqual(count, order.count)
    }

    func testAbortLeavesNothingBehind() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let reader = try MediaFileReader(path: Fixtures.sample("testsrc2-320x180-h264-aac.mp4"))
        let output = dir.appendingPathComponent("never.mp4").path
        let writer = try MediaFileWriter(
            path: output, video: reader.streamInfo, source: reader,
            streams: StreamSelection(), settings: EncoderSettings(preset: "ultrafast"),
            overwrite: false)
        try writer.write(XCTUnwrap(reader.nextFrame()))
        writer.abort()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
    }
}
