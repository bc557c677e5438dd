/// Runs a model tile by tile and assembles the output: each tile's padded region goes through the
/// model, and only the part of the result that belongs to the tile's interior is kept. A model that
/// streams rows (`SRModel.streamsRows`) runs in full-height strips `tileSize` wide: its memory does
/// not grow with the height, and strips need no halo rows. The model cuts the frame
/// (`SRModel.tilePlan`), in tiles whose tensors a worker thread's heap holds
/// (`memoryBoundedTilePlan`).
public struct TiledInference: Sendable {
    public let model: any SRModel
    public let tileSize: Int
    public let halo: Int

    public init(model: any SRModel, tileSize: Int, halo: Int) {
        self.model = model
        self.tileSize = tileSize
        self.halo = halo
    }

    public func run(_ input: Tensor, context: InferenceContext) throws -> Tensor {
        try Tensor.filled(channels: model.descriptor.colors, upscaling: input, by: model.descriptor.scale) {
            try run(input, into: $0, context: context)
        }
    }

    /// The whole result into `window` (which keeps all of it): each tile writes its interior
    /// straight there (the interiors partition it).
    func run(_ input: Tensor, into window: OutputWindow, context: InferenceContext) throws {
        let scale = model.descriptor.scale
        precondition(
            window.kept == TilePlan.Rect(x: 0, y: 0, width: input.width * scale, height: input.height * scale),
            "tiled inference fills a window that keeps the whole result")
        let plan = model.memoryBoundedTilePlan(
            width: input.width, height: input.height, tileSize: tileSize, halo: halo, kernels: context.kernels)
        if plan.tiles.count == 1 { return try model.forward(input, into: window, context: context) }
        for tile in plan.tiles {
            var tileContext = context
            tileContext.region = FrameRegion(x: tile.padded.x, y: tile.padded.y, frameWidth: input.width, frameHeight: input.height)
            // The interior's place inside the padded result, in output pixels.
            let kept = TilePlan.Rect(
                x: (tile.interior.x - tile.padded.x) * scale, y: (tile.interior.y - tile.padded.y) * scale,
                width: tile.interior.width * scale, height: tile.interior.height * scale)
            try model.forward(
                input.crop(tile.padded), into: window.part(x: tile.interior.x * scale, y: tile.interior.y * scale, kept: kept),
                context: tileContext)
        }
    }
}

extension Tensor {
    /// The channels of `rect`.
    public func crop(_ rect: TilePlan.Rect) -> Tensor {
        var data: [Float] = []
        data.reserveCapacity(channels * rect.width * rect.height)
        for c in 0..<channels {
            for y in rect.y..<(rect.y + rect.height) {
                let start = (c * height + y) * width + rect.x
                data.append(contentsOf: self.data[start..<(start + rect.width)])
            }
        }
        return Tensor(channels: channels, height: rect.height, width: rect.width, data: data)
    }
}
