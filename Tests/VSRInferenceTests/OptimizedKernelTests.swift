@testable import VSRInference
import XCTest

/// Every optimized kernel against the naive reference on random data, odd sizes and channel counts
/// (the checkasm approach).
final class OptimizedKernelTests: XCTestCase {
    private let sizes = [(1, 1), (7, 13), (37, 45)]
    private let channels = [1, 3, 13, 46, 52]

    func testConv3x3MatchesReference() { check(kernel: 3) }
    func testConv1x1MatchesReference() { check(kernel: 1) }

    private func check(kernel: Int) {
        var rng = SeededGenerator(seed: UInt64(kernel))
        let activations: [Activation] = [.identity, .leakyReLU(0.05), .relu, .sigmoid]
        var cases = 0
        for (height, width) in sizes {
            for inChannels in channels {
                for outChannels in channels where inChannels == outChannels || height < 37 || (inChannels, outChannels) == (46, 52) {
                    let input = Tensor.random(channels: inChannels, height: height, width: width, using: &rng)
                    let layer = Conv2d.random(inChannels: inChannels, outChannels: outChannels, kernel: kernel, using: &rng)
                    let activation = activations[cases % activations.count]
                    let residual = cases % 2 == 0
                        ? Tensor.random(channels: outChannels, height: height, width: width, using: &rng) : nil
                    for threads in [1, 2] {
                        let fast = DirectConvolution.run(layer, input, activation: activation, residual: residual, threads: threads)
                        let slow = layer.reference(input, activation: activation, residual: residual)
                        let error = relativeError(fast, slow)
                        XCTAssertLessThanOrEqual(error, 1e-4, "\(kernel)x\(kernel) \(inChannels)->\(outChannels) at " +
                                                 "\(height)x\(width), \(activation), residual \(residual != nil), \(threads) threads")
                    }
                    cases += 1
                }
            }
        }
        XCTAssertGreaterThan(cases, 30)
    }

    /// Winograd F(2x2, 3x3) against the naive convolution, at the odd sizes and channel counts above
    /// (the layer's weights are transformed for any width here; the kernel set uses it from 32 inputs),
    /// plus sizes that end mid-tile, mid-vector and past one 64-tile chunk.
    func testWinogradMatchesReference() {
        var rng = SeededGenerator(seed: 11)
        let activations: [Activation] = [.identity, .leakyReLU(0.05), .relu, .prelu([0.25])]
        var cases = 0
        for (height, width) in sizes + [(2, 2), (5, 33), (4, 130), (9, 161)] {
            for inChannels in channels {
                for outChannels in channels where inChannels == outChannels || height < 37 || (inChannels, outChannels) == (46, 52) {
                    let input = Tensor.random(channels: inChannels, height: height, width: width, using: &rng)
                    let layer = Conv2d.random(inChannels: inChannels, outChannels: outChannels, kernel: 3, using: &rng)
                    let winograd = Conv2d(inChannels: inChannels, outChannels: outChannels, kernel: 3,
                                          weight: layer.weight, bias: layer.bias, winograd: true)
                    let activation = activations[cases % activations.count]
                    let residual = cases % 2 == 0
                        ? Tensor.random(channels: outChannels, height: height, width: width, using: &rng) : nil
                    let slow = layer.reference(input, activation: activation, residual: residual)
                    for threads in [1, 2] {
                        let fast = WinogradConvolution.run(winograd, input, activation: activation, residual: residual, threads: threads)
                        XCTAssertLessThanOrEqual(relativeError(fast, slow), 1e-4, "Winograd \(inChannels)->\(outChannels) at " +
                                                 "\(height)x\(width), \(activation), residual \(residual != nil), \(threads) threads")
                    }
                    cases += 1
                }
            }
        }
        XCTAssertGreaterThan(cases, 50)
    }

    func testKernelSetTakesWinogradForWideLayersOnly() {
        var rng = SeededGenerator(seed: 12)
        XCTAssertNotNil(Conv2d.random(inChannels: WinogradConvolution.minimumInputChannels, outChannels: 8, kernel: 3, using: &rng).winogradWeights)
        XCTAssertNil(Conv2d.random(inChannels: WinogradConvolution.minimumInputChannels - 1, outChannels: 8, kernel: 3, using: &rng).winogradWeights)
        XCTAssertNil(Conv2d.random(inChannels: 52, outChannels: 52, kernel: 1, using: &rng).winogradWeights)
        XCTAssertNil(Conv2d.random(inChannels: 52, outChannels: 16, kernel: 3, stride: 2, padding: 0, using: &rng).winogradWeights)
        // A smooth activation goes to the direct kernel, which applies it after the store.
        let layer = Conv2d.random(inChannels: 48, outChannels: 48, kernel: 3, using: &rng)
        let input = Tensor.random(channels: 48, height: 9, width: 21, using: &rng)
        let context = InferenceContext(kernels: .optimized, threads: 2)
        for activation in [Activation.leakyReLU(0.05), .sigmoid] {
            XCTAssertLessThanOrEqual(relativeError(layer(input, activation: activation, context: context),
                                                   layer.reference(input, activation: activation, residual: nil)), 1e-4)
        }
    }

    func testPReLUPerChannelAndShared() {
        var rng = SeededGenerator(seed: 7)
        let input = Tensor.random(channels: 13, height: 7, width: 13, using: &rng)
        let layer = Conv2d.random(inChannels: 13, outChannels: 13, kernel: 3, using: &rng)
        for slopes in [(0..<13).map { Float($0) / 20 }, [0.25]] {
            let fast = DirectConvolution.run(layer, input, activation: .prelu(slopes), residual: nil, threads: 2)
            let slow = layer.reference(input, activation: .prelu(slopes), residual: nil)
            XCTAssertLessThanOrEqual(relativeError(fast, slow), 1e-4)
        }
    }

    func testKernelSetDispatchCoversStridedAndOtherConvolutions() {
        var rng = SeededGenerator(seed: 9)
        let input = Tensor.random(channels: 16, height: 37, width: 45, using: &rng)
        let context = InferenceContext(kernels: .optimized, threads: 2)
        // Stride 2 (RLFN's ESA) takes the optimized path; a 3x3 with padding 0 and stride 1 falls back.
        for layer in [Conv2d.random(inChannels: 16, outChannels: 16, kernel: 3, stride: 2, padding: 0, using: &rng),
                      Conv2d.random(inChannels: 16, outChannels: 8, kernel: 3, stride: 1, padding: 0, using: &rng)] {
            let out = layer(input, context: context)
            let expected = layer.reference(input, activation: .identity, residual: nil)
            XCTAssertEqual(out.shape, expected.shape)
            XCTAssertLessThanOrEqual(relativeError(out, expected), 1e-4, "stride \(layer.stride) padding \(layer.padding)")
        }
    }
}
