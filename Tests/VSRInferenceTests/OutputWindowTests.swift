import XCTest

@testable import VSRInference

/// A result's kept part written into a window of a larger buffer (`OutputWindow`), as tiles write
/// into the frame: the window holds exactly that part of the whole result, to the bit, and nothing
/// around it is touched. For the pixel shuffle (reference and optimized, with and without the skip,
/// factors 2-4, parts that start and end inside a pixel's r x r group) and for plain nets on each of
/// their paths: rows streamed (direct kernels), bands of Winograd layers (optimized kernels, a frame
/// over the band threshold, slabs on two threads) and layer by layer (reference kernels). Windows of
/// plane samples (8 and 10 bits) hold each value scaled, clamped and rounded.
final class OutputWindowTests: XCTestCase {
    private static let sentinel: Float = -12345.5

    /// Runs `body` into a window keeping `kept` of a `channels`-channel result, placed in a larger
    /// buffer with a margin of sentinels each side; returns what the window holds, and whether every
    /// sentinel around it survived.
    private func write(channels: Int, kept: TilePlan.Rect, _ body: (OutputWindow) throws -> Void) rethrows -> (Tensor, Bool) {
        let margin = 3, rowStride = kept.width + 2 * margin, rows = kept.height + 2 * margin
        var buffer = [Float](repeating: Self.sentinel, count: channels * rows * rowStride)
        try buffer.withUnsafeMutableBufferPointer { all in
            try body(
                OutputWindow(
                    origin: all.baseAddress! + margin * rowStride + margin, rowStride: rowStride, planeStride: rows * rowStride,
                    kept: kept))
        }
        var inside: [Float] = [], untouched = true
        for c in 0..<channels {
            for y in 0..<rows {
                for x in 0..<rowStride {
                    let value = buffer[(c * rows + y) * rowStride + x]
                    if (margin..<(margin + kept.height)).contains(y) && (margin..<(margin + kept.width)).contains(x) {
                        inside.append(value)
                    } else if value.bitPattern != Self.sentinel.bitPattern {
                        untouched = false
                    }
                }
            }
        }
        return (Tensor(channels: channels, height: kept.height, width: kept.width, data: inside), untouched)
    }

    /// Parts of a `height` x `width` result: all of it, an inner part that starts one pixel in and
    /// ends two before (inside the factor's groups), its first column, its last row, and a 1x1 part.
    private func parts(height: Int, width: Int) -> [TilePlan.Rect] {
        var parts = [
            TilePlan.Rect(x: 0, y: 0, width: width, height: height), TilePlan.Rect(x: 0, y: 0, width: 1, height: height),
            TilePlan.Rect(x: 0, y: height - 1, width: width, height: 1), TilePlan.Rect(x: width / 2, y: height / 2, width: 1, height: 1),
        ]
        if width > 3 && height > 3 { parts.append(TilePlan.Rect(x: 1, y: 1, width: width - 3, height: height - 3)) }
        return parts
    }

    /// Checks that `run` into each part of the result gives `whole`'s values there and touches
    /// nothing else.
    private func checkParts(of whole: Tensor, _ label: String, _ run: (OutputWindow) throws -> Void) rethrows {
        for kept in parts(height: whole.height, width: whole.width) {
            let (inside, untouched) = try write(channels: whole.channels, kept: kept, run)
            XCTAssertTrue(inside.data == whole.crop(kept).data, "\(label), part \(kept): values differ")
            XCTAssertTrue(untouched, "\(label), part \(kept): wrote outside the window")
        }
    }

    func testPixelShuffleWritesOnlyItsWindow() {
        forEachPixelShuffleCase(seed: 51) { input, skip, factor, whole, label in
            for (name, kernels) in [("reference", KernelSet.reference), ("optimized", KernelSet.optimized)] {
                for threads in [1, 3] {
                    checkParts(of: whole, "\(name) \(label), \(threads) threads") { kernels.pixelShuffle(input, factor, skip, threads, $0) }
                }
            }
        }
    }

