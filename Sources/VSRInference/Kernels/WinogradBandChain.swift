import Dispatch

/// A plain network's forward pass (a first 3x3 layer, then 3x3 layers wide enough for Winograd, the
/// last one's output pixel-shuffled with the input nearest-upsampled added) with the Winograd layers
/// run band by band, as a wavefront, instead of each over the whole frame.
///
/// Layer by layer, each 16-channel activation of a 960x540 frame is a 33 MB tensor written out to
/// memory and read back by the next layer. Here layer k computes a band of `bandRows` output rows
/// (one tile row), `k` tile rows behind layer 0 (each 3x3 layer's rows read one row of the layer
/// below beyond them), into a `RowWindow`, a ring that keeps only the rows its successor still
/// reads: 13 rows, 0.8 MB a 16-channel layer at 960 pixels, so the layers hand their rows on
/// through the caches. The first
/// layer (one input channel; the direct kernel) writes its bands into a window too, from a
/// zero-bordered copy of the input (`BorderedRows`): as a whole-frame tensor it had been 33 MB
/// more of memory per frame at 960x540 (`vsr upscale` of a 540p clip with x264 medium peaked at
/// 650 MB against 607, 1080p to 4K with x264 ultrafast 587 against 511; AMD EPYC Zen 4, `vsr bench`
/// repsr-y-x2 960x540 on one thread 76.7-80.1 against 75.9-77.9 ms, three rounds). Only the last
/// layer's output, a few channels, is a whole tensor, for the pixel shuffle. Tiles and arithmetic
/// are those of the whole-frame layers: on one thread the output is the same to the bit.
///
/// Between two Winograd layers, F(6x6)'s and F(4x4)'s rows are in lane order (`ColumnOrder.lanes`,
/// `handsOnLanes`): each layer's output transform stores its tiles' column vectors as they are and
/// the next layer's input transform reads them with two shuffles a row, where pixel order costs the
/// pair a repack and a transpose a row. Same bits; F(6x6): `vsr bench repsr-y-x2 --size 960x540 --threads 1,2`, AMD
/// EPYC Zen 4, eight rounds alternating in a noisy hour, ms a frame on 1 / 2 threads, median (least):
/// pixel order 75.2 (72.1) / 49.3 (43.3), lane order 68.9 (60.1) / 44.9 (39.7).
///
/// Threads take horizontal slabs of the frame, each on its own with its own windows, each slab
/// widened by the chain's halo (one row per layer) and cropped back, as tiles are: one slab per
/// thread keeps every thread's rows in its own core's caches and needs no synchronization per
/// band, where two threads sharing each band's tiles met after every layer of every band.
struct WinogradBandChain {
    let first: Conv2d
    let firstActivation: Activation
    /// The Winograd layers, the last one's activation the identity.
    let layers: [Conv2d]
    let activations: [Activation]
    let scale: Int
    let kernels: KernelSet
    let cpu: CPUKernels
    let tile: WinogradTile

    /// A layer's activation, in bytes, from which frames run band by band (`runsBands`). With bands
    /// of one tile row (`bandRows`), 320x180 (3.7 MB at 16 channels) gains too, and frames under a
    /// core's L2 or two do not: `vsr bench repsr-y-x2`, AMD EPYC Zen 4 (AVX-512: yes), two rounds, ms a
    /// frame on 1 / 2 threads and [two single-thread runs side by side], bands against whole-frame
    /// layers: 320x180 7.6-7.8 / 4.4-4.5 [7.5-7.8] against 8.0-8.1 / 5.0-6.5 [8.1-8.5] (AVX2 kernels
    /// 8.5-8.6 / 5.0 against 9.1-9.3 / 5.8-5.9); 200x100 (1.3 MB) 3.3-3.4 / 2.1 against 3.0-3.1 /
    /// 2.6-2.7, 128x128 2.9-3.0 / 1.8 against 2.6-2.8 / 1.9-2.1. (With bands of 2-4 tile rows
    /// 320x180 had gained nothing, and the threshold was 4 MiB.)
    static let minimumActivationBytes = 2 << 20

