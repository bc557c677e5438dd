import ArgumentParser
import Dispatch
import Foundation
import VSRInference

/// Speed of the inference engine against this machine's measured FMA peak, measured in one run.
/// A benchmark that prints figures, never a timed test. Build it optimized:
///   swift build -c release --product vsr-kernel-bench   (portable: kernels chosen at run time, VSR_CPU to cap)
@main
struct KernelBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vsr-kernel-bench",
        abstract: "Time vsr's kernels and models against the machine's FMA peak.",
        subcommands: [ConvBench.self, GateBench.self, ModelBench.self, TilingCheck.self])
}

/// As `vsr` does at start (MemoryReuse); VSR_NO_MEMORY_REUSE=1 measures without it.
func keepFreedBuffers() {
    if ProcessInfo.processInfo.environment["VSR_NO_MEMORY_REUSE"] == nil { MemoryReuse.keepFreedBuffers() }
}

func median(_ values: [Double]) -> Double { let s = values.sorted(); return s[s.count / 2] }

/// "WxH" as (width, height).
func parseSize(_ text: String) throws -> (width: Int, height: Int) {
    let dims = text.split(separator: "x").compactMap { Int($0) }
    guard dims.count == 2, dims.allSatisfy({ $0 > 0 }) else { throw ValidationError("--size must be WxH, got '\(text)'") }
    return (dims[0], dims[1])
}

func parseList(_ text: String) throws -> [Int] {
    let values = text.split(separator: ",").compactMap { Int($0) }
    guard !values.isEmpty, values.allSatisfy({ $0 > 0 }) else { throw ValidationError("expected numbers like 1,2, got '\(text)'") }
    return values
}

