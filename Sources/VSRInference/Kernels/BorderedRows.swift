import CVSRKernels

/// A frame's channels with a zero row above and below and a zero column left, each row padded for
/// the direct micro-kernel's whole-block reads, so that a 3x3 padding-1 layer's output rows come
/// straight from it with no bounds checks: the streamed chain's input (`StreamingConvolutionChain`,
/// whose rings share this layout) and the band chain's first layer (`convolve`, `WinogradBandChain`),
/// written band by band into a window instead of a whole-frame tensor.
struct BorderedRows {
    let storage: [Float]
    let width, rowStride, planeStride: Int
    /// A 3x3 window's taps from an output row's start: output row y reads bordered rows y ..< y + 3
    /// (image rows y - 1 ... y + 1), from column -1.
    let taps: [Int]

    init(_ input: Tensor, kernelPixels: Int) {
        let height = input.height
        width = input.width
        // Whole blocks of `kernelPixels` covering the width plus the taps' reach of 2, in cache lines.
        rowStride = ((width + kernelPixels - 1) / kernelPixels * kernelPixels + 2 + 15) / 16 * 16
        planeStride = (height + 2) * rowStride
        taps = (0..<9).map { [rowStride] in $0 / 3 * rowStride + $0 % 3 }
        var storage = [Float](repeating: 0, count: input.channels * planeStride + 64)
        let (width, rowStride, planeStride) = (width, rowStride, planeStride)
        storage.withUnsafeMutableBufferPointer { to in
            input.data.withUnsafeBufferPointer { from in
                for c in 0..<input.channels {
                    for y in 0..<height {
                        (to.baseAddress! + c * planeStride + (y + 1) * rowStride + 1)
                            .update(from: from.baseAddress! + (c * height + y) * width, count: width)
                    }
                }
            }
        }
        self.storage = storage
    }

    /// Output rows `rows` of the 3x3 padding-1 `layer`, bias and the piecewise-linear activation
    /// (`slopes`) fused, written through `output` (row y of channel c at `base + c * plane +
    /// placement.offset(row: y, width:)`).
    func convolve(_ layer: Conv2d, slopes: [Float], rows: Range<Int>, into output: RowWindow.MutableView, cpu: CPUKernels) {
        precondition(layer.kernel == 3 && layer.stride == 1 && layer.padding == 1, "bordered rows feed 3x3 padding-1 layers")
        storage.withUnsafeBufferPointer { source in
            layer.packedWeights.withUnsafeBufferPointer { weights in
                layer.bias.withUnsafeBufferPointer { bias in
                    slopes.withUnsafeBufferPointer { slopes in
                        taps.withUnsafeBufferPointer { taps in
                            var args = vsr_conv_args(
                                input: nil, plane_stride: planeStride, taps: taps.baseAddress!, tap_count: 9,
                                in_channels: Int32(layer.inChannels), weights: weights.baseAddress!, bias: bias.baseAddress!,
                                slopes: slopes.baseAddress!, residual: nil, residual_stride: 0, output: nil,
                                output_stride: output.plane, out_channels: Int32(layer.outChannels), pixels: Int32(width),
                                prefetch: Int32(2 * cpu.convPixels), prefetch_output: 0)
                            for y in rows {
                                args.input = source.baseAddress! + y * rowStride
                                args.output = output.base + output.placement.offset(row: y, width: width)
                                cpu.convRow(&args)
                            }
                        }
                    }
                }
            }
        }
    }
}
