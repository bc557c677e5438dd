/// Optimized elementwise ops over whole tensors, 16 lanes at a time.
enum ElementwiseKernels {
    /// `x * sigmoid(gate)` (the ESA attention), as one pass.
    static func sigmoidGate(_ x: Tensor, _ gate: Tensor) -> Tensor {
        precondition(x.shape == gate.shape, "sigmoid gate: shapes \(x.shape) and \(gate.shape) differ")
        var out = x
        out.data.withUnsafeMutableBufferPointer { o in
            gate.data.withUnsafeBufferPointer { g in
                let count = o.count, vectorEnd = count / 16 * 16
                var i = 0
                while i < vectorEnd {
                    let xv = UnsafeRawPointer(o.baseAddress! + i).loadUnaligned(as: SIMD16<Float>.self)
                    let gv = UnsafeRawPointer(g.baseAddress! + i).loadUnaligned(as: SIMD16<Float>.self)
                    UnsafeMutableRawPointer(o.baseAddress! + i).storeBytes(of: xv * VectorMath.sigmoid(gv), as: SIMD16<Float>.self)
                    i += 16
                }
                while i < count {
                    o[i] *= Activation.sigmoid.apply(g[i], channel: 0)
                    i += 1
                }
            }
        }
        return out
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
