/// PlainSR, the deploy form of RepSR/ECBSR-style networks: conv3x3(colors->C) + act, `hidden` x
/// [conv3x3(C->C) + act], conv3x3(C->colors*s*s), plus the input nearest-upsampled (the input
/// repeated s*s times per channel before the shuffle), then PixelShuffle(s). Every layer is a
/// stride-1 3x3 conv, so tiles need a halo of one pixel per conv and tile exactly.
///
/// Weight names: `<prefix>body.N.weight/bias` for convs at even N and `<prefix>body.N.weight` for
/// PReLU slopes at odd N, as an `nn.Sequential` of conv and activation modules stores them.
public struct PlainSR: SRModel {
    public let descriptor: ModelDescriptor
    let convs: [Conv2d]
    let activations: [Activation]

    /// Builds from a descriptor with `channels`, `hidden` and `act` (prelu, relu or silu).
    public init(descriptor: ModelDescriptor, weights: WeightConsumer, source: String, prefix: String = "") throws {
        self.descriptor = descriptor
        let channels = try descriptor.integer("channels", source: source)
        let hidden = Int(descriptor.hyperParameters["hidden"] ?? "") ?? -1
        guard (0...ModelDescriptor.maximumHyperParameter).contains(hidden) else {
            throw WeightsError.malformed(
                source: source, reason: "metadata 'hidden' must be a count of hidden layers (0...\(ModelDescriptor.maximumHyperParameter))")
        }
        let act = descriptor.hyperParameters["act"] ?? "prelu"
        guard ["prelu", "relu", "silu"].contains(act) else {
            throw WeightsError.malformed(source: source, reason: "metadata 'act' is '\(act)', expected prelu, relu or silu")
        }
        let colors = descriptor.colors, scale = descriptor.scale
        var convs: [Conv2d] = [], activations: [Activation] = []
        let widths = [colors] + [Int](repeating: channels, count: hidden + 1) + [colors * scale * scale]
        for layer in 0..<(widths.count - 1) {
            let index = 2 * layer
            convs.append(try weights.conv("\(prefix)body.\(index)", in: widths[layer], out: widths[layer + 1], kernel: 3))
            guard layer < widths.count - 2 else { break }
            switch act {
            case "relu": activations.append(.relu)
            case "silu": activations.append(.silu)
            default:
                let shared = descriptor.hyperParameters["prelu"] == "shared"
                activations.append(.prelu(try weights.take("\(prefix)body.\(index + 1).weight", shape: [shared ? 1 : channels])))
            }
        }
        self.convs = convs
        self.activations = activations
    }

    public func forward(_ input: Tensor, into window: OutputWindow, context: InferenceContext) throws {
        // The optimized kernels run the whole chain row by row (its activations stay in cache).
        if let chain = streamingChain(context.kernels) { return chain.run(input, threads: context.threads, into: window) }
        // Nets of Winograd layers run them band by band, their activations in cache.
        if let chain = bandChain(context.kernels), chain.runsBands(height: input.height, width: input.width) {
            return chain.run(input, threads: context.threads, into: window)
        }
        var x = input
        for (conv, activation) in zip(convs, activations) { x = conv(x, activation: activation, context: context) }
        // The skip: the input nearest-upsampled, added as the last layer's output is shuffled.
        context.kernels.pixelShuffle(convs.last!(x, context: context), descriptor.scale, input, context.threads, window)
    }

    /// The row-streamed chain, unless `kernels` run a layer by Winograd: a net of 16-channel layers
    /// or wider (the default and quality tiers) runs faster layer by layer with Winograd than
    /// streamed with the direct kernel, which streams at about 90% of the FMA peak
    /// (`WinogradConvolution.minimumInputChannels` has the figures; `vsr-kernel-bench conv --channels
    /// 32 --size 640x360`, AMD EPYC Zen 4: a 32 -> 32 layer by F(6x6) 2.18x / 2.34x the direct
    /// kernel on 1 / 2 threads, by F(4x4) 1.89x / 1.80x). Narrower nets (the x2 fast tier, M4C8)
    /// carry no Winograd weights and stream.
    private func streamingChain(_ kernels: KernelSet) -> StreamingConvolutionChain? {
        guard !runsWinograd(kernels) else { return nil }
        return kernels.cpu.flatMap { StreamingConvolutionChain(layers: convs, activations: activations, scale: descriptor.scale, cpu: $0) }
    }

    /// The band-by-band chain of Winograd layers (`WinogradBandChain`), when `kernels` run every
    /// layer after the first by Winograd.
    private func bandChain(_ kernels: KernelSet) -> WinogradBandChain? {
        WinogradBandChain(convs: convs, activations: activations, scale: descriptor.scale, kernels: kernels)
    }

    /// Whether `kernels` run some layer of this net by Winograd.
    func runsWinograd(_ kernels: KernelSet) -> Bool { kernels.winograd && hasWinogradLayers }

    /// Whether some layer takes Winograd on kernel sets that run it (`ConvolutionChoice.usesWinograd`).
    private var hasWinogradLayers: Bool {
        zip(convs, activations).contains { ConvolutionChoice.usesWinograd($0, activation: $1) }
    }

