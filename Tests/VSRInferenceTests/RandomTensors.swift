@testable import VSRInference

/// A small deterministic generator (SplitMix64), so failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Tensor {
    static func random(
        channels: Int, height: Int, width: Int, range: ClosedRange<Float> = -1...1,
        using generator: inout SeededGenerator
    ) -> Tensor {
        Tensor(
            channels: channels, height: height, width: width,
            data: (0..<channels * height * width).map { _ in Float.random(in: range, using: &generator) })
    }
}

extension Conv2d {
    static func random(
        inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int? = nil,
        using generator: inout SeededGenerator
    ) -> Conv2d {
        let scale = 1 / Float(inChannels * kernel * kernel).squareRoot()
        return Conv2d(
            inChannels: inChannels, outChannels: outChannels, kernel: kernel, stride: stride, padding: padding,
            weight: (0..<outChannels * inChannels * kernel * kernel).map { _ in Float.random(in: -scale...scale, using: &generator) },
            bias: (0..<outChannels).map { _ in Float.random(in: -0.5...0.5, using: &generator) })
    }
}

/// max |a - b| / max(|b|, 1) over all elements.
func relativeError(_ a: Tensor, _ b: Tensor) -> Float {
    precondition(a.shape == b.shape)
    var worst: Float = 0
    for i in 0..<a.count {
        let error = abs(a.data[i] - b.data[i]) / max(abs(b.data[i]), 1)
        // A NaN (an unwritten output's garbage, say) fails the comparison; max would drop it.
        if error.isNaN { return .infinity }
        worst = max(worst, error)
    }
    return worst
}
