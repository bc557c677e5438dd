/// A super-resolution network: a tensor in, a tensor `scale` times larger out.
public protocol SRModel: Sendable {
    var descriptor: ModelDescriptor { get }
    /// Runs the network on `input` ([colors, H, W] in the model's input range) and writes the kept
    /// part of its result ([colors, s*H, s*W]) into `window`: a tile's interior goes straight into
    /// the frame's output.
    func forward(_ input: Tensor, into window: OutputWindow, context: InferenceContext) throws
    /// Multiply-accumulates of one forward pass at an input of `height` x `width`, counted from the graph.
    func multiplyAccumulates(height: Int, width: Int) -> Double
    var parameterCount: Int { get }
    /// Input pixels each side a tile needs beyond its interior. Exact for plain nets (one per 3x3
    /// conv); a measured choice for networks whose receptive field spans the frame (RLFN's ESA).
    var tileHalo: Int { get }
    /// Tile boundaries fall on multiples of this (1: anywhere).
    var tileAlignment: Int { get }
    /// The tile size (input pixels) a run uses unless told otherwise (`--tile`): large enough that
    /// the halo's recomputed pixels stay a small share, small enough that a tile's tensors stay
    /// modest (`TilePlan.defaultTileSize` unless the model says otherwise).
    var tileSize: Int { get }
    /// How a `width` x `height` frame is cut for this model on `kernels`, given `tileSize` (the
    /// model's or `--tile`) and `halo`: by default square tiles of `tileSize` (full-height strips that
    /// wide for a model that streams rows), on the grid and column blocks the model asks for; RLFN
    /// shapes its tiles by area (`TileShape`).
    func tilePlan(width: Int, height: Int, tileSize: Int, halo: Int, kernels: KernelSet) -> TilePlan
    /// Whether a forward pass with `kernels` streams the frame row by row (its memory grows with the
    /// width only): such a model is tiled in full-height strips, which needs no halo rows.
    func streamsRows(with kernels: KernelSet) -> Bool
    /// For a model that runs layer by layer (does not stream rows) with `kernels`: the width those
    /// kernels compute in whole units, on which its tile columns are cut (`tileColumnBlock`; 1: anywhere).
    func layerByLayerColumnBlock(with kernels: KernelSet) -> Int
    /// The largest buffer, in bytes, that a forward pass at `height` x `width` with `kernels` holds
    /// whole at one time (a layer's output, for a model run layer by layer; the input's copy, for one
    /// that streams rows): what `memoryBoundedTilePlan` keeps tiles under.
    func largestTensorBytes(height: Int, width: Int, kernels: KernelSet) -> Int
}

extension SRModel {
    /// Runs the network on `input` ([colors, H, W] in the model's input range): the whole result.
    public func forward(_ input: Tensor, context: InferenceContext) throws -> Tensor {
        try Tensor.filled(channels: descriptor.colors, upscaling: input, by: descriptor.scale) {
            try forward(input, into: $0, context: context)
        }
    }

    public var tileAlignment: Int { 1 }
    public var tileSize: Int { TilePlan.defaultTileSize }
    public func streamsRows(with kernels: KernelSet) -> Bool { false }
    public func layerByLayerColumnBlock(with kernels: KernelSet) -> Int { 1 }

    /// Tile columns are cut so that each padded tile but the last spans a whole number of these
    /// pixels (`TilePlan`'s `columnBlock`; 1: anywhere): a row-streamed model's strips on the
    /// micro-kernel's blocks, other models' tiles on `layerByLayerColumnBlock`. Used only by models
    /// whose grid (`tileAlignment`) divides both this and the halo.
    public func tileColumnBlock(with kernels: KernelSet) -> Int {
        streamsRows(with: kernels) ? kernels.cpu?.convPixels ?? 1 : layerByLayerColumnBlock(with: kernels)
    }

    public func tilePlan(width: Int, height: Int, tileSize: Int, halo: Int, kernels: KernelSet) -> TilePlan {
        TilePlan(
            width: width, height: height, tileSize: tileSize, tileHeight: streamsRows(with: kernels) ? height : tileSize,
            halo: halo, alignment: tileAlignment, columnBlock: tileColumnBlock(with: kernels))
    }
}

extension SRModel {
    /// FLOP of one forward pass (2 per multiply-accumulate, the convention of the RLFN paper's table).
    public func flops(height: Int, width: Int) -> Double { 2 * multiplyAccumulates(height: height, width: width) }
}

/// What a model is: its architecture and hyper-parameters, as stored in a weights file's metadata.
public struct ModelDescriptor: Sendable, Equatable {
    /// Registry name of the architecture ("rlfn", "plainsr").
    public var arch: String
    public var scale: Int
    /// 1 for luma models, 3 for RGB.
    public var colors: Int
    /// The value of white at the input: 1 (0-1 floats) or 255 (0-255 floats).
    public var inputRange: Float
    /// Architecture-specific integers (channels, blocks, ...).
    public var hyperParameters: [String: String]

    public init(arch: String, scale: Int, colors: Int, inputRange: Float, hyperParameters: [String: String] = [:]) {
        self.arch = arch
        self.scale = scale
        self.colors = colors
        self.inputRange = inputRange
        self.hyperParameters = hyperParameters
    }

    /// The descriptor as safetensors `__metadata__` (string to string).
    public var metadata: [String: String] {
        var metadata = hyperParameters
        metadata["arch"] = arch
        metadata["scale"] = String(scale)
        metadata["colors"] = String(colors)
        metadata["input_range"] = inputRange == 1 ? "1" : String(Int(inputRange))
        return metadata
    }

    /// Reads a descriptor back from metadata; throws naming the missing or malformed key.
    /// The largest width, depth or count a model's metadata may give: larger values are refused
    /// before anything is allocated (model files are someone else's files).
    public static let maximumHyperParameter = 4096

    public init(metadata: [String: String], source: String) throws {
        func integer(_ key: String, _ range: ClosedRange<Int>) throws -> Int {
            guard let text = metadata[key], let value = Int(text), range.contains(value) else {
                throw WeightsError.malformed(
                    source: source,
                    reason: "metadata '\(key)' is \(metadata[key].map { "'\($0)'" } ?? "missing"), "
                        + "expected an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            return value
        }
        guard let arch = metadata["arch"] else {
            throw WeightsError.malformed(source: source, reason: "metadata has no 'arch' (expected e.g. rlfn or plainsr)")
        }
        self.arch = arch
        scale = try integer("scale", 1...8)
        colors = try integer("colors", 1...3)
        inputRange = Float(try integer("input_range", 1...65535))
        guard colors == 1 || colors == 3 else {
            throw WeightsError.malformed(source: source, reason: "metadata 'colors' is \(colors), expected 1 or 3")
        }
        var rest = metadata
        for key in ["arch", "scale", "colors", "input_range"] { rest[key] = nil }
        hyperParameters = rest
    }

    func integer(_ key: String, source: String) throws -> Int {
        guard let text = hyperParameters[key], let value = Int(text), (1...Self.maximumHyperParameter).contains(value) else {
            throw WeightsError.malformed(
                source: source,
                reason: "metadata '\(key)' is \(hyperParameters[key].map { "'\($0)'" } ?? "missing"), "
                    + "expected an integer in 1...\(Self.maximumHyperParameter)")
        }
        return value
    }
}

/// A model cannot run on this input.
public struct ModelInputError: Error, CustomStringConvertible, Equatable {
    public let description: String
}
