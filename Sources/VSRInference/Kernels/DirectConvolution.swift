import Dispatch

/// Direct convolution for stride-1 "same" convolutions (3x3 padding 1, 1x1 padding 0), with bias,
/// a piecewise-linear activation and a residual add fused into the store.
///
/// For a 3x3 layer the input is copied once into a zero-bordered planar layout (rows padded to whole
/// micro-kernel blocks plus slack, planes offset off 4 KiB multiples to avoid cache aliasing), so the
/// inner loop needs no bounds checks: borders read zeros, as PyTorch's zero padding does. A 1x1 layer
/// reads its input in place (`runPointwise`). Weights are packed per block of 4 output channels.
/// Threads split the rows (3x3) or the pixel chunks (1x1).
enum DirectConvolution {
    static func run(_ layer: Conv2d, _ input: Tensor, activation: Activation, residual: Tensor?,
                    threads: Int) -> Tensor {
        if layer.kernel == 1 && layer.padding == 0 {
            return runPointwise(layer, input, activation: activation, residual: residual, threads: threads)
        }
        let kernelRows = ConvMicrokernel.rows, kernelPixels = ConvMicrokernel.pixels
        let block = ConvMicrokernel.outputBlock
        let height = input.height, width = input.width
        let rowBlocks = (height + kernelRows - 1) / kernelRows
        let chunks = (width + kernelPixels - 1) / kernelPixels
        let rowStride = chunks * kernelPixels + 16
        var planeStride = (rowBlocks * kernelRows + 2) * rowStride
        if (planeStride * 4) % 4096 == 0 { planeStride += 16 }

        let workers = max(1, min(threads, rowBlocks))
        let padded = pad(input, rowStride: rowStride, planeStride: planeStride, workers: workers)
        let packed = layer.packedWeights
        let taps = tapOffsets(layer, rowStride: rowStride)
        let outChannels = layer.outChannels
        var output = Tensor.uninitialized(channels: outChannels, height: height, width: width)
        let slopes = activation.negativeSlopes(channels: outChannels)
        let coBlocks = (outChannels + block - 1) / block

        padded.withUnsafeBufferPointer { paddedBuffer in
        packed.withUnsafeBufferPointer { weightBuffer in
        taps.withUnsafeBufferPointer { tapBuffer in
        layer.bias.withUnsafeBufferPointer { biasBuffer in
        output.data.withUnsafeMutableBufferPointer { outBuffer in
            let residualCopy = residual?.data
            residualCopy.withUnsafeOptionalBuffer { residualBuffer in
                let job = ConvJob(
                    padded: paddedBuffer.baseAddress!, weights: weightBuffer.baseAddress!, taps: tapBuffer.baseAddress!,
                    tapCount: taps.count, bias: biasBuffer.baseAddress!, output: outBuffer.baseAddress!,
                    residual: slopes == nil ? nil : residualBuffer, slopes: slopes, inChannels: layer.inChannels, outChannels: outChannels,
                    height: height, width: width, rowStride: rowStride, planeStride: planeStride,
                    coBlocks: coBlocks)
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    let first = rowBlocks * worker / workers, last = rowBlocks * (worker + 1) / workers
                    job.compute(rowBlocks: first..<last, chunks: 0..<chunks)
                }
            }
        }}}}}
        finishSmoothActivation(&output, activation, residual: residual)
        return output
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
    private static func runPointwise(_ layer: Conv2d, _ input: Tensor, activation: Activation, residual: Tensor?,
                                     threads: Int) -> Tensor {
        let pixels = input.planeSize, chunkPixels = ConvMicrokernel.pixels, block = ConvMicrokernel.outputBlock
        let fullChunks = pixels / chunkPixels
        let outChannels = layer.outChannels, inChannels = layer.inChannels
        var output = Tensor.uninitialized(channels: outChannels, height: input.height, width: input.width)
        let slopes = activation.negativeSlopes(channels: outChannels)
        let workers = max(1, min(threads, fullChunks))
        input.data.withUnsafeBufferPointer { inputBuffer in
        layer.packedWeights.withUnsafeBufferPointer { weightBuffer in
        [0].withUnsafeBufferPointer { tapBuffer in
        layer.bias.withUnsafeBufferPointer { biasBuffer in
        output.data.withUnsafeMutableBufferPointer { outBuffer in
            (residual?.data).withUnsafeOptionalBuffer { residualBuffer in
                let job = ConvJob(
                    padded: inputBuffer.baseAddress!, weights: weightBuffer.baseAddress!, taps: tapBuffer.baseAddress!,
                    tapCount: 1, bias: biasBuffer.baseAddress!, output: outBuffer.baseAddress!,
                    residual: slopes == nil ? nil : residualBuffer, slopes: slopes,
                    inChannels: inChannels, outChannels: outChannels, height: 1, width: pixels, rowStride: pixels, planeStride: pixels,
                    coBlocks: (outChannels + block - 1) / block)
                if fullChunks > 0 {
                    DispatchQueue.concurrentPerform(iterations: workers) { worker in
                        let chunks = (fullChunks * worker / workers)..<(fullChunks * (worker + 1) / workers)
                        job.compute(rowBlocks: 0..<1, chunks: chunks)
                    }
                }
                for pixel in (fullChunks * chunkPixels)..<pixels {
                    for co in 0..<outChannels {
                        var sum = biasBuffer[co]
                        for ci in 0..<inChannels { sum += layer.weight[co * inChannels + ci] * inputBuffer[ci * pixels + pixel] }
                        if let slopes {
                            if sum < 0 { sum *= slopes[co] }
                            sum += residualBuffer?[co * pixels + pixel] ?? 0
                        }
                        outBuffer[co * pixels + pixel] = sum
                    }
                }
            }
        }}}}}
        finishSmoothActivation(&output, activation, residual: residual)
        return output
    }

