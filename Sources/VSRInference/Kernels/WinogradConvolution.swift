import CVSRKernels
import Dispatch

/// 3x3 stride-1 "same" convolutions by Winograd's minimal filtering (Lavin and Gray, "Fast
/// Algorithms for Convolutional Neural Networks", 2016), F(2x2, 3x3), F(4x4, 3x3) or F(6x6, 3x3)
/// (`WinogradTile`), with bias, a piecewise-linear activation and a residual add fused into the
/// output transform.
///
/// Each m x m block of output pixels (a tile) comes from an (m+2) x (m+2) patch of the input: the
/// patch is transformed (`Bᵀ d B`), multiplied elementwise by the transformed filter (`G g Gᵀ`, once
/// per layer), summed over input channels, and transformed back (`Aᵀ m A`). The sum over input
/// channels is one small matrix product per position of the transform, run by the direct
/// convolution's micro-kernel as 1x1 convolutions over a chunk of tiles. The transforms' cost grows
/// with the channel count, not its square, which is why only layers with at least
/// `minimumInputChannels` inputs take this path.
///
/// Work is cut into chunks of 48-64 tiles (`chunkTiles`); a chunk's transformed input (positions x
/// inChannels x chunkTiles floats: 160 KB for F(2x2) and 359 KB for F(4x4) at 52 channels and AVX2's
/// 48 tiles, 786 KB for F(6x6) at 48 channels and AVX-512's 64 tiles, spread over 983 KB by each
/// channel's 16 lanes of slack, `transformedChannelStride`) is written once and read by
/// one micro-kernel call per position that covers every output channel, and the products (as large
/// at as many output channels) are read once by the output transform. Threads claim the chunks in
/// runs (`WorkQueue`'s guided runs, an eighth of a thread's share of what is left), so that each sweeps
/// neighbouring tiles in order. Claimed one at a time, two threads took turns along every tile row,
/// each reading the input rows in jumps of a chunk, and a layer scaled 1.45-1.5x from one thread
/// to two at 960x540 where two frames side by side on one thread each scaled 2x: AVX2-only AMD
/// EPYC (family 23 model 1), `vsr-kernel-bench conv --size 960x540 --threads 2`, one chunk per
/// claim against runs, alternating: a 16 -> 16 F(4x4) layer 18.4-24.6 -> 16.4-17.9 ms, the
/// 16-channel net 170-185 -> 135-141, a 52 -> 52 layer 140-145 -> 118-130 and its net 979-982 ->
/// 782-792; `vsr bench repsr-y-x2 --size 960x540 --threads 2` 154-169 -> 120-128 ms. At 320x180
/// and 640x360 the two were within the VM's noise of each other.
enum WinogradConvolution {
    /// Output channels per pass over a chunk (a multiple of the micro-kernel's 4-channel block); see
    /// `WinogradJob.passChannels`.
    static let passChannels = 64

    /// Below this many input channels layers run the direct kernel, and plain nets of such layers
    /// (the x2 fast tier's 8 channels) stream rows (`StreamingConvolutionChain`). From 16 channels
    /// up, a plain net runs layer by layer by Winograd (`PlainSR.streamingChain`): `vsr bench
    /// repsr-y-x2` (M6C16), ms a frame on 1 / 2 threads, streamed against layer by layer in tiles
    /// of 640, at 640x360 and 960x540: 194 / 101 -> 117-119 / 79-80 and 433-437 / 227-228 ->
    /// 300-304 / 198-199 with the AVX2 kernels' F(4x4) on an AVX2-only AMD EPYC (family 23 model 1,
    /// 40 GFLOP/s a thread), and 70-71 / 35-38 -> 41-52 / 26-29 and 148-149 / 79-80 -> 111-151 /
    /// 70-73 with AVX-512's F(6x6) on a Zen 4. (An early F(4x4), before its transforms and
    /// micro-kernel loop were reworked, had been no faster than the streamed chain on a Zen 3.)
    static let minimumInputChannels = 16

