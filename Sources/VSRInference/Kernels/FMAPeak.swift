import Dispatch

/// Measures this machine's fp32 FMA throughput with the chosen instruction set's own probe
/// (`Sources/CVSRKernels`): independent chains of fused multiply-adds of the ISA's vector width, as
/// many as its register file holds (12 ymm with AVX2, 24 zmm with AVX-512), enough to cover the FMA
/// latency on two pipes; on `threads` threads at once. The best of repeated runs over about `seconds`.
public enum FMAPeak {
    /// GFLOP/s (2 FLOP per FMA lane) of `kernels`' probe.
    public static func measure(threads: Int, seconds: Double = 0.3, kernels: CPUKernels = .selected) -> Double {
        let iterations = 4_000_000
        var best = 0.0
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        let probe = kernels.fmaProbe
        repeat {
            let start = DispatchTime.now().uptimeNanoseconds
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                blackHole(probe(iterations))
            }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let flops = Double(threads) * Double(iterations) * Double(kernels.fmaProbeFlops)
            best = max(best, flops / elapsed / 1e9)
        } while DispatchTime.now().uptimeNanoseconds < deadline
        return best
    }

    @inline(never)
    private static func blackHole(_ value: Float) {
        if value == .infinity { print(value) }
    }
}
