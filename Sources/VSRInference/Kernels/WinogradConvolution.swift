import CVSRKernels
import Dispatch

/// 3x3 stride-1 "same" convolutions by Winograd's minimal filtering F(2x2, 3x3) (Lavin and Gray,
/// "Fast Algorithms for Convolutional Neural Networks", 2016), with bias, a piecewise-linear
/// activation and a residual add fused into the output transform.
///
/// Each 2x2 block of output pixels (a tile) comes from a 4x4 patch of the input: the patch is
/// transformed (`Bᵀ d B`, additions only), multiplied elementwise by the transformed filter
/// (`G g Gᵀ`, once per layer), summed over input channels, and transformed back (`Aᵀ m A`). The sum
/// over input channels is 16 small matrix products, one per position of the 4x4 transform, run by
/// the direct convolution's micro-kernel as 1x1 convolutions over a chunk of tiles. That is 16
/// multiply-adds per tile and channel pair where the direct form needs 36: 2.25 times fewer, for
/// transforms whose cost grows with the channel count, not its square, which is why only layers
/// with at least `minimumInputChannels` inputs take this path. F(2x2, 3x3)'s transforms hold only
/// 0, 1 and 1/2, so its rounding error stays at the level of the direct sum (the tests hold it to
/// the same 1e-4 relative bound).
///
/// Work is cut into chunks of 48-64 tiles (`chunkTiles`); a chunk's transformed input (16 x
/// inChannels x 64 floats, 213 KB at 52 channels) stays in the core's L2 cache while every output
/// channel block uses it. Threads split the chunks.
enum WinogradConvolution {
    /// Below this many input channels the transforms cost more than the products they save.
    static let minimumInputChannels = 32

    /// Tiles per chunk: a multiple of the transforms' 16-tile groups and of the micro-kernel's pixel
    /// count (64 with AVX-512's 64-pixel kernel, 48 with AVX2's 24 and SSE2's 12), at least 48.
    static func chunkTiles(kernelPixels: Int) -> Int {
        var common = 16
        while common % kernelPixels != 0 { common += 16 }
        return common * ((48 + common - 1) / common)
    }

    /// `G g Gᵀ` for every filter, packed [position][coBlock][inChannel][4 output channels] (zero past
    /// the last channel), so that each position is a 1x1 convolution in the micro-kernel's layout.
    static func transformWeights(_ weight: [Float], inChannels: Int, outChannels: Int) -> [Float] {
        let block = CPUKernels.outputBlock
        let coBlocks = (outChannels + block - 1) / block
        let g: [[Float]] = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]]
        var packed = [Float](repeating: 0, count: 16 * coBlocks * inChannels * block)
        for co in 0..<outChannels {
            for ci in 0..<inChannels {
                let filter = (0..<9).map { weight[(co * inChannels + ci) * 9 + $0] }
                for i in 0..<4 {
                    for j in 0..<4 {
                        var sum: Float = 0
                        for a in 0..<3 {
                            for b in 0..<3 { sum += g[i][a] * filter[a * 3 + b] * g[j][b] }
                        }
                        packed[(((i * 4 + j) * coBlocks + co / block) * inChannels + ci) * block + co % block] = sum
                    }
                }
            }
        }
        return packed
    }

    static func run(
        _ layer: Conv2d, _ input: Tensor, activation: Activation, residual: Tensor?,
        threads: Int, cpu: CPUKernels
    ) -> Tensor {
        guard let transformed = layer.winogradWeights else {
            preconditionFailure("Winograd convolution of a layer without transformed weights")
        }
        guard let slopes = activation.negativeSlopes(channels: layer.outChannels) else {
            preconditionFailure("the Winograd path fuses piecewise-linear activations only, got \(activation)")
        }
        let height = input.height, width = input.width
        let tileRows = (height + 1) / 2, tileColumns = (width + 1) / 2
        let chunkTiles = chunkTiles(kernelPixels: cpu.convPixels)
        let chunks = (tileRows * tileColumns + chunkTiles - 1) / chunkTiles
        let workers = max(1, min(threads, chunks))
        let outChannels = layer.outChannels
        var output = Tensor.uninitialized(channels: outChannels, height: height, width: width)
        input.data.withUnsafeBufferPointer { inputBuffer in
            transformed.withUnsafeBufferPointer { weightBuffer in
                layer.bias.withUnsafeBufferPointer { biasBuffer in
                    slopes.withUnsafeBufferPointer { slopeBuffer in
                        output.data.withUnsafeMutableBufferPointer { outBuffer in
                            (residual?.data).withUnsafeOptionalBuffer { residualBuffer in
                                let job = WinogradJob(
                                    cpu: cpu, chunkTiles: chunkTiles, input: inputBuffer.baseAddress!, weights: weightBuffer.baseAddress!,
                                    bias: biasBuffer.baseAddress!,
                                    slopes: slopeBuffer.baseAddress!, output: outBuffer.baseAddress!, residual: residualBuffer,
                                    inChannels: layer.inChannels, outChannels: outChannels, height: height, width: width,
                                    tileColumns: tileColumns, tiles: tileRows * tileColumns)
                                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                                    job.compute(chunks: (chunks * worker / workers)..<(chunks * (worker + 1) / workers))
                                }
                            }
                        }
                    }
                }
            }
        }
        return output
    }
}