    /// Tiles per chunk: a multiple of the transforms' 16-tile groups and of the micro-kernel's pixel
    /// count (64 with AVX-512's 64-pixel kernel, 48 with AVX2's 24 and SSE2's 12), at least 48.
    /// F(6x6)'s 64-tile chunk at 48 channels holds more than a Zen 4's 1 MiB L2 (983 KB of
    /// transformed input and 786 KB of products), yet halving it, so that both fit, gained nothing
    /// clear (AMD EPYC Zen 4, AVX-512, four rounds alternating, ms on 1 / 2 threads): RLFN-S x2 at
    /// 320x180 205-210 / 111.5-113.5 with 64 tiles, 201-220 / 106.6-115.2 with 32; a 48 -> 48 layer
    /// (`vsr-kernel-bench conv`) 7.97 / 4.55 against 8.20 / 4.44 at 320x180, and within the VM's
    /// noise either way at 960x540. 128 tiles were slower: 9.16 / 5.14 ms at 320x180.
    static func chunkTiles(kernelPixels: Int) -> Int {
        var common = 16
        while common % kernelPixels != 0 { common += 16 }
        return common * ((48 + common - 1) / common)
    }

    /// The tile wide layers take on `level`'s kernels: F(6x6, 3x3) with AVX-512, F(4x4, 3x3) below it.
    /// F(6x6) does a fifth fewer products and moves a fifth fewer transformed values per output pixel;
    /// its 8x8 transforms need AVX-512's 32 registers. 48->48 at 960x540, one thread (`vsr-kernel-bench
    /// conv`, AMD EPYC Zen 4): 84.5 against 94.3 ms with the AVX-512 kernels, 104.8 against 106.2 with
    /// the AVX2 ones, and at 320x180 9.8 against 10.2 ms and 11.3 against 8.9. F(2x2) is slower than
    /// F(4x4) at RLFN's 48-52 channels on every frame size; the benchmark times all three.
    static func preferredTile(for level: CPULevel) -> WinogradTile {
        level >= .avx512 ? .f6 : .f4
    }

    /// The tile for the kernels the process runs (`CPUKernels.selected`).
    static let defaultTile = preferredTile(for: CPUKernels.selected.level)

    /// `G g Gᵀ` for every filter, packed [position][coBlock][inChannel][4 output channels] (zero past
    /// the last channel), so that each position is a 1x1 convolution in the micro-kernel's layout.
    /// Summed in Double: F(4x4)'s G holds sixths.
    static func transformWeights(_ weight: [Float], inChannels: Int, outChannels: Int, tile: WinogradTile) -> WinogradWeights {
        let block = CPUKernels.outputBlock
        let coBlocks = (outChannels + block - 1) / block
        let g = tile.g.map { $0.map(Double.init) }, n = tile.patch
        var packed = [Float](repeating: 0, count: tile.positions * coBlocks * inChannels * block)
        for co in 0..<outChannels {
            for ci in 0..<inChannels {
                let filter = (0..<9).map { Double(weight[(co * inChannels + ci) * 9 + $0]) }
                for i in 0..<n {
                    for j in 0..<n {
                        var sum: Double = 0
                        for a in 0..<3 {
                            for b in 0..<3 { sum += g[i][a] * filter[a * 3 + b] * g[j][b] }
                        }
                        packed[(((i * n + j) * coBlocks + co / block) * inChannels + ci) * block + co % block] = Float(sum)
                    }
                }
            }
        }
        return WinogradWeights(tile: tile, packed: packed)
    }

    static func run(
        _ layer: Conv2d, _ input: Tensor, activation: Activation, residual: Tensor?,
        threads: Int, cpu: CPUKernels
    ) -> Tensor {
        let height = input.height, width = input.width
        var output = Tensor.uninitialized(channels: layer.outChannels, height: height, width: width)
        input.data.withUnsafeBufferPointer { inputBuffer in
            output.data.withUnsafeMutableBufferPointer { outBuffer in
                (residual?.data).withUnsafeOptionalBuffer { residualBuffer in
                    run(
                        layer, activation: activation, cpu: cpu, threads: threads, height: height, width: width,
                        rows: 0..<height, input: RowWindow.View(base: inputBuffer.baseAddress!, plane: height * width),
                        output: RowWindow.MutableView(base: outBuffer.baseAddress!, plane: height * width),
                        residual: residualBuffer)
                }
            }
        }
        return output
    }

