import VSRCore
import XCTest

@testable import VSRInference

final class ColorMatrixTests: XCTestCase {
    func testRoundTripAndKnownValues() {
        let bt709 = ColorMatrix(color: ColorInfo(matrix: 1, range: .limited), height: 180, bitDepth: 8)
        // Limited-range black and white are Y 16 and 235 with neutral chroma.
        let black = bt709.rgb(y: 16, cb: 128, cr: 128), white = bt709.rgb(y: 235, cb: 128, cr: 128)
        XCTAssertEqual(black.0, 0, accuracy: 1e-4)
        XCTAssertEqual(white.1, 255, accuracy: 1e-3)
        // Pure red in BT.709 limited range: Y 63, Cb 102, Cr 240 (rounded, per the standard's tables).
        let red = bt709.ycbcr(r: 255, g: 0, b: 0)
        XCTAssertEqual(red.0, 63, accuracy: 0.5)
        XCTAssertEqual(red.1, 102, accuracy: 0.5)
        XCTAssertEqual(red.2, 240, accuracy: 0.5)
        for matrix in [
            ColorMatrix(color: ColorInfo(matrix: 6, range: .full), height: 1080, bitDepth: 10),
            ColorMatrix(color: ColorInfo(matrix: 9, range: .limited), height: 2160, bitDepth: 10), bt709,
        ] {
            let (r, g, b) = matrix.rgb(y: 300, cb: 400, cr: 700)
            let back = matrix.ycbcr(r: r, g: g, b: b)
            XCTAssertEqual(back.0, 300, accuracy: 1e-2)
            XCTAssertEqual(back.1, 400, accuracy: 1e-2)
            XCTAssertEqual(back.2, 700, accuracy: 1e-2)
        }
    }

    func testUntaggedStreamsFollowFFmpegsRule() {
        XCTAssertEqual(ColorMatrix(color: ColorInfo(), height: 720, bitDepth: 8).kr, 0.2126)
        XCTAssertEqual(ColorMatrix(color: ColorInfo(), height: 576, bitDepth: 8).kr, 0.299)
    }
}