    /// The widest layers that run band by band. At 32 channels a chunk's transformed input and
    /// products alone (1.2 MB with F(6x6)) fill a core's L2, the products' share of the work doubles,
    /// and banding gained nothing: `vsr bench --size 960x540`, AMD EPYC Zen 4, three rounds
    /// alternating, ms a frame on one thread, whole frame against bands: repsr-y-x2-quality (M6C32)
    /// 231-240 against 228-254, repsr-y-x4-quality (M4C32) 181-191 against 176-203, where
    /// repsr-y-x4 (M4C16) went from 78-83 to 71-72. Bands of one tile row did no better (two rounds,
    /// ms on 1 / 2 threads [side by side]: repsr-y-x2-quality at 640x360 91.5-93.9 / 57.3-57.9
    /// [99.3-106.0] against 104.2-104.8 / 55.9-57.0 [103.7-106.7], at 960x540 209.6-242.7 /
    /// 134.1-135.1 [228.6-256.8] against 228.0-238.0 / 122.1-122.4 [230.3-247.1]).
    static let maximumChannels = 16

    /// Nil unless `kernels` run every layer after the first by Winograd, all with one tile.
    init?(convs: [Conv2d], activations: [Activation], scale: Int, kernels: KernelSet) {
        guard let cpu = kernels.cpu, kernels.winograd, convs.count >= 2, activations.count == convs.count - 1 else { return nil }
        let later = Array(zip(convs.dropFirst(), activations.dropFirst() + [.identity]))
        guard convs[0].kernel == 3 && convs[0].stride == 1 && convs[0].padding == 1,
            activations[0].negativeSlope(channel: 0) != nil,
            later.allSatisfy({ ConvolutionChoice.usesWinograd($0, activation: $1) }),
            let tile = convs[1].winogradWeights?.tile,
            later.allSatisfy({ $0.0.winogradWeights?.tile == tile })
        else { return nil }
        first = convs[0]
        firstActivation = activations[0]
        layers = later.map(\.0)
        self.activations = later.map(\.1)
        self.scale = scale
        self.kernels = kernels
        self.cpu = cpu
        self.tile = tile
    }

    /// Whether a frame of `height` x `width` runs band by band (`minimumActivationBytes`,
    /// `maximumChannels`).
    func runsBands(height: Int, width: Int) -> Bool {
        first.outChannels <= WinogradBandChain.maximumChannels
            && height * width * first.outChannels * MemoryLayout<Float>.size >= WinogradBandChain.minimumActivationBytes
    }

    /// Output rows each layer computes in one band: one tile row, which keeps each layer's window
    /// to `bandRows + tile.size + 1` rows (13 with F(6x6): 0.56 MB a 16-channel layer at 640 pixels,
    /// 3.9 MB for repsr-y-x2's seven windows, where four tile rows took 9.3). Bands of 2-4 tile
    /// rows, chosen to fill the Winograd layers' chunks exactly, had been kept from before a band's
    /// last chunk ran the micro-kernel's narrower forms (then one tile row at 960 pixels, 2.5 chunks,
    /// computed 3: 92.3 against 77.0 ms a frame for two rows); with those forms the smaller windows
    /// win, most of all where two frames share the caches, as `vsr upscale`'s two workers do.
    /// `vsr bench repsr-y-x2 --tile 1024`, AMD EPYC Zen 4 (AVX-512: yes), two rounds, ms a frame on 1
    /// / 2 threads and, in brackets, two single-thread runs side by side: 640x360 26.7-26.9 / 14.7-14.8
    /// [26.7-27.3] with one tile row against 27.5-29.7 / 18.0-18.8 [30.2-32.4] with the four the
    /// chunks chose; 960x540 58.7-60.5 / 32.2-32.7 [58.5-60.5] against 59.8-60.1 / 36.4-36.7
    /// [62.0-65.5] with two; 1920x1080 256.6-257.8 / 138.3-141.7 [253.7-260.1] against 264.6 / 156.7
    /// [290.5-298.6] (one quiet round). On the AVX2 kernels (`VSR_CPU=avx2`, F(4x4)): 960x540
    /// 74.4-76.1 / 40.3-40.5 [74.7-76.3] against 75.4-76.3 / 41.7-45.3 [78.6-83.8], 640x360 the same
    /// either way. repsr-y-x4 at 960x540: 54.5-54.7 / 29.9-30.2 [54.4-56.2] against 55.0-55.2 /
    /// 31.7-32.0 [57.2-60.1].
    var bandRows: Int { tile.size }

    /// Whether the Winograd layers hand their rows on in lane order (`ColumnOrder.lanes`): F(6x6)'s
    /// and F(4x4)'s chains of two or more. The first Winograd layer reads the first layer's rows in
    /// pixel order and the last writes pixel order for the pixel shuffle. The arithmetic is the same:
    /// the output is the same to the bit as with pixel order.
    var handsOnLanes: Bool { tile != .f2 && layers.count >= 2 }

