import XCTest

@testable import VSRInference

/// The band-by-band forward pass of plain nets of Winograd layers (`WinogradBandChain`) against the
/// same layers run over the whole frame: the same to the bit on one thread (same tiles, same
/// arithmetic), and within rounding of the reference on 2-3 threads (slabs cut the frame, and each
/// slab's tiles start at its own top). Every tile (F(2x2), F(4x4), F(6x6)), every instruction set
/// this CPU runs, heights of one band and of many, widths that end mid-tile and mid-group.
final class WinogradBandChainTests: XCTestCase {
    /// A random PlainSR-shaped chain: 1 colour, `channels` wide, `hidden` hidden layers, x2, PReLU,
    /// its layers after the first carrying Winograd weights for `tile`.
    private func randomChain(
        channels: Int, hidden: Int, tile: WinogradTile, kernels: KernelSet, using rng: inout SeededGenerator
    ) throws -> WinogradBandChain {
        let widths = [1] + [Int](repeating: channels, count: hidden + 1) + [4]
        let convs = (0..<(widths.count - 1)).map { layer in
            let random = Conv2d.random(inChannels: widths[layer], outChannels: widths[layer + 1], kernel: 3, using: &rng)
            return Conv2d(
                inChannels: random.inChannels, outChannels: random.outChannels, kernel: 3, weight: random.weight,
                bias: random.bias, winograd: layer == 0 ? nil : tile)
        }
        let activations = (0..<(widths.count - 2)).map { _ in
            Activation.prelu((0..<channels).map { _ in Float.random(in: 0...0.5, using: &rng) })
        }
        return try XCTUnwrap(WinogradBandChain(convs: convs, activations: activations, scale: 2, kernels: kernels))
    }

    /// The chain's layers over the whole frame, one after the other (the path below
    /// `WinogradBandChain.minimumActivationBytes`), on `kernels` (the chain's by default).
    private func layerByLayer(_ chain: WinogradBandChain, _ input: Tensor, threads: Int, kernels: KernelSet? = nil) -> Tensor {
        let kernels = kernels ?? chain.kernels
        let context = InferenceContext(kernels: kernels, threads: threads)
        var x = chain.first(input, activation: chain.firstActivation, context: context)
        for (layer, activation) in zip(chain.layers, chain.activations) { x = layer(x, activation: activation, context: context) }
        return kernels.pixelShuffled(x, factor: chain.scale, adding: input, threads: threads)
    }

    func testBandsMatchWholeFrameLayers() throws {
        var rng = SeededGenerator(seed: 41)
        let shapes = [(1, 1), (2, 7), (7, 13), (13, 101), (37, 45), (61, 200), (100, 33), (150, 97)]
        var cases = 0
        for tile in WinogradTile.allCases {
            // One net per tile, run on every instruction set's kernels; the reference once per frame.
            let net = try randomChain(channels: 16, hidden: 3, tile: tile, kernels: .optimized, using: &rng)
            for (height, width) in shapes {
                let input = Tensor.random(channels: 1, height: height, width: width, range: 0...1, using: &rng)
                let expected = layerByLayer(net, input, threads: 1, kernels: .reference)
                forEachCPULevel { cpu in
                    guard
                        let chain = WinogradBandChain(
                            convs: [net.first] + net.layers, activations: [net.firstActivation] + net.activations.dropLast(),
                            scale: 2, kernels: .optimized(cpu: cpu))
                    else { return XCTFail("no band chain on \(cpu.level)") }
                    let whole = layerByLayer(chain, input, threads: 1)
                    let banded = chain.run(input, threads: 1)
                    XCTAssertEqual(banded.shape, whole.shape)
                    XCTAssertTrue(
                        banded.data == whole.data,
                        "\(cpu.level) \(tile) at \(height)x\(width): differs by up to \(banded.maxAbsDifference(to: whole))")
                    for threads in [2, 3] {
                        XCTAssertLessThanOrEqual(
                            relativeError(chain.run(input, threads: threads), expected), 1e-4,
                            "\(cpu.level) \(tile) at \(height)x\(width), \(threads) threads")
                    }
                    cases += 1
                }
            }
        }
        XCTAssertGreaterThanOrEqual(cases, 3 * shapes.count)
    }

    /// Frames whose activations reach `minimumActivationBytes` run band by band, smaller ones (and
    /// nets wider than `maximumChannels`) layer by layer; at 256x256 (4 MiB at 16 channels; the threshold is 2 MiB, 256x128) PlainSR's forward is the chain's, to the bit.
    func testPlainSRTakesBandsForLargeFrames() throws {
        var rng = SeededGenerator(seed: 43)
        var tensors: [String: WeightSet.Entry] = [:]
        let widths = [1, 16, 16, 4]
        for layer in 0..<3 {
            let conv = Conv2d.random(inChannels: widths[layer], outChannels: widths[layer + 1], kernel: 3, using: &rng)
            tensors["body.\(2 * layer).weight"] = .init(shape: [widths[layer + 1], widths[layer], 3, 3], values: conv.weight)
            tensors["body.\(2 * layer).bias"] = .init(shape: [widths[layer + 1]], values: conv.bias)
            if layer < 2 {
                tensors["body.\(2 * layer + 1).weight"] = .init(
                    shape: [16], values: (0..<16).map { _ in Float.random(in: 0...0.5, using: &rng) })
            }
        }
        let metadata = [
            "arch": "plainsr", "scale": "2", "colors": "1", "input_range": "1", "channels": "16", "hidden": "1", "act": "prelu",
        ]
        let model = try XCTUnwrap(ModelRegistry.build(WeightSet(tensors: tensors, metadata: metadata), source: "random") as? PlainSR)
        let chain = try XCTUnwrap(
            WinogradBandChain(convs: model.convs, activations: model.activations, scale: 2, kernels: .optimized))
        XCTAssertFalse(chain.runsBands(height: 128, width: 128))
        XCTAssertTrue(chain.runsBands(height: 180, width: 320))
        XCTAssertTrue(chain.runsBands(height: 360, width: 640))
        XCTAssertTrue(chain.runsBands(height: 256, width: 128))
        XCTAssertFalse(chain.runsBands(height: 255, width: 128))
        let wide = try randomChain(channels: 32, hidden: 1, tile: WinogradConvolution.defaultTile, kernels: .optimized, using: &rng)
        XCTAssertFalse(wide.runsBands(height: 540, width: 960), "32-channel nets run layer by layer")
        let input = Tensor.random(channels: 1, height: 256, width: 256, range: 0...1, using: &rng)
        // On two threads the chain cuts the frame in slabs whose tiles start at their own tops, so
        // its output differs from the whole-frame layers' in the last bits: which one PlainSR ran shows.
        let forward = try model.forward(input, context: InferenceContext(kernels: .optimized, threads: 2))
        let banded = chain.run(input, threads: 2), whole = layerByLayer(chain, input, threads: 2)
        XCTAssertFalse(banded.data == whole.data, "slabs and the whole frame agree to the bit: the check below shows nothing")
        XCTAssertLessThanOrEqual(relativeError(banded, whole), 1e-5)
        XCTAssertTrue(forward.data == banded.data, "PlainSR did not run the band chain")
    }
}
