import XCTest

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

extension PlainSR {
    /// A random plain net: `colors` in and out, `hidden` hidden layers `channels` wide, x`scale`, `act`
    /// (prelu, relu or silu), built through the registry from named weights as a model file is.
    static func random(
        colors: Int, scale: Int, channels: Int, hidden: Int, act: String,
        using rng: inout SeededGenerator
    ) throws -> PlainSR {
        var tensors: [String: WeightSet.Entry] = [:]
        let widths = [colors] + [Int](repeating: channels, count: hidden + 1) + [colors * scale * scale]
        for layer in 0..<(widths.count - 1) {
            let (cin, cout) = (widths[layer], widths[layer + 1])
            let bound = 1 / Float(cin * 9).squareRoot()
            tensors["body.\(2 * layer).weight"] = .init(
                shape: [cout, cin, 3, 3],
                values: (0..<cout * cin * 9).map { _ in Float.random(in: -bound...bound, using: &rng) })
            tensors["body.\(2 * layer).bias"] = .init(
                shape: [cout], values: (0..<cout).map { _ in Float.random(in: -0.2...0.2, using: &rng) })
            if layer < widths.count - 2 && act == "prelu" {
                tensors["body.\(2 * layer + 1).weight"] = .init(
                    shape: [channels],
                    values: (0..<channels).map { _ in Float.random(in: 0...0.5, using: &rng) })
            }
        }
        let metadata = [
            "arch": "plainsr", "scale": "\(scale)", "colors": "\(colors)", "input_range": "1",
            "channels": "\(channels)", "hidden": "\(hidden)", "act": act,
        ]
        return try XCTUnwrap(ModelRegistry.build(WeightSet(tensors: tensors, metadata: metadata), source: "random") as? PlainSR)
    }
}

/// Pixel-shuffle cases on odd shapes (1x1, 7x13, three colours, 2x70) at the factors the models
/// use, with and without PlainSR's skip: `body` gets the input, the skip or nil, the factor and a
/// label; the reference's result for the case comes with it.
func forEachPixelShuffleCase(seed: UInt64, _ body: (Tensor, Tensor?, Int, Tensor, String) -> Void) {
    var rng = SeededGenerator(seed: seed)
    for (colors, h, w) in [(1, 1, 1), (1, 7, 13), (3, 37, 45), (1, 2, 70)] {
        for factor in [2, 3, 4] {
            let input = Tensor.random(channels: colors * factor * factor, height: h, width: w, range: -2...2, using: &rng)
            let skip = Tensor.random(channels: colors, height: h, width: w, range: 0...1, using: &rng)
            for withSkip in [false, true] {
                let expected = KernelSet.reference.pixelShuffled(input, factor: factor, adding: withSkip ? skip : nil, threads: 1)
                body(input, withSkip ? skip : nil, factor, expected, "\(colors)x\(h)x\(w) x\(factor), skip \(withSkip)")
            }
        }
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
