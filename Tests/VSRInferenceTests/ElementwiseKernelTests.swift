import Foundation
import XCTest

@testable import VSRInference

final class ElementwiseKernelTests: XCTestCase {
    func testVectorExpMatchesFoundation() {
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<200 {
            let v = SIMD16<Float>((0..<16).map { _ in Float.random(in: -80...80, using: &rng) })
            let fast = VectorMath.exp(v)
            for lane in 0..<16 {
                let exact = Foundation.exp(v[lane])
                XCTAssertEqual(fast[lane], exact, accuracy: exact * 2e-6, "exp(\(v[lane]))")
            }
        }
        let extremes = VectorMath.exp(SIMD16<Float>(repeating: -200))
        XCTAssertEqual(extremes[0], 0, accuracy: 1e-37)
        XCTAssertTrue(VectorMath.exp(SIMD16<Float>(repeating: 200))[0].isFinite)
    }

    /// Every instruction set's gate (elementwise.c) against the reference ops, on counts that end
    /// mid-vector, and on gates past exp's clamp (+-87) where sigmoid is 0 or 1.
    func testSigmoidGateMatchesReference() {
        var rng = SeededGenerator(seed: 12)
        for (c, h, w, reach) in [(1, 1, 1, Float(30)), (3, 7, 13, 30), (16, 37, 45, 30), (2, 5, 9, 200)] {
            let x = Tensor.random(channels: c, height: h, width: w, range: -255...255, using: &rng)
            let gate = Tensor.random(channels: c, height: h, width: w, range: -reach...reach, using: &rng)
            let slow = KernelSet.reference.sigmoidGate(x, gate, 1)
            forEachCPULevel { cpu in
                for threads in [1, 2, 3] {
                    let fast = KernelSet.optimized(cpu: cpu).sigmoidGate(x, gate, threads)
                    XCTAssertLessThanOrEqual(
                        relativeError(fast, slow), 1e-4, "\(cpu.level): \(c)x\(h)x\(w), gates within \(reach), \(threads) threads")
                }
            }
        }
    }

    /// The threaded pixel shuffle, with and without PlainSR's skip, against the reference (the
    /// shuffle, then the skip nearest-upsampled and added) value for value, on odd shapes, at the
    /// factors the models use, on 1 to 3 threads (more threads than rows included).
    func testPixelShuffleWithSkipMatchesReference() {
        forEachPixelShuffleCase(seed: 14) { input, skip, factor, expected, label in
            XCTAssertEqual(expected.shape, [input.channels / (factor * factor), input.height * factor, input.width * factor])
            for threads in [1, 2, 3] {
                let fast = KernelSet.optimized.pixelShuffled(input, factor: factor, adding: skip, threads: threads)
                XCTAssertEqual(fast.shape, expected.shape)
                XCTAssertEqual(fast.data, expected.data, "\(label), \(threads) threads")
            }
        }
    }

    /// ESA's last 1x1 conv and its gate in one pass, against the layer then the gate by the
    /// reference ops: frames all tail (fewer pixels than a block), whole blocks, blocks plus a
    /// tail (a shorter block of whole micro-kernel chunks, then pixels one by one), and a 3x3 layer
    /// (which takes the unfused path), on every instruction set, 1-3 threads.
    func testGatedConvolutionMatchesReference() {
        var rng = SeededGenerator(seed: 14)
        for (inChannels, outChannels, kernel, h, w) in [
            (16, 48, 1, 1, 1), (5, 7, 1, 7, 13), (16, 52, 1, 37, 45), (13, 9, 1, 8, 48), (6, 4, 3, 9, 11),
            (16, 48, 1, 45, 80), (7, 10, 1, 11, 29),
        ] {
            let layer = Conv2d.random(inChannels: inChannels, outChannels: outChannels, kernel: kernel, using: &rng)
            let input = Tensor.random(channels: inChannels, height: h, width: w, range: -3...3, using: &rng)
            let x = Tensor.random(channels: outChannels, height: h, width: w, range: -255...255, using: &rng)
            let slow = KernelSet.reference.gatedConvolution(layer, input, x, 1)
            forEachCPULevel { cpu in
                for threads in [1, 2, 3] {
                    let fast = KernelSet.optimized(cpu: cpu).gatedConvolution(layer, input, x, threads)
                    XCTAssertLessThanOrEqual(
                        relativeError(fast, slow), 1e-4,
                        "\(cpu.level): \(inChannels)->\(outChannels) \(kernel)x\(kernel) at \(h)x\(w), \(threads) threads")
                }
            }
        }
    }

    func testSmoothActivationsAfterConvolutionWithResidual() {
        var rng = SeededGenerator(seed: 13)
        let input = Tensor.random(channels: 13, height: 7, width: 13, using: &rng)
        let layer = Conv2d.random(inChannels: 13, outChannels: 13, kernel: 3, using: &rng)
        let residual = Tensor.random(channels: 13, height: 7, width: 13, using: &rng)
        for activation in [Activation.sigmoid, .silu, .tanh] {
            let slow = layer.reference(input, activation: activation, residual: residual)
            forEachCPULevel { cpu in
                let fast = DirectConvolution.run(layer, input, activation: activation, residual: residual, threads: 2, cpu: cpu)
                XCTAssertLessThanOrEqual(relativeError(fast, slow), 1e-4, "\(cpu.level): \(activation)")
            }
        }
    }

    func testStridedConvolutionMatchesReference() {
        var rng = SeededGenerator(seed: 14)
        for (c, h, w) in [(16, 37, 45), (3, 7, 13), (16, 3, 3), (13, 16, 15)] {
            let input = Tensor.random(channels: c, height: h, width: w, using: &rng)
            let layer = Conv2d.random(inChannels: c, outChannels: c, kernel: 3, stride: 2, padding: 0, using: &rng)
            let slow = layer.reference(input, activation: .identity, residual: nil)
            forEachCPULevel { cpu in
                let fast = DirectConvolution.runStrided(layer, input, activation: .identity, residual: nil, threads: 2, cpu: cpu)
                XCTAssertLessThanOrEqual(relativeError(fast, slow), 1e-4, "\(cpu.level): \(c)x\(h)x\(w)")
            }
        }
    }
}