    /// Output rows `rows` (from a multiple of the tile size on) of `layer` over an image `height` x
    /// `width`, read from `input` and written to `output`, views that place row y of channel c at
    /// `base + c * plane + placement.offset(row: y, width:)` and need hold only the rows read (`rows`
    /// widened by one each side, inside the image) and written; `residual`, when given, has the
    /// output's layout. Either side may be in F(4x4)'s or F(6x6)'s lane order (`ColumnOrder.lanes`; no
    /// residual with output in lane order), its rows `ColumnOrder.rowFloats` long.
    static func run(
        _ layer: Conv2d, activation: Activation, cpu: CPUKernels, threads: Int, height: Int, width: Int, rows: Range<Int>,
        input: RowWindow.View, output: RowWindow.MutableView, residual: UnsafePointer<Float>? = nil,
        inputOrder: ColumnOrder = .pixels, outputOrder: ColumnOrder = .pixels
    ) {
        guard let winograd = layer.winogradWeights else {
            preconditionFailure("Winograd convolution of a layer without transformed weights")
        }
        guard let slopes = activation.negativeSlopes(channels: layer.outChannels) else {
            preconditionFailure("the Winograd path fuses piecewise-linear activations only, got \(activation)")
        }
        let tile = winograd.tile
        precondition(rows.lowerBound % tile.size == 0 && rows.upperBound <= height, "Winograd rows start on a tile row")
        let lanes = inputOrder == .lanes || outputOrder == .lanes
        precondition(!lanes || tile != .f2, "lane order is F(4x4)'s and F(6x6)'s")
        precondition(outputOrder == .pixels || residual == nil, "a residual is added to output in pixel order")
        guard !rows.isEmpty else { return }
        let tileColumns = (width + tile.size - 1) / tile.size
        let chunkTiles = chunkTiles(kernelPixels: cpu.convPixels)
        // F(6x6) numbers tiles row after row with no gaps, and F(4x4) up to whole quads of tiles, so
        // that a group of 16 may end one tile row and begin the next (their transforms take such a
        // group in one call, `split`): padding each row to whole groups (54 tiles to 64 at 320
        // pixels) cost RLFN-S x2 at 320x180 a sixth of its products and input transforms with
        // F(6x6), and a 720-pixel DVD row 192 F(4x4) tiles where 180 cover it (`WinogradTile.rowTiles`).
        // Lane order's rows are whole groups (`rowTiles(_:tileColumns:lanes:)`), whose tiles past the
        // image read and store zeros.
        let rowTiles = rowTiles(tile, tileColumns: tileColumns, lanes: lanes)
        let firstTile = rows.lowerBound / tile.size * rowTiles
        let tiles = (rows.upperBound + tile.size - 1) / tile.size * rowTiles
        let chunks = (tiles - firstTile + chunkTiles - 1) / chunkTiles
        let workers = max(1, min(threads, chunks))
        winograd.packed.withUnsafeBufferPointer { weightBuffer in
            layer.bias.withUnsafeBufferPointer { biasBuffer in
                slopes.withUnsafeBufferPointer { slopeBuffer in
                    let job = WinogradJob(
                        cpu: cpu, tile: tile, chunkTiles: chunkTiles, input: input.base, inputPlane: input.plane,
                        inputPlacement: input.placement, inputRows: min(height, rows.upperBound + 1),
                        weights: weightBuffer.baseAddress!, bias: biasBuffer.baseAddress!, slopes: slopeBuffer.baseAddress!,
                        output: output.base, outputPlane: output.plane, outputPlacement: output.placement,
                        residual: residual, inputOrder: inputOrder, outputOrder: outputOrder,
                        inputRowFloats: inputOrder.rowFloats(width: width, tile: tile),
                        outputRowFloats: outputOrder.rowFloats(width: width, tile: tile),
                        inChannels: layer.inChannels,
                        outChannels: layer.outChannels, height: height, width: width, tileColumns: tileColumns,
                        rowTiles: rowTiles, firstTile: firstTile, tiles: tiles)
                    WorkQueue(count: chunks, workers: workers).run { queue in
                        job.compute(claiming: queue)
                    }
                }
            }
        }
    }
}

extension WinogradConvolution {
    /// Tiles a tile row of `tileColumns` is numbered up to: `WinogradTile.rowTiles`, or whole groups
    /// of 16 for a layer that reads or writes lane order (`lanes`), whose rows are whole groups.
    static func rowTiles(_ tile: WinogradTile, tileColumns: Int, lanes: Bool) -> Int {
        lanes ? (tileColumns + 15) / 16 * 16 : tile.rowTiles(tileColumns: tileColumns)
    }
}

