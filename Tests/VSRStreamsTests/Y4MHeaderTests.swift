import VSRCore
import XCTest

@testable import VSRStreams

final class Y4MHeaderTests: XCTestCase {
    private func parse(_ line: String) throws -> Y4MHeader { try Y4MHeader(line: Array(line.utf8), source: "in.y4m") }

    private func assertRejected(_ line: String, mentions words: [String], file: StaticString = #filePath, line number: UInt = #line) {
        XCTAssertThrowsError(try parse(line), file: file, line: number) { error in
            guard case VSRError.invalidInput(let path, let reason) = error else {
                return XCTFail("unexpected \(error)", file: file, line: number)
            }
            XCTAssertEqual(path, "in.y4m", file: file, line: number)
            for word in words { XCTAssertTrue(reason.contains(word), "'\(word)' not in '\(reason)'", file: file, line: number) }
        }
    }

    func testEveryChromaTagMapsToItsFormat() throws {
        let expected: [String: PixelFormat] = [
            "C420jpeg": .yuv420p, "C420mpeg2": .yuv420p, "C420paldv": .yuv420p, "C420": .yuv420p, "C422": .yuv422p,
            "C444": .yuv444p, "Cmono": .gray, "C420p10": .yuv420p10le, "C422p10": .yuv422p10le,
            "C444p10": .yuv444p10le, "Cmono10": .gray10le, "C444alpha": .yuva444p, "C420p12": .yuv420p12le,
            "C422p12": .yuv422p12le, "C444p12": .yuv444p12le, "Cmono12": .gray12le,
        ]
        for (tag, format) in expected {
            XCTAssertEqual(try parse("YUV4MPEG2 W8 H6 F25:1 \(tag)").format, format, tag)
        }
        XCTAssertEqual(try parse("YUV4MPEG2 W8 H6 F25:1 C420mpeg2").chromaLocation, .left)
        XCTAssertEqual(try parse("YUV4MPEG2 W8 H6 F25:1 C420paldv").chromaLocation, .topLeft)
        XCTAssertEqual(try parse("YUV4MPEG2 W8 H6 F25:1").format, .yuv420p, "no C tag means 4:2:0")
    }

    func testFAAndXTagsAreHonoured() throws {
        let header = try parse("YUV4MPEG2 W320 H180 F30000:1001 Ip A10:11 C444p10 XYSCSS=444P10 XCOLORRANGE=FULL XVSR=1")
        XCTAssertEqual(header.width, 320)
        XCTAssertEqual(header.height, 180)
        XCTAssertEqual(header.frameRate, Rational(30000, 1001))
        XCTAssertEqual(header.sampleAspectRatio, Rational(10, 11))
        XCTAssertEqual(header.range, .full)
        XCTAssertEqual(header.extensions, ["VSR=1"])
        XCTAssertEqual(try parse("YUV4MPEG2 W8 H6 F25:1 A0:0 XCOLORRANGE=LIMITED").sampleAspectRatio, Rational(0, 1))
        XCTAssertEqual(try parse("YUV4MPEG2 W8 H6 F25:1 XCOLORRANGE=LIMITED").range, .limited)
    }

    func testHeaderLineRoundTrips() throws {
        let header = try parse("YUV4MPEG2 W322 H180 F24000:1001 Ip A4:3 C420mpeg2 XCOLORRANGE=FULL XVSR=1")
        XCTAssertEqual(header.line, "YUV4MPEG2 W322 H180 F24000:1001 Ip A4:3 C420mpeg2 XYSCSS=420MPEG2 XCOLORRANGE=FULL XVSR=1\n")
        XCTAssertEqual(try parse(String(header.line.dropLast())), header)
    }

    func testFieldOrderIsReadAndMixedInterlacingIsRefused() throws {
        XCTAssertEqual(try parse("YUV4MPEG2 W8 H6 F25:1 It").fieldOrder, .topFieldFirst)
        XCTAssertEqual(try parse("YUV4MPEG2 W8 H6 F25:1 Ib").fieldOrder, .bottomFieldFirst)
        XCTAssertEqual(try parse("YUV4MPEG2 W8 H6 F25:1 I?").fieldOrder, .progressive)
        XCTAssertEqual(try parse("YUV4MPEG2 W8 H6 F25:1").fieldOrder, .progressive)
        assertRejected("YUV4MPEG2 W8 H6 F25:1 Im", mentions: ["mixed interlacing", "Im", "deinterlace"])
        assertRejected("YUV4MPEG2 W8 H6 F25:1 Ix", mentions: ["found I'x'", "Ip, It, Ib"])
    }

    func testBadHeadersSayWhatWasFoundAndExpected() {
        assertRejected("RIFF\u{1}junk", mentions: ["found 'RIFF.junk'", "YUV4MPEG2"])
        assertRejected("YUV4MPEG2 H6 F25:1", mentions: ["no W"])
        assertRejected("YUV4MPEG2 W8 F25:1", mentions: ["no H"])
        assertRejected("YUV4MPEG2 W8 H6", mentions: ["no F"])
        assertRejected("YUV4MPEG2 W0 H6 F25:1", mentions: ["W'0'", "positive width"])
        assertRejected("YUV4MPEG2 W8 H-6 F25:1", mentions: ["H'-6'"])
        assertRejected("YUV4MPEG2 W8 H6 F25", mentions: ["F'25'", "F30000:1001"])
        assertRejected("YUV4MPEG2 W8 H6 F25:0", mentions: ["F'25:0'"])
        assertRejected("YUV4MPEG2 W8 H6 F25:1 C411", mentions: ["C'411'", "C420jpeg", "Cmono10"])
        assertRejected("YUV4MPEG2 W8 H6 F25:1 C420p14", mentions: ["C'420p14'", "C420p12"])
        assertRejected("YUV4MPEG2 W8 H6 F25:1 Ix", mentions: ["I'x'", "Ip"])
        assertRejected("YUV4MPEG2 W8 H6 F25:1 Z7", mentions: ["unknown tag 'Z7'"])
        assertRejected("YUV4MPEG2 W8 H6 F25:1 Ax", mentions: ["A'x'"])
    }

    func testHugeFramesAreRefusedBeforeAllocating() {
        assertRejected("YUV4MPEG2 W16384 H16384 F25:1", mentions: ["16384x16384", "limit"])
        assertRejected("YUV4MPEG2 W99999999999 H2 F25:1", mentions: ["99999999999x2", "limit"])
    }
}
