/// A small tensor and the bilinear taps that resize it to a frame (RLFN's ESA: its pooled context
/// back to the block's size), resized in two separable passes that give exactly
/// `ReferenceOps.resizeBilinear`'s values, the same products summed in the same order: every
/// source row blended along x once (`blendedColumns`), then each output row from its two blended
/// rows (`blendRows`). The second pass takes any run of output pixels, so that the attention gate's
/// pass (`AttentionGatePass`) resizes its own blocks' pixels where it reads them, and the frame-sized
/// result is never stored.
public struct BilinearUpsample: Sendable {
    public let source: Tensor
    /// One tap pair per output row and per output column.
    public let rows: BilinearTaps, columns: BilinearTaps

    public init(source: Tensor, rows: BilinearTaps, columns: BilinearTaps) {
        precondition(
            [rows.index0, rows.index1].allSatisfy { $0.allSatisfy((0..<source.height).contains) }
                && [columns.index0, columns.index1].allSatisfy { $0.allSatisfy((0..<source.width).contains) },
            "bilinear taps reach outside the \(source.width)x\(source.height) source")
        self.source = source
        self.rows = rows
        self.columns = columns
    }

    public var height: Int { rows.index0.count }
    public var width: Int { columns.index0.count }

    /// The naive op.
    func reference() -> Tensor { ReferenceOps.resizeBilinear(source, rows: rows, columns: columns) }

    /// Every source row of every channel blended along x: row r of channel c at `(c * source.height + r) * width`.
    func blendedColumns() -> [Float] {
        let sourceWidth = source.width, width = self.width, sourceRows = source.channels * source.height
        return [Float](unsafeUninitializedCapacity: sourceRows * width) { blended, count in
            source.data.withUnsafeBufferPointer { input in
                columns.index0.withUnsafeBufferPointer { index0 in
                    columns.index1.withUnsafeBufferPointer { index1 in
                        columns.weight0.withUnsafeBufferPointer { weight0 in
                            columns.weight1.withUnsafeBufferPointer { weight1 in
                                for r in 0..<sourceRows {
                                    let row = input.baseAddress! + r * sourceWidth, target = blended.baseAddress! + r * width
                                    for x in 0..<width {
                                        target[x] = weight0[x] * row[index0[x]] + weight1[x] * row[index1[x]]
                                    }
                                }
                            }
                        }
                    }
                }
            }
            count = sourceRows * width
        }
    }

    /// Output pixels `pixels` of `channel` (numbered row by row, `width` to a row) from `blended`
    /// (`blendedColumns`), into `out[0 ..< pixels.count]`.
    func blendRows(_ blended: UnsafePointer<Float>, channel: Int, pixels: Range<Int>, into out: UnsafeMutablePointer<Float>) {
        let width = self.width, planeRows = blended + channel * source.height * width
        var pixel = pixels.lowerBound
        while pixel < pixels.upperBound {
            let y = pixel / width, x = pixel % width, count = min(pixels.upperBound - pixel, width - x)
            let top = planeRows + rows.index0[y] * width + x, bottom = planeRows + rows.index1[y] * width + x
            let w0 = rows.weight0[y], w1 = rows.weight1[y], target = out + (pixel - pixels.lowerBound)
            for i in 0..<count { target[i] = w0 * top[i] + w1 * bottom[i] }
            pixel += count
        }
    }

    /// `blendRows` for every channel: channel c's pixels at `out + c * channelStride`.
    func blendRows(_ blended: UnsafePointer<Float>, pixels: Range<Int>, into out: UnsafeMutablePointer<Float>, channelStride: Int) {
        for channel in 0..<source.channels {
            blendRows(blended, channel: channel, pixels: pixels, into: out + channel * channelStride)
        }
    }
}
