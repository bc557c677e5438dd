/// Runs a model tile by tile and assembles the output: each tile's padded region goes through the
/// model, and only the part of the result that belongs to the tile's interior is kept. A model that
/// streams rows (`SRModel.streamsRows`) runs in full-height strips `tileSize` wide: its memory does
/// not grow with the height, and strips need no halo rows.
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
        let scale = model.descriptor.scale
        let streams = model.streamsRows(with: context.kernels)
        let plan = TilePlan(
            width: input.width, height: input.height, tileSize: tileSize, tileHeight: streams ? input.height : tileSize,
            halo: halo, alignment: model.tileAlignment, columnBlock: model.tileColumnBlock(with: context.kernels))
        if plan.tiles.count == 1 { return try model.forward(input, context: context) }
        let outWidth = input.width * scale, outHeight = input.height * scale
        // Each tile writes its interior straight into the output (the interiors partition it).
        return try Tensor.filled(channels: model.descriptor.colors, height: outHeight, width: outWidth) { frame in
            for tile in plan.tiles {
                var tileContext = context
                tileContext.region = FrameRegion(x: tile.padded.x, y: tile.padded.y, frameWidth: input.width, frameHeight: input.height)
                // The interior's place inside the padded result, in output pixels.
                let kept = TilePlan.Rect(
                    x: (tile.interior.x - tile.padded.x) * scale, y: (tile.interior.y - tile.padded.y) * scale,
                    width: tile.interior.width * scale, height: tile.interior.height * scale)
                let window = OutputWindow(
                    origin: frame.origin + tile.interior.y * scale * outWidth + tile.interior.x * scale, rowStride: outWidth,
                    planeStride: outHeight * outWidth, kept: kept)
                try model.forward(input.crop(tile.padded), into: window, context: tileContext)
            }
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