    /// Rows a slab reads beyond the rows it keeps, each side: one per 3x3 layer.
    var halo: Int { layers.count + 1 }

    /// `input` is [colors, H, W]; the result is [colors, s*H, s*W].
    func run(_ input: Tensor, threads: Int) -> Tensor {
        Tensor.filled(channels: input.channels, upscaling: input, by: scale) {
            run(input, threads: threads, into: $0)
        }
    }

    /// The result's kept part into `window`: the input's rows cut into one slab per thread, each
    /// slab run with `halo` rows more each side and storing the kept part of its own rows.
    func run(_ input: Tensor, threads: Int, into window: OutputWindow) {
        let height = input.height
        // A slab shorter than its halos would mostly recompute them.
        let slabs = max(1, min(threads, height / (4 * halo)))
        if slabs == 1 { return runSlab(input, into: window) }
        let width = input.width, scale = self.scale
        ForkJoinPool.shared.perform(iterations: slabs) { slab in
            let kept = (height * slab / slabs)..<(height * (slab + 1) / slabs)
            let read = max(0, kept.lowerBound - halo)..<min(height, kept.upperBound + halo)
            let slabWindow = window.keeping(rows: (kept.lowerBound * scale)..<(kept.upperBound * scale))
            guard slabWindow.kept.height > 0 else { return }
            runSlab(
                input.crop(TilePlan.Rect(x: 0, y: read.lowerBound, width: width, height: read.count)),
                into: slabWindow.counting(fromRow: read.lowerBound * scale))
        }
    }

    /// The whole chain over `input` on one thread, its result's kept part into `destination`: stage 0 the
    /// first layer (the direct kernel, from a zero-bordered copy of the input), stage k + 1 Winograd
    /// layer k, each stage `lag` rows behind the one before.
    private func runSlab(_ input: Tensor, into destination: OutputWindow) {
        let height = input.height, width = input.width
        precondition(input.channels == first.inChannels, "the chain's first layer takes \(first.inChannels) channels")
        let count = layers.count, bandRows = self.bandRows, lag = tile.size
        // Stage k's window holds the rows stage k + 1 reads in a band (one row above its first
        // output row, which is `lag` rows behind stage k's) and those stage k writes. F(2x2) and
        // F(4x4) store a tile row in place only in one piece, so their rings are whole tile rows.
        let live = bandRows + lag + 1
        let capacity = tile == .f6 ? live : (live + tile.size - 1) / tile.size * tile.size
        // Stage k's output order: lane order between two Winograd layers (`handsOnLanes`).
        let lanes = handsOnLanes
        func order(_ stage: Int) -> ColumnOrder { lanes && stage >= 1 && stage < count ? .lanes : .pixels }
        let windows = ([first] + layers.dropLast()).enumerated().map { stage, layer in
            RowWindow(channels: layer.outChannels, width: order(stage).rowFloats(width: width, tile: tile), capacity: capacity)
        }
        let source = BorderedRows(input, kernelPixels: cpu.convPixels)
        let firstSlopes = firstActivation.negativeSlopes(channels: first.outChannels)!
        var last = Tensor.uninitialized(channels: layers[count - 1].outChannels, height: height, width: width)
        last.data.withUnsafeMutableBufferPointer { lastBuffer in
            var band = 0
            while true {
                for stage in 0...count {
                    let start = max(0, band * bandRows - stage * lag), end = min(height, (band + 1) * bandRows - stage * lag)
                    guard start < end else { continue }
                    if stage == 0 {
                        source.convolve(
                            first, slopes: firstSlopes, rows: start..<end, into: windows[0].mutableView(rows: start..<end), cpu: cpu)
                        continue
                    }
                    let to =
                        stage == count
                        ? RowWindow.MutableView(base: lastBuffer.baseAddress!, plane: height * width)
                        : windows[stage].mutableView(rows: start..<end)
                    WinogradConvolution.run(
                        layers[stage - 1], activation: activations[stage - 1], cpu: cpu, threads: 1, height: height,
                        width: width, rows: start..<end, input: windows[stage - 1].view(rows: (start - 1)..<min(height, end + 1)),
                        output: to, inputOrder: order(stage - 1), outputOrder: order(stage))
                }
                if (band + 1) * bandRows - count * lag >= height { break }
                band += 1
            }
        }
        kernels.pixelShuffle(last, scale, input, 1, destination)
    }
}
