import Dispatch

/// RLFN's ESA resamplings (its 7x7 stride-3 max-pool and its bilinear resize back to the frame) as
/// separable passes over raw pointers, threads splitting the channels. The reference ops
/// (`ReferenceOps.maxPool2d`, `ReferenceOps.resizeBilinear`) index every tap of every output pixel
/// through subscripts on one thread, and took 2.4% of an RLFN-S forward pass on one thread (`perf`,
/// 320x180), more on two where they were the serial part. Both give exactly the reference's values:
/// a maximum does not depend on the order it is taken in, and the resize combines the same products
/// in the same order (a row's two taps along x, then the two rows).
enum ResamplingKernels {
    /// `ReferenceOps.maxPool2d`: the maximum over each `kernel` x `kernel` window, `stride` apart,
    /// no padding. Each input row is reduced along x once (a window's maximum over its columns),
    /// then `kernel` such rows along y.
    static func maxPool(_ input: Tensor, kernel: Int, stride: Int, threads: Int) -> Tensor {
        let outHeight = (input.height - kernel) / stride + 1, outWidth = (input.width - kernel) / stride + 1
        precondition(outHeight > 0 && outWidth > 0, "max_pool2d input \(input.height)x\(input.width) is smaller than \(kernel)")
        let width = input.width, rows = (outHeight - 1) * stride + kernel
        var output = Tensor.uninitialized(channels: input.channels, height: outHeight, width: outWidth)
        forEachChannel(of: input, into: &output, threads: threads, scratch: rows * outWidth) { source, out, rowMaxima in
            for y in 0..<rows {
                let row = source + y * width, maxima = rowMaxima + y * outWidth
                for x in 0..<outWidth {
                    var best = -Float.infinity
                    for k in 0..<kernel { best = max(best, row[x * stride + k]) }
                    maxima[x] = best
                }
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

    /// `ReferenceOps.resizeBilinear(_:rows:columns:)`: every input row blended along x once (the
    /// column taps), then each output row blended from its two rows along y.
    static func resizeBilinear(_ input: Tensor, rows ys: BilinearTaps, columns xs: BilinearTaps, threads: Int) -> Tensor {
        let outHeight = ys.index0.count, outWidth = xs.index0.count, width = input.width, height = input.height
        var output = Tensor.uninitialized(channels: input.channels, height: outHeight, width: outWidth)
        guard outHeight > 0 && outWidth > 0 else { return output }
        xs.index0.withUnsafeBufferPointer { x0 in
            xs.index1.withUnsafeBufferPointer { x1 in
                xs.weight0.withUnsafeBufferPointer { wx0 in
                    xs.weight1.withUnsafeBufferPointer { wx1 in
                        let columns = ColumnTaps(
                            index0: UnsafePointerBox(x0.baseAddress!), index1: UnsafePointerBox(x1.baseAddress!),
                            weight0: UnsafePointerBox(wx0.baseAddress!), weight1: UnsafePointerBox(wx1.baseAddress!))
                        forEachChannel(of: input, into: &output, threads: threads, scratch: height * outWidth) { source, out, blended in
                            for y in 0..<height {
                                let row = source + y * width, target = blended + y * outWidth
                                for x in 0..<outWidth {
                                    target[x] =
                                        columns.weight0.pointer[x] * row[columns.index0.pointer[x]]
                                        + columns.weight1.pointer[x] * row[columns.index1.pointer[x]]
                                }
                            }
                            for y in 0..<outHeight {
                                let top = blended + ys.index0[y] * outWidth, bottom = blended + ys.index1[y] * outWidth
                                let w0 = ys.weight0[y], w1 = ys.weight1[y], target = out + y * outWidth
                                for x in 0..<outWidth { target[x] = w0 * top[x] + w1 * bottom[x] }
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    /// A resize's column taps as raw pointers, shared read-only by the workers.
    private struct ColumnTaps: @unchecked Sendable {
        let index0, index1: UnsafePointerBox<Int>
        let weight0, weight1: UnsafePointerBox<Float>
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
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
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
