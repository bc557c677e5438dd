import Dispatch

/// Optimized elementwise ops over whole tensors, 16 lanes at a time.
enum ElementwiseKernels {
    /// `x * sigmoid(gate)` (the ESA attention), as one pass into a new tensor, threads splitting it.
    static func sigmoidGate(_ x: Tensor, _ gate: Tensor, threads: Int) -> Tensor {
        precondition(x.shape == gate.shape, "sigmoid gate: shapes \(x.shape) and \(gate.shape) differ")
        let count = x.count
        let data = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            let out = UnsafeMutablePointerBox(buffer.baseAddress!)
            x.data.withUnsafeBufferPointer { xs in
                gate.data.withUnsafeBufferPointer { gs in
                    let xp = UnsafePointerBox(xs.baseAddress!), gp = UnsafePointerBox(gs.baseAddress!)
                    // Whole vectors per worker; the last worker also takes the scalar tail.
                    let vectors = count / 16, workers = max(1, min(threads, vectors))
                    DispatchQueue.concurrentPerform(iterations: workers) { worker in
                        let first = vectors * worker / workers * 16, last = vectors * (worker + 1) / workers * 16
                        var i = first
                        while i < last {
                            let xv = UnsafeRawPointer(xp.pointer + i).loadUnaligned(as: SIMD16<Float>.self)
                            let gv = UnsafeRawPointer(gp.pointer + i).loadUnaligned(as: SIMD16<Float>.self)
                            let gated = xv * VectorMath.sigmoid(gv)
                            UnsafeMutableRawPointer(out.pointer + i).storeBytes(of: gated, as: SIMD16<Float>.self)
                            i += 16
                        }
                        if worker == workers - 1 {
                            for j in (vectors * 16)..<count {
                                out.pointer[j] = xp.pointer[j] * Activation.sigmoid.apply(gp.pointer[j], channel: 0)
                            }
                        }
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
