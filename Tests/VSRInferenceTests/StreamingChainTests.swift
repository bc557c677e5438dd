import Foundation
import Synchronization
import XCTest

@testable import VSRInference

/// The row-streaming forward pass of plain networks against the layer-by-layer reference: odd sizes
/// (one row, rows fewer than the ring, widths that end mid-vector), one and three colours, every
/// scale, 1-4 threads (bands shared by a thread working down and one working up), every instruction set this CPU runs.
final class StreamingChainTests: XCTestCase {
    func testStreamingMatchesLayerByLayer() throws {
        var rng = SeededGenerator(seed: 21)
        let shapes = [(1, 1), (1, 9), (2, 2), (3, 5), (7, 13), (37, 45), (20, 70), (50, 33)]
        var cases = 0
        for (colors, scale, act) in [(1, 2, "prelu"), (1, 3, "relu"), (1, 4, "prelu"), (3, 2, "relu"), (3, 3, "prelu")] {
            let channels = 8 + 4 * colors
            let model = try PlainSR.random(colors: colors, scale: scale, channels: channels, hidden: 3, act: act, using: &rng)
            for (height, width) in shapes {
                let input = Tensor.random(channels: colors, height: height, width: width, range: 0...1, using: &rng)
                let expected = try model.forward(input, context: InferenceContext(kernels: .reference, threads: 1))
                // The direct kernel sets stream every plain net; the optimized ones only nets
                // narrower than `WinogradConvolution.minimumInputChannels` (here the 12-channel ones).
                forEachCPULevel { cpu in
                    XCTAssertTrue(model.streamsRows(with: .direct(cpu: cpu)))
                    XCTAssertEqual(
                        model.streamsRows(with: .optimized(cpu: cpu)), channels < WinogradConvolution.minimumInputChannels)
                    for threads in [1, 2, 3, 4] {
                        do {
                            let out = try model.forward(input, context: InferenceContext(kernels: .direct(cpu: cpu), threads: threads))
                            XCTAssertEqual(out.shape, expected.shape)
                            XCTAssertLessThanOrEqual(
                                relativeError(out, expected), 1e-5,
                                "\(cpu.level): \(colors) colours x\(scale) \(act) at \(height)x\(width), \(threads) threads")
                        } catch { XCTFail("\(error)") }
                    }
                }
                cases += 1
            }
        }
        XCTAssertEqual(cases, 40)
    }

    /// Nets of 16-channel layers and wider (the default and quality tiers) carry Winograd weights:
    /// the optimized kernels run them layer by layer by Winograd (faster than streamed,
    /// `PlainSR.streamingChain`), the direct ones stream them, and both agree with the reference at
    /// odd sizes on 1 and 2 threads. An 8-channel net (the x2 fast tier's width) streams.
    func testNetsOf16ChannelsOrMoreRunWinogradLayerByLayer() throws {
        var rng = SeededGenerator(seed: 23)
        XCTAssertFalse(try PlainSR.random(colors: 1, scale: 2, channels: 8, hidden: 2, act: "prelu", using: &rng).runsWinograd(.optimized))
        for channels in [16, 32] {
            let model = try PlainSR.random(colors: 1, scale: 2, channels: channels, hidden: 2, act: "prelu", using: &rng)
            XCTAssertTrue(model.runsWinograd(.optimized))
            XCTAssertFalse(model.streamsRows(with: .optimized))
            XCTAssertFalse(model.runsWinograd(.direct))
            XCTAssertTrue(model.streamsRows(with: .direct))
            for (height, width) in [(1, 1), (7, 13), (37, 45), (50, 101)] {
                let input = Tensor.random(channels: 1, height: height, width: width, range: 0...1, using: &rng)
                let expected = try model.forward(input, context: InferenceContext(kernels: .reference, threads: 1))
                for kernels in [KernelSet.optimized, .direct] {
                    for threads in [1, 2] {
                        let out = try model.forward(input, context: InferenceContext(kernels: kernels, threads: threads))
                        XCTAssertEqual(out.shape, expected.shape)
                        XCTAssertLessThanOrEqual(
                            relativeError(out, expected), 1e-4,
                            "\(channels) channels, \(kernels.name) at \(height)x\(width), \(threads) threads")
                    }
                }
            }
        }
    }

