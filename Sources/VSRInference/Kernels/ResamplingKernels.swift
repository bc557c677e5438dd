import Dispatch

/// RLFN's ESA resamplings (its 7x7 stride-3 max-pool and its bilinear resize back to the frame) as
/// separable passes over raw pointers: the max-pool's threads split the channels, the resize's its
/// output rows. The reference ops (`ReferenceOps.maxPool2d`, `ReferenceOps.resizeBilinear`) index
/// every tap of every output pixel through subscripts on one thread, and took 2.4% of an RLFN-S
/// forward pass on one thread (`perf`, 320x180), more on two where they were the serial part. Both
/// give exactly the reference's values: a maximum does not depend on the order it is taken in, and
/// the resize combines the same products in the same order (`BilinearUpsample`).
enum ResamplingKernels {
    /// `ReferenceOps.maxPool2d`: the maximum over each `kernel` x `kernel` window, `stride` apart,
    /// no padding. Each input row is reduced along x once, then `kernel` such rows along y. Along x
    /// the windows' maxima come from windows doubling in width (each column's maximum over 2, 4, ...
    /// columns from it, `kernel` covered by two overlapping ones): a few passes of plain elementwise
    /// maxima over the row, which vectorize, where a strided window per output column did not. RLFN-S
    /// x2 at 320x180 (six 7x7 stride-3 pools of 16 x 89 x 159), one thread, AMD EPYC Zen 4: 1.74 ms
    /// a frame with a window per column, 1.21 with doubling windows copied back after each pass, 0.77
    /// with the passes alternating between two scratch rows (`vsr-kernel-bench model --by-operation`).
    static func maxPool(_ input: Tensor, kernel: Int, stride: Int, threads: Int) -> Tensor {
        let outHeight = (input.height - kernel) / stride + 1, outWidth = (input.width - kernel) / stride + 1
        precondition(outHeight > 0 && outWidth > 0, "max_pool2d input \(input.height)x\(input.width) is smaller than \(kernel)")
        let width = input.width, rows = (outHeight - 1) * stride + kernel
        // The widest power of two within the kernel: two windows that wide, `kernel - widest` apart, cover it.
        let widest = 1 << (Int.bitWidth - 1 - max(kernel, 1).leadingZeroBitCount)
        var output = Tensor.uninitialized(channels: input.channels, height: outHeight, width: outWidth)
        // Each worker's scratch: the rows' maxima along x, then two rows for the doubling windows.
        forEachChannel(of: input, into: &output, threads: threads, scratch: rows * outWidth + 2 * width) {
            source, out, rowMaxima in
            for y in 0..<rows {
                let row = source + y * width, maxima = rowMaxima + y * outWidth
                // windows[i]: the maximum of columns i ..< i + span, for i ..< width - span + 1; each
                // pass writes the wider windows into the scratch row the last one did not.
                var span = 1, windows = row, next = rowMaxima + rows * outWidth, spare = next + width
                while span < widest {
                    for i in 0...(width - 2 * span) { next[i] = max(windows[i], windows[i + span]) }
                    windows = UnsafePointer(next)
                    swap(&next, &spare)
                    span *= 2
                }
                let offset = kernel - span
                for x in 0..<outWidth { maxima[x] = max(windows[x * stride], windows[x * stride + offset]) }
            }
            for y in 0..<outHeight {
                let first = rowMaxima + y * stride * outWidth, target = out + y * outWidth
                for x in 0..<outWidth { target[x] = first[x] }
                for k in 1..<max(kernel, 1) {
                    let maxima = first + k * outWidth
                    for x in 0..<outWidth { target[x] = max(target[x], maxima[x]) }
                }
            }
        }
        return output
    }

    /// `ReferenceOps.resizeBilinear(_:rows:columns:)` by `BilinearUpsample`'s two passes: the
    /// source's rows blended along x on the calling thread (a pooled context of a few rows), then
    /// the output rows, threads claiming them from their ends (`WorkQueue`), as the attention gate's
    /// pass that reads them claims its pixels. Split by channels, the two threads' halves of every
    /// row had crossed between their cores.
    static func resizeBilinear(_ input: Tensor, rows: BilinearTaps, columns: BilinearTaps, threads: Int) -> Tensor {
        upsample(BilinearUpsample(source: input, rows: rows, columns: columns), threads: threads)
    }

    /// `upsample` resized whole, as `resizeBilinear` describes: the kernel table's resize, and the
    /// gate's fallback for layers its pass does not take.
    static func upsample(_ upsample: BilinearUpsample, threads: Int) -> Tensor {
        let channels = upsample.source.channels, height = upsample.height, width = upsample.width
        var output = Tensor.uninitialized(channels: channels, height: height, width: width)
        guard height > 0 && width > 0 else { return output }
        let blended = upsample.blendedColumns()
        blended.withUnsafeBufferPointer { blendedBuffer in
            output.data.withUnsafeMutableBufferPointer { outBuffer in
                let from = UnsafePointerBox(blendedBuffer.baseAddress!), out = UnsafeMutablePointerBox(outBuffer.baseAddress!)
                WorkQueue(count: height, workers: max(1, min(threads, height))).run { queue in
                    while let claimed = queue.claim() {
                        let pixels = (claimed.lowerBound * width)..<(claimed.upperBound * width)
                        upsample.blendRows(
                            from.pointer, pixels: pixels, into: out.pointer + pixels.lowerBound, channelStride: height * width)
                    }
                }
            }
        }
        return output
    }

    /// Runs `body(input plane, output plane, scratch)` for every channel, the channels split among
    /// up to `threads` workers, each with `scratch` floats of its own.
    private static func forEachChannel(
        of input: Tensor, into output: inout Tensor, threads: Int, scratch: Int,
        _ body: @Sendable (UnsafePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void
    ) {
        let channels = input.channels, inPlane = input.planeSize, outPlane = output.planeSize
        let workers = max(1, min(threads, channels))
        input.data.withUnsafeBufferPointer { inBuffer in
            output.data.withUnsafeMutableBufferPointer { outBuffer in
                let source = UnsafePointerBox(inBuffer.baseAddress!), target = UnsafeMutablePointerBox(outBuffer.baseAddress!)
                ForkJoinPool.shared.perform(iterations: workers) { worker in
                    let buffer = UnsafeMutablePointer<Float>.allocate(capacity: max(scratch, 1))
                    defer { buffer.deallocate() }
                    for channel in (channels * worker / workers)..<(channels * (worker + 1) / workers) {
                        body(source.pointer + channel * inPlane, target.pointer + channel * outPlane, buffer)
                    }
                }
            }
        }
    }
}
