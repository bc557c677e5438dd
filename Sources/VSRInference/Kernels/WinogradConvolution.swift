import Dispatch

/// 3x3 stride-1 "same" convolutions by Winograd's minimal filtering F(2x2, 3x3) (Lavin and Gray,
/// "Fast Algorithms for Convolutional Neural Networks", 2016), with bias, a piecewise-linear
/// activation and a residual add fused into the output transform.
///
/// Each 2x2 block of output pixels (a tile) comes from a 4x4 patch of the input: the patch is
/// transformed (`Bᵀ d B`, additions only), multiplied elementwise by the transformed filter
/// (`G g Gᵀ`, once per layer), summed over input channels, and transformed back (`Aᵀ m A`). The sum
/// over input channels is 16 small matrix products, one per position of the 4x4 transform, run by
/// the direct convolution's micro-kernel as 1x1 convolutions over 64 tiles at a time. That is 16
/// multiply-adds per tile and channel pair where the direct form needs 36: 2.25 times fewer, for
/// transforms whose cost grows with the channel count, not its square, which is why only layers
/// with at least `minimumInputChannels` inputs take this path. F(2x2, 3x3)'s transforms hold only
/// 0, 1 and 1/2, so its rounding error stays at the level of the direct sum (the tests hold it to
/// the same 1e-4 relative bound).
///
/// Work is cut into chunks of 64 tiles; a chunk's transformed input (16 x inChannels x 64 floats,
/// 213 KB at 52 channels) stays in the core's L2 cache while every output channel block uses it.
/// Threads split the chunks.
enum WinogradConvolution {
    /// Below this many input channels the transforms cost more than the products they save.
    static let minimumInputChannels = 32

    /// Tiles per chunk: the micro-kernel's pixel count.
    static let chunkTiles = ConvMicrokernel.pixels

    /// `G g Gᵀ` for every filter, packed [position][coBlock][inChannel][4 output channels] (zero past
    /// the last channel), so that each position is a 1x1 convolution in the micro-kernel's layout.
    static func transformWeights(_ weight: [Float], inChannels: Int, outChannels: Int) -> [Float] {
        let block = ConvMicrokernel.outputBlock
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

    static func run(_ layer: Conv2d, _ input: Tensor, activation: Activation, residual: Tensor?,
                    threads: Int) -> Tensor {
        guard let transformed = layer.winogradWeights else {
            preconditionFailure("Winograd convolution of a layer without transformed weights")
        }
        guard let slopes = activation.negativeSlopes(channels: layer.outChannels) else {
            preconditionFailure("the Winograd path fuses piecewise-linear activations only, got \(activation)")
        }
        let height = input.height, width = input.width
        let tileRows = (height + 1) / 2, tileColumns = (width + 1) / 2
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
                    input: inputBuffer.baseAddress!, weights: weightBuffer.baseAddress!, bias: biasBuffer.baseAddress!,
                    slopes: slopeBuffer.baseAddress!, output: outBuffer.baseAddress!, residual: residualBuffer,
                    inChannels: layer.inChannels, outChannels: outChannels, height: height, width: width,
                    tileColumns: tileColumns, tiles: tileRows * tileColumns)
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    job.compute(chunks: (chunks * worker / workers)..<(chunks * (worker + 1) / workers))
                }
            }
        }}}}}
        return output
    }
}

/// One Winograd convolution's pointers and sizes, shared read-only by the worker threads. Tiles are
/// numbered row by row and cut into chunks of 64 (a chunk may span tile rows, so no tile is computed
/// for nothing but in the last chunk); each worker writes only its own tiles' pixels.
private struct WinogradJob: @unchecked Sendable {
    let input: UnsafePointer<Float>
    let weights: UnsafePointer<Float>
    let bias: UnsafePointer<Float>
    let slopes: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let residual: UnsafePointer<Float>?
    let inChannels, outChannels, height, width, tileColumns, tiles: Int