/// One Winograd convolution's pointers and sizes, shared read-only by the worker threads. Tiles are
/// numbered row by row (`rowTiles` apart), cut into chunks of `chunkTiles` and those into groups of
/// 16 (the transforms' lanes); a chunk may span tile rows, and so may an F(4x4) or F(6x6) group (not
/// in lane order, `ColumnOrder.lanes`, whose groups lie in one row). Each worker writes only
/// its own tiles' pixels.
private struct WinogradJob: @unchecked Sendable {
    let cpu: CPUKernels
    let tile: WinogradTile
    let chunkTiles: Int
    let input: UnsafePointer<Float>
    /// Floats between two input channels' planes.
    let inputPlane: Int
    /// Where the input's rows lie in its planes (a ring's rows turn back).
    let inputPlacement: RowWindow.Placement
    /// Input rows the transforms read (rows past it read as zeros): the image's, or one past a band's last output row.
    let inputRows: Int
    let weights: UnsafePointer<Float>
    let bias: UnsafePointer<Float>
    let slopes: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>
    /// Floats between two output channels' planes (the residual's too).
    let outputPlane: Int
    /// Where the output's (and the residual's) rows lie in their planes.
    let outputPlacement: RowWindow.Placement
    let residual: UnsafePointer<Float>?
    /// How the input's and the output's rows order their pixels, and the floats a row of each takes.
    let inputOrder, outputOrder: ColumnOrder
    let inputRowFloats, outputRowFloats: Int
    /// `tileColumns` tiles cover a row of the output; rows are numbered `rowTiles` apart
    /// (`WinogradTile.rowTiles`); the job computes tiles `firstTile ..< tiles` (whole tile rows,
    /// any padding's included).
    let inChannels, outChannels, height, width, tileColumns, rowTiles, firstTile, tiles: Int

    /// Output channels whose products one pass computes: each position's micro-kernel call then runs
    /// over all of them, so that a block of transformed input is read into L1 once and used by every
    /// output channel block of the pass (one block per call read it from L2 each time, and the
    /// products ran at about half the FMA peak).
    var passChannels: Int { min(outChannels, WinogradConvolution.passChannels) }

    /// Bytes between two positions' products: a pass's channels x `chunkTiles` tiles of Float, plus
    /// one cache line so that the positions do not fall on the same 4 KiB offsets (loads would wait
    /// on unrelated stores).
    var productBytes: Int {
        let block = CPUKernels.outputBlock
        return (passChannels + block - 1) / block * block * chunkTiles * MemoryLayout<Float>.size + 64
    }

    /// Floats between two channels' transformed input: for F(6x6) `chunkTiles` and 16 more, into
    /// which a run's transform that starts mid-group may write lanes past the chunk's last tile
    /// (`transformInput`); the others' groups start on whole groups and end in the chunk.
    var transformedChannelStride: Int { tile == .f6 ? chunkTiles + 16 : chunkTiles }

    /// Floats between two positions' transformed input: a chunk's channels, plus one cache line.
    /// Without it, 48 channels of AVX-512's 64 tiles put the positions exactly 12 KiB apart, so the
    /// input transform's 36 stores per channel fell in one L1 set (8 ways) and on the same 4 KiB
    /// offsets.
    var transformedPositionStride: Int { inChannels * transformedChannelStride + 16 }

