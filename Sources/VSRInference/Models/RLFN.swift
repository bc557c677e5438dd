/// RLFN (Kong et al., "Residual Local Feature Network for Efficient Super-Resolution", NTIRE 2022),
/// following the official code: conv_1, N residual local feature blocks, conv_2 plus a global skip,
/// and a conv + PixelShuffle upsampler. RLFN (52 channels, 6 blocks), RLFN-S (48, 6) and RLFN_Prune
/// (46 feature / 48 mid channels, 4 blocks) differ only in these numbers.
public struct RLFN: SRModel {
    public let descriptor: ModelDescriptor
    let head: Conv2d
    let blocks: [Block]
    let tail: Conv2d
    let upsampler: Conv2d

    /// Hyper-parameters of the official variants: (feature channels, mid channels, blocks).
    public static let variants: [String: (features: Int, mid: Int, blocks: Int)] = [
        "rlfn": (52, 52, 6), "rlfn-s": (48, 48, 6), "rlfn-prune": (46, 48, 4),
    ]

    /// Builds from a descriptor with `channels`, `mid_channels`, `blocks` and `esa_channels`.
    public init(descriptor: ModelDescriptor, weights: WeightConsumer, source: String) throws {
        self.descriptor = descriptor
        let features = try descriptor.integer("channels", source: source)
        let mid = try descriptor.integer("mid_channels", source: source)
        let count = try descriptor.integer("blocks", source: source)
        let esa = try descriptor.integer("esa_channels", source: source)
        let colors = descriptor.colors, scale = descriptor.scale
        head = try weights.conv("conv_1", in: colors, out: features, kernel: 3)
        blocks = try (1...count).map { try Block(prefix: "block_\($0)", features: features, mid: mid, esa: esa, weights: weights) }
        tail = try weights.conv("conv_2", in: features, out: features, kernel: 3)
        upsampler = try weights.conv("upsampler.0", in: features, out: colors * scale * scale, kernel: 3)
    }

    /// The ESA branch's strided conv and 7x7 max-pool need at least 15 pixels each way.
    public static let minimumInputSize = 15

    public func forward(_ input: Tensor, into window: OutputWindow, context: InferenceContext) throws {
        guard input.height >= RLFN.minimumInputSize, input.width >= RLFN.minimumInputSize else {
            throw ModelInputError(
                description: "RLFN needs an input of at least \(RLFN.minimumInputSize)x"
                    + "\(RLFN.minimumInputSize) pixels, got \(input.width)x\(input.height)")
        }
        let features = head(input, context: context)
        var x = features
        for block in blocks { x = block.forward(x, context: context) }
        let low = tail(x, residual: features, context: context)
        context.kernels.pixelShuffle(upsampler(low, context: context), descriptor.scale, nil, context.threads, window)
    }

    /// ESA pools over a strided 7x7 window and resizes back, so each output pixel depends on the
    /// whole tile and no halo makes tiling exact; this one (a multiple of the 6-pixel grid below)
    /// is the measured trade-off (README).
    public var tileHalo: Int { 18 }

    /// With the 18-pixel halo, tiles of 256 ran RLFN x2 on a 960x540 frame at 1.29x the whole frame's
    /// time (`vsr-kernel-bench model --tile`, AMD EPYC Zen 3, one thread), and larger tiles also pool
    /// more of the frame in one ESA. Tiles hold at most 512 x 512 pixels (`tilePlan`): a 528x540
    /// padded tile's 52-channel tensor is 59 MB.
    public static let preferredTileSize = 512
    public var tileSize: Int { Self.preferredTileSize }

    /// Tiles of at most `tileSize`² pixels shaped to recompute the least halo (`TileShape`: the
    /// 18-pixel halo is 7% of a 512 tile's side, and the memory a tile takes is its area), their
    /// columns cut on `layerByLayerColumnBlock`, the last one's too (`TilePlan`'s `wholeLastColumn`).
    public func tilePlan(width: Int, height: Int, tileSize: Int, halo: Int, kernels: KernelSet) -> TilePlan {
        let shape = TileShape.fewestPaddedPixels(width: width, height: height, tileSize: tileSize, halo: halo)
        return TilePlan(
            width: width, height: height, tileSize: shape.width, tileHeight: shape.height, halo: halo,
            alignment: tileAlignment, columnBlock: tileColumnBlock(with: kernels), wholeLastColumn: true)
    }

