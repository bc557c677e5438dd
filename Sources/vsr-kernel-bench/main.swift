import Dispatch
import VSRInference

// Prints the FMA peak and the 3x3 convolution kernel's speed at 48 and 52 channels, 1 and 2
// threads, measured in the same run:  swift run -c release -Xswiftc -target-cpu -Xswiftc native vsr-kernel-bench
func median(_ values: [Double]) -> Double { let s = values.sorted(); return s[s.count / 2] }

var rng = SystemRandomNumberGenerator()
let (height, width) = (180, 320)
print("3x3 convolution, \(width)x\(height), fused bias + leaky ReLU; median of 9 runs after warm-up")
for threads in [1, 2] {
    let peak = FMAPeak.measure(threads: threads)
    print(String(format: "FMA peak, %d thread(s): %.1f GFLOP/s", threads, peak))
    let counts = CommandLine.arguments.dropFirst().compactMap { Int($0) }
    for channels in counts.isEmpty ? [48, 52] : counts {
        let input = Tensor(channels: channels, height: height, width: width,
                           data: (0..<channels * height * width).map { _ in Float.random(in: -1...1, using: &rng) })
        let layer = Conv2d(inChannels: channels, outChannels: channels, kernel: 3,
                           weight: (0..<channels * channels * 9).map { _ in Float.random(in: -0.1...0.1, using: &rng) },
                           bias: [Float](repeating: 0.1, count: channels))
        let context = InferenceContext(kernels: .optimized, threads: threads)
        var times: [Double] = []
        for run in 0..<12 {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = layer(input, activation: .leakyReLU(0.05), context: context)
            if run >= 3 { times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) }
        }
        let gflops = 2 * layer.multiplyAccumulates(height: height, width: width) / median(times) / 1e9
        print(String(format: "  %d->%d channels: %.2f ms, %.1f GFLOP/s, %.0f%% of peak", channels, channels,
                     median(times) * 1e3, gflops, 100 * gflops / peak))
    }
}