/// Median seconds of `runs` calls after `warmup` unmeasured ones.
func time(runs: Int, warmup: Int, _ body: () throws -> Void) rethrows -> [Double] {
    for _ in 0..<warmup { try body() }
    return try (0..<runs).map { _ in
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}

struct ConvBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conv",
        abstract: "Convolution kernels vs FMA peak: 3x3 direct, Winograd F(6x6, 3x3), F(4x4, 3x3) and F(2x2, 3x3), and 1x1.",
        discussion: """
            The direct kernel's GFLOP/s are arithmetic done; Winograd's are the direct convolution's
            FLOPs over Winograd's time ("effective"), since it does 5.06 (F(6x6)), 4 (F(4x4)) or 2.25
            (F(2x2)) times fewer multiply-adds. Wide layers run F(6x6, 3x3) with the AVX-512 kernels and
            F(4x4, 3x3) with the others; every tile is timed for comparison.
            """)

    @Option(help: "Channel counts (in = out).") var channels = "48,52"
    @Option(help: "Thread counts.") var threads = "1,2"
    @Option(help: "Frame size WxH.") var size = "320x180"
    @Option(help: "Measured runs per case.") var runs = 15

    func run() throws {
        keepFreedBuffers()
        let (width, height) = try parseSize(size)
        var rng = SystemRandomNumberGenerator()
        print(CPUKernels.summary)
        print("3x3 convolution at \(width)x\(height), bias + LeakyReLU fused; median of \(runs) runs")
        for threadCount in try parseList(threads) {
            let peak = FMAPeak.measure(threads: threadCount)
            print(String(format: "FMA peak, %d thread(s): %.1f GFLOP/s", threadCount, peak))
            for c in try parseList(channels) {
                let input = randomTensor(channels: c, height: height, width: width, in: -1...1, using: &rng)
                let layer = Conv2d(
                    inChannels: c, outChannels: c, kernel: 3,
                    weight: randomValues(c * c * 9, in: -0.1...0.1, using: &rng),
                    bias: [Float](repeating: 0.1, count: c))
                let direct = InferenceContext(kernels: .direct, threads: threadCount)
                let seconds = median(time(runs: runs, warmup: 3) { _ = layer(input, activation: .leakyReLU(0.05), context: direct) })
                let gflops = 2 * layer.multiplyAccumulates(height: height, width: width) / seconds / 1e9
                print(
                    String(
                        format: "  %d->%d channels, %d thread(s), direct: %.2f ms, %.1f GFLOP/s, %.0f%% of peak",
                        c, c, threadCount, seconds * 1e3, gflops, 100 * gflops / peak))
                let optimized = InferenceContext(kernels: .optimized, threads: threadCount)
                for tile in [WinogradTile.f6, .f4, .f2] {
                    let tiled = Conv2d(
                        inChannels: c, outChannels: c, kernel: 3, weight: layer.weight, bias: layer.bias, winograd: tile)
                    let winograd = median(
                        time(runs: runs, warmup: 3) { _ = tiled(input, activation: .leakyReLU(0.05), context: optimized) })
                    let effective = gflops * seconds / winograd
                    print(
                        String(
                            format: "  %d->%d channels, %d thread(s), Winograd %@: %.2f ms, %.1f effective GFLOP/s, %.0f%% of peak, "
                                + "%.2fx the direct kernel", c, c, threadCount, tile.description, winograd * 1e3, effective,
                            100 * effective / peak, seconds / winograd))
                }
                // RLFN's 1x1 layer after each block's 3x3 layers (c5), read in place.
                let pointwise = Conv2d(
                    inChannels: c, outChannels: c, kernel: 1, weight: randomValues(c * c, in: -0.1...0.1, using: &rng),
                    bias: [Float](repeating: 0.1, count: c))
                let pointwiseSeconds = median(time(runs: runs, warmup: 3) { _ = pointwise(input, context: optimized) })
                let pointwiseFlops = 2 * pointwise.multiplyAccumulates(height: height, width: width) / pointwiseSeconds / 1e9
                print(
                    String(
                        format: "  %d->%d channels, %d thread(s), 1x1 direct: %.2f ms, %.1f GFLOP/s, %.0f%% of peak", c, c,
                        threadCount, pointwiseSeconds * 1e3, pointwiseFlops, 100 * pointwiseFlops / peak))
                // The same kernel through a chain of layers streamed row by row (the direct kernel set
                // streams every plain net; the optimized one only nets narrower than
                // `WinogradConvolution.minimumInputChannels`), and the net as the optimized kernels run it.
                let chain = try randomPlainSR(channels: c, hidden: 6, using: &rng)
                let image = randomTensor(channels: 1, height: height, width: width, in: 0...1, using: &rng)
                let streamed = median(try time(runs: runs, warmup: 2) { _ = try chain.forward(image, context: direct) })
                let chainFlops = chain.flops(height: height, width: width) / streamed / 1e9
                print(
                    String(
                        format: "  %d channels, %d thread(s), direct kernel streamed through a plain net (1->%d, 6 x %d->%d, "
                            + "%d->16, x4 shuffle, row by row): %.2f ms, %.1f GFLOP/s, %.0f%% of peak", c, threadCount, c, c, c, c,
                        streamed * 1e3, chainFlops, 100 * chainFlops / peak))
                if !chain.streamsRows(with: optimized.kernels) {
                    let layered = median(try time(runs: runs, warmup: 2) { _ = try chain.forward(image, context: optimized) })
                    let layeredFlops = chain.flops(height: height, width: width) / layered / 1e9
                    print(
                        String(
                            format:
                                "  %d channels, %d thread(s), the same net by Winograd as vsr runs it (16 channels from 4 MiB in bands): "
                                + "%.2f ms, %.1f effective GFLOP/s, %.0f%% of peak, %.2fx the streamed chain", c, threadCount,
                            layered * 1e3, layeredFlops, 100 * layeredFlops / peak, streamed / layered))
                }
            }
        }
    }
}

