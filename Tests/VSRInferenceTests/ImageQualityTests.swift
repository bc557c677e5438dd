import VSRCore
import XCTest

@testable import VSRInference

final class ImageQualityTests: XCTestCase {
    func testLumaOfBlackAndWhite() {
        let image = RGBImage(width: 2, height: 1, pixels: [0, 0, 0, 255, 255, 255])
        let y = ImageQuality.luma(image)
        XCTAssertEqual(y[0], 16, accuracy: 1e-9)
        XCTAssertEqual(y[1], 235, accuracy: 1e-9)  // 16 + 219
    }

    func testPSNROfAConstantError() {
        let a = [Double](repeating: 100, count: 64), b = [Double](repeating: 101, count: 64)
        XCTAssertEqual(ImageQuality.psnr(a, b), 10 * log10(255.0 * 255.0), accuracy: 1e-9)  // MSE 1: 48.13 dB
        XCTAssertEqual(ImageQuality.psnr(a, a), .infinity)
    }

    func testSSIMIsOneForIdenticalImagesAndLowerOtherwise() {
        var rng = SeededGenerator(seed: 3)
        let a = (0..<(24 * 20)).map { _ in Double(Int.random(in: 0...255, using: &rng)) }
        XCTAssertEqual(ImageQuality.ssim(a, a, width: 24, height: 20), 1, accuracy: 1e-12)
        let noisy = a.map { min(255, max(0, $0 + Double(Int.random(in: -20...20, using: &rng)))) }
        let value = ImageQuality.ssim(a, noisy, width: 24, height: 20)
        XCTAssertLessThan(value, 0.99)
        XCTAssertGreaterThan(value, 0)
    }

    func testGaussianWindowSumsToOne() {
        let window = ImageQuality.gaussianWindow(size: 11, sigma: 1.5)
        XCTAssertEqual(window.reduce(0, +), 1, accuracy: 1e-12)
        XCTAssertEqual(window[60], window.max()!)  // centre
    }

    func testCropRemovesTheBorder() {
        let plane = (0..<30).map(Double.init)  // 6 x 5
        let cropped = ImageQuality.crop(plane, width: 6, height: 5, border: 1)
        XCTAssertEqual(cropped.width, 4)
        XCTAssertEqual(cropped.height, 3)
        XCTAssertEqual(cropped.values.first, 7)
        XCTAssertEqual(cropped.values.last, 22)
    }
}
