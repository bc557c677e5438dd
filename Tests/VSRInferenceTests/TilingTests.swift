import XCTest

@testable import VSRInference

final class TilingTests: XCTestCase {
    func testInteriorsPartitionTheFrame() {
        let cases = [
            (37, 45, 16, 3, 1), (1, 1, 16, 5, 1), (321, 181, 64, 8, 1), (100, 7, 37, 0, 1),
            (321, 181, 64, 18, 6), (640, 360, 256, 18, 6), (13, 5, 4, 6, 6),
        ]
        for (width, height, tile, halo, alignment) in cases {
            let plan = TilePlan(width: width, height: height, tileSize: tile, halo: halo, alignment: alignment)
            var covered = [Int](repeating: 0, count: width * height)
            for t in plan.tiles {
                XCTAssertLessThanOrEqual(t.interior.width, tile + alignment)
                XCTAssertLessThanOrEqual(t.interior.height, tile + alignment)
                XCTAssertGreaterThan(t.interior.width, 0)
                XCTAssertEqual(t.interior.x % alignment, 0, "tile origins sit on the grid")
                XCTAssertEqual(t.interior.y % alignment, 0)
                XCTAssertGreaterThanOrEqual(t.padded.x, 0)
                XCTAssertLessThanOrEqual(t.padded.x + t.padded.width, width)
                XCTAssertEqual(t.padded.x, max(0, t.interior.x - halo))
                XCTAssertEqual(t.padded.y + t.padded.height, min(height, t.interior.y + t.interior.height + halo))
                for y in t.interior.y..<(t.interior.y + t.interior.height) {
                    for x in t.interior.x..<(t.interior.x + t.interior.width) { covered[y * width + x] += 1 }
                }
            }
            XCTAssertTrue(covered.allSatisfy { $0 == 1 }, "\(width)x\(height) tile \(tile): every pixel exactly once")
        }
    }

    /// Strips for a row-streaming model: every padded width but the last is a whole number of the
    /// micro-kernel's blocks, the interiors still partition the frame, and the count is the plain split's.
    func testStripsAreCutOnWholeKernelBlocks() {
        // (width, tile, halo, block, cut on blocks): 37 in 16 with 64-pixel blocks has too few blocks
        // for three strips and falls back to the plain split.
        let cases = [
            (960, 320, 8, 64, true), (640, 320, 8, 64, true), (1920, 320, 8, 64, true), (960, 320, 8, 24, true),
            (1920, 320, 8, 24, true), (321, 64, 8, 12, true), (100, 37, 0, 24, true), (130, 64, 8, 64, true),
            (37, 16, 3, 64, false), (300, 320, 8, 64, false),
        ]
        for (width, tile, halo, block, onBlocks) in cases {
            let plan = TilePlan(width: width, height: 9, tileSize: tile, tileHeight: 9, halo: halo, columnBlock: block)
            let plain = TilePlan(width: width, height: 9, tileSize: tile, tileHeight: 9, halo: halo)
            XCTAssertEqual(plan.tiles.count, plain.tiles.count, "\(width) in \(tile): same strip count")
            var next = 0
            for (index, strip) in plan.tiles.enumerated() {
                XCTAssertEqual(strip.interior.x, next, "\(width) in \(tile): strips follow each other")
                XCTAssertGreaterThan(strip.interior.width, halo)
                XCTAssertLessThan(strip.interior.width, tile + block, "\(width) in \(tile): at most a block over")
                XCTAssertEqual(strip.padded.x, max(0, strip.interior.x - halo))
                if onBlocks && index < plan.tiles.count - 1 {
                    XCTAssertEqual(strip.padded.width % block, 0, "\(width) in \(tile), block \(block): strip \(index)")
                }
                next += strip.interior.width
            }
            XCTAssertEqual(next, width)
            if !onBlocks { XCTAssertEqual(plan, plain, "\(width) in \(tile): the plain split") }
        }
        // 960 columns, halo 8, AVX-512's 64-pixel blocks: 16 blocks of work instead of 18.
        let strips = TilePlan(width: 960, height: 540, tileSize: 320, tileHeight: 540, halo: 8, columnBlock: 64).tiles
        XCTAssertEqual(strips.map(\.padded.width), [384, 320, 288])
    }

