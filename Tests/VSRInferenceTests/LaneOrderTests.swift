import XCTest

@testable import VSRInference

/// Lane order (`ColumnOrder.lanes`), in which F(4x4) and F(6x6) Winograd layers hand rows to each
/// other: a layer that writes it stores the same values as in pixel order, at the places the order
/// defines, every padding float zero; a layer that reads it computes what it computes from pixel
/// order, to the bit. Both tiles, every instruction set this CPU runs, 1 and 2 threads, widths
/// inside one group (64 or 96 pixels) and across several, ending mid-tile and mid-group, and at a
/// group's last pixel.
final class LaneOrderTests: XCTestCase {
    /// Where pixel `x` of a row lies in `tile`'s lane order, written out from the order's definition:
    /// tile t's column k in vector k, at lane t (F(6x6)) or lane 4L + i for t = 4i + L (F(4x4)).
    private func laneIndex(_ x: Int, tile: WinogradTile) -> Int {
        let m = tile.size, group = x / (16 * m), tileIndex = x % (16 * m) / m, column = x % m
        let lane = tile == .f4 ? 4 * (tileIndex % 4) + tileIndex / 4 : tileIndex
        return 16 * m * group + 16 * column + lane
    }

    /// `rows` of `width` pixels in lane order (`floats` a row) as a pixel-order tensor.
    private func pixels(fromLanes lanes: [Float], tile: WinogradTile, channels: Int, height: Int, width: Int, rowFloats: Int) -> Tensor {
        var tensor = Tensor.uninitialized(channels: channels, height: height, width: width)
        for c in 0..<channels {
            for y in 0..<height {
                for x in 0..<width {
                    tensor.data[(c * height + y) * width + x] = lanes[(c * height + y) * rowFloats + laneIndex(x, tile: tile)]
                }
            }
        }
        return tensor
    }

