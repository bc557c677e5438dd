import CVSRKernels
import Dispatch

/// Direct convolution for stride-1 "same" convolutions (3x3 padding 1, 1x1 padding 0), with bias,
/// a piecewise-linear activation and a residual add fused into the store.
///
/// A 3x3 layer reads the interior of the image in place and its borders through zero-bordered
/// copies (`runBanded`), so the inner loop needs no bounds checks: borders read zeros, as PyTorch's
/// zero padding does. A 1x1 layer reads its input in place (`runPointwise`). Weights are packed per
/// block of 4 output channels.
/// The micro-kernel is `cpu`'s (one register shape per instruction set, `Sources/CVSRKernels`).
/// Threads claim runs of rows (3x3) or of pixel chunks (1x1) from a `WorkQueue`.
enum DirectConvolution {
    static func run(
        _ layer: Conv2d, _ input: Tensor, activation: Activation, residual: Tensor?,
        threads: Int, cpu: CPUKernels
    ) -> Tensor {
        if layer.kernel == 1 && layer.padding == 0 {
            return runPointwise(layer, input, activation: activation, residual: residual, threads: threads, cpu: cpu)
        }
        return runBanded(layer, input, activation: activation, residual: residual, threads: threads, cpu: cpu)
    }

    /// Bytes of one worker's zero-bordered band (every input channel of a few rows): half of Zen 1-3's
    /// 512 KiB L2 (a quarter of Zen 4's and of Intel's server cores' 1-2 MiB), leaving the rest to the
    /// weights and the output rows. 128 KiB to 1 MiB timed alike within this VM's noise.
    static let bandBytes = 256 << 10

    /// Rows per band: as many as `bandBytes` holds with the two halo rows, at least 4 (the halo then
    /// copies at most 1.5x the rows); `runBanded` caps it at the image's height. A worker computes
    /// its claimed rows band by band; where the image has an interior, only its strips (and the
    /// image's first and last rows) are copied.
    static func bandRows(channels: Int, rowStride: Int) -> Int {
        max(4, bandBytes / (4 * channels * rowStride) - 2)
    }

    /// A 3x3 padding-1 layer, its rows claimed by the workers band by band (`BandedRows`). A band's
    /// interior rows (all but the image's first and last) read the image's planes in place for whole
    /// micro-kernel blocks from column 1 on, whose taps all fall inside the image; the column left of
    /// them and the columns right of them read two narrow zero-bordered strips, and the image's
    /// first and last rows a zero-bordered band of whole rows (`fillBand`), so the inner loop needs
    /// no bounds checks (borders read zeros, as PyTorch's zero padding does).
    ///
    /// Every row had gone through the band, every input channel plus a halo row above and below
    /// copied per band; on two threads, whose guided claims shrink to single rows, the halo tripled
    /// the copy of the last ones. Reading the interior in place, against copying it, ms a layer
    /// (`vsr-kernel-bench conv`, the two alternating run by run in one process, medians of 21 (7 at
    /// 960x540), three rounds at 320x180 and one at 960x540, AVX2-only AMD EPYC Zen 3, family 25
    /// model 1, 2026-12-06): 16 channels at 320x180 on one thread 0.943-0.962 of the time and on
    /// two 0.913-0.963, at 960x540 0.994 and 0.914; 52 channels 0.986-1.060 and 0.936-0.983 at
    /// 320x180, 1.001 and 0.947 at 960x540. Before that, the whole-frame padded copy that the bands
    /// replaced, written out and read back, had cost 11-13% of a 16-channel layer at 320x180.
    /// `bandRows` overrides the band's height (the tests force short bands).
    static func runBanded(
        _ layer: Conv2d, _ input: Tensor, activation: Activation, residual: Tensor?,
        threads: Int, cpu: CPUKernels, bandRows forcedRows: Int? = nil
    ) -> Tensor {
        let height = input.height, width = input.width
        let layout = BandedRows(
            channels: input.channels, height: height, width: width, kernelPixels: cpu.convPixels, forcedRows: forcedRows)
        let workers = max(1, min(threads, height))
        var output = Tensor.uninitialized(channels: layer.outChannels, height: height, width: width)
        let inPlaceTaps = tapOffsets(layer, rowStride: width), stripTaps = tapOffsets(layer, rowStride: layout.stripStride)
        withJob(
            layer, source: input.data, taps: tapOffsets(layer, rowStride: layout.rowStride), output: &output,
            activation: activation, residual: residual, height: height, width: width, rowStride: layout.rowStride,
            planeStride: height * width, cpu: cpu
        ) { job in
            inPlaceTaps.withUnsafeBufferPointer { inPlaceTapBuffer in
                stripTaps.withUnsafeBufferPointer { stripTapBuffer in
                    let inPlace = job.reading(taps: inPlaceTapBuffer.baseAddress!, rowStride: width)
                    let strips = job.reading(taps: stripTapBuffer.baseAddress!, rowStride: layout.stripStride)
                    WorkQueue(count: height, workers: workers).run { queue in
                        let buffers = BandedRows.Buffers(layout)
                        defer { buffers.deallocate() }
                        while let claimed = queue.claim() {
                            for first in stride(from: claimed.lowerBound, to: claimed.upperBound, by: layout.bandRows) {
                                let rows = first..<min(claimed.upperBound, first + layout.bandRows)
                                layout.compute(rows: rows, job: job, inPlace: inPlace, strips: strips, buffers: buffers)
                            }
                        }
                    }
                }
            }
        }
        finishSmoothActivation(&output, activation, residual: residual)
        return output
    }