    /// Plain nets tile exactly: tiled output equals whole-frame output (before rounding).
    func testPlainNetTilesMatchWholeFrame() throws {
        var rng = SeededGenerator(seed: 21)
        // 8 channels stream rows on the optimized kernels; 16 run layer by layer by Winograd.
        for (scale, channels) in [(2, 8), (4, 8), (2, 16)] {
            let hidden = 3
            var tensors: [String: WeightSet.Entry] = [:]
            let widths = [1] + [Int](repeating: channels, count: hidden + 1) + [scale * scale]
            for layer in 0..<(widths.count - 1) {
                let layerConv = Conv2d.random(inChannels: widths[layer], outChannels: widths[layer + 1], kernel: 3, using: &rng)
                tensors["body.\(2 * layer).weight"] = .init(shape: [widths[layer + 1], widths[layer], 3, 3], values: layerConv.weight)
                tensors["body.\(2 * layer).bias"] = .init(shape: [widths[layer + 1]], values: layerConv.bias)
                if layer < widths.count - 2 {
                    tensors["body.\(2 * layer + 1).weight"] = .init(
                        shape: [channels], values: (0..<channels).map { _ in Float.random(in: 0...0.3, using: &rng) })
                }
            }
            let weights = WeightSet(
                tensors: tensors,
                metadata: [
                    "arch": "plainsr", "scale": "\(scale)", "colors": "1",
                    "input_range": "1", "channels": "\(channels)", "hidden": "\(hidden)",
                ])
            let model = try ModelRegistry.build(weights, source: "random")
            let input = Tensor.random(channels: 1, height: 45, width: 67, range: 0...1, using: &rng)
            let context = InferenceContext(kernels: .optimized, threads: 2)
            let whole = try model.forward(input, context: context)
            // The optimized kernels stream 8-channel rows (full-height strips) and run 16-channel
            // layers by Winograd in square tiles; the reference runs square tiles.
            for kernels in [KernelSet.optimized, .reference] {
                let tileContext = InferenceContext(kernels: kernels, threads: 2)
                for tile in [16, 37, 64, 256] {
                    let tiled = try TiledInference(model: model, tileSize: tile, halo: model.tileHalo).run(input, context: tileContext)
                    XCTAssertLessThanOrEqual(
                        tiled.maxAbsDifference(to: whole), 1e-4, "x\(scale) \(channels) channels, tile \(tile) \(kernels.name)")
                }
            }
            // A halo one pixel short is not exact: the halo is the receptive field, no more.
            let short = try TiledInference(model: model, tileSize: 16, halo: model.tileHalo - 1).run(input, context: context)
            XCTAssertGreaterThan(short.maxAbsDifference(to: whole), 1e-4)
        }
    }

    /// A plain net run layer by layer by Winograd has its tile columns cut on the width its layers
    /// compute in whole units: its band chain hands rows on in lane order, whole groups of 16 tiles
    /// (64 pixels with F(4x4), 96 with F(6x6)); F(2x2)'s rows are numbered up to 16 tiles too. With
    /// F(6x6) a 1920-pixel frame in tiles of 1024, halo 8, 1936 padded columns, is cut 1056 + 880 (11 +
    /// 10 groups), not 968 + 968 (11 + 11); cut on 16 pixels (F(4x4)'s quads, before lane order) a
    /// 1280-pixel frame's 1296 padded columns, 81 blocks of 16, are cut 41 + 40: 656 and 640. The
    /// reference runs no Winograd and cuts anywhere. Nets that stream rows keep the micro-kernel's
    /// blocks.
    func testWinogradTilesAreCutOnWholeTileGroups() throws {
        let model = try XCTUnwrap(BuiltInModels.model(named: "repsr-y-x2"))
        let expected: Int
        switch WinogradConvolution.defaultTile {
        case .f2: expected = 32
        case .f4: expected = 64
        case .f6: expected = 96
        }
        XCTAssertEqual(model.tileColumnBlock(with: .optimized), expected, "\(WinogradConvolution.defaultTile)")
        XCTAssertEqual(model.tileColumnBlock(with: .reference), 1)
        let fast = try XCTUnwrap(BuiltInModels.model(named: "repsr-y-x2-fast"))
        XCTAssertEqual(fast.tileColumnBlock(with: .optimized), CPUKernels.selected.convPixels)
        XCTAssertEqual(model.tileHalo, 8)
        let plan = TilePlan(width: 1280, height: 720, tileSize: PlainSR.winogradTileSize, halo: model.tileHalo, columnBlock: 16)
        XCTAssertEqual(plan.tiles.map(\.padded.width), [656, 640])
        XCTAssertEqual(plan.tiles.map(\.interior.width), [648, 632])
        let wide = TilePlan(width: 1920, height: 1080, tileSize: PlainSR.winogradTileSize, halo: model.tileHalo, columnBlock: 96)
        XCTAssertEqual(Set(wide.tiles.map(\.padded.width)), [1056, 880])
    }