    /// Bytes between two positions' products of a block: 4 channels x 64 tiles of Float (1 KiB), plus
    /// one cache line so that the 16 positions do not fall on the same 4 KiB offsets (loads would
    /// wait on unrelated stores).
    static let productBytes = ConvMicrokernel.outputBlock * WinogradConvolution.chunkTiles * MemoryLayout<Float>.size + 64
    static let productVectors = productBytes / 64

    func compute(chunks: Range<Int>) {
        let chunkTiles = WinogradConvolution.chunkTiles, block = ConvMicrokernel.outputBlock
        let coBlocks = (outChannels + block - 1) / block
        let positionStride = inChannels * chunkTiles
        // The chunk's transformed input, [position][inChannel][tile], and one block's 16 products.
        let transformedInput = UnsafeMutablePointer<Float>.allocate(capacity: 16 * positionStride)
        let products = UnsafeMutablePointer<SIMD16<Float>>.allocate(capacity: 16 * WinogradJob.productVectors)
        // An input row at the image's border, zero-filled where it lies outside; one channel's
        // transformed outputs on their way to the rows.
        let border = UnsafeMutablePointer<Float>.allocate(capacity: 34)
        border.initialize(repeating: 0, count: 34)
        let rows = UnsafeMutablePointer<SIMD16<Float>>.allocate(capacity: 4)
        defer {
            transformedInput.deallocate()
            products.deallocate()
            border.deallocate()
            rows.deallocate()
        }
        var tapOffset = 0
        for chunk in chunks {
            let firstTile = chunk * chunkTiles
            for group in 0..<(chunkTiles / 16) {
                transformInput(firstTile: firstTile + 16 * group, into: transformedInput + 16 * group, border: border)
            }
            for coBlock in 0..<coBlocks {
                for position in 0..<16 {
                    ConvMicrokernel.accumulate(
                        input: transformedInput + position * positionStride, planeStride: chunkTiles, rowStride: 0,
                        taps: &tapOffset, tapCount: 1, inChannels: inChannels,
                        weights: weights + (position * coBlocks + coBlock) * inChannels * block,
                        result: products + position * WinogradJob.productVectors)
                }
                for group in 0..<(chunkTiles / 16) where firstTile + 16 * group < tiles {
                    transformOutput(products, coBlock: coBlock, group: group, firstTile: firstTile + 16 * group, rows: rows)
                }
            }
        }
    }