    public func streamsRows(with kernels: KernelSet) -> Bool { streamingChain(kernels) != nil }

    /// Tiles run layer by layer by Winograd are cut on the width its F(2x2) or F(4x4) layers compute
    /// in whole units (`WinogradTile.rowGroupPixels`: 16 pixels for F(4x4), whose tile rows are
    /// numbered up to whole quads of tiles), so that only the last tile of a row pays for padding.
    /// F(4x4)'s rows were once padded to groups of 16 tiles, and this cut (then on 64 pixels) took a
    /// 1280-pixel-wide frame in two tiles from 176 + 176 Winograd columns to 176 + 160, 4.5% fewer;
    /// on quads it is 164 + 160 where an even cut gives 164 + 164. F(6x6) pads no rows in pixel order.
    /// A band chain that hands rows on in lane order (`WinogradBandChain.handsOnLanes`) computes whole
    /// groups of 16 tiles, 96 pixels for F(6x6) and 64 for F(4x4): with F(6x6) a 1920-pixel row in two
    /// tiles of 1024 (padded widths 968 + 968, 11 groups each) becomes 1056 + 880 (11 + 10).
    public func layerByLayerColumnBlock(with kernels: KernelSet) -> Int {
        guard runsWinograd(kernels), let tile = convs.lazy.compactMap({ $0.winogradWeights?.tile }).first else { return 1 }
        if bandChain(kernels)?.handsOnLanes == true { return ColumnOrder.groupPixels(tile) }
        return tile.rowGroupPixels ?? 1
    }

    /// Layer by layer, a layer's output (the widest: a hidden layer's, or the last one's colors x s²
    /// channels if more); band by band, only the last layer's output is whole (`WinogradBandChain`);
    /// streamed, only the input's zero-bordered copy.
    public func largestTensorBytes(height: Int, width: Int, kernels: KernelSet) -> Int {
        let channels: Int
        if streamsRows(with: kernels) {
            channels = descriptor.colors
        } else if let chain = bandChain(kernels), chain.runsBands(height: height, width: width) {
            channels = descriptor.colors * descriptor.scale * descriptor.scale
        } else {
            channels = convs.map(\.outChannels).max() ?? descriptor.colors
        }
        return channels * height * width * MemoryLayout<Float>.size
    }

    /// One pixel per 3x3 convolution: tiles with this halo reproduce whole-frame output exactly.
    public var tileHalo: Int { convs.count }

    /// Row-streamed nets tile in full-height strips `TilePlan.defaultTileSize` wide (their rings sized
    /// for L2). A net with Winograd layers runs layer by layer (`streamingChain`; at 16 channels band
    /// by band, `bandChain`), where a larger tile recomputes less halo: `vsr bench`
    /// repsr-y-x2-quality (M6C32, 8-pixel halo) at 640x360 ran 135-138 / 91-93 ms a frame (1 / 2
    /// threads) in tiles of 640 against 187-188 / 99-100 in tiles of 320 and 146-155 / 99-112 in
    /// tiles of 128, and at 960x540 284-335 / 187-227 against 350-385 / 193-217 (AMD EPYC Zen 4, a
    /// noisy hour, two rounds). A 656x556 tile's 32-channel tensor is 47 MB.
    /// repsr-y-x2 (M6C16) on an AVX2-only AMD EPYC (family 23 model 1), 960x540, ms a frame on 1 / 2
    /// threads: tiles of 320 344 / 216, 640 300-304 / 162-199, 960 264 / 149-180, the whole frame
    /// 269 / 138-143. Tiles of 1024 keep a 960x540 frame whole, where 640 cut it into two of 480
    /// (each with its halo, and its rows of F(4x4) tiles padded to 16): `vsr bench`, 960x540, the
    /// same CPU, tiles of 640 against 1024, two rounds, ms a frame on 1 / 2 threads: repsr-y-x2
    /// 290-294 / 158-160 -> 257-263 / 139, repsr-y-x4 259-261 / 146-148 -> 222-238 / 123-144,
    /// repsr-y-x2-quality 767-776 / 401-410 -> 698-707 / 367-370; at 1920x1080 (2 x 2 tiles of
    /// 960x540 against 3 x 2 of 640x540) repsr-y-x2 1173-1177 / 635-638 -> 1143-1172 / 620-632.
    /// The price is memory: `vsr upscale` of 1080p to 4K (y4m), max RSS 316 -> 415 MB (a 976x556
    /// tile's 16-channel tensor is 35 MB).
    public var tileSize: Int { hasWinogradLayers ? PlainSR.winogradTileSize : TilePlan.defaultTileSize }

    /// `tileSize` for nets with Winograd layers (layers of 16 channels or more).
    public static let winogradTileSize = 1024

    public func multiplyAccumulates(height: Int, width: Int) -> Double {
        convs.reduce(0) { $0 + $1.multiplyAccumulates(height: height, width: width) }
    }

    public var parameterCount: Int {
        convs.reduce(0) { $0 + $1.parameterCount }
            + activations.reduce(0) {
                if case .prelu(let slopes) = $1 { return $0 + slopes.count }
                return $0
            }
    }
}
