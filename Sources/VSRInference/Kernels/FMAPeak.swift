import Dispatch

/// Measures this machine's fp32 FMA throughput with the same compiler flags as the kernels: 16
/// independent chains of 16-wide fused multiply-adds per thread (enough to cover FMA latency on
/// two pipes), run on `threads` threads at once.
public enum FMAPeak {
    /// GFLOP/s (2 FLOP per FMA lane) over about `seconds`.
    public static func measure(threads: Int, seconds: Double = 0.3) -> Double {
        let iterations = 2_000_000
        var best = 0.0
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        repeat {
            let start = DispatchTime.now().uptimeNanoseconds
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                blackHole(chains(iterations))
            }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let flops = Double(threads) * Double(iterations) * 16 * 16 * 2
            best = max(best, flops / elapsed / 1e9)
        } while DispatchTime.now().uptimeNanoseconds < deadline
        return best
    }

    @inline(never)
    private static func chains(_ iterations: Int) -> Float {
        let m = SIMD16<Float>(repeating: 0.999_999), c = SIMD16<Float>(repeating: 1e-7)
        var a0 = SIMD16<Float>(repeating: 1), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0
        var a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0, a14 = a0, a15 = a0
        for _ in 0..<iterations {
            a0 = c.addingProduct(a0, m); a1 = c.addingProduct(a1, m); a2 = c.addingProduct(a2, m)
            a3 = c.addingProduct(a3, m); a4 = c.addingProduct(a4, m); a5 = c.addingProduct(a5, m)
            a6 = c.addingProduct(a6, m); a7 = c.addingProduct(a7, m); a8 = c.addingProduct(a8, m)
            a9 = c.addingProduct(a9, m); a10 = c.addingProduct(a10, m); a11 = c.addingProduct(a11, m)
            a12 = c.addingProduct(a12, m); a13 = c.addingProduct(a13, m); a14 = c.addingProduct(a14, m)
            a15 = c.addingProduct(a15, m)
        }
        let sum = (a0 + a1 + a2 + a3) + (a4 + a5 + a6 + a7) + (a8 + a9 + a10 + a11) + (a12 + a13 + a14 + a15)
        return sum.sum()
    }

    @inline(never)
    private static func blackHole(_ value: Float) {
        if value == .infinity { print(value) }
    }
}