struct GateBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract:
            "The end of RLFN's block, c5(x) * sigmoid(conv4(conv_f(reduced) + resize(context))): in one pass, and layer by layer.",
        discussion: "The two are timed alternately, run by run, so that a change in the machine's load hits both.")

    @Option(help: "Feature channels (x, c5 and conv4's output); the ESA's layers have 16.") var channels = 52
    @Option(help: "Thread counts.") var threads = "1,2"
    @Option(help: "Frame size WxH.") var size = "320x180"
    @Option(help: "Measured runs of each.") var runs = 21

    func run() throws {
        keepFreedBuffers()
        let (width, height) = try parseSize(size)
        var rng = SystemRandomNumberGenerator()
        func layer(_ inChannels: Int, _ outChannels: Int) -> Conv2d {
            Conv2d(
                inChannels: inChannels, outChannels: outChannels, kernel: 1,
                weight: randomValues(inChannels * outChannels, in: -0.25...0.25, using: &rng),
                bias: [Float](repeating: 0.1, count: outChannels))
        }
        let layers = AttentionGate(value: layer(channels, channels), sum: layer(16, 16), gate: layer(16, channels))
        let x = randomTensor(channels: channels, height: height, width: width, in: -1...1, using: &rng)
        let reduced = randomTensor(channels: 16, height: height, width: width, in: -1...1, using: &rng)
        // The ESA's pooled context: about a sixth of the frame each way (its stride-2 conv and stride-3 pool).
        let context = randomTensor(channels: 16, height: max(1, height / 6), width: max(1, width / 6), in: -1...1, using: &rng)
        let added = BilinearUpsample(
            source: context, rows: BilinearTaps(inputSize: context.height, outputSize: height),
            columns: BilinearTaps(inputSize: context.width, outputSize: width))
        print(CPUKernels.summary)
        print(
            "c5 \(channels)->\(channels), the context's resize, conv_f 16->16, conv4 16->\(channels) and the gate at \(width)x\(height); "
                + "median of \(runs) alternating runs"
        )
        for threadCount in try parseList(threads) {
            let inference = InferenceContext(kernels: .optimized, threads: threadCount)
            let kernels = inference.kernels
            var fused: [Double] = [], separate: [Double] = []
            for run in 0..<(runs + 2) {
                let a = time(runs: 1, warmup: 0) { _ = kernels.gatedConvolution(layers, x, reduced, added, threadCount) }
                let b = time(runs: 1, warmup: 0) {
                    let resized = kernels.resize(added.source, added.rows, added.columns, threadCount)
                    let gate = layers.gate(layers.sum(reduced, residual: resized, context: inference), context: inference)
                    _ = kernels.sigmoidGate(layers.value(x, context: inference), gate, threadCount)
                }
                if run >= 2 {
                    fused += a
                    separate += b
                }
            }
            print(
                String(
                    format: "  %d thread(s): one pass %.2f ms, layer by layer %.2f ms (%.2fx)", threadCount, median(fused) * 1e3,
                    median(separate) * 1e3, median(separate) / median(fused)))
        }
    }
}

/// `count` values drawn uniformly from `range`.
func randomValues(_ count: Int, in range: ClosedRange<Float>, using rng: inout SystemRandomNumberGenerator) -> [Float] {
    (0..<count).map { _ in Float.random(in: range, using: &rng) }
}

/// A tensor of values drawn uniformly from `range`: the benchmarks' inputs.
func randomTensor(
    channels: Int, height: Int, width: Int, in range: ClosedRange<Float>, using rng: inout SystemRandomNumberGenerator
) -> Tensor {
    Tensor(channels: channels, height: height, width: width, data: randomValues(channels * height * width, in: range, using: &rng))
}

/// A model's input from an rgb24 frame: its first `colors` planes (R, G, B), scaled to the model's
/// range.
func modelInput(rgb24 pixels: [UInt8], width: Int, height: Int, colors: Int, range: Float) -> Tensor {
    let plane = width * height
    return Tensor(
        channels: colors, height: height, width: width,
        data: (0..<colors * plane).map { i in Float(pixels[(i % plane) * 3 + i / plane]) * range / 255 })
}

/// A PlainSR (one colour, x4, PReLU) with random weights: 1 -> C, `hidden` x C -> C, C -> 16.
func randomPlainSR(channels: Int, hidden: Int, using rng: inout SystemRandomNumberGenerator) throws -> any SRModel {
    var tensors: [String: WeightSet.Entry] = [:]
    let widths = [1] + [Int](repeating: channels, count: hidden + 1) + [16]
    for layer in 0..<(widths.count - 1) {
        let (cin, cout) = (widths[layer], widths[layer + 1])
        let bound = 1 / Float(cin * 9).squareRoot()
        tensors["body.\(2 * layer).weight"] = .init(
            shape: [cout, cin, 3, 3],
            values: randomValues(cout * cin * 9, in: -bound...bound, using: &rng))
        tensors["body.\(2 * layer).bias"] = .init(shape: [cout], values: [Float](repeating: 0.01, count: cout))
        if layer < widths.count - 2 {
            tensors["body.\(2 * layer + 1).weight"] = .init(shape: [channels], values: [Float](repeating: 0.1, count: channels))
        }
    }
    let metadata = [
        "arch": "plainsr", "scale": "4", "colors": "1", "input_range": "1", "channels": "\(channels)",
        "hidden": "\(hidden)", "act": "prelu",
    ]
    return try ModelRegistry.build(WeightSet(tensors: tensors, metadata: metadata), source: "random plain net")
}