    /// Pins every buffer a convolution reads and writes (source, packed weights, taps, bias, output,
    /// slopes, residual) for the length of `body`, as one `ConvJob`.
    private static func withJob(
        _ layer: Conv2d, source: [Float], taps: [Int], output: inout Tensor, activation: Activation, residual: Tensor?,
        height: Int, width: Int, rowStride: Int, planeStride: Int, cpu: CPUKernels, _ body: (ConvJob) -> Void
    ) {
        let slopes = activation.negativeSlopes(channels: layer.outChannels)
        source.withUnsafeBufferPointer { sourceBuffer in
            layer.packedWeights.withUnsafeBufferPointer { weightBuffer in
                taps.withUnsafeBufferPointer { tapBuffer in
                    layer.bias.withUnsafeBufferPointer { biasBuffer in
                        output.data.withUnsafeMutableBufferPointer { outBuffer in
                            slopes.withUnsafeOptionalBuffer { slopeBuffer in
                                (residual?.data).withUnsafeOptionalBuffer { residualBuffer in
                                    body(
                                        ConvJob(
                                            cpu: cpu, source: sourceBuffer.baseAddress!, weights: weightBuffer.baseAddress!,
                                            taps: tapBuffer.baseAddress!, tapCount: taps.count, bias: biasBuffer.baseAddress!,
                                            output: outBuffer.baseAddress!, residual: slopes == nil ? nil : residualBuffer,
                                            slopes: slopeBuffer, inChannels: layer.inChannels, outChannels: layer.outChannels,
                                            height: height, width: width, planeStride: planeStride, rowStride: rowStride))
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The store fuses piecewise-linear activations and the residual; a smooth activation runs after
    /// it, then the residual (which the store left out).
    private static func finishSmoothActivation(_ output: inout Tensor, _ activation: Activation, residual: Tensor?) {
        guard activation.negativeSlope(channel: 0) == nil else { return }
        ElementwiseKernels.activate(&output, activation)
        if let residual { output = ReferenceOps.add(output, residual) }
    }

    /// A 1x1 convolution reads each pixel alone, so it needs no zero border: the micro-kernel runs
    /// straight on the input's planes, seen as one row of height x width pixels, in whole 64-pixel
    /// chunks (no copy); the last partial chunk, which would read past the last plane, is summed
    /// pixel by pixel.
    private static func runPointwise(
        _ layer: Conv2d, _ input: Tensor, activation: Activation, residual: Tensor?,
        threads: Int, cpu: CPUKernels
    ) -> Tensor {
        let pixels = input.planeSize, chunkPixels = cpu.convPixels
        let fullChunks = pixels / chunkPixels
        let outChannels = layer.outChannels
        var output = Tensor.uninitialized(channels: outChannels, height: input.height, width: input.width)
        let workers = max(1, min(threads, fullChunks))
        withJob(
            layer, source: input.data, taps: [0], output: &output, activation: activation, residual: residual, height: 1,
            width: pixels, rowStride: pixels, planeStride: pixels, cpu: cpu
        ) { job in
            if fullChunks > 0 {
                WorkQueue(count: fullChunks, workers: workers).run { queue in
                    while let chunks = queue.claim() {
                        job.compute(rows: 0..<1, pixels: (chunks.lowerBound * chunkPixels)..<(chunks.upperBound * chunkPixels))
                    }
                }
            }
            for pixel in (fullChunks * chunkPixels)..<pixels {
                for co in 0..<outChannels {
                    var sum = layer.pointwiseSum(channel: co) { job.source[$0 * pixels + pixel] }
                    if let slopes = job.slopes {
                        if sum < 0 { sum *= slopes[co] }
                        sum += job.residual?[co * pixels + pixel] ?? 0
                    }
                    job.output[co * pixels + pixel] = sum
                }
            }
        }
        finishSmoothActivation(&output, activation, residual: residual)
        return output
    }

    /// A 3x3 stride-2 convolution without padding (RLFN's ESA) on the micro-kernel. Input rows are
    /// split into their even and their odd columns, so that output pixel x reads columns x and x + 1
    /// of the even half and x of the odd half: contiguous across x, as the micro-kernel loads them.
    /// Output row y reads input rows 2y ..< 2y + 3 through the taps.
    ///
    /// Each worker splits the input rows of the output rows it is about to compute, band by band,
    /// into a buffer of its own (`stridedBandRows`), as `runBanded` copies its bands, and claims
    /// rows from its end of the frame (`WorkQueue`). The whole input had been split into one
    /// frame-sized buffer first, zeroed by the calling thread, its channels split between the
    /// threads and its rows then computed by whichever thread claimed them: at 320x180 (RLFN-S
    /// x2's ESA, 16 channels), one thread 1.13 ms a call and two 1.40, and in bands 0.92 and 0.55
    /// (`vsr-kernel-bench model --by-operation`, AMD EPYC Zen 4, AVX-512; 1.26 and 1.75, then 0.92
    /// and 0.50, with the AVX2 kernels).
    static func runStrided(
        _ layer: Conv2d, _ input: Tensor, activation: Activation, residual: Tensor?,
        threads: Int, cpu: CPUKernels, bandRows forcedRows: Int? = nil
    ) -> Tensor {
        let size = layer.outputSize(height: input.height, width: input.width)
        guard size.height > 0 && size.width > 0 else { return layer.reference(input, activation: activation, residual: residual) }
        let channels = input.channels, width = input.width
        let span = (size.width + cpu.convPixels - 1) / cpu.convPixels * cpu.convPixels  // whole blocks along x
        let split = ColumnSplit(width: width, oddOffset: (span + 1 + 15) / 16 * 16)  // even half: columns 0...span
        let rowStride = split.oddOffset + (span + 15) / 16 * 16 + 16
        let bandRows = max(1, min(size.height, forcedRows ?? stridedBandRows(channels: channels, rowStride: rowStride)))
        let rowsFloats = (2 * bandRows + 1) * rowStride
        let bandPlane = rowsFloats + ((rowsFloats * 4) % 4096 == 0 ? 16 : 0)
        let bandFloats = channels * bandPlane + 64
        let workers = max(1, min(threads, size.height))
        var output = Tensor.uninitialized(channels: layer.outChannels, height: size.height, width: size.width)
        // Output row y starts at input row 2y: the rows' stride is two input rows.
        let taps = (0..<9).map { t in t / 3 * rowStride + [0, split.oddOffset, 1][t % 3] }
        withJob(
            layer, source: input.data, taps: taps, output: &output, activation: activation, residual: residual,
            height: size.height, width: size.width, rowStride: 2 * rowStride, planeStride: bandPlane, cpu: cpu
        ) { job in
            WorkQueue(count: size.height, workers: workers).run { queue in
                // Zeroed once: the splits write only the image's columns, and the micro-kernel's
                // last block reads zeros past them.
                let band = UnsafeMutablePointer<Float>.allocate(capacity: bandFloats)
                band.initialize(repeating: 0, count: bandFloats)
                defer { band.deallocate() }
                while let claimed = queue.claim() {
                    for first in stride(from: claimed.lowerBound, to: claimed.upperBound, by: bandRows) {
                        let rows = first..<min(claimed.upperBound, first + bandRows)
                        for c in 0..<channels {
                            for j in 0..<(2 * rows.count + 1) {
                                split.split(
                                    job.source + (c * input.height + 2 * first + j) * width, into: band + c * bandPlane + j * rowStride)
                            }
                        }
                        job.compute(rows: rows, pixels: 0..<size.width, from: band, firstRow: first, planeStride: bandPlane)
                    }
                }
            }
        }
        finishSmoothActivation(&output, activation, residual: residual)
        return output
    }

    /// Output rows of the stride-2 layer per band: as many as `bandBytes` holds (each reads two
    /// input rows more, and the band's first one more), at least one.
    static func stridedBandRows(channels: Int, rowStride: Int) -> Int {
        max(1, (bandBytes / (4 * channels * rowStride) - 1) / 2)
    }

    /// [coBlock][inChannel][tap][4 output channels], zero for channels past the last.
    static func packWeights(_ weight: [Float], inChannels: Int, outChannels: Int, kernel: Int) -> [Float] {
        let block = CPUKernels.outputBlock
        let taps = kernel * kernel
        let coBlocks = (outChannels + block - 1) / block
        var packed = [Float](repeating: 0, count: coBlocks * inChannels * taps * block)
        for co in 0..<outChannels {
            for ci in 0..<inChannels {
                for t in 0..<taps {
                    let to = ((co / block * inChannels + ci) * taps + t) * block + co % block
                    packed[to] = weight[(co * inChannels + ci) * taps + t]
                }
            }
        }
        return packed
    }

    /// Offset of each tap from the output pixel's own position in the padded layout.
    private static func tapOffsets(_ layer: Conv2d, rowStride: Int) -> [Int] {
        var offsets: [Int] = []
        for ky in 0..<layer.kernel {
            for kx in 0..<layer.kernel {
                offsets.append((ky - layer.padding + 1) * rowStride + (kx - layer.padding + 1))
            }
        }
        return offsets
    }
}

/// How `DirectConvolution.runBanded` lays out a worker's buffers and computes a band of rows.
private struct BandedRows {
    let height, width: Int
    /// Floats between two padded rows of the band: whole micro-kernel blocks plus slack.
    let rowStride: Int
    /// Rows per band (`DirectConvolution.bandRows`, or the tests' forced height).
    let bandRows: Int
    /// Floats between two channels of the band, and the band's whole size.
    let bandPlane, bandFloats: Int
    /// The micro-kernel blocks each interior row reads in place, from column 1 to `interiorEnd`;
    /// 0 where the image is too small (then every row goes through the band).
    let interiorBlocks, interiorEnd: Int
    /// Floats between two rows and two channels of a strip, and a strip's whole size.
    let stripStride, stripPlane, stripFloats: Int

    init(channels: Int, height: Int, width: Int, kernelPixels: Int, forcedRows: Int?) {
        self.height = height
        self.width = width
        rowStride = (width + kernelPixels - 1) / kernelPixels * kernelPixels + 16
        bandRows = max(1, min(height, forcedRows ?? DirectConvolution.bandRows(channels: channels, rowStride: rowStride)))
        interiorBlocks = height >= 3 && width >= kernelPixels + 2 ? (width - 2) / kernelPixels : 0
        interiorEnd = 1 + interiorBlocks * kernelPixels
        // With an interior the band holds one row at a time (the image's first or last) and its halo.
        bandPlane = Self.offFourKiB(((interiorBlocks > 0 ? 1 : bandRows) + 2) * rowStride)
        bandFloats = channels * bandPlane + 64
        // A strip's output pixels (at most one block) and their taps' reach: whole blocks plus two.
        stripStride = kernelPixels + 16
        stripPlane = Self.offFourKiB((bandRows + 2) * stripStride)
        stripFloats = channels * stripPlane + 64
    }

    /// `floats`, or 16 more where it is a multiple of 4 KiB: channels a multiple apart would share
    /// the L1's sets.
    private static func offFourKiB(_ floats: Int) -> Int { floats + ((floats * 4) % 4096 == 0 ? 16 : 0) }

    /// One worker's band and strips.
    struct Buffers {
        let band, left, right: UnsafeMutablePointer<Float>

        init(_ layout: BandedRows) {
            band = .allocate(capacity: layout.bandFloats)
            // `fillBand` writes every row a band's loads reach; only the 64 floats of slack past the
            // last plane are zeroed here, once. `fillStrip` writes only the image's columns, so the
            // strips' other columns stay zero from here on.
            (band + layout.bandFloats - 64).initialize(repeating: 0, count: 64)
            let strip = layout.interiorBlocks > 0 ? layout.stripFloats : 0
            left = .allocate(capacity: strip)
            left.initialize(repeating: 0, count: strip)
            right = .allocate(capacity: strip)
            right.initialize(repeating: 0, count: strip)
        }

        func deallocate() {
            band.deallocate()
            left.deallocate()
            right.deallocate()
        }
    }

    /// Every output pixel of `rows`, which lie within one band: `job` reads through the band,
    /// `inPlace` the image's own planes, `strips` the strips.
    func compute(rows: Range<Int>, job: ConvJob, inPlace: ConvJob, strips: ConvJob, buffers: Buffers) {
        guard interiorBlocks > 0 else {
            job.fillBand(buffers.band, planeStride: bandPlane, rows: rows)
            job.compute(rows: rows, pixels: 0..<width, from: buffers.band, firstRow: rows.lowerBound, planeStride: bandPlane)
            return
        }
        for y in [0, height - 1] where rows.contains(y) {
            job.fillBand(buffers.band, planeStride: bandPlane, rows: y..<(y + 1))
            job.compute(rows: y..<(y + 1), pixels: 0..<width, from: buffers.band, firstRow: y, planeStride: bandPlane)
        }
        let interior = max(rows.lowerBound, 1)..<min(rows.upperBound, height - 1)
        guard !interior.isEmpty else { return }
        // Output pixel x of row y reads from image row y - 1, column x - 1 on.
        inPlace.compute(rows: interior, pixels: 1..<interiorEnd, from: job.source - 1, firstRow: 1, planeStride: height * width)
        for (strip, pixels) in [(buffers.left, 0..<1), (buffers.right, interiorEnd..<width)] {
            job.fillStrip(strip, stride: stripStride, planeStride: stripPlane, rows: interior, pixels: pixels)
            strips.compute(
                rows: interior, pixels: pixels, from: strip - pixels.lowerBound, firstRow: interior.lowerBound,
                planeStride: stripPlane)
        }
    }
}

/// One convolution's pointers and sizes, shared read-only by the worker threads; each worker
/// writes only its own rows (3x3) or pixel ranges (1x1) of `output`.
private struct ConvJob: @unchecked Sendable {
    let cpu: CPUKernels
    /// The layer's input as the caller laid it out: the image's own planes (3x3 "same", read into
    /// bands by `fillBand`; 1x1), or the stride-2 layer's column split.
    let source: UnsafePointer<Float>
    let weights: UnsafePointer<Float>
    var taps: UnsafePointer<Int>
    let tapCount: Int
    let bias: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let residual: UnsafePointer<Float>?
    let slopes: UnsafePointer<Float>?
    let inChannels, outChannels, height, width, planeStride: Int
    var rowStride: Int

    /// The same convolution reading its input rows `rowStride` floats apart, through `taps` (offsets
    /// for that stride), as a band, a strip or the image's own planes lay them out.
    func reading(taps: UnsafePointer<Int>, rowStride: Int) -> ConvJob {
        var job = self
        job.taps = taps
        job.rowStride = rowStride
        return job
    }

    /// Pixels `pixels` of every row in `rows`, all output channels, through the micro-kernel, which
    /// also fuses the bias, the activation and the residual into its store; `source` holds every row.
    func compute(rows: Range<Int>, pixels: Range<Int>) {
        compute(rows: rows, pixels: pixels, from: source, firstRow: 0, planeStride: planeStride)
    }

    /// The same from `source`, which holds rows from `firstRow` on: output row y's taps are offsets
    /// from `source + (y - firstRow) * rowStride`, channel c `planeStride` further. The output is a
    /// whole layer's tensor, so the micro-kernel fetches each block's output lines before its FMAs
    /// (`prefetch_output`).
    func compute(rows: Range<Int>, pixels: Range<Int>, from source: UnsafePointer<Float>, firstRow: Int, planeStride: Int) {
        let plane = height * width
        var args = vsr_conv_args(
            input: nil, plane_stride: planeStride, taps: taps, tap_count: Int32(tapCount), in_channels: Int32(inChannels),
            weights: weights, bias: bias, slopes: slopes, residual: nil, residual_stride: plane, output: nil,
            output_stride: plane, out_channels: Int32(outChannels), pixels: Int32(pixels.count),
            prefetch: Int32(2 * cpu.convPixels), prefetch_output: 1)
        for y in rows {
            let start = y * width + pixels.lowerBound
            args.input = source + (y - firstRow) * rowStride + pixels.lowerBound
            args.residual = residual.map { $0 + start }
            args.output = output + start
            cpu.convRow(&args)
        }
    }

    /// Copies what output pixels `pixels` of interior rows `rows` (neither the image's first nor
    /// its last) read into `strip`: padded row j of channel c at `strip + c * planeStride + j *
    /// stride` holds image row `rows.lowerBound - 1 + j` from column `pixels.lowerBound - 1` on.
    /// Only the image's columns are written; the caller keeps the others zero.
    func fillStrip(_ strip: UnsafeMutablePointer<Float>, stride: Int, planeStride stripPlane: Int, rows: Range<Int>, pixels: Range<Int>) {
        let firstColumn = max(0, pixels.lowerBound - 1), endColumn = min(width, pixels.upperBound + 1)
        let offset = firstColumn - (pixels.lowerBound - 1)
        for c in 0..<inChannels {
            for j in 0..<(rows.count + 2) {
                let from = source + (c * height + rows.lowerBound - 1 + j) * width
                let to = strip + c * stripPlane + j * stride + offset
                for x in firstColumn..<endColumn { to[x - firstColumn] = from[x] }
            }
        }
    }

    /// Copies the input rows that output `rows` of a 3x3 padding-1 layer read (one above and one
    /// below, zeros past the image's top and bottom) from `source`, the image's own planes, into
    /// `band`: padded row j of channel c at `band + c * planeStride + j * rowStride`, the image's
    /// pixel x at column x + 1, zeros in column 0 and after the last pixel.
    func fillBand(_ band: UnsafeMutablePointer<Float>, planeStride bandPlane: Int, rows: Range<Int>) {
        for c in 0..<inChannels {
            for j in 0..<(rows.count + 2) {
                let row = band + c * bandPlane + j * rowStride, y = rows.lowerBound - 1 + j
                guard y >= 0 && y < height else {
                    row.update(repeating: 0, count: rowStride)
                    continue
                }
                row[0] = 0
                (row + 1).update(from: source + (c * height + y) * width, count: width)
                (row + 1 + width).update(repeating: 0, count: rowStride - width - 1)
            }
        }
    }
}

extension Optional where Wrapped == [Float] {
    /// Calls `body` with a pointer to the array's storage, or nil.
    func withUnsafeOptionalBuffer<R>(_ body: (UnsafePointer<Float>?) -> R) -> R {
        switch self {
        case .some(let array): return array.withUnsafeBufferPointer { body($0.baseAddress) }
        case .none: return body(nil)
        }
    }
}

/// Lets worker closures share a pointer whose ranges they split between them.
struct UnsafeMutablePointerBox<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}

struct UnsafePointerBox<T>: @unchecked Sendable {
    let pointer: UnsafePointer<T>
    init(_ pointer: UnsafePointer<T>) { self.pointer = pointer }
}
