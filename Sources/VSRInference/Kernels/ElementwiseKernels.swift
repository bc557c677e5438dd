import Dispatch

/// Optimized elementwise ops over whole tensors, 16 lanes at a time.
enum ElementwiseKernels {
    /// `x * sigmoid(gate)` (the ESA attention), as one pass into a new tensor by `cpu`'s kernel,
    /// threads splitting it in whole vectors.
    static func sigmoidGate(_ x: Tensor, _ gate: Tensor, threads: Int, cpu: CPUKernels) -> Tensor {
        precondition(x.shape == gate.shape, "sigmoid gate: shapes \(x.shape) and \(gate.shape) differ")
        let count = x.count
        let data = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            let out = UnsafeMutablePointerBox(buffer.baseAddress!)
            x.data.withUnsafeBufferPointer { xs in
                gate.data.withUnsafeBufferPointer { gs in
                    let xp = UnsafePointerBox(xs.baseAddress!), gp = UnsafePointerBox(gs.baseAddress!)
                    // Whole vectors per worker; the last worker also takes the tail.
                    let vectors = count / 16, workers = max(1, min(threads, vectors))
                    ForkJoinPool.shared.perform(iterations: workers) { worker in
                        let first = vectors * worker / workers * 16
                        let last = worker == workers - 1 ? count : vectors * (worker + 1) / workers * 16
                        cpu.sigmoidGate(xp.pointer + first, gp.pointer + first, out.pointer + first, last - first)
                    }
                }
            }
            initialized = count
        }
        return Tensor(channels: x.channels, height: x.height, width: x.width, data: data)
    }

    /// `nn.PixelShuffle(r)` ([C*r*r, H, W] -> [C, H*r, W*r]), adding `skip` ([C, H, W])
    /// nearest-upsampled when given (PlainSR's global skip), in one pass into `window`'s kept part
    /// with threads splitting its rows. The layer-by-layer path had built the skip as r*r copies of
    /// the input, added it in the last convolution and shuffled on one thread (`vsr bench repsr-y-x4`
    /// at 960x540 on two threads: 170-177 -> 154-161 ms a frame, AMD EPYC family 23, AVX2). Sums
    /// equal the reference's (one add per value).
    static func pixelShuffle(_ input: Tensor, factor r: Int, adding skip: Tensor?, threads: Int, into window: OutputWindow) {
        precondition(input.channels % (r * r) == 0, "pixel shuffle needs channels divisible by \(r * r)")
        let channels = input.channels / (r * r), height = input.height, width = input.width
        if let skip { precondition(skip.shape == [channels, height, width], "pixel shuffle: skip \(skip.shape) for \(input.shape)") }
        precondition(
            window.kept.x >= 0 && window.kept.y >= 0 && window.columns.upperBound <= width * r && window.rows.upperBound <= height * r,
            "pixel shuffle: window \(window.kept) outside the \(width * r)x\(height * r) result")
        let keptRows = window.rows, rows = channels * keptRows.count
        input.data.withUnsafeBufferPointer { inputs in
            (skip?.data).withUnsafeOptionalBuffer { skips in
                let source = UnsafePointerBox(inputs.baseAddress!)
                let skipBase = skips.map(UnsafePointerBox.init)
                let workers = max(1, min(threads, rows))
                ForkJoinPool.shared.perform(iterations: workers) { worker in
                    for index in (rows * worker / workers)..<(rows * (worker + 1) / workers) {
                        let c = index / keptRows.count, row = keptRows.lowerBound + index % keptRows.count, y = row / r
                        window.write(row: row, channel: c) {
                            shuffleRow(
                                source.pointer + (c * r * r + row % r * r) * height * width + y * width, channelStride: height * width,
                                width: width, factor: r, adding: skipBase.map { $0.pointer + (c * height + y) * width }, into: $0,
                                columns: window.columns)
                        }
                    }
                }
            }
        }
    }

    /// One row of a pixel shuffle's result: the r channel rows at `source`, `channelStride` apart
    /// (sub-pixel columns 0..<r of the row), interleaved, each plus `skip` when given, stored for
    /// result columns `columns` only, from `destination` on. The row is written in order, r values
    /// per input column (for r of 2 and 4, loops the compiler vectorizes); the kept columns' partial
    /// groups at either end one by one.
    static func shuffleRow(
        _ source: UnsafePointer<Float>, channelStride: Int, width: Int, factor r: Int, adding skip: UnsafePointer<Float>?,
        into destination: UnsafeMutablePointer<Float>, columns: Range<Int>
    ) {
        let to = destination - columns.lowerBound
        // The input columns whose r result columns are all kept.
        let firstWhole = min(width, (columns.lowerBound + r - 1) / r)
        let whole = firstWhole..<max(firstWhole, min(width, columns.upperBound / r))
        func single(_ column: Int) {
            let x = column / r, value = source[column % r * channelStride + x]
            to[column] = skip.map { value + $0[x] } ?? value
        }
        for column in columns.lowerBound..<min(columns.upperBound, whole.lowerBound * r) { single(column) }
        for column in max(columns.lowerBound, min(columns.upperBound, whole.upperBound * r))..<columns.upperBound { single(column) }
        let s0 = source, s1 = source + channelStride, s2 = source + 2 * channelStride, s3 = source + 3 * channelStride
        switch (r, skip) {
        case (2, nil):
            for x in whole {
                to[2 * x] = s0[x]
                to[2 * x + 1] = s1[x]
            }
        case (2, let add?):
            for x in whole {
                to[2 * x] = s0[x] + add[x]
                to[2 * x + 1] = s1[x] + add[x]
            }
        case (4, nil):
            for x in whole {
                to[4 * x] = s0[x]
                to[4 * x + 1] = s1[x]
                to[4 * x + 2] = s2[x]
                to[4 * x + 3] = s3[x]
            }
        case (4, let add?):
            for x in whole {
                to[4 * x] = s0[x] + add[x]
                to[4 * x + 1] = s1[x] + add[x]
                to[4 * x + 2] = s2[x] + add[x]
                to[4 * x + 3] = s3[x] + add[x]
            }
        default:
            for x in whole {
                for j in 0..<r { single(x * r + j) }
            }
        }
    }

    /// Applies a smooth activation (SiLU, sigmoid, tanh) in place, vectorized where it can.
    static func activate(_ tensor: inout Tensor, _ activation: Activation) {
        let planeSize = tensor.planeSize
        tensor.data.withUnsafeMutableBufferPointer { o in
            let count = o.count
            var i = 0
            if case .sigmoid = activation {
                while i + 16 <= count {
                    let v = UnsafeRawPointer(o.baseAddress! + i).loadUnaligned(as: SIMD16<Float>.self)
                    UnsafeMutableRawPointer(o.baseAddress! + i).storeBytes(of: VectorMath.sigmoid(v), as: SIMD16<Float>.self)
                    i += 16
                }
            } else if case .silu = activation {
                while i + 16 <= count {
                    let v = UnsafeRawPointer(o.baseAddress! + i).loadUnaligned(as: SIMD16<Float>.self)
                    UnsafeMutableRawPointer(o.baseAddress! + i).storeBytes(of: v * VectorMath.sigmoid(v), as: SIMD16<Float>.self)
                    i += 16
                }
            }
            while i < count {
                o[i] = activation.apply(o[i], channel: i / planeSize)
                i += 1
            }
        }
    }
}
