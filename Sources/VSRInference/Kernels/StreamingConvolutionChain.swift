import CVSRKernels
import Dispatch
import Synchronization

/// A plain network's whole forward pass (a chain of 3x3 "same" convolutions with piecewise-linear
/// activations, the input added to every output channel of its colour, then the pixel shuffle) run
/// row by row, as line-buffered image pipelines do, instead of layer by layer.
///
/// Layer by layer, every activation is a full-frame tensor (16 channels x 270 x 270 floats is 4.7 MB
/// for a 256 tile) that goes out to L3 or memory and is read back, with a zero-bordered copy made
/// for each layer. Here each layer keeps only the three rows its successor's 3x3 window reads, in a
/// ring with a zero column each side, so a whole network's working set (about 59 KB per 16-channel
/// layer at a 272-pixel row with AVX2) stays in L2. The row above the frame is a slot not yet
/// written, and the slot of the row below it is cleared before the last row reads it.
/// The taps of each output row point at the ring slots that hold the rows it reads, so nothing is
/// copied between layers. The last layer adds the skip in its store (the input row, read with a
/// channel stride of 0 for one-colour models) and its rows go straight into the shuffled output.
///
/// Threads share the rows in pairs: the frame is cut into one band per two threads, and in each band
/// one thread works down from the top while the other works up from the bottom, each claiming its
/// next row until they meet. A 3x3 chain streams equally well either way, and the meeting point
/// follows how fast each core really runs: on shared machines the two cores are often unequal while
/// both are busy (two one-thread runs side by side on the 2-vCPU Zen 3 VM: 10.6 and 14.2 ms a frame),
/// and fixed halves wait on the slower one. Each thread recomputes the few rows of the earlier layers
/// that its last row depends on (one row per remaining layer), as fixed bands did.
struct StreamingConvolutionChain {
    let layers: [Conv2d]
    /// Per layer, each output channel's negative slope (the last layer: none).
    let slopes: [[Float]?]
    let scale: Int
    let cpu: CPUKernels

    /// Nil when a layer is not a 3x3 stride-1 padding-1 convolution or an activation is smooth.
    init?(layers: [Conv2d], activations: [Activation], scale: Int, cpu: CPUKernels) {
        guard !layers.isEmpty, activations.count == layers.count - 1,
            layers.allSatisfy({ $0.kernel == 3 && $0.stride == 1 && $0.padding == 1 }),
            activations.allSatisfy({ $0.negativeSlope(channel: 0) != nil })
        else { return nil }
        self.layers = layers
        slopes = zip(layers, activations).map { $1.negativeSlopes(channels: $0.outChannels) } + [nil]
        self.scale = scale
        self.cpu = cpu
    }

    /// `input` is [colors, H, W]; the result, [colors, s*H, s*W], has its kept part stored into
    /// `window`. Rows whose output is not kept are still computed where the kept rows read them.
    func run(_ input: Tensor, threads: Int, into window: OutputWindow) {
        let height = input.height, width = input.width, colors = input.channels
        precondition(layers.first!.inChannels == colors && layers.last!.outChannels == colors * scale * scale)
        // The input rows whose output rows are kept.
        let rows = (window.rows.lowerBound / scale)..<((window.rows.upperBound + scale - 1) / scale)
        guard !rows.isEmpty else { return }
        let workers = max(1, min(threads, rows.count / 8))
        // Band b holds workers 2b and 2b + 1 (the last band one, for an odd count) and as many
        // shares of the rows.
        let bands = (0..<(workers + 1) / 2).map { band in
            RowClaims(
                rows.lowerBound + rows.count * 2 * band / workers..<rows.lowerBound + rows.count * min(workers, 2 * band + 2) / workers)
        }
        let source = BorderedRows(input, kernelPixels: cpu.convPixels)
        source.storage.withUnsafeBufferPointer { sourceBuffer in
            let from = UnsafePointerBox(sourceBuffer.baseAddress!)
            ForkJoinPool.shared.perform(iterations: workers) { worker in
                BandRun(
                    chain: self, source: source, sourceData: from.pointer, window: window,
                    height: height, width: width, colors: colors
                ).run(bands[worker / 2], upward: worker % 2 == 1)
            }
        }
    }
}

/// The rows of one band that no thread has taken yet: the top one goes to the thread working down,
/// the bottom one to the thread working up.
private final class RowClaims: Sendable {
    let rows: Range<Int>
    /// The first and the last row not yet taken.
    private let unclaimed: Mutex<(top: Int, bottom: Int)>

    init(_ rows: Range<Int>) {
        self.rows = rows
        unclaimed = Mutex((rows.lowerBound, rows.upperBound - 1))
    }

    /// The next row from the top (or, `upward`, from the bottom), or nil when none is left.
    func next(upward: Bool) -> Int? {
        unclaimed.withLock { range in
            guard range.top <= range.bottom else { return nil }
            if upward {
                range.bottom -= 1
                return range.bottom + 1
            }
            range.top += 1
            return range.top - 1
        }
    }
}

/// One thread's share of a band: its own rings, filled on demand from the last layer back, row by
/// row down from the band's top or up from its bottom.
private struct BandRun {
    let chain: StreamingConvolutionChain
    let source: BorderedRows
    let sourceData: UnsafePointer<Float>
    let window: OutputWindow
    let height, width, colors: Int