    /// A layer's output, the widest: the features (or the mid channels, or the upsampler's colors x
    /// s², if more). ESA's branch is 16 channels, pooled but for one 1x1 layer, and its gate computes
    /// c5 inside its pass rather than storing it.
    public func largestTensorBytes(height: Int, width: Int, kernels: KernelSet) -> Int {
        let widest = ([head, tail, upsampler] + blocks.flatMap { [$0.c1, $0.c2, $0.c3] }).map(\.outChannels).max()!
        return widest * height * width * MemoryLayout<Float>.size
    }

    /// ESA's stride-2 conv and stride-3 pool sample a 6-pixel grid; tiles starting on it pool on
    /// the same grid as the whole frame.
    public var tileAlignment: Int { ESA.grid }

    /// Tile columns are cut on 48 pixels where the layers run by Winograd: a padded tile 48k pixels
    /// wide has rows of whole 64-byte cache lines and F(6x6) rows of 8k tiles, so that every 16-tile
    /// group of the transforms starts on a cache line (`TilePlan`; also whole quads of F(4x4) tiles
    /// and whole cells of the 6-pixel grid). On rows that are not, every layer's loads and stores
    /// cross cache lines: RLFN-S x2 on a whole frame ran 954x540 at 228 effective GFLOP/s against
    /// 245 at 960x540 and 231 at 1020x540 against 247 at 1008x540 (`vsr-kernel-bench model`, one
    /// thread, AMD EPYC Zen 4, AVX-512). RLFN-S x2 on a 960x540 frame, same machine, ms on one
    /// thread: in four square tiles of 512, 2151-2163 cut evenly, 2131 with every column but the
    /// last on 48 pixels, 2062-2063 with the last too; in two 480x540 tiles (`TileShape`), 2049-2052,
    /// 1993-2008 and 1921-1939; the whole frame 1764-1825.
    public func layerByLayerColumnBlock(with kernels: KernelSet) -> Int { kernels.winograd ? 48 : 1 }

    public func multiplyAccumulates(height: Int, width: Int) -> Double {
        let whole = [head, tail, upsampler].reduce(0) { $0 + $1.multiplyAccumulates(height: height, width: width) }
        return whole + blocks.reduce(0) { $0 + $1.multiplyAccumulates(height: height, width: width) }
    }

    public var parameterCount: Int {
        [head, tail, upsampler].reduce(0) { $0 + $1.parameterCount } + blocks.reduce(0) { $0 + $1.parameterCount }
    }

    /// RLFB: three 3x3 conv + LeakyReLU(0.05) with a skip, a 1x1 conv (c5), then ESA, which takes
    /// c5 into its gate (`ESA`).
    struct Block: Sendable {
        let c1, c2, c3: Conv2d
        let esa: ESA

        init(prefix: String, features: Int, mid: Int, esa channels: Int, weights: WeightConsumer) throws {
            c1 = try weights.conv("\(prefix).c1_r", in: features, out: mid, kernel: 3)
            c2 = try weights.conv("\(prefix).c2_r", in: mid, out: mid, kernel: 3)
            c3 = try weights.conv("\(prefix).c3_r", in: mid, out: features, kernel: 3)
            let c5 = try weights.conv("\(prefix).c5", in: features, out: features, kernel: 1)
            esa = try ESA(prefix: "\(prefix).esa", after: c5, features: features, channels: channels, weights: weights)
        }

        func forward(_ x: Tensor, context: InferenceContext) -> Tensor {
            let lrelu = Activation.leakyReLU(0.05)
            let out = context.kernels.convChain([c1, c2, c3], lrelu, x, x, context.threads)
            return esa.forward(out, context: context)
        }

        func multiplyAccumulates(height: Int, width: Int) -> Double {
            [c1, c2, c3].reduce(0) { $0 + $1.multiplyAccumulates(height: height, width: width) }
                + esa.multiplyAccumulates(height: height, width: width)
        }