struct ModelBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "model", abstract: "A model's forward pass on one frame.")

    @Option(help: "The model (.safetensors).") var weights: String
    @Option(help: "A raw rgb24 frame of --size (e.g. from ffmpeg -f rawvideo -pix_fmt rgb24); random if absent.") var rgb: String?
    @Option(help: "Frame size WxH.") var size = "320x180"
    @Option(help: "Thread counts.") var threads = "1,2"
    @Option(help: "Measured runs per thread count.") var runs = 9
    @Option(help: "Kernel sets: optimized (Winograd for wide 3x3 layers), direct, reference.") var kernels = "optimized"
    @Option(help: "Write the first kernel set's output (float32, CHW, the model's range) here, for parity checks.")
    var output: String?
    @Option(help: "Also time the forward pass in tiles of this size with the model's halo (0: no).")
    var tile = 0
    @Flag(help: "Also time the forward pass in the model's own tiles and halo, as vsr upscale runs it by default.")
    var modelTile = false
    @Flag(help: "Also time each operation of the first kernel set (layer shape and path), in runs of their own.")
    var byOperation = false

    func run() throws {
        keepFreedBuffers()
        let (width, height) = try parseSize(size)
        let model = try ModelRegistry.build(SafeTensors.read(contentsOf: URL(fileURLWithPath: weights)), source: weights)
        let colors = model.descriptor.colors, range = model.descriptor.inputRange
        var pixels: [UInt8]
        if let rgb {
            pixels = [UInt8](try Data(contentsOf: URL(fileURLWithPath: rgb)))
            guard pixels.count >= width * height * 3 else {
                throw ValidationError("\(rgb) holds \(pixels.count) bytes, expected \(width * height * 3) for \(size) rgb24")
            }
        } else {
            var rng = SystemRandomNumberGenerator()
            pixels = (0..<width * height * 3).map { _ in UInt8.random(in: 0...255, using: &rng) }
        }
        let input = modelInput(rgb24: pixels, width: width, height: height, colors: colors, range: range)
        let flops = model.flops(height: height, width: width)
        print(CPUKernels.summary)
        print(
            String(
                format: "%@ (%@ x%d) forward on %dx%d: %.2f GFLOP; median of %d runs", weights,
                model.descriptor.hyperParameters["variant"] ?? model.descriptor.arch, model.descriptor.scale,
                width, height, flops / 1e9, runs))
        let sets = try kernels.split(separator: ",").map { name -> KernelSet in
            guard let set = [KernelSet.optimized, .direct, .reference].first(where: { $0.name == name }) else {
                throw ValidationError("--kernels: expected optimized, direct or reference, got '\(name)'")
            }
            return set
        }
        if let output {
            let result = try model.forward(input, context: InferenceContext(kernels: sets[0], threads: 1))
            try result.data.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: output))
        }
        for threadCount in try parseList(threads) {
            let peak = FMAPeak.measure(threads: threadCount)
            for set in sets {
                let context = InferenceContext(kernels: set, threads: threadCount)
                let seconds = median(try time(runs: runs, warmup: 2) { _ = try model.forward(input, context: context) })
                // The first set keeps the line scripts/compare-rlfn-pytorch.sh reads ("vsr N thread(s): T ms").
                // GFLOP/s count direct convolution's FLOPs: "effective" where Winograd layers do fewer.
                let label = set.name == sets[0].name ? "vsr" : "vsr-\(set.name)"
                print(
                    String(
                        format: "%@ %d thread(s): %.1f ms, %.1f effective GFLOP/s, %.0f%% of the FMA peak (%.1f GFLOP/s), %@ kernels",
                        label, threadCount, seconds * 1e3, flops / seconds / 1e9, 100 * flops / seconds / 1e9 / peak, peak, set.name))
                if byOperation && set.name == sets[0].name {
                    try printOperationTimes(model, input, set: set, threads: threadCount)
                }
                let tile = modelTile ? model.tileSize : self.tile
                if tile > 0 {
                    // GFLOP/s of the frame's graph: the halos' extra pixels are work done, not counted.
                    let tiled = TiledInference(model: model, tileSize: tile, halo: model.tileHalo)
                    let tiledSeconds = median(try time(runs: runs, warmup: 1) { _ = try tiled.run(input, context: context) })
                    print(
                        String(
                            format: "%@-tiled %d thread(s): %.1f ms in tiles of %d (halo %d), %.1f GFLOP/s of the frame's graph",
                            label, threadCount, tiledSeconds * 1e3, tile, model.tileHalo, flops / tiledSeconds / 1e9))
                }
            }
        }
    }
}