    /// `Bᵀ d B` for the 4x4 input patches of 16 tiles from `firstTile` on, in every input channel,
    /// written at `out[position][channel][0..<16]` (rows of 64 tiles). Tile t of a tile row reads
    /// input columns 2t - 1 ..< 2t + 3 of rows 2 * tileRow - 1 ..< 2 * tileRow + 3; outside the image
    /// they are zero (PyTorch's padding), which a row at the border gets from a zero-filled copy.
    @inline(__always)
    private func transformInput(firstTile: Int, into out: UnsafeMutablePointer<Float>, border: UnsafeMutablePointer<Float>) {
        let tileRow = firstTile / tileColumns, firstColumn = firstTile % tileColumns
        guard firstColumn + 16 <= tileColumns else {
            return transformInputAcrossRows(firstTile: firstTile, into: out)
        }
        let positionStride = inChannels * WinogradConvolution.chunkTiles, planeSize = height * width
        let left = 2 * firstColumn - 1, top = 2 * tileRow - 1
        // The 16 patches span input columns left ..< left + 34 (two 32-float loads, 2 floats apart).
        let inside = left >= 0 && left + 34 <= width
        for channel in 0..<inChannels {
            let plane = input + channel * planeSize
            // Row r of the 16 patches, transformed along x: (d0 - d2, d1 + d2, d2 - d1, d1 - d3), where
            // dj is column 2t - 1 + j of tile t: even and odd columns of two 32-float loads.
            @inline(__always) func row(_ r: Int) -> (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>) {
                let y = top + r
                let pointer: UnsafeRawPointer
                if inside && y >= 0 && y < height {
                    pointer = UnsafeRawPointer(plane + y * width + left)
                } else {
                    let inRows = y >= 0 && y < height
                    for k in 0..<34 {
                        let x = left + k
                        border[k] = inRows && x >= 0 && x < width ? plane[y * width + x] : 0
                    }
                    pointer = UnsafeRawPointer(border)
                }
                let left = pointer.loadUnaligned(as: SIMD32<Float>.self)
                let right = pointer.loadUnaligned(fromByteOffset: 8, as: SIMD32<Float>.self)
                let d0 = left.evenHalf, d1 = left.oddHalf, d2 = right.evenHalf, d3 = right.oddHalf
                return (d0 - d2, d1 + d2, d2 - d1, d1 - d3)
            }
            let r0 = row(0), r1 = row(1), r2 = row(2), r3 = row(3)
            let base = out + channel * WinogradConvolution.chunkTiles
            @inline(__always) func store(_ position: Int, _ value: SIMD16<Float>) {
                UnsafeMutableRawPointer(base + position * positionStride).storeBytes(of: value, as: SIMD16<Float>.self)
            }
            // Then along y: (r0 - r2, r1 + r2, r2 - r1, r1 - r3), column by column.
            store(0, r0.0 - r2.0); store(1, r0.1 - r2.1); store(2, r0.2 - r2.2); store(3, r0.3 - r2.3)
            store(4, r1.0 + r2.0); store(5, r1.1 + r2.1); store(6, r1.2 + r2.2); store(7, r1.3 + r2.3)
            store(8, r2.0 - r1.0); store(9, r2.1 - r1.1); store(10, r2.2 - r1.2); store(11, r2.3 - r1.3)
            store(12, r1.0 - r3.0); store(13, r1.1 - r3.1); store(14, r1.2 - r3.2); store(15, r1.3 - r3.3)
        }
    }