    /// A 3x3 stride-2 convolution without padding (RLFN's ESA): output (y, x) is the stride-1
    /// "same" convolution at (2y + 1, 2x + 1), so the fast kernel computes that and every second
    /// pixel is kept. Four times the arithmetic of a direct strided kernel, on a small layer.
    static func runStrided(_ layer: Conv2d, _ input: Tensor, activation: Activation, residual: Tensor?,
                           threads: Int) -> Tensor {
        let same = Conv2d(inChannels: layer.inChannels, outChannels: layer.outChannels, kernel: 3, stride: 1, padding: 1,
                          weight: layer.weight, bias: layer.bias)
        let full = run(same, input, activation: .identity, residual: nil, threads: threads)
        let size = layer.outputSize(height: input.height, width: input.width)
        var out = Tensor(channels: layer.outChannels, height: size.height, width: size.width)
        for c in 0..<layer.outChannels {
            for y in 0..<size.height {
                for x in 0..<size.width { out[c, y, x] = full[c, 2 * y + 1, 2 * x + 1] }
            }
        }
        out = ReferenceOps.activate(out, activation)
        if let residual { out = ReferenceOps.add(out, residual) }
        return out
    }

    /// The zero-bordered planar copy: image pixel (c, y, x) at `c * planeStride + (y + 1) * rowStride + x + 1`,
    /// zeros everywhere else. Workers pad whole planes; nothing is written twice.
    static func pad(_ input: Tensor, rowStride: Int, planeStride: Int, workers: Int) -> [Float] {
        let total = input.channels * planeStride + 64
        return [Float](unsafeUninitializedCapacity: total) { buffer, count in
            let out = UnsafeMutablePointerBox(buffer.baseAddress!)
            let channels = input.channels, height = input.height, width = input.width
            input.data.withUnsafeBufferPointer { source in
                let from = UnsafePointerBox(source.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    for c in (channels * worker / workers)..<(channels * (worker + 1) / workers) {
                        let plane = out.pointer + c * planeStride
                        plane.initialize(repeating: 0, count: rowStride)
                        for y in 0..<height {
                            let row = plane + (y + 1) * rowStride
                            row.initialize(to: 0)
                            (row + 1).initialize(from: from.pointer + (c * height + y) * width, count: width)
                            (row + 1 + width).initialize(repeating: 0, count: rowStride - width - 1)
                        }
                        (plane + (height + 1) * rowStride).initialize(repeating: 0, count: planeStride - (height + 1) * rowStride)
                    }
                }
            }
            (out.pointer + channels * planeStride).initialize(repeating: 0, count: 64)
            count = total
        }
    }

