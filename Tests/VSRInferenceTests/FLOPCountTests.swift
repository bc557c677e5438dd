import XCTest

@testable import VSRInference

/// The GFLOP figures of `vsr models` and `vsr bench` against a hand count written out layer by
/// layer here (2 FLOP per multiply-add; convolutions only, as the SR literature counts).
final class FLOPCountTests: XCTestCase {
    /// One convolution of the hand count: its weight name, channels, kernel, and output size.
    struct Layer {
        let name: String, inChannels: Int, outChannels: Int, kernel: Int, outHeight: Int, outWidth: Int
        var macs: Double { Double(outHeight * outWidth * inChannels * outChannels * kernel * kernel) }
    }

    /// RLFN, following the official code: conv_1, blocks of c1_r/c2_r/c3_r (3x3) + c5 (1x1) + ESA
    /// (conv1 1x1, conv2 3x3 stride 2 no padding, max-pool 7/3, conv3 3x3 on the pooled map, conv_f
    /// and conv4 1x1), conv_2, and the upsampler conv to 3 x s^2 channels.
    static func rlfnLayers(features f: Int, mid m: Int, blocks: Int, scale: Int, height h: Int, width w: Int) -> [Layer] {
        let sh = (h - 3) / 2 + 1, sw = (w - 3) / 2 + 1  // conv2: kernel 3, stride 2, padding 0
        let ph = (sh - 7) / 3 + 1, pw = (sw - 7) / 3 + 1  // max-pool 7, stride 3
        var layers = [Layer(name: "conv_1", inChannels: 3, outChannels: f, kernel: 3, outHeight: h, outWidth: w)]
        for b in 1...blocks {
            let p = "block_\(b)"
            layers += [
                Layer(name: "\(p).c1_r", inChannels: f, outChannels: m, kernel: 3, outHeight: h, outWidth: w),
                Layer(name: "\(p).c2_r", inChannels: m, outChannels: m, kernel: 3, outHeight: h, outWidth: w),
                Layer(name: "\(p).c3_r", inChannels: m, outChannels: f, kernel: 3, outHeight: h, outWidth: w),
                Layer(name: "\(p).c5", inChannels: f, outChannels: f, kernel: 1, outHeight: h, outWidth: w),
                Layer(name: "\(p).esa.conv1", inChannels: f, outChannels: 16, kernel: 1, outHeight: h, outWidth: w),
                Layer(name: "\(p).esa.conv_f", inChannels: 16, outChannels: 16, kernel: 1, outHeight: h, outWidth: w),
                Layer(name: "\(p).esa.conv2", inChannels: 16, outChannels: 16, kernel: 3, outHeight: sh, outWidth: sw),
                Layer(name: "\(p).esa.conv3", inChannels: 16, outChannels: 16, kernel: 3, outHeight: ph, outWidth: pw),
                Layer(name: "\(p).esa.conv4", inChannels: 16, outChannels: f, kernel: 1, outHeight: h, outWidth: w),
            ]
        }
        layers += [
            Layer(name: "conv_2", inChannels: f, outChannels: f, kernel: 3, outHeight: h, outWidth: w),
            Layer(name: "upsampler.0", inChannels: f, outChannels: 3 * scale * scale, kernel: 3, outHeight: h, outWidth: w),
        ]
        return layers
    }

    /// Random weights with the hand count's names and shapes, so the model is built from the same table.
    static func weights(_ layers: [Layer], metadata: [String: String]) -> WeightSet {
        var generator = SeededGenerator(seed: 7)
        var tensors: [String: WeightSet.Entry] = [:]
        for layer in layers {
            let count = layer.outChannels * layer.inChannels * layer.kernel * layer.kernel
            tensors["\(layer.name).weight"] = .init(
                shape: [layer.outChannels, layer.inChannels, layer.kernel, layer.kernel],
                values: (0..<count).map { _ in Float.random(in: -0.1...0.1, using: &generator) })
            tensors["\(layer.name).bias"] = .init(shape: [layer.outChannels], values: [Float](repeating: 0, count: layer.outChannels))
        }
        return WeightSet(tensors: tensors, metadata: metadata)
    }

    func testRLFNVariantsMatchTheHandCount() throws {
        for (variant, f, m, blocks) in [("rlfn", 52, 52, 6), ("rlfn-s", 48, 48, 6), ("rlfn-prune", 46, 48, 4)] {
            for (scale, height, width) in [(2, 360, 640), (4, 180, 320), (2, 37, 53)] {
                let layers = Self.rlfnLayers(features: f, mid: m, blocks: blocks, scale: scale, height: height, width: width)
                let set = Self.weights(
                    layers,
                    metadata: [
                        "arch": "rlfn", "variant": variant, "scale": "\(scale)", "colors": "3", "input_range": "255",
                        "channels": "\(f)", "mid_channels": "\(m)", "blocks": "\(blocks)", "esa_channels": "16",
                    ])
                let model = try ModelRegistry.build(set, source: "hand count")
                let hand = 2 * layers.reduce(0) { $0 + $1.macs }
                let counted = model.flops(height: height, width: width)
                XCTAssertEqual(counted / hand, 1, accuracy: 0.01, "\(variant) x\(scale) at \(width)x\(height)")
                let parameters = layers.reduce(0) { $0 + $1.outChannels * ($1.inChannels * $1.kernel * $1.kernel + 1) }
                XCTAssertEqual(model.parameterCount, parameters, variant)
            }
        }
        // The full-resolution layers of RLFN-S x4, summed per input pixel by hand: conv_1 3*48*9,
        // per block 3 x 48*48*9 + 48*48 + ESA 48*16 + 16*16 + 16*48, conv_2 48*48*9, upsampler 48*48*9.
        let perPixel = 1296.0 + 6 * (62208 + 2304 + 768 + 256 + 768) + 20736 + 20736  // 444,432
        let layers = Self.rlfnLayers(features: 48, mid: 48, blocks: 6, scale: 4, height: 180, width: 320)
        let fullSize = layers.filter { $0.outHeight == 180 }.reduce(0) { $0 + $1.macs }
        XCTAssertEqual(fullSize, perPixel * 180 * 320)
    }

    func testPlainSRMatchesTheHandCount() throws {
        for (channels, hidden, scale) in [(16, 4, 2), (32, 8, 4), (8, 0, 3)] {
            let (height, width) = (181, 321)
            var layers: [Layer] = []
            let widths = [1] + [Int](repeating: channels, count: hidden + 1) + [scale * scale]
            for i in 0..<(widths.count - 1) {
                layers.append(
                    Layer(
                        name: "body.\(2 * i)", inChannels: widths[i], outChannels: widths[i + 1], kernel: 3,
                        outHeight: height, outWidth: width))
            }
            var set = Self.weights(
                layers,
                metadata: [
                    "arch": "plainsr", "scale": "\(scale)", "colors": "1", "input_range": "1",
                    "channels": "\(channels)", "hidden": "\(hidden)", "act": "prelu",
                ])
            for i in 0..<(widths.count - 2) {
                set.tensors["body.\(2 * i + 1).weight"] = .init(shape: [channels], values: [Float](repeating: 0.25, count: channels))
            }
            let model = try ModelRegistry.build(set, source: "hand count")
            let hand = 2.0 * Double(height * width) * Double(9 * (channels + hidden * channels * channels + channels * scale * scale))
            XCTAssertEqual(model.flops(height: height, width: width) / hand, 1, accuracy: 0.01, "M\(hidden)C\(channels) x\(scale)")
        }
    }
}