    /// The same for a group that wraps to the next tile row or runs past the last tile (zeros there),
    /// one tile at a time.
    private func transformInputAcrossRows(firstTile: Int, into out: UnsafeMutablePointer<Float>) {
        let positionStride = inChannels * WinogradConvolution.chunkTiles, planeSize = height * width
        for lane in 0..<16 {
            let tile = firstTile + lane
            for channel in 0..<inChannels {
                let base = out + channel * WinogradConvolution.chunkTiles + lane
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
    private func transformOutput(_ products: UnsafeMutablePointer<SIMD16<Float>>, coBlock: Int, group: Int, firstTile: Int,
                                 rows: UnsafeMutablePointer<SIMD16<Float>>) {
        let block = ConvMicrokernel.outputBlock, vectors = WinogradConvolution.chunkTiles / 16
        for j in 0..<min(block, outChannels - coBlock * block) {
            transformOutput(sums: UnsafeRawPointer(products + j * vectors + group), channel: coBlock * block + j,
                            firstTile: firstTile, rows: rows)
        }
    }

    /// `Aᵀ m A` for one output channel over 16 tiles, then bias and activation; `storeRows` adds the
    /// residual and interleaves the 2x2 outputs back into rows. Position p's 16 sums are at
    /// `sums + p * productBytes`.
    @inline(never)
    private func transformOutput(sums: UnsafeRawPointer, channel: Int, firstTile: Int,
                                 rows: UnsafeMutablePointer<SIMD16<Float>>) {
        let positionBytes = WinogradJob.productBytes
        let bias = SIMD16<Float>(repeating: self.bias[channel]), slope = SIMD16<Float>(repeating: slopes[channel])
        @inline(__always) func m(_ position: Int) -> SIMD16<Float> {
            sums.load(fromByteOffset: position * positionBytes, as: SIMD16<Float>.self)
        }
        // Along y: a = m0 + m1 + m2 and b = m1 - m2 - m3 (rows of the 4x4), then the same along x.
        let a0 = m(0) + m(4) + m(8), a1 = m(1) + m(5) + m(9), a2 = m(2) + m(6) + m(10), a3 = m(3) + m(7) + m(11)
        let b0 = m(4) - m(8) - m(12), b1 = m(5) - m(9) - m(13), b2 = m(6) - m(10) - m(14), b3 = m(7) - m(11) - m(15)
        @inline(__always) func activated(_ v: SIMD16<Float>) -> SIMD16<Float> {
            let biased = v + bias
            return biased.replacing(with: biased * slope, where: biased .< 0)
        }
        // Top row's even and odd columns, then the bottom row's.
        rows[0] = activated(a0 + a1 + a2)
        rows[1] = activated(a1 - a2 - a3)
        rows[2] = activated(b0 + b1 + b2)
        rows[3] = activated(b1 - b2 - b3)
        let tileRow = firstTile / tileColumns, firstColumn = firstTile % tileColumns
        if firstColumn + 16 <= tileColumns && 2 * (firstColumn + 16) <= width && 2 * tileRow + 2 <= height {
            storeRow(rows, channel: channel, row: 2 * tileRow, column: 2 * firstColumn)
            storeRow(rows + 2, channel: channel, row: 2 * tileRow + 1, column: 2 * firstColumn)
        } else {
            storeAcrossRows(rows, channel: channel, firstTile: firstTile)
        }
    }

    /// 32 output pixels of one row from the even (`pair[0]`) and odd (`pair[1]`) columns, the residual
    /// added (in 16-lane halves: arithmetic on SIMD32 compiled to a scalar loop here). Not inlined,
    /// and handed its input through memory: where LLVM could see the arithmetic behind the
    /// interleave, it moved the interleave back onto the loads of the sums and made them gathers.
    @inline(never)
    private func storeRow(_ pair: UnsafePointer<SIMD16<Float>>, channel: Int, row: Int, column: Int) {
        let start = (channel * height + row) * width + column
        let value = interleave(pair[0], pair[1])
        var low = value.lowHalf, high = value.highHalf
        if let residual {
            low += UnsafeRawPointer(residual + start).loadUnaligned(as: SIMD16<Float>.self)
            high += UnsafeRawPointer(residual + start + 16).loadUnaligned(as: SIMD16<Float>.self)
        }
        UnsafeMutableRawPointer(output + start).storeBytes(of: low, as: SIMD16<Float>.self)
        UnsafeMutableRawPointer(output + start + 16).storeBytes(of: high, as: SIMD16<Float>.self)
    }

    /// The 2x2 outputs of 16 tiles one tile at a time, for a group that wraps to the next tile row or
    /// reaches the right or bottom edge (pixels past it are dropped). `rows` as for `storeRow`.
    @inline(never)
    private func storeAcrossRows(_ rows: UnsafePointer<SIMD16<Float>>, channel: Int, firstTile: Int) {
        let values = UnsafeRawPointer(rows).assumingMemoryBound(to: Float.self)
        for lane in 0..<16 where firstTile + lane < tiles {
            let tile = firstTile + lane
            let y = 2 * (tile / tileColumns), x = 2 * (tile % tileColumns)
            for dy in 0..<2 where y + dy < height {
                for dx in 0..<2 where x + dx < width {
                    let index = (channel * height + y + dy) * width + x + dx
                    output[index] = values[(2 * dy + dx) * 16 + lane] + (residual?[index] ?? 0)
                }
            }
        }
    }
}

/// (a0, b0, a1, b1, ...): deinterleaving (`evenHalf`, `oddHalf`) is a rotation of the 5 index bits of
/// 32 lanes, so four of them are its inverse; LLVM folds them into two permutes.
@inline(__always)
func interleave(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD32<Float> {
    @inline(__always) func deinterleave(_ v: SIMD32<Float>) -> SIMD32<Float> { SIMD32(lowHalf: v.evenHalf, highHalf: v.oddHalf) }
    return deinterleave(deinterleave(deinterleave(deinterleave(SIMD32(lowHalf: a, highHalf: b)))))
}