    /// [coBlock][inChannel][tap][4 output channels], zero for channels past the last.
    static func packWeights(_ weight: [Float], inChannels: Int, outChannels: Int, kernel: Int) -> [Float] {
        let block = ConvMicrokernel.outputBlock
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

/// One convolution's pointers and sizes, shared read-only by the worker threads; each worker
/// writes only its own rows of `output`.
private struct ConvJob: @unchecked Sendable {
    let padded: UnsafePointer<Float>
    let weights: UnsafePointer<Float>
    let taps: UnsafePointer<Int>
    let tapCount: Int
    let bias: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let residual: UnsafePointer<Float>?
    let slopes: [Float]?
    let inChannels, outChannels, height, width, rowStride, planeStride, coBlocks: Int

    func compute(rowBlocks: Range<Int>, chunks: Range<Int>) {
        let rows = ConvMicrokernel.rows, pixels = ConvMicrokernel.pixels, block = ConvMicrokernel.outputBlock
        let vectors = pixels / 16
        let result = UnsafeMutablePointer<SIMD16<Float>>.allocate(capacity: block * rows * vectors)
        defer { result.deallocate() }
        let weightsPerBlock = inChannels * tapCount * block
        for rowBlock in rowBlocks {
            let y0 = rowBlock * rows
            for chunk in chunks {
                let x0 = chunk * pixels
                let origin = padded + y0 * rowStride + x0
                for coBlock in 0..<coBlocks {
                    ConvMicrokernel.accumulate(input: origin, planeStride: planeStride, rowStride: rowStride,
                                               taps: taps, tapCount: tapCount, inChannels: inChannels,
                                               weights: weights + coBlock * weightsPerBlock, result: result)
                    store(result, coBlock: coBlock, y0: y0, x0: x0)
                }
            }
        }
    }

    /// Adds bias, applies the activation and the residual, and writes the valid part of the block.
    @inline(__always)
    private func store(_ result: UnsafeMutablePointer<SIMD16<Float>>, coBlock: Int, y0: Int, x0: Int) {
        let rows = ConvMicrokernel.rows, vectors = ConvMicrokernel.pixels / 16, block = ConvMicrokernel.outputBlock
        for j in 0..<block {
            let co = coBlock * block + j
            guard co < outChannels else { return }
            let bias = SIMD16<Float>(repeating: self.bias[co])
            let slope = slopes.map { SIMD16<Float>(repeating: $0[co]) }
            for r in 0..<rows {
                let y = y0 + r
                guard y < height else { break }
                let rowStart = (co * height + y) * width
                for s in 0..<vectors {
                    let x = x0 + 16 * s
                    let valid = min(16, width - x)
                    guard valid > 0 else { break }
                    var v = result[(j * rows + r) * vectors + s] + bias
                    if let slope { v = v.replacing(with: v * slope, where: v .< 0) }
                    let to = output + rowStart + x
                    if valid == 16 {
                        if let residual { v += UnsafeRawPointer(residual + rowStart + x).loadUnaligned(as: SIMD16<Float>.self) }
                        UnsafeMutableRawPointer(to).storeBytes(of: v, as: SIMD16<Float>.self)
                    } else {
                        for lane in 0..<valid { to[lane] = v[lane] + (residual?[rowStart + x + lane] ?? 0) }
                    }
                }
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
