import CFFmpeg
import VSRCore
import XCTest

@testable import VSRMedia

final class SwscalePlaneResizerTests: XCTestCase {
    func testConstantPlaneStaysConstant() throws {
        for filter in ResamplingFilter.allCases {
            for (depth, value) in [(8, 77), (10, 700)] {
                let plane = Plane(width: 13, height: 7, bitDepth: depth, filledWith: value)
                let out = try SwscalePlaneResizer(filter: filter).resize(plane, toWidth: 39, height: 21)
                XCTAssertEqual(out.width, 39)
                XCTAssertEqual(out.height, 21)
                XCTAssertEqual(out.bitDepth, depth)
                for y in 0..<out.height {
                    for x in 0..<out.width { XCTAssertEqual(out[x, y], value, accuracy: 1, "\(filter) \(depth)-bit at \(x),\(y)") }
                }
            }
        }
    }

    /// Pixel centres align: a horizontal ramp v(x) = 4x + 40 upscaled 2x must read, away from the
    /// borders, v((x' + 0.5) / 2 - 0.5). A half-pixel shift would be off by 2 code values.
    func testRampStaysCentred() throws {
        var plane = Plane(width: 32, height: 4, bitDepth: 8)
        for y in 0..<4 { for x in 0..<32 { plane[x, y] = 4 * x + 40 } }
        let out = try SwscalePlaneResizer(filter: .bicubic).resize(plane, toWidth: 64, height: 8)
        for x in 8..<56 {
            let expected = 4 * ((Double(x) + 0.5) / 2 - 0.5) + 40
            XCTAssertEqual(Double(out[x, 3]), expected, accuracy: 1.0, "column \(x)")
        }
    }

    func testTenBitOvershootIsClampedToRange() throws {
        var plane = Plane(width: 16, height: 16, bitDepth: 10)
        for y in 0..<16 { for x in 8..<16 { plane[x, y] = 1023 } }
        let out = try SwscalePlaneResizer(filter: .lanczos).resize(plane, toWidth: 64, height: 64)
        var maximum = 0
        for y in 0..<64 { for x in 0..<64 { maximum = max(maximum, out[x, y]) } }
        XCTAssertEqual(maximum, 1023)
    }
}

final class PixelFormatMappingTests: XCTestCase {
    func testNearestNativeFormats() {
        XCTAssertEqual(PixelFormat.nearest(to: AV_PIX_FMT_RGB24), .yuv444p)
        XCTAssertEqual(PixelFormat.nearest(to: AV_PIX_FMT_NV12), .yuv420p)
        XCTAssertEqual(PixelFormat.nearest(to: AV_PIX_FMT_YUV420P12LE), .yuv420p12le)
        XCTAssertEqual(PixelFormat.nearest(to: AV_PIX_FMT_GRAY16LE), .gray12le)
        XCTAssertEqual(PixelFormat.nearest(to: AV_PIX_FMT_RGBA), .yuva444p)
        XCTAssertEqual(PixelFormat.nearest(to: AV_PIX_FMT_YUVA420P), .yuva420p)
        XCTAssertEqual(PixelFormat.nearest(to: AV_PIX_FMT_RGBA64LE), .yuva444p10le)
        XCTAssertEqual(PixelFormat.nearest(to: AV_PIX_FMT_PAL8), .yuv444p)
        XCTAssertEqual(PixelFormat.nearest(to: AV_PIX_FMT_YUV422P10LE), .yuv422p10le)
        XCTAssertEqual(PixelFormat.nearest(to: AV_PIX_FMT_YUYV422), .yuv422p)
        for format in PixelFormat.allCases { XCTAssertEqual(PixelFormat(format.avPixelFormat), format) }
    }
}