/// One Winograd convolution's pointers and sizes, shared read-only by the worker threads. Tiles are
/// numbered row by row and cut into chunks of `chunkTiles` (a chunk may span tile rows, so no tile is
/// computed for nothing but in the last chunk); each worker writes only its own tiles' pixels.
private struct WinogradJob: @unchecked Sendable {
    let cpu: CPUKernels
    let chunkTiles: Int
    let input: UnsafePointer<Float>
    let weights: UnsafePointer<Float>
    let bias: UnsafePointer<Float>
    let slopes: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let residual: UnsafePointer<Float>?
    let inChannels, outChannels, height, width, tileColumns, tiles: Int

    /// Bytes between two positions' products of a block: 4 channels x `chunkTiles` tiles of Float (1 KiB
    /// at 64 tiles), plus one cache line so that the 16 positions do not fall on the same 4 KiB offsets
    /// (loads would wait on unrelated stores).
    var productBytes: Int { CPUKernels.outputBlock * chunkTiles * MemoryLayout<Float>.size + 64 }

    func compute(chunks: Range<Int>) {
        let block = CPUKernels.outputBlock
        let coBlocks = (outChannels + block - 1) / block
        let positionStride = inChannels * chunkTiles, productFloats = productBytes / 4
        // The chunk's transformed input, [position][inChannel][tile], and one block's 16 products
        // [position][channel][tile].
        let transformedInput = UnsafeMutablePointer<Float>.allocate(capacity: 16 * positionStride)
        let productMemory = UnsafeMutableRawPointer.allocate(byteCount: 16 * productBytes, alignment: 64)
        let products = productMemory.bindMemory(to: Float.self, capacity: 16 * productFloats)
        // One channel's two output rows for 16 tiles that do not lie in one tile row.
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 64)
        let tapOffset = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        tapOffset.initialize(to: 0)
        defer {
            transformedInput.deallocate()
            productMemory.deallocate()
            scratch.deallocate()
            tapOffset.deallocate()
        }
        // Raw sums: no bias, activation or residual (the output transform applies them); no prefetch
        // (a chunk's transformed input is small and was just written).
        var args = vsr_conv_args(
            input: nil, plane_stride: chunkTiles, taps: tapOffset, tap_count: 1, in_channels: Int32(inChannels),
            weights: nil, bias: nil, slopes: nil, residual: nil, residual_stride: 0, output: nil, output_stride: chunkTiles,
            out_channels: Int32(block), pixels: Int32(chunkTiles), prefetch: 0)
        for chunk in chunks {
            let firstTile = chunk * chunkTiles
            for group in 0..<(chunkTiles / 16) {
                transformInput(firstTile: firstTile + 16 * group, into: transformedInput + 16 * group)
            }
            for coBlock in 0..<coBlocks {
                for position in 0..<16 {
                    args.weights = weights + (position * coBlocks + coBlock) * inChannels * block
                    args.input = UnsafePointer(transformedInput + position * positionStride)
                    args.output = products + position * productFloats
                    cpu.convRow(&args)
                }
                for group in 0..<(chunkTiles / 16) where firstTile + 16 * group < tiles {
                    transformOutput(products, coBlock: coBlock, group: group, firstTile: firstTile + 16 * group, scratch: scratch)
                }
            }
        }
    }

    /// `Bᵀ d B` for the 4x4 input patches of 16 tiles from `firstTile` on, in every input channel,
    /// written at `out[position][channel][0..<16]` (rows of `chunkTiles` tiles). Tile t of a tile row
    /// reads input columns 2t - 1 ..< 2t + 3 of rows 2 * tileRow - 1 ..< 2 * tileRow + 3; outside the
    /// image they are zero (PyTorch's padding). The instruction set's C transform does a group within
    /// one tile row.
    @inline(__always)
    private func transformInput(firstTile: Int, into out: UnsafeMutablePointer<Float>) {
        let tileRow = firstTile / tileColumns, firstColumn = firstTile % tileColumns
        guard firstColumn + 16 <= tileColumns else {
            return transformInputAcrossRows(firstTile: firstTile, into: out)
        }
        var args = vsr_winograd_input_args(
            input: input, plane_size: height * width, width: Int32(width), height: Int32(height),
            top: Int32(2 * tileRow - 1), left: Int32(2 * firstColumn - 1), in_channels: Int32(inChannels),
            out: out, channel_stride: chunkTiles, position_stride: inChannels * chunkTiles)
        cpu.winogradInput(&args)
    }

    /// The same for a group that wraps to the next tile row or runs past the last tile (zeros there),
    /// one tile at a time.
    private func transformInputAcrossRows(firstTile: Int, into out: UnsafeMutablePointer<Float>) {
        let positionStride = inChannels * chunkTiles, planeSize = height * width
        for lane in 0..<16 {
            let tile = firstTile + lane
            for channel in 0..<inChannels {
                let base = out + channel * chunkTiles + lane
                guard tile < tiles else {
                    for position in 0..<16 { base[position * positionStride] = 0 }
                    continue
                }
                let top = 2 * (tile / tileColumns) - 1, left = 2 * (tile % tileColumns) - 1
                let plane = input + channel * planeSize
                func d(_ r: Int, _ c: Int) -> Float {
                    let y = top + r, x = left + c
                    return y >= 0 && y < height && x >= 0 && x < width ? plane[y * width + x] : 0
                }
                var h = SIMD16<Float>()  // the patch transformed along x, row by row (on the stack)
                for r in 0..<4 {
                    h[r * 4] = d(r, 0) - d(r, 2); h[r * 4 + 1] = d(r, 1) + d(r, 2)
                    h[r * 4 + 2] = d(r, 2) - d(r, 1); h[r * 4 + 3] = d(r, 1) - d(r, 3)
                }
                for j in 0..<4 {
                    base[j * positionStride] = h[j] - h[8 + j]
                    base[(4 + j) * positionStride] = h[4 + j] + h[8 + j]
                    base[(8 + j) * positionStride] = h[8 + j] - h[4 + j]
                    base[(12 + j) * positionStride] = h[4 + j] - h[12 + j]
                }
            }
        }
    }

    /// `Aᵀ m A` for one block of 4 output channels over 16 tiles from `firstTile` on.
    @inline(__always)
    private func transformOutput(
        _ products: UnsafeMutablePointer<Float>, coBlock: Int, group: Int, firstTile: Int,
        scratch: UnsafeMutablePointer<Float>
    ) {
        let block = CPUKernels.outputBlock
        for j in 0..<min(block, outChannels - coBlock * block) {
            transformOutput(
                sums: products + j * chunkTiles + 16 * group, channel: coBlock * block + j,
                firstTile: firstTile, scratch: scratch)
        }
    }

    /// `Aᵀ m A` for one output channel over 16 tiles, then bias, activation and residual, by the
    /// instruction set's C transform: straight into the output rows when the 16 tiles lie in one
    /// tile row and inside the image, else into `scratch` (2 rows of 32) and from there tile by tile.
    /// Position p's 16 sums are at `sums + p * productBytes / 4`.
    private func transformOutput(
        sums: UnsafePointer<Float>, channel: Int, firstTile: Int,
        scratch: UnsafeMutablePointer<Float>
    ) {
        let tileRow = firstTile / tileColumns, firstColumn = firstTile % tileColumns
        var args = vsr_winograd_output_args(
            sums: sums, position_stride: productBytes / 4, bias: bias[channel], slope: slopes[channel],
            out0: scratch, out1: scratch + 32, residual0: nil, residual1: nil)
        if firstColumn + 16 <= tileColumns && 2 * (firstColumn + 16) <= width && 2 * tileRow + 2 <= height {
            let top = (channel * height + 2 * tileRow) * width + 2 * firstColumn
            args.out0 = output + top
            args.out1 = output + top + width
            args.residual0 = residual.map { $0 + top }
            args.residual1 = residual.map { $0 + top + width }
            cpu.winogradOutput(&args)
        } else {
            cpu.winogradOutput(&args)
            storeAcrossRows(scratch, channel: channel, firstTile: firstTile)
        }
    }

    /// The 2x2 outputs of 16 tiles one tile at a time, for a group that wraps to the next tile row or
    /// reaches the right or bottom edge (pixels past it are dropped); the residual added here.
    /// `values` holds the top and bottom rows of the 16 tiles, 32 pixels each.
    @inline(never)
    private func storeAcrossRows(_ values: UnsafePointer<Float>, channel: Int, firstTile: Int) {
        for lane in 0..<16 where firstTile + lane < tiles {
            let tile = firstTile + lane
            let y = 2 * (tile / tileColumns), x = 2 * (tile % tileColumns)
            for dy in 0..<2 where y + dy < height {
                for dx in 0..<2 where x + dx < width {
                    let index = (channel * height + y + dy) * width + x + dx
                    output[index] = values[dy * 32 + 2 * lane + dx] + (residual?[index] ?? 0)
                }
            }
        }
    }
}
