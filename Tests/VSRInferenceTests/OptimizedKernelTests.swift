import Foundation
import XCTest

@testable import VSRInference

/// Every optimized kernel of every instruction set this CPU runs against the naive reference on random
/// data, odd sizes and channel counts, at 1 and 2 threads (the checkasm approach). A level the CPU
/// lacks is skipped with a message naming it (`forEachCPULevel`).
final class OptimizedKernelTests: XCTestCase {
    /// Widths that end mid-vector and in each of the narrower last blocks: after whole blocks of 24
    /// (AVX2), 32 ends in one vector of 8, 40 in two, 57 in two with the second partial (13 and 45
    /// end their only or second block in two and three vectors, the last partial); after a block of
    /// 64 (AVX-512), 80 ends in one vector of 16, 96 in two, 105 in three with the third partial (13,
    /// 32 and 57 end their only block in one, two and four).
    private let sizes = [(1, 1), (7, 13), (37, 45), (3, 32), (2, 40), (5, 57), (2, 80), (3, 96), (2, 105)]
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
                    let residual =
                        cases / 2 % 2 == 0
                        ? Tensor.random(channels: outChannels, height: height, width: width, using: &rng) : nil
                    let slow = layer.reference(input, activation: activation, residual: residual)
                    forEachCPULevel { cpu in
                        for threads in [1, 2] {
                            let fast = DirectConvolution.run(
                                layer, input, activation: activation, residual: residual,
                                threads: threads, cpu: cpu)
                            XCTAssertLessThanOrEqual(
                                relativeError(fast, slow), 1e-4,
                                "\(cpu.level): \(kernel)x\(kernel) "
                                    + "\(inChannels)->\(outChannels) at \(height)x\(width), \(activation), "
                                    + "residual \(residual != nil), \(threads) threads")
                        }
                    }
                    cases += 1
                }
            }
        }
        XCTAssertGreaterThan(cases, 30)
    }

    /// The 3x3 direct kernel's per-worker bands forced short (1, 2, 3 and 5 rows, where the default
    /// holds whole 37-row images at these widths), so that runs of claimed rows are cut into several
    /// bands, the first and last band of the image read the zero rows past its top and bottom, and
    /// a band of one row reads a halo row on each side; the interior rows read the image in place
    /// and their edge columns through the strips, whose rows are as short as the bands.
    func testConv3x3InShortBandsMatchesReference() {
        var rng = SeededGenerator(seed: 31)
        var cases = 0
        // Widths 26, 66 and 133 end the in-place interior one pixel and a few pixels before the
        // right edge for AVX2's 24-pixel blocks and AVX-512's 64; heights 2 and 3 have no interior
        // row and one.
        for (height, width, channels) in [
            (37, 45, 13), (23, 57, 3), (9, 32, 46), (2, 40, 5), (4, 26, 5), (6, 66, 4), (3, 133, 7),
        ] {
            let input = Tensor.random(channels: channels, height: height, width: width, using: &rng)
            let layer = Conv2d.random(inChannels: channels, outChannels: channels, kernel: 3, using: &rng)
            let residual = Tensor.random(channels: channels, height: height, width: width, using: &rng)
            let slow = layer.reference(input, activation: .leakyReLU(0.05), residual: residual)
            for bandRows in [1, 2, 3, 5] {
                forEachCPULevel { cpu in
                    for threads in [1, 2] {
                        let fast = DirectConvolution.runBanded(
                            layer, input, activation: .leakyReLU(0.05), residual: residual, threads: threads, cpu: cpu,
                            bandRows: bandRows)
                        XCTAssertLessThanOrEqual(
                            relativeError(fast, slow), 1e-4,
                            "\(cpu.level): \(channels) channels at \(height)x\(width), bands of \(bandRows), \(threads) threads")
                    }
                }
                cases += 1
            }
        }
        XCTAssertEqual(cases, 28)
    }

    /// Winograd F(2x2, 3x3), F(4x4, 3x3) and F(6x6, 3x3) (taking turns) against the naive convolution,
    /// at the odd sizes and channel counts above (the layer's weights are transformed for any width
    /// here; the kernel set uses it from 32 inputs), plus sizes that end mid-tile, mid-vector and past
    /// one 64-tile chunk, F(4x4)'s 16-tile groups of 64 columns inside the image (68, 72, 136 wide)
    /// and F(6x6)'s of 96 (136, 161 and 197 wide; at 14x197 the second group's input rows and
    /// output rows both lie inside the image).
    func testWinogradMatchesReference() {
        var rng = SeededGenerator(seed: 11)
        let activations: [Activation] = [.identity, .leakyReLU(0.05), .relu, .prelu([0.25])]
        var cases = 0
        for (height, width) in sizes + [(2, 2), (5, 33), (4, 130), (9, 161), (3, 203), (8, 68), (13, 72), (6, 136), (14, 197)] {
            for inChannels in channels {
                for outChannels in channels where inChannels == outChannels || height < 37 || (inChannels, outChannels) == (46, 52) {
                    let input = Tensor.random(channels: inChannels, height: height, width: width, using: &rng)
                    let layer = Conv2d.random(inChannels: inChannels, outChannels: outChannels, kernel: 3, using: &rng)
                    let tile = WinogradTile.allCases[cases % WinogradTile.allCases.count]
                    let winograd = Conv2d(
                        inChannels: inChannels, outChannels: outChannels, kernel: 3,
                        weight: layer.weight, bias: layer.bias, winograd: tile)
                    let activation = activations[cases / 2 % activations.count]
                    let residual =
                        cases / 2 % 2 == 0
                        ? Tensor.random(channels: outChannels, height: height, width: width, using: &rng) : nil
                    let slow = layer.reference(input, activation: activation, residual: residual)
                    forEachCPULevel { cpu in
                        for threads in [1, 2] {
                            let fast = WinogradConvolution.run(
                                winograd, input, activation: activation, residual: residual,
                                threads: threads, cpu: cpu)
                            XCTAssertLessThanOrEqual(
                                relativeError(fast, slow), 1e-4,
                                "\(cpu.level): Winograd \(tile) " + "\(inChannels)->\(outChannels) at \(height)x\(width), \(activation), "
                                    + "residual \(residual != nil), \(threads) threads")
                        }
                    }
                    cases += 1
                }
            }
        }
        XCTAssertGreaterThan(cases, 50)
    }

    /// Every tile on shapes whose 16-tile groups span tile rows (F(6x6)'s tiles are numbered row
    /// after row with no padding, F(4x4)'s up to whole quads): F(6x6)'s one-call split groups (17, 54
    /// and 42 tile columns, chunks ending mid-row), F(4x4)'s at each split a quad allows (4, 8 and 12
    /// tiles: 18, 23 (the last tile cut by the image), 25 and 180 tile columns, rows padded by 2, 1, 3
    /// and 0 tiles), groups over three or more rows of a narrow image (F(6x6) at 7 columns; F(4x4)
    /// pads rows under 16 tiles to 16), the last chunk's tiles past the last row, and F(2x2)'s
    /// run-by-run calls; each against the naive convolution at 1 and 2 threads, with and without a
    /// residual.
    func testWinogradGroupsAcrossTileRows() {
        var rng = SeededGenerator(seed: 13)
        var cases = 0
        for (height, width) in [(20, 100), (30, 320), (13, 250), (19, 40), (25, 61), (14, 72), (9, 90), (11, 720)] {
            let input = Tensor.random(channels: 33, height: height, width: width, using: &rng)
            let layer = Conv2d.random(inChannels: 33, outChannels: 9, kernel: 3, using: &rng)
            for tile in WinogradTile.allCases {
                let winograd = Conv2d(inChannels: 33, outChannels: 9, kernel: 3, weight: layer.weight, bias: layer.bias, winograd: tile)
                let residual = cases % 2 == 0 ? Tensor.random(channels: 9, height: height, width: width, using: &rng) : nil
                let slow = layer.reference(input, activation: .leakyReLU(0.1), residual: residual)
                forEachCPULevel { cpu in
                    for threads in [1, 2] {
                        let fast = WinogradConvolution.run(
                            winograd, input, activation: .leakyReLU(0.1), residual: residual, threads: threads, cpu: cpu)
                        XCTAssertLessThanOrEqual(
                            relativeError(fast, slow), 1e-4,
                            "\(cpu.level): Winograd \(tile) at \(height)x\(width), residual \(residual != nil), \(threads) threads")
                    }
                }
                cases += 1
            }
        }
        XCTAssertEqual(cases, 24)
    }

    func testKernelSetTakesWinogradForWideLayersOnly() {
        var rng = SeededGenerator(seed: 12)
        XCTAssertNotNil(
            Conv2d.random(inChannels: WinogradConvolution.minimumInputChannels, outChannels: 8, kernel: 3, using: &rng).winogradWeights)
        XCTAssertNil(
            Conv2d.random(inChannels: WinogradConvolution.minimumInputChannels - 1, outChannels: 8, kernel: 3, using: &rng).winogradWeights)
        XCTAssertNil(Conv2d.random(inChannels: 52, outChannels: 52, kernel: 1, using: &rng).winogradWeights)
        XCTAssertNil(Conv2d.random(inChannels: 52, outChannels: 16, kernel: 3, stride: 2, padding: 0, using: &rng).winogradWeights)
        let wide = Conv2d.random(inChannels: 48, outChannels: 48, kernel: 3, using: &rng)
        XCTAssertTrue(ConvolutionChoice.usesWinograd(wide, activation: .leakyReLU(0.05)))
        XCTAssertFalse(ConvolutionChoice.usesWinograd(wide, activation: .silu))
        // A smooth activation goes to the direct kernel, which applies it after the store.
        let layer = Conv2d.random(inChannels: 48, outChannels: 48, kernel: 3, using: &rng)
        let input = Tensor.random(channels: 48, height: 9, width: 21, using: &rng)
        let context = InferenceContext(kernels: .optimized, threads: 2)
        for activation in [Activation.leakyReLU(0.05), .sigmoid] {
            XCTAssertLessThanOrEqual(
                relativeError(
                    layer(input, activation: activation, context: context),
                    layer.reference(input, activation: activation, residual: nil)), 1e-4)
        }
    }

    func testPReLUPerChannelAndShared() {
        var rng = SeededGenerator(seed: 7)
        let input = Tensor.random(channels: 13, height: 7, width: 13, using: &rng)
        let layer = Conv2d.random(inChannels: 13, outChannels: 13, kernel: 3, using: &rng)
        for slopes in [(0..<13).map { Float($0) / 20 }, [0.25]] {
            let slow = layer.reference(input, activation: .prelu(slopes), residual: nil)
            forEachCPULevel { cpu in
                let fast = DirectConvolution.run(layer, input, activation: .prelu(slopes), residual: nil, threads: 2, cpu: cpu)
                XCTAssertLessThanOrEqual(relativeError(fast, slow), 1e-4, "\(cpu.level)")
            }
        }
    }

    func testKernelSetDispatchCoversStridedAndOtherConvolutions() {
        var rng = SeededGenerator(seed: 9)
        let input = Tensor.random(channels: 16, height: 37, width: 45, using: &rng)
        // Stride 2 (RLFN's ESA) takes the optimized path; a 3x3 with padding 0 and stride 1 falls back.
        let strided = Conv2d.random(inChannels: 16, outChannels: 16, kernel: 3, stride: 2, padding: 0, using: &rng)
        let unpadded = Conv2d.random(inChannels: 16, outChannels: 8, kernel: 3, stride: 1, padding: 0, using: &rng)
        XCTAssertEqual(ConvolutionChoice.directForm(strided), .stride2Unpadded3x3)
        XCTAssertNil(ConvolutionChoice.directForm(unpadded))
        forEachCPULevel { cpu in
            let context = InferenceContext(kernels: .optimized(cpu: cpu), threads: 2)
            for layer in [strided, unpadded] {
                let out = layer(input, context: context)
                let expected = layer.reference(input, activation: .identity, residual: nil)
                XCTAssertEqual(out.shape, expected.shape)
                XCTAssertLessThanOrEqual(
                    relativeError(out, expected), 1e-4,
                    "\(cpu.level): stride \(layer.stride) padding \(layer.padding)")
            }
        }
    }

    /// The Winograd chunk is a whole number of 16-tile transform groups and of micro-kernel blocks.
    func testWinogradChunkFitsEveryMicrokernel() {
        for pixels in [8, 12, 16, 24, 32, 64] {
            let chunk = WinogradConvolution.chunkTiles(kernelPixels: pixels)
            XCTAssertEqual(chunk % 16, 0, "\(pixels)")
            XCTAssertEqual(chunk % pixels, 0, "\(pixels)")
            XCTAssertGreaterThanOrEqual(chunk, 48, "\(pixels)")
        }
    }

    /// `VSR_CPU` names a level; the process runs the CPU's best unless told lower.
    func testSelectedLevelIsOneTheCPURuns() {
        XCTAssertLessThanOrEqual(CPULevel.selected, CPULevel.best)
        XCTAssertEqual(CPUKernels.selected.level, CPULevel.selected)
        XCTAssertNotNil(CPUKernels.forLevel(.baseline))
        for level in CPULevel.allCases where level > CPULevel.best { XCTAssertNil(CPUKernels.forLevel(level)) }
    }

    /// Each level's FMA probe runs and reports a plausible rate (it is a benchmark: no speed is asserted).
    func testFMAProbeOfEveryLevelRuns() {
        forEachCPULevel { cpu in
            let gflops = FMAPeak.measure(threads: 1, seconds: 0.01, kernels: cpu)
            XCTAssertGreaterThan(gflops, 0.1, "\(cpu.level)")
        }
    }
}

/// Runs `body` with the kernels of every instruction-set level, and says which levels this CPU lacks
/// (their kernels cannot run here, so they are skipped, visibly).
func forEachCPULevel(_ body: (CPUKernels) -> Void) {
    for level in CPULevel.allCases {
        guard let cpu = CPUKernels.forLevel(level) else {
            SkippedLevels.report(level)
            continue
        }
        body(cpu)
    }
}

/// Prints each skipped level once per test process.
enum SkippedLevels {
    nonisolated(unsafe) private static var reported: Set<CPULevel> = []
    private static let lock = NSLock()

    static func report(_ level: CPULevel) {
        lock.lock()
        defer { lock.unlock() }
        guard reported.insert(level).inserted else { return }
        print("SKIPPED: \(level) kernels: this CPU (best level \(CPULevel.best)) cannot run them")
    }
}
