import Dispatch

/// A plain network's forward pass (a first 3x3 layer, then 3x3 layers wide enough for Winograd, the
/// last one's output pixel-shuffled with the input nearest-upsampled added) with the Winograd layers
/// run band by band, as a wavefront, instead of each over the whole frame.
///
/// Layer by layer, each 16-channel activation of a 960x540 frame is a 33 MB tensor written out to
/// memory and read back by the next layer. Here layer k computes a band of `bandRows` output rows,
/// `k` tile rows behind layer 0 (each 3x3 layer's rows read one row of the layer below beyond
/// them), into a `RowWindow`, a ring that keeps only the rows its successor still reads: about
/// 1.2 MB a 16-channel layer at 960 pixels, so the layers hand their rows on through the caches. The first
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

    /// A layer's activation, in bytes, from which frames run band by band (`runsBands`): a 320x180
    /// frame's 16 channels (3.7 MB) stay in L2 and L3 either way (`vsr bench repsr-y-x2`, AMD EPYC
    /// Zen 4, three rounds alternating, ms a frame on 1 / 2 threads: 8.1-9.0 / 5.3-5.7 whole against
    /// 8.3 / 5.4-5.5 banded); at 640x360 (14.7 MB) bands gained on one thread, 38.8-40.4 -> 34.9-35.6
    /// (two threads 20.7-22.3 -> 21.5-22.5), and `vsr upscale`, whose two workers each run a frame,
    /// 26.7-28.5 -> 29.5-29.8 fps (`scripts/pipeline-efficiency.sh`, x264 medium, two rounds); at
    /// 960x540 (33 MB) and 1280x720 one thread gained 13-15% (four rounds: 86.9-94.0 -> 75.0-84.6 ms,
    /// and 178.4-182.3 -> 146.2-164.4; two threads within the VM's noise either way).
    static let minimumActivationBytes = 4 << 20

    /// The widest layers that run band by band. At 32 channels a chunk's transformed input and
    /// products alone (1.2 MB with F(6x6)) fill a core's L2, the products' share of the work doubles,
    /// and banding gained nothing: `vsr bench --size 960x540`, AMD EPYC Zen 4, three rounds
    /// alternating, ms a frame on one thread, whole frame against bands: repsr-y-x2-quality (M6C32)
    /// 231-240 against 228-254, repsr-y-x4-quality (M4C32) 181-191 against 176-203, where
    /// repsr-y-x4 (M4C16) went from 78-83 to 71-72.
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

    /// Output rows each layer computes in one band, at `width`: 2 to 4 tile rows, those whose tiles
    /// fill the Winograd layers' chunks best (a band's last chunk runs the micro-kernel's narrower,
    /// slower forms over whole 16-tile groups; before it had those, it computed its products whole,
    /// so at 960 pixels, 160 F(6x6) tiles a row, one tile row a band took 3 chunks where 2.5 would do:
    /// 92.3 ms a frame against 77.0 for two tile rows, 5 chunks exactly; repsr-y-x2 at 960x540,
    /// `vsr bench --threads 1`, AMD EPYC Zen 4, one run each; 3, 4, 6 and 10 tile rows 83.8-87.2, and windows of
    /// several bands (before windows were rings), 82.9-91.5, their rows further apart in the caches).
    func bandRows(width: Int) -> Int {
        let rowTiles = WinogradConvolution.rowTiles(tile, tileColumns: (width + tile.size - 1) / tile.size, lanes: handsOnLanes)
        let chunk = WinogradConvolution.chunkTiles(kernelPixels: cpu.convPixels)
        func waste(_ tileRows: Int) -> Double {
            let tiles = tileRows * rowTiles
            return Double((tiles + chunk - 1) / chunk * chunk - tiles) / Double(tiles)
        }
        let best = (2...4).min { waste($0) < waste($1) || waste($0) == waste($1) && $0 < $1 }!
        return best * tile.size
    }

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
        DispatchQueue.concurrentPerform(iterations: slabs) { slab in
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
        let count = layers.count, bandRows = self.bandRows(width: width), lag = tile.size
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
