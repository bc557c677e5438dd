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
                    DispatchQueue.concurrentPerform(iterations: workers) { worker in
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
    /// nearest-upsampled when given (PlainSR's global skip), in one pass with threads splitting the
    /// output rows. The layer-by-layer path had built the skip as r*r copies of the input, added it
    /// in the last convolution and shuffled on one thread (`vsr bench repsr-y-x4` at 960x540 on two
    /// threads: 170-177 -> 154-161 ms a frame, AMD EPYC family 23, AVX2). Sums equal the
    /// reference's (one add per value).
    static func pixelShuffle(_ input: Tensor, factor r: Int, adding skip: Tensor?, threads: Int) -> Tensor {
        precondition(input.channels % (r * r) == 0, "pixel shuffle needs channels divisible by \(r * r)")
        let channels = input.channels / (r * r), height = input.height, width = input.width
        if let skip { precondition(skip.shape == [channels, height, width], "pixel shuffle: skip \(skip.shape) for \(input.shape)") }
        let outWidth = width * r, rows = channels * height * r, count = rows * outWidth
        let data = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            let out = UnsafeMutablePointerBox(buffer.baseAddress!)
            input.data.withUnsafeBufferPointer { inputs in
                (skip?.data).withUnsafeOptionalBuffer { skips in
                    let source = UnsafePointerBox(inputs.baseAddress!)
                    let skipBase = skips.map(UnsafePointerBox.init)
                    let workers = max(1, min(threads, rows))
                    DispatchQueue.concurrentPerform(iterations: workers) { worker in
                        for row in (rows * worker / workers)..<(rows * (worker + 1) / workers) {
                            let c = row / (height * r), y = row / r % height, i = row % r
                            let destination = out.pointer + row * outWidth
                            for j in 0..<r {
                                let from = source.pointer + ((c * r * r + i * r + j) * height + y) * width
                                if let skipBase {
                                    let add = skipBase.pointer + (c * height + y) * width
                                    for x in 0..<width { destination[x * r + j] = from[x] + add[x] }
                                } else {
                                    for x in 0..<width { destination[x * r + j] = from[x] }
                                }
                            }
                        }
                    }
                }
            }
            initialized = count
        }
        return Tensor(channels: channels, height: height * r, width: outWidth, data: data)
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
