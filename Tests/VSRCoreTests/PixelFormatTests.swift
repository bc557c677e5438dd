import VSRCore
import XCTest

final class PixelFormatTests: XCTestCase {
    func testPlaneSizesRoundUpForOddPictures() {
        XCTAssertEqual(PixelFormat.yuv420p.planeSize(1, width: 321, height: 181).width, 161)
        XCTAssertEqual(PixelFormat.yuv420p.planeSize(1, width: 321, height: 181).height, 91)
        XCTAssertEqual(PixelFormat.yuv422p10le.planeSize(2, width: 321, height: 181).width, 161)
        XCTAssertEqual(PixelFormat.yuv422p10le.planeSize(2, width: 321, height: 181).height, 181)
        XCTAssertEqual(PixelFormat.yuv444p.planeSize(1, width: 321, height: 181).width, 321)
        XCTAssertEqual(PixelFormat.yuv420p.planeSize(0, width: 321, height: 181).width, 321)
    }

    func testLayoutProperties() {
        XCTAssertEqual(PixelFormat.gray.planeCount, 1)
        XCTAssertEqual(PixelFormat.gray10le.bitDepth, 10)
        XCTAssertEqual(PixelFormat.yuv420p10le.bytesPerSample, 2)
        XCTAssertEqual(PixelFormat.yuv422p.bytesPerSample, 1)
        XCTAssertEqual(PixelFormat.yuv444p10le.maxSampleValue, 1023)
        for format in PixelFormat.allCases {
            XCTAssertEqual(format.withBitDepth(format.bitDepth), format)
            XCTAssertEqual(format.withBitDepth(10).chromaShift.x, format.chromaShift.x)
            XCTAssertEqual(format.withBitDepth(8).chromaShift.y, format.chromaShift.y)
            XCTAssertEqual(format.withBitDepth(10).hasAlpha, format.hasAlpha)
        }
    }

    func testAlphaIsAFourthPlaneAtTheLumaSize() {
        XCTAssertEqual(PixelFormat.yuva420p.planeCount, 4)
        XCTAssertEqual(PixelFormat.yuva420p.planeSize(3, width: 321, height: 181).width, 321)
        XCTAssertEqual(PixelFormat.yuva420p.planeSize(3, width: 321, height: 181).height, 181)
        XCTAssertEqual(PixelFormat.yuva420p.planeSize(2, width: 321, height: 181).width, 161)
        XCTAssertEqual(PixelFormat.yuva422p10le.withoutAlpha, .yuv422p10le)
        XCTAssertEqual(PixelFormat.yuv420p.withAlpha, .yuva420p)
        XCTAssertEqual(PixelFormat.gray.withAlpha, .yuva444p)
        for format in PixelFormat.allCases where !format.isGray && format.bitDepth <= 10 {
            XCTAssertEqual(format.withoutAlpha.withAlpha.withoutAlpha, format.withoutAlpha)
            XCTAssertEqual(format.withoutAlpha.planeCount, 3)
        }
    }
}

final class PlaneTests: XCTestCase {
    func testPaddingRepeatsTheLastColumnAndRowAndCroppingCuts() {
        var plane = Plane(width: 3, height: 2, bitDepth: 10)
        for y in 0..<2 { for x in 0..<3 { plane[x, y] = 100 * y + x } }
        let padded = plane.padded(toWidth: 4, height: 3)
        XCTAssertEqual((0..<4).map { padded[$0, 0] }, [0, 1, 2, 2])
        XCTAssertEqual((0..<4).map { padded[$0, 2] }, [100, 101, 102, 102])
        let cropped = padded.cropped(x: 1, y: 1, width: 2, height: 2)
        XCTAssertEqual([cropped[0, 0], cropped[1, 0], cropped[0, 1], cropped[1, 1]], [101, 102, 101, 102])
    }

    func testTenBitSamplesAreLittleEndianPairs() {
        var plane = Plane(width: 3, height: 2, bitDepth: 10, filledWith: 512)
        XCTAssertEqual(plane.bytes.count, 12)
        XCTAssertEqual(plane[2, 1], 512)
        plane[1, 0] = 1023
        XCTAssertEqual(plane.bytes[2], 0xFF)
        XCTAssertEqual(plane.bytes[3], 0x03)
        XCTAssertEqual(plane[1, 0], 1023)
        XCTAssertEqual(plane.mean(), (512.0 * 5 + 1023) / 6, accuracy: 1e-9)
    }

    func testEightBitFill() {
        let plane = Plane(width: 5, height: 3, bitDepth: 8, filledWith: 16)
        XCTAssertEqual(plane.rowBytes, 5)
        XCTAssertTrue(plane.bytes.allSatisfy { $0 == 16 })
    }
}

final class VSRErrorTests: XCTestCase {
    func testMessagesNameTheFile() {
        let errors: [VSRError] = [
            .inputNotFound(path: "a.mp4"), .invalidInput(path: "b.mp4", reason: "no video stream"),
            .unsupported("x"), .outputExists(path: "c.mp4"), .usage("bad"), .processing("broke"),
        ]
        XCTAssertTrue(errors[0].description.contains("a.mp4"))
        XCTAssertTrue(errors[1].description.contains("b.mp4: no video stream"))
        XCTAssertTrue(errors[3].description.contains("--overwrite"))
    }
}