extension ModelBench {
    /// `--by-operation`: `runs` more forward passes on `set` timed operation by operation
    /// (`OperationTimes`), after two unmeasured ones; each operation's mean ms a forward pass.
    func printOperationTimes(_ model: any SRModel, _ input: Tensor, set: KernelSet, threads: Int) throws {
        let times = OperationTimes()
        let context = InferenceContext(kernels: set.timed(into: times), threads: threads)
        for _ in 0..<2 { _ = try model.forward(input, context: context) }
        times.reset()
        let total = try time(runs: runs, warmup: 0) { _ = try model.forward(input, context: context) }.reduce(0, +)
        let entries = times.sorted
        let perForward = { (seconds: Double) in seconds / Double(runs) * 1e3 }
        print(String(format: "  by operation, %d thread(s), mean of %d runs: %.1f ms a forward pass", threads, runs, perForward(total)))
        for entry in entries {
            print(
                String(
                    format: "  %8.2f ms %5.1f%%  %3d x  %@", perForward(entry.seconds), 100 * entry.seconds / total,
                    entry.calls / runs, entry.name))
        }
        let outside = total - entries.reduce(0) { $0 + $1.seconds }
        print(String(format: "  %8.2f ms %5.1f%%        outside the kernel table", perForward(outside), 100 * outside / total))
    }
}

/// How far tiled inference is from whole-frame inference for a model, per tile size and halo.
struct TilingCheck: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tiling", abstract: "PSNR of tiled against whole-frame output.")

    @Option(help: "The model (.safetensors).") var weights: String
    @Option(help: "A raw rgb24 frame of --size.") var rgb: String
    @Option(help: "Frame size WxH.") var size: String
    @Option(help: "Tile sizes.") var tiles = "64,128,256"
    @Option(help: "Halos.") var halos = "4,8,16"

    func run() throws {
        keepFreedBuffers()
        let (width, height) = try parseSize(size)
        let model = try ModelRegistry.build(SafeTensors.read(contentsOf: URL(fileURLWithPath: weights)), source: weights)
        let pixels = [UInt8](try Data(contentsOf: URL(fileURLWithPath: rgb)))
        guard pixels.count >= width * height * 3 else { throw ValidationError("\(rgb) is smaller than \(size) rgb24") }
        let colors = model.descriptor.colors, range = model.descriptor.inputRange
        let input = modelInput(rgb24: pixels, width: width, height: height, colors: colors, range: range)
        let context = InferenceContext()
        let whole = try model.forward(input, context: context)
        for tile in try parseList(tiles) {
            for halo in try parseList(halos) {
                let tiled = try TiledInference(model: model, tileSize: tile, halo: halo).run(input, context: context)
                var squared = 0.0
                for i in 0..<whole.count { let d = Double(tiled.data[i] - whole.data[i]) * 255 / Double(range); squared += d * d }
                let psnr = 10 * log10(255 * 255 / max(squared / Double(whole.count), 1e-20))
                print(
                    String(
                        format: "tile %d halo %d: PSNR(tiled, whole) %.2f dB, max abs diff %.4f (0-255)", tile, halo,
                        psnr, tiled.maxAbsDifference(to: whole) * 255 / range))
            }
        }
    }
}
