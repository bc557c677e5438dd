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
