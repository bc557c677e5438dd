import XCTest

@testable import VSRInference

/// The separable, threaded max-pool and bilinear resize against the reference ops, value for value
/// (they take the same maxima and sum the same products in the same order), on odd shapes and on
/// 1, 2 and 3 threads (more threads than channels included).
final class ResamplingKernelTests: XCTestCase {
    func testMaxPoolEqualsReference() {
        var rng = SeededGenerator(seed: 31)
        for (c, h, w, kernel, stride) in [
            (1, 7, 7, 7, 3), (3, 13, 29, 7, 3), (16, 37, 45, 7, 3), (2, 9, 10, 3, 2), (5, 8, 11, 1, 1), (3, 12, 17, 5, 1), (2, 8, 19, 6, 4),
        ] {
            let input = Tensor.random(channels: c, height: h, width: w, range: -100...100, using: &rng)
            let expected = KernelSet.reference.maxPool(input, kernel, stride, 1)
            for threads in [1, 2, 3] {
                let pooled = KernelSet.optimized.maxPool(input, kernel, stride, threads)
                XCTAssertEqual(pooled.shape, expected.shape)
                XCTAssertEqual(pooled.data, expected.data, "\(c)x\(h)x\(w), kernel \(kernel), stride \(stride), \(threads) threads")
            }
        }
    }

    func testResizeEqualsReference() {
        var rng = SeededGenerator(seed: 32)
        for (c, h, w, outH, outW) in [(1, 1, 1, 1, 3), (3, 4, 5, 37, 45), (16, 28, 52, 180, 320), (2, 9, 6, 9, 6), (2, 7, 9, 3, 4)] {
            let input = Tensor.random(channels: c, height: h, width: w, using: &rng)
            let rows = BilinearTaps(inputSize: h, outputSize: outH), columns = BilinearTaps(inputSize: w, outputSize: outW)
            let expected = KernelSet.reference.resize(input, rows, columns, 1)
            for threads in [1, 2, 3] {
                let resized = KernelSet.optimized.resize(input, rows, columns, threads)
                XCTAssertEqual(resized.shape, [c, outH, outW])
                XCTAssertEqual(resized.data, expected.data, "\(c)x\(h)x\(w) -> \(outH)x\(outW), \(threads) threads")
            }
        }
    }

    /// A tile's window of the frame's resize (RLFN in tiles), whose taps clamp at the window's edge.
    func testWindowedResizeEqualsReference() {
        var rng = SeededGenerator(seed: 33)
        let input = Tensor.random(channels: 4, height: 11, width: 13, using: &rng)
        let rows = BilinearTaps(inputSize: 11, outputSize: 70, frameInputSize: 40, frameOutputSize: 250, inputOffset: 6, outputOffset: 36)
        let columns = BilinearTaps(
            inputSize: 13, outputSize: 80, frameInputSize: 50, frameOutputSize: 310, inputOffset: 12, outputOffset: 72)
        let expected = KernelSet.reference.resize(input, rows, columns, 1)
        for threads in [1, 2] {
            XCTAssertEqual(KernelSet.optimized.resize(input, rows, columns, threads).data, expected.data, "\(threads) threads")
        }
    }
}