    func run(_ band: RowClaims, upward: Bool) {
        let layers = chain.layers, count = layers.count, scale = chain.scale
        let rowStride = source.rowStride
        // Layer l's ring: 3 row slots per channel, plus one cache line so that the channels' rows do
        // not fall on the same L1 sets (a 4 KiB multiple apart, the 16 channels x 3 rows a block reads
        // would share a few sets and evict each other); the last layer writes a dense row per channel.
        let ringPlane = 3 * rowStride + 16
        let rings = (0..<(count - 1)).map { l -> UnsafeMutablePointer<Float> in
            let size = layers[l].outChannels * ringPlane + 64
            let ring = UnsafeMutablePointer<Float>.allocate(capacity: size)
            ring.initialize(repeating: 0, count: size)
            return ring
        }
        let lastChannels = layers[count - 1].outChannels
        let lastRow = UnsafeMutablePointer<Float>.allocate(capacity: lastChannels * width)
        let lastSkip = UnsafeMutablePointer<Float>.allocate(capacity: colors > 1 ? lastChannels * width : 0)
        let taps = UnsafeMutablePointer<Int>.allocate(capacity: 9)
        defer {
            rings.forEach { $0.deallocate() }
            lastRow.deallocate()
            lastSkip.deallocate()
            taps.deallocate()
        }
        // Each layer's first row: the band's first (working up: last) row, widened by one row per
        // later layer, inside the frame. Rows then follow one by one, down (or up) as far as needed.
        let step = upward ? -1 : 1
        var next = (0..<count).map { l in
            upward
                ? min(height - 1, band.rows.upperBound - 1 + (count - 1 - l))
                : max(0, band.rows.lowerBound - (count - 1 - l))
        }

        /// Where row y of layer l's output starts (column -1, the zero column); l = -1 is the input.
        /// A ring's slot for row -1 (or `height`) is still zero when the frame's first (last) row of
        /// the next layer reads it, unless this thread came from the other side: see `compute`.
        func rowOffset(_ l: Int, _ y: Int) -> Int {
            if l < 0 { return (y + 1) * rowStride }
            return (y + 3) % 3 * rowStride
        }

        /// Zeros the ring slot of layer l's row y in every channel.
        func clearRow(of l: Int, _ y: Int) {
            let slot = rowOffset(l, y)
            for c in 0..<layers[l].outChannels { (rings[l] + c * ringPlane + slot).update(repeating: 0, count: rowStride) }
        }

        func compute(_ l: Int, _ y: Int) {
            let layer = layers[l]
            // Rows -1 and `height` of the layer below read as zeros: clear their slots, which a
            // thread coming from the other side filled (with row 2 or height - 3, which this layer's
            // rows 1 and height - 2 were the last to read).
            if l > 0 && y == 0 { clearRow(of: l - 1, -1) }
            if l > 0 && y == height - 1 { clearRow(of: l - 1, height) }
            for k in 0..<9 { taps[k] = rowOffset(l - 1, y - 1 + k / 3) + k % 3 }
            let input = l == 0 ? sourceData : UnsafePointer(rings[l - 1])
            let inputPlane = l == 0 ? source.planeStride : ringPlane
            let last = l == count - 1
            let skip = sourceData + rowOffset(-1, y) + 1
            layer.packedWeights.withUnsafeBufferPointer { weights in
                layer.bias.withUnsafeBufferPointer { bias in
                    chain.slopes[l].withUnsafeOptionalBuffer { slopes in
                        // The skip: output channel k adds input colour k / s^2: the input row itself, read with a
                        // channel stride of 0, for one colour; copied per channel for more.
                        var residual = skip, residualStride = 0
                        if last && colors > 1 {
                            let perColour = scale * scale
                            for k in 0..<layer.outChannels {
                                (lastSkip + k * width).update(from: skip + k / perColour * source.planeStride, count: width)
                            }
                            residual = UnsafePointer(lastSkip)
                            residualStride = width
                        }
                        var args = vsr_conv_args(
                            input: input, plane_stride: inputPlane, taps: taps, tap_count: 9, in_channels: Int32(layer.inChannels),
                            weights: weights.baseAddress!, bias: bias.baseAddress!, slopes: slopes,
                            residual: last ? residual : nil, residual_stride: residualStride,
                            output: last ? lastRow : rings[l] + rowOffset(l, y) + 1,
                            output_stride: last ? width : ringPlane, out_channels: Int32(layer.outChannels),
                            pixels: Int32(width), prefetch: Int32(2 * chain.cpu.convPixels), prefetch_output: 0)
                        chain.cpu.convRow(&args)
                    }
                }
            }
            if last { shuffle(y) }
        }

        /// Pixel shuffle of the last layer's row y into the kept ones of output rows s*y ..< s*y + s.
        func shuffle(_ y: Int) {
            for colour in 0..<colors {
                for dy in 0..<scale where window.rows.contains(y * scale + dy) {
                    window.write(row: y * scale + dy, channel: colour) {
                        ElementwiseKernels.shuffleRow(
                            lastRow + (colour * scale + dy) * scale * width, channelStride: width, width: width, factor: scale,
                            adding: nil, into: $0, columns: window.columns)
                    }
                }
            }
        }

        /// Computes layer l's rows up to (working up: down to) y, and first the rows of earlier
        /// layers they read.
        func ensure(_ l: Int, _ y: Int) {
            while (upward ? next[l] >= y : next[l] <= y) && (0..<height).contains(next[l]) {
                let row = next[l]
                if l > 0 { ensure(l - 1, min(max(row + step, 0), height - 1)) }
                compute(l, row)
                next[l] += step
            }
        }

        while let y = band.next(upward: upward) { ensure(count - 1, y) }
    }
}