    /// RLFN's tiles on the optimized kernels: every padded width a multiple of 48 (whole cache lines,
    /// whole 8-tile runs of F(6x6) tiles, the 6-pixel grid), the last tile's by starting further
    /// left on the grid; interiors partition the frame and start on the grid. A 960x540 frame in
    /// tiles of 512 is two 480x540-pixel shapes (`TileShape`), cut 510 + 450 and padded 528 + 480.
    /// On the reference kernels the columns are cut anywhere.
    func testRLFNTilesSpanWholeCacheLines() throws {
        let rlfn = try Self.smallRLFN()
        XCTAssertEqual(rlfn.tileColumnBlock(with: .optimized), 48)
        XCTAssertEqual(rlfn.tileColumnBlock(with: .reference), 1)
        let plan = rlfn.tilePlan(width: 960, height: 540, tileSize: 512, halo: rlfn.tileHalo, kernels: .optimized)
        XCTAssertEqual(plan.tiles.map(\.interior.width), [510, 450])
        XCTAssertEqual(plan.tiles.map(\.interior.height), [540, 540])
        XCTAssertEqual(plan.tiles.map(\.padded.width), [528, 480])
        XCTAssertEqual(plan.tiles.map(\.padded.x), [0, 480])
        let reference = rlfn.tilePlan(width: 960, height: 540, tileSize: 512, halo: rlfn.tileHalo, kernels: .reference)
        XCTAssertEqual(reference.tiles.map(\.interior.width), [480, 480])
        XCTAssertEqual(reference.tiles.map(\.padded.width), [498, 498])
        for (width, height, tile) in [(1920, 1080, 512), (1280, 720, 512), (642, 360, 256), (301, 97, 64), (960, 540, 64), (50, 700, 16)] {
            let plan = rlfn.tilePlan(width: width, height: height, tileSize: tile, halo: 18, kernels: .optimized)
            let label = "\(width)x\(height) in \(tile)"
            var covered = [Int](repeating: 0, count: width * height)
            for t in plan.tiles {
                XCTAssertEqual(t.interior.x % 6, 0, label)
                XCTAssertEqual(t.interior.y % 6, 0, label)
                XCTAssertEqual(t.padded.x % 6, 0, "\(label): padded tiles start on the grid")
                XCTAssertTrue(
                    t.padded.width % 48 == 0 || t.padded.width == width || width % 6 != 0,
                    "\(label): padded width \(t.padded.width)")
                XCTAssertLessThanOrEqual(t.padded.x, max(0, t.interior.x - 18))
                XCTAssertEqual(t.padded.x + t.padded.width, min(width, t.interior.x + t.interior.width + 18))
                XCTAssertEqual(t.padded.y, max(0, t.interior.y - 18))
                for y in t.interior.y..<(t.interior.y + t.interior.height) {
                    for x in t.interior.x..<(t.interior.x + t.interior.width) { covered[y * width + x] += 1 }
                }
            }
            XCTAssertTrue(covered.allSatisfy { $0 == 1 }, "\(label): every pixel exactly once")
        }
    }