        var parameterCount: Int { [c1, c2, c3].reduce(0) { $0 + $1.parameterCount } + esa.parameterCount }
    }

    /// Enhanced spatial attention on the block's c5: with y = c5 x, y * sigmoid(conv4(upsample(conv3(
    /// maxpool(conv2(conv1 y)))) + conv_f(conv1 y))). Both 1x1 layers are linear, so conv1 y is one
    /// 1x1 layer on x (`reduce`, their product), and y is computed inside the gate's pass (`AttentionGate`)
    /// rather than stored: no 48-52-channel tensor of c5's is written and read back twice.
    struct ESA: Sendable {
        /// conv1 after c5.
        let reduce: Conv2d
        let conv2, conv3: Conv2d
        /// c5, conv_f and conv4.
        let gate: AttentionGate

        init(prefix: String, after c5: Conv2d, features: Int, channels f: Int, weights: WeightConsumer) throws {
            reduce = try weights.conv("\(prefix).conv1", in: features, out: f, kernel: 1).composed(after: c5)
            let convF = try weights.conv("\(prefix).conv_f", in: f, out: f, kernel: 1)
            conv2 = try weights.conv("\(prefix).conv2", in: f, out: f, kernel: 3, stride: 2, padding: 0)
            conv3 = try weights.conv("\(prefix).conv3", in: f, out: f, kernel: 3)
            let conv4 = try weights.conv("\(prefix).conv4", in: f, out: features, kernel: 1)
            gate = AttentionGate(value: c5, sum: convF, gate: conv4)
        }

        /// `x`: the block's features before c5.
        func forward(_ x: Tensor, context: InferenceContext) -> Tensor {
            let reduced = reduce(x, context: context)
            let strided = conv2(reduced, context: context)
            let pooled = context.kernels.maxPool(strided, 7, 3, context.threads)
            let context3 = conv3(pooled, context: context)
            let upsampled = BilinearUpsample(
                source: context3, rows: taps(pooled: pooled.height, size: x.height, axis: \.y, context: context),
                columns: taps(pooled: pooled.width, size: x.width, axis: \.x, context: context))
            return context.kernels.gatedConvolution(gate, x, reduced, upsampled, context.threads)
        }

        /// Input pixels per pooled cell: the stride-2 conv times the stride-3 pool.
        static let grid = 6

        /// Pooled cells along an axis of `size` input pixels (3x3 stride-2 conv, no padding, then a
        /// 7-wide stride-3 pool); meaningful from `RLFN.minimumInputSize` pixels on.
        static func pooledSize(_ size: Int) -> Int { ((size - 3) / 2 + 1 - 7) / 3 + 1 }

        /// The resize's taps along one axis. In a tile that starts on the 6-pixel grid, the tile's
        /// pooled cells are the frame's cells from `start / grid` on, so the tile samples them where
        /// whole-frame inference does; anywhere else the tile is resized on its own.
        private func taps(pooled: Int, size: Int, axis: KeyPath<FrameRegion, Int>, context: InferenceContext) -> BilinearTaps {
            guard let region = context.region, region[keyPath: axis] % ESA.grid == 0 else {
                return BilinearTaps(inputSize: pooled, outputSize: size)
            }
            let frameSize = axis == \FrameRegion.x ? region.frameWidth : region.frameHeight
            return BilinearTaps(
                inputSize: pooled, outputSize: size, frameInputSize: ESA.pooledSize(frameSize), frameOutputSize: frameSize,
                inputOffset: region[keyPath: axis] / ESA.grid, outputOffset: region[keyPath: axis])
        }

        func multiplyAccumulates(height: Int, width: Int) -> Double {
            let pooled = (ESA.pooledSize(height), ESA.pooledSize(width))
            return [reduce, conv2, gate.value, gate.sum, gate.gate].reduce(0) { $0 + $1.multiplyAccumulates(height: height, width: width) }
                + conv3.multiplyAccumulates(height: max(pooled.0, 0), width: max(pooled.1, 0))
        }

        /// `reduce` has conv1's shape, so it counts as conv1 does.
        var parameterCount: Int { [reduce, conv2, conv3].reduce(0) { $0 + $1.parameterCount } + gate.parameterCount }
    }
}