    func testPlainNetsWriteOnlyTheirWindow() throws {
        var rng = SeededGenerator(seed: 52)
        let narrow = try PlainSR.random(colors: 3, scale: 3, channels: 8, hidden: 2, act: "prelu", using: &rng)
        let wide = try PlainSR.random(colors: 1, scale: 2, channels: 16, hidden: 2, act: "prelu", using: &rng)
        let small = Tensor.random(channels: 3, height: 19, width: 37, range: 0...1, using: &rng)
        let large = Tensor.random(channels: 1, height: 256, width: 256, range: 0...1, using: &rng)
        let runs: [(String, PlainSR, Tensor, KernelSet, Int)] = [
            ("streamed", narrow, small, .direct, 1), ("streamed", narrow, small, .direct, 3),
            ("banded", wide, large, .optimized, 1), ("banded", wide, large, .optimized, 2),
            ("layer by layer", narrow, small, .reference, 1),
        ]
        XCTAssertTrue(narrow.streamsRows(with: .direct))
        XCTAssertTrue(
            try XCTUnwrap(WinogradBandChain(convs: wide.convs, activations: wide.activations, scale: 2, kernels: .optimized)).runsBands(
                height: 256, width: 256))
        for (path, model, input, kernels, threads) in runs {
            let context = InferenceContext(kernels: kernels, threads: threads)
            let whole = try model.forward(input, context: context)
            try checkParts(of: whole, "\(path), \(threads) threads") { try model.forward(input, into: $0, context: context) }
        }
    }

    /// A window of 8- or 10-bit samples holds each kept value times the scale, clamped to the bit
    /// depth and rounded to nearest (computed here with `rounded()`), in its place, and the bytes
    /// around it are untouched. Values from below 0 to above white.
    func testSampleWindowsConvertValuesAsTheyStore() {
        var rng = SeededGenerator(seed: 53)
        let input = Tensor.random(channels: 4, height: 9, width: 11, range: -0.1...1.1, using: &rng)
        let whole = KernelSet.reference.pixelShuffled(input, factor: 2, adding: nil, threads: 1)
        for bitDepth in [8, 10] {
            let scale = Float(255 << (bitDepth - 8)), size = bitDepth > 8 ? 2 : 1, maximum = Float((1 << bitDepth) - 1)
            for kept in parts(height: whole.height, width: whole.width) {
                let margin = 2, rowStride = kept.width + 2 * margin, rows = kept.height + 2 * margin
                var bytes = [UInt8](repeating: 0xA5, count: rows * rowStride * size)
                bytes.withUnsafeMutableBytes { buffer in
                    let window = OutputWindow(
                        origin: buffer.baseAddress! + (margin * rowStride + margin) * size, rowStride: rowStride,
                        planeStride: rows * rowStride, kept: kept, format: .samples(bitDepth: bitDepth, scale: scale))
                    KernelSet.optimized.pixelShuffle(input, 2, nil, 2, window)
                }
                var mismatches = 0, touched = 0
                for y in 0..<rows {
                    for x in 0..<rowStride {
                        let at = (y * rowStride + x) * size
                        let sample = size == 2 ? Int(bytes[at]) | Int(bytes[at + 1]) << 8 : Int(bytes[at])
                        if (margin..<(margin + kept.height)).contains(y) && (margin..<(margin + kept.width)).contains(x) {
                            let value = whole.data[(kept.y + y - margin) * whole.width + kept.x + x - margin]
                            let expected = Int(min(max(value * scale, 0), maximum).rounded(.toNearestOrAwayFromZero))
                            if sample != expected { mismatches += 1 }
                        } else if bytes[at..<(at + size)].contains(where: { $0 != 0xA5 }) {
                            touched += 1
                        }
                    }
                }
                XCTAssertEqual(mismatches, 0, "\(bitDepth)-bit, part \(kept): samples differ")
                XCTAssertEqual(touched, 0, "\(bitDepth)-bit, part \(kept): wrote outside the window")
            }
        }
    }
}
