import XCTest

@testable import VSRInference

/// `KernelSet.timed(into:)`, behind `vsr-kernel-bench model --by-operation`: the same kernels run
/// (the same output to the bit), and every call of the table lands in its operation's entry.
final class OperationTimesTests: XCTestCase {
    func testTimedKernelsRunTheSameOperationsAndCountEachCall() throws {
        let blocks = 2
        let model = try ModelRegistry.build(
            FLOPCountTests.weights(
                FLOPCountTests.rlfnLayers(features: 16, mid: 16, blocks: blocks, scale: 2, height: 1, width: 1),
                metadata: [
                    "arch": "rlfn", "variant": "rlfn", "scale": "2", "colors": "3", "input_range": "255",
                    "channels": "16", "mid_channels": "16", "blocks": "\(blocks)", "esa_channels": "16",
                ]), source: "random")
        var rng = SeededGenerator(seed: 41)
        let input = Tensor.random(channels: 3, height: 40, width: 50, range: 0...255, using: &rng)
        let times = OperationTimes()
        for threads in [1, 2] {
            times.reset()
            let plain = try model.forward(input, context: InferenceContext(kernels: .optimized, threads: threads))
            let timed = try model.forward(
                input, context: InferenceContext(kernels: KernelSet.optimized.timed(into: times), threads: threads))
            XCTAssertEqual(timed.data, plain.data, "\(threads) threads")
            let calls = Dictionary(uniqueKeysWithValues: times.sorted.map { ($0.name, $0.calls) })
            let tile = WinogradConvolution.defaultTile
            // Per block c1, c2, c3 (with the block's skip, one entry: `WinogradLaneChain`), the ESA's
            // reduce, strided conv, pool, conv3 on the pooled map and the gate; the head, the tail
            // (with the global skip), the upsampler and the shuffle once.
            XCTAssertEqual(
                calls,
                [
                    "conv 3x3 3->16, direct": 1,
                    "3 x conv 3x3 16->16, Winograd \(tile) in lane order + residual": blocks,
                    "conv 3x3 16->16, Winograd \(tile)": blocks,
                    "conv 3x3 16->16, Winograd \(tile) + residual": 1,
                    "conv 1x1 16->16, direct": blocks,
                    "conv 3x3 stride 2 16->16, direct": blocks,
                    "max-pool 7x7 stride 3, 16 channels": blocks,
                    "attention gate: c5 1x1 16->16, resize 16 channels, conv_f 1x1 16->16, conv4 1x1 16->16, sigmoid gate": blocks,
                    "conv 3x3 16->12, Winograd \(tile)": 1,
                    "pixel shuffle x2": 1,
                ], "\(threads) threads")
            XCTAssertTrue(times.sorted.allSatisfy { $0.seconds > 0 })
        }
        times.reset()
        XCTAssertTrue(times.sorted.isEmpty)
    }
}