    /// The chunks `queue` hands this worker, one at a time, through transform, products and output.
    func compute(claiming queue: WorkQueue.Claimer) {
        let block = CPUKernels.outputBlock
        let coBlocks = (outChannels + block - 1) / block
        let positions = tile.positions
        let positionStride = transformedPositionStride, productFloats = productBytes / 4
        // The chunk's transformed input, [position][inChannel][tile], and one pass's products
        // [position][channel][tile], both on 64 bytes: a channel's 16 tiles at a position are then one
        // cache line, which the input transform stores whole and the micro-kernel loads whole (from
        // malloc's 16-byte alignment each straddled two). Same bits; a 48 -> 48 F(6x6) layer at
        // 960x540, one thread, AMD EPYC Zen 4, five rounds alternating, median 66.8 -> 65.7 ms, RLFN-S
        // x2 at 320x180 221.2 -> 218.8 ms: within this VM's noise, kept as the products' buffer is.
        let transformedMemory = UnsafeMutableRawPointer.allocate(
            byteCount: positions * positionStride * MemoryLayout<Float>.size, alignment: 64)
        let transformedInput = transformedMemory.bindMemory(to: Float.self, capacity: positions * positionStride)
        let productMemory = UnsafeMutableRawPointer.allocate(byteCount: positions * productBytes, alignment: 64)
        let products = productMemory.bindMemory(to: Float.self, capacity: positions * productFloats)
        // One channel's output rows (tile size x 16 tiles) for a group that reaches the image's edge.
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 16 * tile.size * tile.size)
        // The chunk's output groups, placed once for all its output channels.
        let groups = UnsafeMutablePointer<OutputGroup>.allocate(capacity: chunkTiles / 16)
        // For F(6x6), each group's output rows for channel 0 (`winograd6Rows`), which each channel's
        // call offsets by its plane: built per call, in Swift, they were 2.5% of RLFN-S x2's samples
        // at 320x180 (one thread, AMD EPYC Zen 4); kept in place, for no copy of the struct per call.
        let sixRows = UnsafeMutablePointer<vsr_winograd6_output_args>.allocate(capacity: chunkTiles / 16)
        // The same for output in lane order.
        let laneRows = UnsafeMutablePointer<vsr_winograd_lanes_output_args>.allocate(capacity: chunkTiles / 16)
        let tapOffset = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        tapOffset.initialize(to: 0)
        defer {
            transformedMemory.deallocate()
            productMemory.deallocate()
            scratch.deallocate()
            groups.deallocate()
            sixRows.deallocate()
            laneRows.deallocate()
            tapOffset.deallocate()
        }
        // Raw sums: no bias, activation or residual (the output transform applies them); no prefetch
        // (a chunk's transformed input is small and was just written).
        var args = vsr_conv_args(
            input: nil, plane_stride: transformedChannelStride, taps: tapOffset, tap_count: 1, in_channels: Int32(inChannels),
            weights: nil, bias: nil, slopes: nil, residual: nil, residual_stride: 0, output: nil, output_stride: chunkTiles,
            out_channels: 0, pixels: Int32(chunkTiles), prefetch: 0, prefetch_output: 0)
        while let claimed = queue.claim() {
            for chunk in claimed {
                let firstTile = self.firstTile + chunk * chunkTiles
                // The last chunk stops after its last 16-tile group, and the micro-kernel runs as
                // few vectors as those groups need (its narrower forms, `tails` in
                // scripts/generate-conv-microkernel.py), so that a band or layer whose tiles end
                // early in a chunk does not pay for the whole chunk.
                let outputGroups = min(chunkTiles / 16, (tiles - firstTile + 15) / 16)
                for group in 0..<outputGroups {
                    transformInput(group: firstTile + 16 * group, into: transformedInput + 16 * group)
                }
                args.pixels = Int32(16 * outputGroups)
                for group in 0..<outputGroups {
                    let placed = outputGroup(firstTile + 16 * group)
                    groups[group] = placed
                    if outputOrder == .lanes {
                        laneRows[group] = laneOrderRows(x: placed.x, y: placed.y)
                    } else if tile == .f6 && placed.runs <= WinogradJob.runsPerCall {
                        sixRows[group] = winograd6Rows(
                            x: placed.x, y: placed.y, count: placed.firstRun, nextCount: placed.count - placed.firstRun)
                    }
                }
                for firstChannel in stride(from: 0, to: outChannels, by: passChannels) {
                    let channels = min(passChannels, outChannels - firstChannel)
                    args.out_channels = Int32(channels)
                    for position in 0..<positions {
                        args.weights = weights + (position * coBlocks + firstChannel / block) * inChannels * block
                        args.input = UnsafePointer(transformedInput + position * positionStride)
                        args.output = products + position * productFloats
                        cpu.convRow(&args)
                    }
                    // Channel by channel, then group by group: a chunk's groups are mostly neighbours
                    // in one tile row, so each channel's output rows are written in runs the
                    // hardware prefetcher follows (group-major jumped between channel planes on
                    // every call; about 8% slower in the C harness at 48 channels, 320x180).
                    for j in 0..<channels {
                        for group in 0..<outputGroups {
                            let sums = products + j * chunkTiles + 16 * group
                            if outputOrder == .lanes {
                                transformOutputLanes(sums: sums, channel: firstChannel + j, rows: laneRows + group)
                            } else {
                                transformOutput(
                                    sums: sums, channel: firstChannel + j, group: groups[group], sixRows: sixRows + group,
                                    scratch: scratch)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The tiles `first ..< first + count` split where tile rows end: each run's first tile and
    /// length, in order (one run for F(2x2), whose groups lie in one tile row; at most two for
    /// F(4x4)). Tiles past the last (the last chunk's) count as one run of their own.
    @inline(__always)
    private func forEachRun(from first: Int, count: Int, _ body: (_ tile: Int, _ count: Int) -> Void) {
        var tile = first
        let end = first + count
        while tile < end {
            let runEnd = tile >= tiles ? end : min(end, (tile / rowTiles + 1) * rowTiles)
            body(tile, runEnd - tile)
            tile = runEnd
        }
    }

    /// Runs (`forEachRun`) that F(4x4)'s input transform and F(6x6)'s input and output transforms
    /// take in one call: a group's tiles on one tile row and, from `split` on, the next one's.
    static let runsPerCall = 2

    /// How many runs (`forEachRun`) the `count` tiles from `group` on make: F(6x6)'s transforms take
    /// up to `runsPerCall` in one call (`split`).
    @inline(__always)
    private func runCount(group: Int, count: Int = 16) -> Int {
        var runs = 0
        forEachRun(from: group, count: count) { _, _ in runs += 1 }
        return runs
    }

    /// `Bᵀ d B` for the input patches of the 16 tiles from `group` on, in every input channel, by the
    /// instruction set's C transform, written at `out[position][channel][0..<16]`. Tile t of a tile
    /// row reads input columns m t - 1 ..< m t + m + 1 of rows m tileRow - 1 ..< m tileRow + m + 1 (m
    /// the tile size); outside the image they are zero (PyTorch's padding), so tiles past the last
    /// row read zeros. An F(4x4) or F(6x6) group across two tile rows is one call (`split`; F(4x4)'s
    /// rows are numbered up to whole quads, so its split falls between quads); an F(6x6) group across
    /// more (an image under 16 tiles wide) one call per run, each writing 16 lanes from its own first
    /// tile on (F(6x6)'s lane L is tile L): lanes past a run are the next run's, which overwrites
    /// them, or lie past the chunk in the channel's slack. F(2x2)'s groups lie in one tile row, and
    /// F(4x4)'s in at most two (`WinogradTile.rowTiles`).
    @inline(__always)
    private func transformInput(group: Int, into out: UnsafeMutablePointer<Float>) {
        let m = tile.size
        if inputOrder == .lanes {
            // Whole groups of one tile row (`rowTiles`), in place.
            var args = vsr_winograd_lanes_input_args(
                input: input, plane_size: inputPlane, row_floats: inputRowFloats, height: Int32(inputRows),
                top: Int32(m * (group / rowTiles) - 1), group: Int32(group % rowTiles / 16), groups: Int32(rowTiles / 16),
                in_channels: Int32(inChannels), out: out, channel_stride: transformedChannelStride,
                position_stride: transformedPositionStride, first_row: Int32(inputPlacement.firstRow),
                ring_rows: Int32(inputPlacement.ringRows))
            if tile == .f4 { cpu.winograd4LanesInput(&args) } else { cpu.winograd6LanesInput(&args) }
            return
        }
        var args = vsr_winograd_input_args(
            input: input, plane_size: inputPlane, width: Int32(width), height: Int32(inputRows),
            top: Int32(m * (group / rowTiles) - 1), left: Int32(m * (group % rowTiles) - 1),
            in_channels: Int32(inChannels), out: out, channel_stride: transformedChannelStride,
            position_stride: transformedPositionStride, split: 0, first_row: Int32(inputPlacement.firstRow),
            ring_rows: Int32(inputPlacement.ringRows))
        // F(4x4)'s groups span at most two tile rows by their numbering, so they need no count.
        assert(tile != .f4 || runCount(group: group) <= WinogradJob.runsPerCall, "an F(4x4) group spans at most two tile rows")
        if tile == .f4 || (tile == .f6 && runCount(group: group) <= WinogradJob.runsPerCall) {
            let firstRun = min(16, rowTiles - group % rowTiles)
            args.split = firstRun < 16 ? Int32(firstRun) : 0
            if tile == .f4 { cpu.winograd4Input(&args) } else { cpu.winograd6Input(&args) }
            return
        }
        forEachRun(from: group, count: 16) { first, _ in
            args.top = Int32(m * (first / rowTiles) - 1)
            args.left = Int32(m * (first % rowTiles) - 1)
            args.out = out + (first - group)
            switch tile {
            case .f2: cpu.winogradInput(&args)
            case .f4: cpu.winograd4Input(&args)
            case .f6: cpu.winograd6Input(&args)
            }
        }
    }

    /// Where an output group's tiles lie, worked out once per chunk rather than per output channel:
    /// the tiles `first ..< first + count` (those before `tiles`), `firstRun` of them on the tile row
    /// at output pixel (`x`, `y`), the rest in `runs - 1` more runs (`forEachRun`), and whether all
    /// 16 lie in one tile row inside the image (`inside`: F(2x2)/F(4x4) then store straight into the
    /// output rows, from `offset` in channel 0's plane).
    private struct OutputGroup {
        let first, count, runs, firstRun, x, y, offset: Int
        let inside: Bool
    }

    private func outputGroup(_ first: Int) -> OutputGroup {
        let m = tile.size, count = min(16, tiles - first)
        let tileRow = first / rowTiles, column = first % rowTiles
        // In place only where the tile row's m output rows lie one row apart (a ring may turn back
        // between two of them).
        let rowOffset = outputPlacement.offset(row: m * tileRow, width: width)
        let rowsInOnePiece = outputPlacement.offset(row: m * tileRow + m - 1, width: width) - rowOffset == (m - 1) * width
        return OutputGroup(
            first: first, count: count, runs: runCount(group: first, count: count), firstRun: min(count, rowTiles - column),
            x: m * column, y: m * tileRow, offset: rowOffset + m * column,
            inside: column + 16 <= tileColumns && m * (column + 16) <= width && m * tileRow + m <= height && rowsInOnePiece)
    }

    /// `Aᵀ m A` for one output channel over an output group's tiles, then bias, activation and
    /// residual, by the instruction set's C transform. F(6x6) stores in place (`transformOutput6`), a
    /// group across two tile rows in one call, through `sixRows` (the group's rows for channel 0,
    /// set when the chunk's groups were placed), across more one call per run (`sums` from the
    /// run's first tile on); F(2x2) and F(4x4) straight into the output rows when the 16 tiles lie
    /// in one tile row inside the image, else into `scratch` (m rows of 16 m) and from there row by
    /// row, run by run (an F(4x4) group may end one tile row and begin the next). Position p's 16
    /// sums are at `sums + p * productBytes / 4`.
    private func transformOutput(
        sums: UnsafePointer<Float>, channel: Int, group: OutputGroup,
        sixRows: UnsafeMutablePointer<vsr_winograd6_output_args>, scratch: UnsafeMutablePointer<Float>
    ) {
        let m = tile.size
        if tile == .f6 {
            if group.runs <= WinogradJob.runsPerCall {
                transformOutput6(sums: sums, channel: channel, rows: sixRows)
            } else {
                forEachRun(from: group.first, count: group.count) { first, runTiles in
                    var rows = winograd6Rows(x: m * (first % rowTiles), y: m * (first / rowTiles), count: runTiles, nextCount: 0)
                    transformOutput6(sums: sums + (first - group.first), channel: channel, rows: &rows)
                }
            }
            return
        }
        let inside = group.inside
        let top = channel * outputPlane + group.offset
        // Row `i` of the tiles' output and of the residual (no arrays: this runs per channel and group).
        func row(_ i: Int) -> UnsafeMutablePointer<Float> { inside ? output + top + i * width : scratch + i * 16 * m }
        func residualRow(_ i: Int) -> UnsafePointer<Float>? { inside ? residual.map { $0 + top + i * width } : nil }
        switch tile {
        case .f2:
            var args = vsr_winograd_output_args(
                sums: sums, position_stride: productBytes / 4, bias: bias[channel], slope: slopes[channel],
                out0: row(0), out1: row(1), residual0: residualRow(0), residual1: residualRow(1))
            cpu.winogradOutput(&args)
        case .f4:
            var args = vsr_winograd4_output_args(
                sums: sums, position_stride: productBytes / 4, bias: bias[channel], slope: slopes[channel],
                out: (row(0), row(1), row(2), row(3)),
                residual: (residualRow(0), residualRow(1), residualRow(2), residualRow(3)))
            cpu.winograd4Output(&args)
        case .f6:
            preconditionFailure("F(6x6) stores through transformOutput6")
        }
        if !inside {
            forEachRun(from: group.first, count: group.count) { first, runTiles in
                storeAcrossRows(
                    scratch + m * (first - group.first), tiles: runTiles, channel: channel,
                    x: m * (first % rowTiles), y: m * (first / rowTiles))
            }
        }
    }

    /// F(6x6)'s output transform of one output channel's sums over the tiles whose rows (for channel
    /// 0) `rows` holds; sets the call's sums, bias, slope and plane there.
    @inline(__always)
    private func transformOutput6(sums: UnsafePointer<Float>, channel: Int, rows: UnsafeMutablePointer<vsr_winograd6_output_args>) {
        rows.pointee.sums = sums
        rows.pointee.bias = bias[channel]
        rows.pointee.slope = slopes[channel]
        rows.pointee.plane_offset = channel * outputPlane
        cpu.winograd6Output(rows)
    }

    /// The output transform into lane order of one output channel's sums over a group whose rows (for
    /// channel 0) `rows` holds; sets the call's sums, bias, slope and plane there.
    @inline(__always)
    private func transformOutputLanes(
        sums: UnsafePointer<Float>, channel: Int, rows: UnsafeMutablePointer<vsr_winograd_lanes_output_args>
    ) {
        rows.pointee.sums = sums
        rows.pointee.bias = bias[channel]
        rows.pointee.slope = slopes[channel]
        rows.pointee.plane_offset = channel * outputPlane
        if tile == .f4 { cpu.winograd4LanesOutput(rows) } else { cpu.winograd6LanesOutput(rows) }
    }

    /// The rows of channel 0 that the lane-order output transform stores the group of 16 tiles from
    /// output pixel (`x`, `y`) into (rows below the image, and F(4x4)'s past its 4, nil), and how many
    /// of its pixels lie inside the image. The sums, bias, slope and channel's plane are the caller's.
    private func laneOrderRows(x: Int, y: Int) -> vsr_winograd_lanes_output_args {
        func out(_ i: Int) -> UnsafeMutablePointer<Float>? {
            i < tile.size && y + i < height ? output + outputPlacement.offset(row: y + i, width: outputRowFloats) + x : nil
        }
        return vsr_winograd_lanes_output_args(
            sums: nil, position_stride: productBytes / 4, bias: 0, slope: 0,
            valid: Int32(min(ColumnOrder.groupPixels(tile), width - x)),
            out: (out(0), out(1), out(2), out(3), out(4), out(5)), plane_offset: 0)
    }

    /// The rows of channel 0 that F(6x6)'s output transform stores `count` tiles of one tile row into,
    /// from output pixel (`x`, `y`) on, and, when `nextCount` > 0, the next tile row's first
    /// `nextCount` (the same call's lanes `count` on): in place, each row clipped to the image (rows
    /// below it nil). The sums, bias, slope and channel's plane are the caller's.
    private func winograd6Rows(x: Int, y: Int, count: Int, nextCount: Int) -> vsr_winograd6_output_args {
        let m = tile.size
        // Row i of the tiles from column `start` at image row y0 + i; nil below the image.
        func out(_ start: Int, _ y0: Int, _ i: Int) -> UnsafeMutablePointer<Float>? {
            y0 + i < height ? output + outputPlacement.offset(row: y0 + i, width: width) + start : nil
        }
        func residualRow(_ start: Int, _ y0: Int, _ i: Int) -> UnsafePointer<Float>? {
            y0 + i < height ? residual.map { $0 + outputPlacement.offset(row: y0 + i, width: width) + start } : nil
        }
        let nextY = nextCount > 0 ? y + m : height  // no next rows: every one "below the image"
        return vsr_winograd6_output_args(
            sums: nil, position_stride: productBytes / 4, bias: 0, slope: 0,
            columns: Int32(min(m * count, width - x)),
            out: (out(x, y, 0), out(x, y, 1), out(x, y, 2), out(x, y, 3), out(x, y, 4), out(x, y, 5)),
            residual: (
                residualRow(x, y, 0), residualRow(x, y, 1), residualRow(x, y, 2), residualRow(x, y, 3),
                residualRow(x, y, 4), residualRow(x, y, 5)
            ),
            split: nextCount > 0 ? Int32(count) : 0, next_columns: Int32(min(m * nextCount, width)),
            next_out: (
                out(0, nextY, 0), out(0, nextY, 1), out(0, nextY, 2), out(0, nextY, 3),
                out(0, nextY, 4), out(0, nextY, 5)
            ),
            next_residual: (
                residualRow(0, nextY, 0), residualRow(0, nextY, 1), residualRow(0, nextY, 2),
                residualRow(0, nextY, 3), residualRow(0, nextY, 4), residualRow(0, nextY, 5)
            ),
            plane_offset: 0)
    }

    /// The m x m outputs of `tiles` tiles of one tile row from output pixel (`x`, `y`) on, for an
    /// F(2x2) or F(4x4) group that reaches the right or bottom edge or ends one tile row and begins
    /// the next (one call per run): `values` holds the run's m rows, 16 m pixels apart, in the
    /// output's column order (tile t's column x at m t + x), so each row inside the image is one
    /// contiguous run up to the right edge (pixels past it, and the padding's tiles, are dropped); the
    /// residual is added here.
    @inline(never)
    private func storeAcrossRows(_ values: UnsafePointer<Float>, tiles: Int, channel: Int, x: Int, y: Int) {
        let m = tile.size
        let count = min(tiles * m, width - x)
        guard count > 0 else { return }
        for dy in 0..<m where y + dy < height {
            let start = channel * outputPlane + outputPlacement.offset(row: y + dy, width: width) + x
            let row = values + dy * 16 * m, out = output + start
            if let residual {
                let added = residual + start
                for i in 0..<count { out[i] = row[i] + added[i] }
            } else {
                out.update(from: row, count: count)
            }
        }
    }
}