    /// `TileShape` against every grid of columns and rows (the naive search): the fewest padded
    /// pixels among the grids whose tiles hold at most `tile`² pixels and no side under half a tile
    /// (or the frame's side), ties to fewer tiles; and the shapes quoted in the docs.
    func testTileShapeRecomputesTheLeastHalo() {
        var rng = SeededGenerator(seed: 44)
        var cases = [(960, 540, 512, 18), (1920, 1080, 512, 18), (1280, 720, 512, 18), (300, 200, 512, 18), (1000, 100, 512, 18)]
        for _ in 0..<60 {
            cases.append(
                (
                    Int.random(in: 1...300, using: &rng), Int.random(in: 1...300, using: &rng), Int.random(in: 16...128, using: &rng),
                    Int.random(in: 0...24, using: &rng)
                ))
        }
        for (width, height, tile, halo) in cases {
            let shape = TileShape.fewestPaddedPixels(width: width, height: height, tileSize: tile, halo: halo)
            var best: (pixels: Int, tiles: Int)?
            for columns in 1...width {
                for rows in 1...height {
                    let w = (width + columns - 1) / columns, h = (height + rows - 1) / rows
                    guard w * h <= tile * tile, w >= min(width, tile / 2), h >= min(height, tile / 2) else { continue }
                    let pixels = (width + 2 * halo * (columns - 1)) * (height + 2 * halo * (rows - 1))
                    if best.map({ pixels < $0.pixels || (pixels == $0.pixels && columns * rows < $0.tiles) }) ?? true {
                        best = (pixels, columns * rows)
                    }
                }
            }
            let label = "\(width)x\(height) in \(tile), halo \(halo)"
            XCTAssertLessThanOrEqual(shape.width * shape.height, tile * tile, label)
            let columns = (width + shape.width - 1) / shape.width, rows = (height + shape.height - 1) / shape.height
            let pixels = (width + 2 * halo * (columns - 1)) * (height + 2 * halo * (rows - 1))
            XCTAssertEqual(pixels, best?.pixels, label)
            XCTAssertEqual(columns * rows, best?.tiles, label)
        }
        XCTAssertTrue(TileShape.fewestPaddedPixels(width: 960, height: 540, tileSize: 512, halo: 18) == (480, 540))
        XCTAssertTrue(TileShape.fewestPaddedPixels(width: 1920, height: 1080, tileSize: 512, halo: 18) == (480, 540))
        XCTAssertTrue(TileShape.fewestPaddedPixels(width: 1000, height: 100, tileSize: 512, halo: 18) == (1000, 100))
    }

