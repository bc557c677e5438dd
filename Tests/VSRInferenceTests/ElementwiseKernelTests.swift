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

    /// RLFN's block end in one pass (c5, conv_f plus the resized context, conv4, the gate:
    /// `AttentionGatePass`), against the resize and the layers one by one by the reference ops:
    /// frames all tail (fewer pixels than a micro-kernel chunk), whole blocks, blocks plus a tail (a
    /// shorter block of whole chunks, then pixels one by one), odd channel counts, a tile's window of
    /// a frame's resize, and 3x3 layers (which take the unfused path), on every instruction set, 1-3
    /// threads.
    func testAttentionGateMatchesReference() {
        var rng = SeededGenerator(seed: 14)
        for (features, mid, kernel, h, w) in [
            (48, 16, 1, 1, 1), (7, 5, 1, 7, 13), (52, 16, 1, 37, 45), (9, 13, 1, 8, 48), (4, 6, 3, 9, 11),
            (48, 16, 1, 45, 80), (10, 7, 1, 11, 29), (46, 16, 1, 20, 97),
        ] {
            let layers = AttentionGate(
                value: .random(inChannels: features, outChannels: features, kernel: kernel, using: &rng),
                sum: .random(inChannels: mid, outChannels: mid, kernel: kernel, using: &rng),
                gate: .random(inChannels: mid, outChannels: features, kernel: kernel, using: &rng))
            let x = Tensor.random(channels: features, height: h, width: w, range: -255...255, using: &rng)
            let reduced = Tensor.random(channels: mid, height: h, width: w, range: -3...3, using: &rng)
            // The pooled context, a sixth of the frame each way as in ESA; for the 45x80 frame, a
            // tile's window of a larger frame's resize (taps clamped at the window's edge).
            let context = Tensor.random(channels: mid, height: max(1, h / 6), width: max(1, w / 6), range: -3...3, using: &rng)
            let added =
                (h, w) == (45, 80)
                ? BilinearUpsample(
                    source: context,
                    rows: BilinearTaps(
                        inputSize: context.height, outputSize: h, frameInputSize: 40, frameOutputSize: 250, inputOffset: 6,
                        outputOffset: 36),
                    columns: BilinearTaps(
                        inputSize: context.width, outputSize: w, frameInputSize: 50, frameOutputSize: 310, inputOffset: 12,
                        outputOffset: 72))
                : BilinearUpsample(
                    source: context, rows: BilinearTaps(inputSize: context.height, outputSize: h),
                    columns: BilinearTaps(inputSize: context.width, outputSize: w))
            let slow = KernelSet.reference.gatedConvolution(layers, x, reduced, added, 1)
            forEachCPULevel { cpu in
                for threads in [1, 2, 3] {
                    let fast = KernelSet.optimized(cpu: cpu).gatedConvolution(layers, x, reduced, added, threads)
                    XCTAssertLessThanOrEqual(
                        relativeError(fast, slow), 1e-4,
                        "\(cpu.level): \(features) features, \(mid) mid, \(kernel)x\(kernel) at \(h)x\(w), \(threads) threads")
                }
            }
        }
    }

    /// A 1x1 layer composed after another (RLFN's ESA conv1 after c5) gives what the two give one
    /// after the other, and keeps the input's and output's channel counts.
    func testComposedPointwiseLayersMatchTheTwoInTurn() {
        var rng = SeededGenerator(seed: 15)
        for (inputs, middle, outputs) in [(48, 48, 16), (5, 9, 3), (1, 1, 1)] {
            let first = Conv2d.random(inChannels: inputs, outChannels: middle, kernel: 1, using: &rng)
            let second = Conv2d.random(inChannels: middle, outChannels: outputs, kernel: 1, using: &rng)
            let composed = second.composed(after: first)
            XCTAssertEqual([composed.inChannels, composed.outChannels, composed.kernel], [inputs, outputs, 1])
            let x = Tensor.random(channels: inputs, height: 5, width: 7, range: -255...255, using: &rng)
            let twoSteps = second.reference(first.reference(x, activation: .identity, residual: nil), activation: .identity, residual: nil)
            let oneStep = composed.reference(x, activation: .identity, residual: nil)
            XCTAssertLessThanOrEqual(relativeError(oneStep, twoSteps), 1e-5, "\(inputs) -> \(middle) -> \(outputs)")
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
        // Odd widths (the split's last even column alone), widths past the split's 32-column
        // vectors and the micro-kernel's blocks, one output row and many; bands of one and two
        // output rows and the default, on 1-3 threads, each claiming from its end.
        for (c, h, w) in [(16, 37, 45), (3, 7, 13), (16, 3, 3), (13, 16, 15), (16, 45, 160), (5, 21, 133)] {
            let input = Tensor.random(channels: c, height: h, width: w, using: &rng)
            let layer = Conv2d.random(inChannels: c, outChannels: c, kernel: 3, stride: 2, padding: 0, using: &rng)
            let slow = layer.reference(input, activation: .identity, residual: nil)
            forEachCPULevel { cpu in
                for threads in 1...3 {
                    for bandRows in [1, 2, nil] {
                        let fast = DirectConvolution.runStrided(
                            layer, input, activation: .identity, residual: nil, threads: threads, cpu: cpu, bandRows: bandRows)
                        XCTAssertLessThanOrEqual(
                            relativeError(fast, slow), 1e-4,
                            "\(cpu.level): \(c)x\(h)x\(w), \(threads) threads, bands of \(bandRows.map(String.init) ?? "default")")
                    }
                }
            }
        }
    }
}
