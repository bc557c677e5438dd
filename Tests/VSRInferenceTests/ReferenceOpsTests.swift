import XCTest

@testable import VSRInference

/// The reference ops against values PyTorch prints for the same inputs.
final class ReferenceOpsTests: XCTestCase {
    func testBilinearMatchesPyTorchAlignCornersFalse() {
        // F.interpolate(torch.tensor([[[[1., 2.], [3., 4.]]]]), size=(4, 4), mode="bilinear", align_corners=False)
        let input = Tensor(channels: 1, height: 2, width: 2, data: [1, 2, 3, 4])
        let out = ReferenceOps.resizeBilinear(input, height: 4, width: 4)
        XCTAssertEqual(out.data, [1.0, 1.25, 1.75, 2.0, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3.0, 3.25, 3.75, 4.0])
    }

    func testBilinearDownscaleUsesTheScaleRatio() {
        // size 4 -> 3: src = (dst + 0.5) * 4/3 - 0.5 = 0.1667, 1.5, 2.8333
        let input = Tensor(channels: 1, height: 1, width: 4, data: [0, 10, 20, 30])
        let out = ReferenceOps.resizeBilinear(input, height: 1, width: 3)
        XCTAssertEqual(out.data[0], 1.6667, accuracy: 1e-3)
        XCTAssertEqual(out.data[1], 15, accuracy: 1e-4)
        XCTAssertEqual(out.data[2], 28.3333, accuracy: 1e-3)
    }

    func testPixelShuffleOrder() {
        // nn.PixelShuffle(2) on channels [0, 1, 2, 3] of a 1x1 input gives [[0, 1], [2, 3]].
        let input = Tensor(channels: 4, height: 1, width: 1, data: [0, 1, 2, 3])
        XCTAssertEqual(ReferenceOps.pixelShuffle(input, factor: 2).data, [0, 1, 2, 3])
        let wide = Tensor(channels: 4, height: 1, width: 2, data: [0, 10, 1, 11, 2, 12, 3, 13])
        XCTAssertEqual(ReferenceOps.pixelShuffle(wide, factor: 2).data, [0, 1, 10, 11, 2, 3, 12, 13])
    }

    func testMaxPoolFloorMode() {
        let input = Tensor(channels: 1, height: 9, width: 10, data: (0..<90).map(Float.init))
        let out = ReferenceOps.maxPool2d(input, kernel: 7, stride: 3)
        XCTAssertEqual(out.shape, [1, 1, 2])
        XCTAssertEqual(out.data, [66, 69])
    }

    func testConvolutionWithStrideAndPadding() {
        // One 3x3 all-ones kernel, stride 2, padding 1 over a 4x4 ramp: sums of the covered pixels.
        let input = Tensor(channels: 1, height: 4, width: 4, data: (0..<16).map(Float.init))
        let out = ReferenceOps.conv2d(
            input, weight: [Float](repeating: 1, count: 9), bias: [0.5], outChannels: 1,
            kernel: 3, stride: 2, padding: 1)
        // (1,0) covers rows 1-3, columns 0-1: 4+5+8+9+12+13 = 51.
        XCTAssertEqual(out.data, [10.5, 24.5, 51.5, 90.5])
    }

    func testActivations() {
        XCTAssertEqual(Activation.leakyReLU(0.05).apply(-2, channel: 0), -0.1, accuracy: 1e-7)
        XCTAssertEqual(Activation.prelu([0.1, 0.2]).apply(-1, channel: 1), -0.2)
        XCTAssertEqual(Activation.prelu([0.3]).apply(-1, channel: 5), -0.3)
        XCTAssertEqual(Activation.relu.apply(-1, channel: 0), 0)
        XCTAssertEqual(Activation.sigmoid.apply(0, channel: 0), 0.5)
        XCTAssertEqual(Activation.silu.apply(1, channel: 0), 0.7310586, accuracy: 1e-6)
        XCTAssertEqual(Activation.tanh.apply(0.5, channel: 0), 0.46211716, accuracy: 1e-6)
    }
}