    /// Tiles keep every tensor in what a worker thread's heap holds (`memoryBoundedTilePlan`):
    /// repsr-y-x2-quality's 1024 tiles of a 1920x1080 frame (four, 74 MB tensors of 32 channels)
    /// become six; a 960x540 frame stays whole (66 MB). A plan that fits is the model's own; one
    /// that does not takes the largest tile size that fits, down to half the asked size, and below
    /// that stays as asked.
    func testTilesKeepTheirTensorsInAWorkerHeap() throws {
        let limit = MemoryReuse.largestReusedBlock
        XCTAssertEqual(limit, (64 << 20) - (64 << 10))
        var models: [(String, any SRModel)] = [("rlfn", try Self.smallRLFN(channels: 52))]
        for name in ["repsr-y-x2", "repsr-y-x2-fast", "repsr-y-x2-quality", "repsr-y-x4", "repsr-y-x4-quality"] {
            models.append((name, try XCTUnwrap(BuiltInModels.model(named: name))))
        }
        var cut: [String] = []
        for (name, model) in models {
            for kernels in [KernelSet.optimized, .reference] {
                func largestBuffer(_ plan: TilePlan) -> Int {
                    plan.tiles.map { model.largestTensorBytes(height: $0.padded.height, width: $0.padded.width, kernels: kernels) }.max()!
                }
                for (width, height) in [(1920, 1080), (1280, 720), (960, 540), (3840, 2160), (1024, 1024), (2000, 300)] {
                    let label = "\(name) \(width)x\(height)\(kernels.cpu == nil ? " (reference kernels)" : "")"
                    let asked = model.tilePlan(
                        width: width, height: height, tileSize: model.tileSize, halo: model.tileHalo, kernels: kernels)
                    let plan = model.memoryBoundedTilePlan(
                        width: width, height: height, tileSize: model.tileSize, halo: model.tileHalo, kernels: kernels)
                    XCTAssertLessThanOrEqual(largestBuffer(plan), limit, label)
                    if largestBuffer(asked) <= limit {
                        XCTAssertEqual(plan, asked, label)
                        continue
                    }
                    cut.append(label)
                    XCTAssertGreaterThan(plan.tiles.count, asked.tiles.count, label)
                    // Plain nets' plans keep the tile size they were made with: one pixel more does not fit.
                    guard !(model is RLFN) else { continue }
                    let larger = model.tilePlan(
                        width: width, height: height, tileSize: plan.tileSize + 1, halo: model.tileHalo, kernels: kernels)
                    XCTAssertGreaterThan(largestBuffer(larger), limit, label)
                }
                // Nothing down to half the tile size fits: the asked plan.
                let asked = model.tilePlan(width: 1920, height: 1080, tileSize: model.tileSize, halo: model.tileHalo, kernels: kernels)
                let tight = model.memoryBoundedTilePlan(
                    width: 1920, height: 1080, tileSize: model.tileSize, halo: model.tileHalo, kernels: kernels, limit: 1000)
                XCTAssertEqual(tight, asked, name)
            }
        }
        // 32-channel layers layer by layer past 64 MiB; 16 channels (a x4 net's last layer, whole for the
        // pixel shuffle, or every layer on the reference kernels) at 1024x1024, exactly 64 MiB.
        XCTAssertEqual(
            cut,
            [
                "repsr-y-x2 1024x1024 (reference kernels)", "repsr-y-x2-quality 1920x1080", "repsr-y-x2-quality 3840x2160",
                "repsr-y-x2-quality 1024x1024", "repsr-y-x2-quality 1920x1080 (reference kernels)",
                "repsr-y-x2-quality 3840x2160 (reference kernels)", "repsr-y-x2-quality 1024x1024 (reference kernels)",
                "repsr-y-x4 1024x1024", "repsr-y-x4 1024x1024 (reference kernels)", "repsr-y-x4-quality 1920x1080",
                "repsr-y-x4-quality 3840x2160", "repsr-y-x4-quality 1024x1024", "repsr-y-x4-quality 1920x1080 (reference kernels)",
                "repsr-y-x4-quality 3840x2160 (reference kernels)", "repsr-y-x4-quality 1024x1024 (reference kernels)",
            ])
        let quality = try XCTUnwrap(BuiltInModels.model(named: "repsr-y-x2-quality"))
        let frame = quality.memoryBoundedTilePlan(width: 1920, height: 1080, tileSize: 1024, halo: quality.tileHalo, kernels: .optimized)
        // Each padded tile but a row's last spans whole lane groups of the Winograd tile the kernels
        // take: F(6x6)'s 16 x 6 = 96 pixels on the AVX-512 kernels, F(4x4)'s 16 x 4 = 64 below.
        let f6 = WinogradConvolution.defaultTile == .f6
        XCTAssertEqual(frame.tiles.map(\.padded.width), f6 ? [672, 672, 608, 672, 672, 608] : [704, 640, 608, 704, 640, 608])
        XCTAssertEqual(quality.tileColumnBlock(with: .optimized), f6 ? 96 : 64)
        XCTAssertEqual(
            quality.memoryBoundedTilePlan(width: 960, height: 540, tileSize: 1024, halo: quality.tileHalo, kernels: .optimized).tiles.count,
            1)
    }

    /// A one-block RLFN x2 of `channels` feature and mid channels (8 unless told) with random weights.
    private static func smallRLFN(channels: Int = 8) throws -> any SRModel {
        try ModelRegistry.build(
            FLOPCountTests.weights(
                FLOPCountTests.rlfnLayers(features: channels, mid: channels, blocks: 1, scale: 2, height: 1, width: 1),
                metadata: [
                    "arch": "rlfn", "variant": "rlfn", "scale": "2", "colors": "3", "input_range": "255",
                    "channels": "\(channels)", "mid_channels": "\(channels)", "blocks": "1", "esa_channels": "16",
                ]), source: "random")
    }

    /// RLFN's halo is a large share of a small tile, so it asks for 512; plain nets that stream
    /// rows (the 8-channel fast tier) keep the default, and those run layer by layer by Winograd
    /// (16 channels and more) take 1024. Runs without `--tile` use these (`UpscaleSettings.tile`
    /// stays nil).
    func testEachModelChoosesItsTileSize() throws {
        XCTAssertEqual(try Self.smallRLFN().tileSize, 512)
        XCTAssertEqual(try XCTUnwrap(BuiltInModels.model(named: "repsr-y-x2-fast")).tileSize, TilePlan.defaultTileSize)
        XCTAssertEqual(TilePlan.defaultTileSize, 320)
        for name in ["repsr-y-x2", "repsr-y-x2-quality", "repsr-y-x4", "repsr-y-x4-quality"] {
            XCTAssertEqual(try XCTUnwrap(BuiltInModels.model(named: name)).tileSize, PlainSR.winogradTileSize, name)
        }
        XCTAssertEqual(PlainSR.winogradTileSize, 1024)
    }

