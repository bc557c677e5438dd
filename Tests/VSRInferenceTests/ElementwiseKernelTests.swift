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

    func testSigmoidGateMatchesReference() {
        var rng = SeededGenerator(seed: 12)
        for (c, h, w) in [(1, 1, 1), (3, 7, 13), (16, 37, 45)] {
            let x = Tensor.random(channels: c, height: h, width: w, range: -255...255, using: &rng)
            let gate = Tensor.random(channels: c, height: h, width: w, range: -30...30, using: &rng)
            let slow = KernelSet.reference.sigmoidGate(x, gate, 1)
            for threads in [1, 2, 3] {
                let fast = KernelSet.optimized.sigmoidGate(x, gate, threads)
                XCTAssertLessThanOrEqual(relativeError(fast, slow), 1e-4, "\(c)x\(h)x\(w), \(threads) threads")
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