    /// Runs `layer` over a whole image from `input` (in `inputOrder`, rows `inputOrder.rowFloats`
    /// long) into a new buffer in `outputOrder`, first filled with NaN so that a float left
    /// unwritten shows.
    private func run(
        _ layer: Conv2d, _ activation: Activation, _ input: [Float], inputOrder: ColumnOrder, outputOrder: ColumnOrder,
        height: Int, width: Int, threads: Int, cpu: CPUKernels
    ) -> [Float] {
        let tile = layer.winogradWeights!.tile
        let inputPlane = height * inputOrder.rowFloats(width: width, tile: tile)
        let outputPlane = height * outputOrder.rowFloats(width: width, tile: tile)
        precondition(input.count == layer.inChannels * inputPlane)
        var output = [Float](repeating: .nan, count: layer.outChannels * outputPlane)
        input.withUnsafeBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                WinogradConvolution.run(
                    layer, activation: activation, cpu: cpu, threads: threads, height: height, width: width, rows: 0..<height,
                    input: RowWindow.View(base: inputBuffer.baseAddress!, plane: inputPlane),
                    output: RowWindow.MutableView(base: outputBuffer.baseAddress!, plane: outputPlane),
                    inputOrder: inputOrder, outputOrder: outputOrder)
            }
        }
        return output
    }

    /// `count` random 3x3 layers of `channels` channels with `tile`'s Winograd weights.
    private func winogradLayers(_ count: Int, channels: Int, tile: WinogradTile, using rng: inout SeededGenerator) -> [Conv2d] {
        (0..<count).map { _ in
            let random = Conv2d.random(inChannels: channels, outChannels: channels, kernel: 3, using: &rng)
            return Conv2d(
                inChannels: channels, outChannels: channels, kernel: 3, weight: random.weight, bias: random.bias, winograd: tile)
        }
    }

    func testLaneOrderLayersMatchPixelOrder() {
        var rng = SeededGenerator(seed: 61)
        let channels = 16
        let activation = Activation.prelu((0..<channels).map { _ in Float.random(in: 0...0.5, using: &rng) })
        var cases = 0
        for tile in [WinogradTile.f4, .f6] {
            // 128 and 192: rows of whole groups (F(4x4)'s 64 pixels, F(6x6)'s 96) past the first, so that
            // the last group's last tile lies inside the image and must read zeros on its right, not the
            // next row's first pixels.
            for (height, width) in [
                (1, 1), (7, 13), (13, 64), (9, 65), (13, 96), (14, 97), (20, 191), (9, 200), (25, 61), (6, 289), (5, 128), (7, 192),
            ] {
                let input = Tensor.random(channels: channels, height: height, width: width, using: &rng)
                let layers = winogradLayers(2, channels: channels, tile: tile, using: &rng)
                let group = 16 * tile.size, rowFloats = ColumnOrder.lanes.rowFloats(width: width, tile: tile)
                XCTAssertEqual(rowFloats, (width + group - 1) / group * group)
                forEachCPULevel { cpu in
                    for threads in [1, 2] {
                        let label = "\(cpu.level) \(tile) at \(height)x\(width), \(threads) threads"
                        func layer(_ i: Int, _ x: [Float], _ from: ColumnOrder, _ to: ColumnOrder) -> [Float] {
                            run(
                                layers[i], activation, x, inputOrder: from, outputOrder: to, height: height, width: width,
                                threads: threads, cpu: cpu)
                        }
                        let first = layer(0, input.data, .pixels, .pixels)
                        let second = layer(1, first, .pixels, .pixels)
                        // Written in lane order: the same values where the order puts them, zeros past the image.
                        let firstLanes = layer(0, input.data, .pixels, .lanes)
                        XCTAssertEqual(
                            pixels(
                                fromLanes: firstLanes, tile: tile, channels: channels, height: height, width: width, rowFloats: rowFloats
                            ).data,
                            first, label)
                        let inside = Set((0..<width).map { laneIndex($0, tile: tile) })
                        let padding = (0..<(channels * height * rowFloats)).filter { !inside.contains($0 % rowFloats) }
                        XCTAssertEqual(padding.count, channels * height * (rowFloats - width))
                        XCTAssertTrue(padding.allSatisfy { firstLanes[$0] == 0 }, "\(label): padding not zero")
                        // Read in lane order: the same to the bit, into either order.
                        XCTAssertEqual(layer(1, firstLanes, .lanes, .pixels), second, label)
                        let secondLanes = layer(1, firstLanes, .lanes, .lanes)
                        XCTAssertEqual(
                            pixels(
                                fromLanes: secondLanes, tile: tile, channels: channels, height: height, width: width, rowFloats: rowFloats
                            ).data,
                            second, label)
                        cases += 1
                    }
                }
            }
        }
        XCTAssertGreaterThanOrEqual(cases, 2 * 12 * 2)
    }

    /// Three Winograd layers in a row with the input added to the last (RLFN's block), through
    /// `KernelSet.convChain`: lane order between them (`WinogradLaneChain`), the same to the bit as
    /// the layers one by one in pixel order; both tiles, odd sizes, 1 and 2 threads.
    func testLaneChainMatchesLayersOneByOne() {
        var rng = SeededGenerator(seed: 62)
        let channels = 16
        let activation = Activation.prelu((0..<channels).map { _ in Float.random(in: 0...0.5, using: &rng) })
        var cases = 0
        for tile in [WinogradTile.f4, .f6] {
            let layers = winogradLayers(3, channels: channels, tile: tile, using: &rng)
            for (height, width) in [(1, 1), (7, 13), (9, 65), (14, 97), (20, 191), (6, 289)] {
                let input = Tensor.random(channels: channels, height: height, width: width, using: &rng)
                forEachCPULevel { cpu in
                    let kernels = KernelSet.optimized(cpu: cpu)
                    XCTAssertTrue(WinogradLaneChain.applies(layers, activation: activation, cpu: cpu, winograd: true))
                    for threads in [1, 2] {
                        let label = "\(cpu.level) \(tile) at \(height)x\(width), \(threads) threads"
                        var oneByOne = input
                        for (index, layer) in layers.enumerated() {
                            oneByOne = kernels.conv(layer, oneByOne, activation, index == 2 ? input : nil, threads)
                        }
                        XCTAssertEqual(kernels.convChain(layers, activation, input, input, threads).data, oneByOne.data, label)
                        cases += 1
                    }
                }
            }
        }
        XCTAssertGreaterThanOrEqual(cases, 2 * 6 * 2)
    }
}