    /// Taps for a window of a resize are the frame's taps, moved into the window.
    func testWindowedBilinearTapsAreTheFrameTaps() {
        let frame = BilinearTaps(inputSize: 23, outputSize: 131)
        let window = BilinearTaps(
            inputSize: 12, outputSize: 40, frameInputSize: 23, frameOutputSize: 131,
            inputOffset: 5, outputOffset: 60)
        for d in 0..<40 {
            XCTAssertEqual(window.index0[d], min(max(frame.index0[60 + d] - 5, 0), 11))
            XCTAssertEqual(window.index1[d], min(max(frame.index1[60 + d] - 5, 0), 11))
            XCTAssertEqual(window.weight0[d], frame.weight0[60 + d])
            XCTAssertEqual(window.weight1[d], frame.weight1[60 + d])
        }
        let whole = BilinearTaps(inputSize: 23, outputSize: 131, frameInputSize: 23, frameOutputSize: 131, inputOffset: 0, outputOffset: 0)
        XCTAssertEqual(whole.index0, frame.index0)
        XCTAssertEqual(whole.index1, frame.index1)
    }

    /// One ESA (with the c5 before it) on tiles that start on the 6-pixel grid, with a halo covering its receptive field
    /// (36 pixels), equals ESA on the whole frame when it samples the frame's grid (the tile's
    /// FrameRegion); resized on the tile's own grid it does not.
    func testESAOnTilesMatchesTheWholeFrameOnTheFrameGrid() throws {
        var rng = SeededGenerator(seed: 5)
        let features = 13, channels = 8
        var tensors: [String: WeightSet.Entry] = [:]
        for (name, input, output, kernel) in [
            ("conv1", features, channels, 1), ("conv_f", channels, channels, 1),
            ("conv2", channels, channels, 3), ("conv3", channels, channels, 3),
            ("conv4", channels, features, 1),
        ] {
            let conv = Conv2d.random(inChannels: input, outChannels: output, kernel: kernel, using: &rng)
            tensors["esa.\(name).weight"] = .init(shape: [output, input, kernel, kernel], values: conv.weight)
            tensors["esa.\(name).bias"] = .init(shape: [output], values: conv.bias)
        }
        let consumer = WeightConsumer(WeightSet(tensors: tensors), source: "random")
        let c5 = Conv2d.random(inChannels: features, outChannels: features, kernel: 1, using: &rng)
        let esa = try RLFN.ESA(prefix: "esa", after: c5, features: features, channels: channels, weights: consumer)
        try consumer.finish()
        let frame = Tensor.random(channels: features, height: 95, width: 131, range: -1...1, using: &rng)
        let context = InferenceContext(kernels: .reference, threads: 1)
        let whole = esa.forward(frame, context: context)
        let plan = TilePlan(width: frame.width, height: frame.height, tileSize: 40, halo: 36, alignment: 6)
        XCTAssertGreaterThan(plan.tiles.count, 6)
        var worst: (frameGrid: Float, tileGrid: Float) = (0, 0)
        for tile in plan.tiles {
            var tileContext = context
            tileContext.region = FrameRegion(x: tile.padded.x, y: tile.padded.y, frameWidth: frame.width, frameHeight: frame.height)
            let onFrameGrid = esa.forward(frame.crop(tile.padded), context: tileContext)
            let onTileGrid = esa.forward(frame.crop(tile.padded), context: context)
            for c in 0..<features {
                for y in tile.interior.y..<(tile.interior.y + tile.interior.height) {
                    for x in tile.interior.x..<(tile.interior.x + tile.interior.width) {
                        let expected = whole[c, y, x]
                        worst.frameGrid = max(worst.frameGrid, abs(onFrameGrid[c, y - tile.padded.y, x - tile.padded.x] - expected))
                        worst.tileGrid = max(worst.tileGrid, abs(onTileGrid[c, y - tile.padded.y, x - tile.padded.x] - expected))
                    }
                }
            }
        }
        XCTAssertLessThanOrEqual(worst.frameGrid, 1e-5, "on the frame's grid")
        XCTAssertGreaterThan(worst.tileGrid, 1e-3, "on each tile's own grid the attention map shifts")
    }
}