    /// A thread count gives the same bits in every run, however the threads met: the streamed chain's
    /// threads claim rows until they meet, wherever the cores' speeds put that, and every row comes
    /// out as on one thread (the direct kernel's rows do not depend on who computes them); the band
    /// chain cuts its slabs at fixed rows (a cut that moved from run to run would change the rows
    /// near it in the last bits, as each slab's tiles start at its own top). Every other round runs
    /// with a busy thread beside it, so that the streamed threads meet at different rows. Resumed
    /// jobs promise the uninterrupted run's bytes.
    func testOutputDoesNotDependOnWhereThreadsMeet() throws {
        var rng = SeededGenerator(seed: 24)
        let narrow = try PlainSR.random(colors: 1, scale: 2, channels: 8, hidden: 3, act: "prelu", using: &rng)
        let wide = try PlainSR.random(colors: 1, scale: 2, channels: 16, hidden: 3, act: "prelu", using: &rng)
        // 180x200: 2.3 MB a 16-channel activation, which runs band by band (`minimumActivationBytes`).
        let input = Tensor.random(channels: 1, height: 180, width: 200, range: 0...1, using: &rng)
        XCTAssertTrue(narrow.streamsRows(with: .optimized))
        XCTAssertTrue(
            try XCTUnwrap(WinogradBandChain(convs: wide.convs, activations: wide.activations, scale: 2, kernels: .optimized)).runsBands(
                height: 180, width: 200))
        let oneThread = try narrow.forward(input, context: InferenceContext(kernels: .optimized, threads: 1))
        let firstWide = try wide.forward(input, context: InferenceContext(kernels: .optimized, threads: 2))
        for round in 0..<6 {
            let stop = Atomic<Bool>(false), stopped = DispatchSemaphore(value: 0)
            if round % 2 == 1 {
                Thread {
                    while !stop.load(ordering: .relaxed) {}
                    stopped.signal()
                }.start()
            } else {
                stopped.signal()
            }
            for threads in [2, 3] {
                let streamed = try narrow.forward(input, context: InferenceContext(kernels: .optimized, threads: threads))
                XCTAssertTrue(
                    streamed.data == oneThread.data, "streamed, \(threads) threads, round \(round): bits differ from one thread's")
            }
            let banded = try wide.forward(input, context: InferenceContext(kernels: .optimized, threads: 2))
            XCTAssertTrue(banded.data == firstWide.data, "Winograd, 2 threads, round \(round): bits differ from the first run's")
            stop.store(true, ordering: .relaxed)
            stopped.wait()
        }
    }

    /// Smooth activations and the reference kernels take the layer-by-layer path.
    func testStreamingOnlyForPiecewiseLinearChainsOnOptimizedKernels() throws {
        var rng = SeededGenerator(seed: 22)
        let silu = try PlainSR.random(colors: 1, scale: 2, channels: 8, hidden: 1, act: "silu", using: &rng)
        XCTAssertFalse(silu.streamsRows(with: .optimized))
        let prelu = try PlainSR.random(colors: 1, scale: 2, channels: 8, hidden: 1, act: "prelu", using: &rng)
        XCTAssertFalse(prelu.streamsRows(with: .reference))
        XCTAssertTrue(prelu.streamsRows(with: .optimized))
        let input = Tensor.random(channels: 1, height: 9, width: 11, range: 0...1, using: &rng)
        let expected = try silu.forward(input, context: InferenceContext(kernels: .reference, threads: 1))
        XCTAssertLessThanOrEqual(
            relativeError(
                try silu.forward(input, context: InferenceContext(kernels: .optimized, threads: 2)),
                expected), 1e-4)
    }
}
