import ArgumentParser
import Foundation
import VSRCore
import VSRInference
import VSRMedia
import VSRPresets
import VSRStreams

/// Everything that shapes an upscale run except where its frames come from and go to: the upscaler,
/// tiling, parallelism, the chroma scaler and the encoder. It is the option group that `vsr upscale`
/// and `vsr probe` share, so a flag, its help and its field are one declaration here; a recipe
/// (`--recipe`) fills what the flags leave unset; every default and every range lives in this file.
///
/// To add a setting: declare it here (with its default and check), use it where it acts, and, if
/// recipes may set it, read it in `apply(_:catalog:)`.
public struct UpscaleSettings: ParsableArguments {
    public static let defaultScale = 2
    /// What `--tile`'s help says of the default: each model's own size (`SRModel.tileSize`).
    public static let tileDefaults =
        "\(TilePlan.defaultTileSize); \(PlainSR.winogradTileSize) for plain nets of 16 channels or more; \(RLFN.preferredTileSize) for RLFN"
    public static let defaultQueueDepth = 4
    public static let defaultChromaScaler = ResamplingFilter.lanczos
    public static let scales = 2...4
    public static let minimumTile = 16

    @Option(
        help: ArgumentHelp(
            """
            The upscaler: bicubic, lanczos, a shipped model (\(BuiltInModels.names.joined(separator: ", "))) or an installed one \
            (see `vsr models`). Default: repsr-y-x2, or repsr-y-x4 with --scale 4; bicubic at x3.
            """, valueName: "name"))
    public var model: String?

    @Option(help: ArgumentHelp("A model file (.safetensors) to use instead of --model.", valueName: "file"))
    public var weights: String?

    @Option(
        name: [.customLong("recipe"), .customLong("pipeline")],
        help: ArgumentHelp(
            """
            A recipe (Pipelines/NAME.json, or NAME from `vsr recipes`) that fixes the model, tiling, queues, \
            threads, chroma scaler and encoder; flags given here override it. --pipeline is the old name.
            """, valueName: "recipe"))
    public var recipe: String?

    @Option(
        name: .customLong("scale"),
        help: ArgumentHelp(
            """
            Upscaling factor: 2, 3 or 4 (default: the model's, or 2); a factor such as 1.5 or 2.5 runs the \
            network at the next scale it has and lanczos to the size.
            """, valueName: "factor"))
    public var scaleFactor: Double?

    /// The whole-number scale the upscaler runs at (nil for a fractional factor or none given).
    public var scale: Int? {
        get { scaleFactor.flatMap { $0 == $0.rounded() ? Int($0) : nil } }
        set { scaleFactor = newValue.map(Double.init) }
    }

    /// A factor that is not a whole number (1.5): reached by a final resize, as --output-size is.
    public var fractionalScale: Double? { scaleFactor.flatMap { $0 == $0.rounded() ? nil : $0 } }

    @Option(
        help: ArgumentHelp(
            "Tile size in input pixels for networks: n x n tiles, full-height strips n wide for nets that stream rows, "
                + "tiles of at most n x n pixels shaped to recompute the least halo for RLFN (default: the model's own, \(tileDefaults)); "
                + "smaller, down to half, where a tile's tensors would not fit in 64 MiB.",
            valueName: "n"))
    public var tile: Int?

    @Option(help: ArgumentHelp("Halo around each tile in input pixels (default: the model's own).", valueName: "n"))
    public var halo: Int?

    @Option(help: ArgumentHelp("Threads per frame for networks (default: cores / workers).", valueName: "n"))
    public var threads: Int?

    @Option(
        help: ArgumentHelp(
            """
            Frames upscaled at once (default: one per core for networks, each on one thread, which keeps \
            every core busy through the serial parts of a frame; 2 for classical filters; cores / --threads \
            when --threads is given).
            """, valueName: "n"))
    public var workers: Int?

    @Option(
        help: ArgumentHelp(
            """
            Frames each queue between stages holds (default \(defaultQueueDepth)); at most 2 x this + workers \
            frames are in flight.
            """, valueName: "n"))
    public var queueDepth: Int?

    @Option(
        help: ArgumentHelp(
            """
            Chroma upscaler: \(ResamplingFilter.allCases.map(\.rawValue).joined(separator: ", ")) \
            (default \(defaultChromaScaler.rawValue)).
            """, valueName: "filter"))
    public var chromaScaler: ResamplingFilter?

    @Option(
        help: ArgumentHelp(
            """
            Video encoder (an FFmpeg encoder name). Default: libx264 for .mp4/.mkv/.mov, libvpx-vp9 for \
            .webm, raw frames for .y4m; ffv1 makes lossless archives.
            """, valueName: "name"))
    public var codec: String?

    @Option(
        help: ArgumentHelp(
            "Constant rate factor (x264/x265 default 18, vp9 default 31); lower is better.",
            valueName: "n"))
    public var crf: Int?

    @Option(
        name: [.customLong("encoder-preset"), .customLong("preset")],
        help: ArgumentHelp(
            """
            The encoder's speed preset for x264/x265 (ultrafast ... veryslow; default medium). --preset is the old name.
            """, valueName: "name"))
    public var encoderPreset: String?

    @Option(
        help: ArgumentHelp(
            """
            Output pixel format (default: the input's; 10-bit stays 10-bit where the codec allows). With \
            --input-format rawvideo it names the input's format instead (\(RawPixelFormat.names.joined(separator: ", "))), \
            which raw output keeps.
            """, valueName: "format"))
    public var pixFmt: String?

    @Option(help: ArgumentHelp("Stop after this many frames.", valueName: "n"))
    public var frames: Int?

    @Option(
        help: ArgumentHelp(
            """
            An exact output size: the network runs at the integer scale at or above it (x2, else x4 with the \
            shipped models), then lanczos gives the size.
            """, valueName: "WxH"))
    public var outputSize: String?

    @Option(help: ArgumentHelp("An output width; the height keeps the aspect ratio (rounded to even).", valueName: "W"))
    public var width: Int?

    @Option(help: ArgumentHelp("An output height; the width keeps the aspect ratio (rounded to even).", valueName: "H"))
    public var height: Int?

    @Flag(help: "Make an odd output width or height even by repeating the last column or row (H.264/HEVC need even sizes).")
    public var pad = false

    @Flag(help: "Make an odd output width or height even by cutting the last column or row.")
    public var crop = false

    @Option(
        help: ArgumentHelp(
            """
            Deinterlace with FFmpeg's bwdif before upscaling: auto (default) does it to the frames flagged \
            interlaced, on to every frame, off never (combing is then upscaled too).
            """, valueName: "auto|on|off"))
    public var deinterlace: DeinterlacePolicy?

    @Option(
        help: ArgumentHelp(
            "When deinterlacing: one output frame per frame (default) or per field (double the frame rate).",
            valueName: "frame|field"))
    public var deinterlaceRate: DeinterlaceRate?

    @Option(
        name: .customLong("encoder-option"),
        help: ArgumentHelp(
            "An encoder private option, e.g. tune=film or x264-params=aq-mode=3 (repeatable; over the recipe's).",
            valueName: "key=value"))
    public var encoderOptionFlags: [String] = []

    /// Encoder private options from the recipe; `--encoder-option` flags are merged over them in `encoder()`.
    public var encoderOptions: [String: String] = [:]

    /// Set by `apply(_:catalog:)` when the recipe's first model is not installed and a later one runs.
    public var recipeNote: String?

    /// The recipe's raw format for stdout (`output_format`); a file output's extension decides for files.
    public var recipeOutputFormat: RawOutputFormat?

    enum CodingKeys: String, CodingKey {
        case model, weights, recipe, scaleFactor, tile, halo, threads, workers, queueDepth, chromaScaler, codec, crf,
            encoderPreset, pixFmt, frames, outputSize, width, height, pad, crop, deinterlace, deinterlaceRate, encoderOptionFlags
    }

    /// Required by ArgumentParser; a value made by it cannot be read. Make one with `parse([])` (the
    /// defaults) and set fields from there.
    public init() {}

    // MARK: Checks

    /// Checks every value the flags or a recipe gave; messages name the flag.
    public func validate() throws {
        if let scale { try Self.check(scale: scale) }
        if let fraction = fractionalScale {
            guard fraction > 1, fraction <= 8 else { throw ValidationError("--scale must be over 1 and at most 8, got \(fraction)") }
            if outputSize != nil || width != nil || height != nil {
                throw ValidationError("give a fractional --scale or an output size, not both")
            }
        }
        if model != nil && weights != nil { throw ValidationError("give --model or --weights, not both") }
        if let tile { try Self.check(tile: tile) }
        if let halo { try Self.check(halo: halo) }
        if let threads { try Self.check(atLeastOne: threads, flag: "--threads") }
        if let queueDepth { try Self.check(atLeastOne: queueDepth, flag: "--queue-depth") }
        if let workers { try Self.check(atLeastOne: workers, flag: "--workers") }
        // Beyond these the memory budget or thread creation refuses anyway; the bound keeps the
        // arithmetic (2 x depth + workers) far from overflowing.
        for (value, flag) in [(queueDepth, "--queue-depth"), (workers, "--workers"), (threads, "--threads")] {
            if let value, value > 1 << 30 { throw ValidationError("\(flag) must be at most \(1 << 30), got \(value)") }
        }
        if let frames { try Self.check(atLeastOne: frames, flag: "--frames") }
        if pad && crop { throw ValidationError("give --pad or --crop, not both") }
        if outputSize != nil && (width != nil || height != nil) {
            throw ValidationError("give --output-size, or --width and/or --height, not both")
        }
        if let outputSize {
            let (w, h) = try FrameGeometry.parseSize(outputSize, flag: "--output-size")
            try Self.check(outputWidth: w, height: h)
        }
        try Self.check(outputWidth: width ?? 2, height: height ?? 2)
        if let crf, !(0...63).contains(crf) { throw ValidationError("--crf must be 0...63, got \(crf)") }
        for option in encoderOptionFlags where !option.contains("=") || option.hasPrefix("=") {
            throw ValidationError("--encoder-option '\(option)' is not key=value, e.g. tune=film")
        }
    }

    static func check(outputWidth width: Int, height: Int) throws {
        guard width >= 1, height >= 1 else { throw ValidationError("an output size must be at least 1x1, got \(width)x\(height)") }
        guard FrameSizeLimit.accepts(width: width, height: height) else {
            throw ValidationError("an output of \(width)x\(height) is too large: \(FrameSizeLimit.refusal(width: width, height: height))")
        }
    }

    public static func check(scale: Int) throws {
        guard scales.contains(scale) else { throw ValidationError("--scale must be 2, 3 or 4, got \(scale)") }
    }

    public static func check(tile: Int) throws {
        guard tile >= minimumTile else { throw ValidationError("--tile must be at least \(minimumTile), got \(tile)") }
    }

    public static func check(halo: Int) throws {
        guard halo >= 0 else { throw ValidationError("--halo must be 0 or more, got \(halo)") }
    }

    public static func check(atLeastOne value: Int, flag: String) throws {
        guard value >= 1 else { throw ValidationError("\(flag) must be at least 1, got \(value)") }
    }

    // MARK: Recipes

    /// Loads `--recipe` (if given) and takes from it every setting the flags left unset.
    public mutating func applyRecipe(library: RecipeLibrary = RecipeLibrary(), catalog: ModelCatalog) throws {
        // `vsr recipes` lists names like fast-x2, and --preset is the natural guess for them.
        if let preset = encoderPreset, library.all().contains(where: { $0.name == preset }) {
            throw VSRError.usage(
                "'\(preset)' is a recipe: use --recipe \(preset) (--preset and --encoder-preset name the encoder's "
                    + "speed preset, such as slow or veryfast)")
        }
        guard let recipe else { return }
        try apply(PipelinePreset.load(path: library.locate(recipe)), catalog: catalog)
    }

    /// Takes every setting the flags left unset from `recipe`; its first available model wins.
    public mutating func apply(_ recipe: PipelinePreset, catalog: ModelCatalog) throws {
        if model == nil && weights == nil {
            if let name = try catalog.firstAvailable(recipe.models, recipe: recipe.path) {
                model = name
                let missing = recipe.models.prefix { $0 != name }
                if !missing.isEmpty {
                    recipeNote =
                        "recipe \(self.recipe ?? recipe.path): \(missing.joined(separator: " and ")) "
                        + "\(missing.count == 1 ? "is" : "are") not installed (vsr import adds \(missing.count == 1 ? "it" : "them")); using \(name)"
                }
            }
            weights = recipe.weights
        }
        scale = scale ?? recipe.scale
        tile = tile ?? recipe.tile
        halo = halo ?? recipe.halo
        queueDepth = queueDepth ?? recipe.queueDepth
        workers = workers ?? recipe.workers
        threads = threads ?? recipe.threads
        chromaScaler = chromaScaler ?? recipe.chromaScaler
        codec = codec ?? recipe.codec
        crf = crf ?? recipe.crf
        encoderPreset = encoderPreset ?? recipe.encoderPreset
        pixFmt = pixFmt ?? recipe.pixelFormat
        encoderOptions = recipe.encoderOptions
        recipeOutputFormat = recipe.outputFormat
    }

    // MARK: Effective values

    public var queueCapacity: Int { queueDepth ?? Self.defaultQueueDepth }
    public var chromaFilter: ResamplingFilter { chromaScaler ?? Self.defaultChromaScaler }

    /// The exact output size `--output-size`, `--width`, `--height` or a fractional `--scale` asks
    /// for a `width` x `height` source; nil when none is given. A side computed from the other (or
    /// from the factor) keeps the aspect ratio, rounded to even.
    public func targetSize(width sourceWidth: Int, height sourceHeight: Int) throws -> (width: Int, height: Int)? {
        if let outputSize { return try FrameGeometry.parseSize(outputSize, flag: "--output-size") }
        func even(_ value: Double) -> Int { max(2, Int((value / 2).rounded()) * 2) }
        if let fraction = fractionalScale { return (even(Double(sourceWidth) * fraction), even(Double(sourceHeight) * fraction)) }
        switch (width, height) {
        case (nil, nil): return nil
        case (let w?, let h?): return (w, h)
        case (let w?, nil): return (w, even(Double(sourceHeight) * Double(w) / Double(sourceWidth)))
        case (nil, let h?): return (even(Double(sourceWidth) * Double(h) / Double(sourceHeight)), h)
        }
    }

    /// `width` x `height` made even by --pad (up) or --crop (down); unchanged without them.
    public func evenSize(width: Int, height: Int) -> (width: Int, height: Int) {
        if pad { return (width + width % 2, height + height % 2) }
        if crop { return (max(2, width - width % 2), max(2, height - height % 2)) }
        return (width, height)
    }

    /// For a target size with no --scale, --model or --weights: x2 where it reaches the target, else x4
    /// (the shipped models' scales); the final resize does the rest.
    public mutating func chooseScale(for target: (width: Int, height: Int), sourceWidth: Int, sourceHeight: Int) {
        guard scale == nil, model == nil, weights == nil else { return }
        let factor = max(Double(target.width) / Double(sourceWidth), Double(target.height) / Double(sourceHeight))
        scale = factor <= 2 ? 2 : 4
    }

    /// The upscaler these settings name, and a note when vsr chose it.
    public func resolveModel(catalog: ModelCatalog) throws -> (choice: ModelChoice, scale: Int, note: String?) {
        let (choice, note) = try catalog.resolve(model: model, weights: weights, scale: scale)
        if let modelScale = choice.scale, let scale, scale != modelScale {
            throw VSRError.usage("the model upscales x\(modelScale), but --scale is \(scale)")
        }
        return (choice, choice.scale ?? scale ?? Self.defaultScale, note)
    }

    /// Frames in flight and threads per frame. Networks default to one frame per core on one thread
    /// each: a frame's serial parts (colour conversion, tile assembly) then never leave a core idle.
    public func parallelism(isNetwork: Bool, cores: Int = InferenceContext.defaultThreads) -> (workers: Int, threads: Int) {
        let workerCount = workers ?? (isNetwork ? max(1, cores / (threads ?? 1)) : 2)
        return (workerCount, threads ?? max(1, cores / workerCount))
    }

    /// The encoder settings; a rawvideo input's --pix-fmt names the input, not the output.
    public func encoder(pixFmtNamesInput: Bool = false) -> EncoderSettings {
        EncoderSettings(
            codec: codec, crf: crf, preset: encoderPreset, pixelFormat: pixFmtNamesInput ? nil : pixFmt,
            options: encoderOptions.merging(
                encoderOptionFlags.map { option in
                    let parts = option.split(separator: "=", maxSplits: 1)
                    return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
                }, uniquingKeysWith: { _, flag in flag }))
    }

    /// What to do to the decoded frames before upscaling: deinterlace by the policy (for `auto`, the
    /// stream's tag, or the first frame's flag where the stream has none), and turn the frames upright
    /// when the output cannot carry the input's display matrix.
    public func frameCorrection(
        source: VideoStreamInfo, firstFrame: FieldOrder?, outputCarriesDisplayMatrix: Bool
    ) -> FrameCorrection {
        var correction = FrameCorrection()
        switch deinterlace ?? .auto {
        case .off: break
        case .on: correction.deinterlace = true; correction.everyFrame = true
        case .auto:
            correction.deinterlace =
                source.fieldOrder.isInterlaced || (source.fieldOrder != .progressive && firstFrame?.isInterlaced == true)
        }
        correction.fieldRate = correction.deinterlace && deinterlaceRate == .field
        if !outputCarriesDisplayMatrix { correction.rotation = source.displayMatrix }
        return correction
    }

    /// Builds upscalers for `choice` with these settings and `color`.
    public func factory(scale: Int, color: ColorInfo) -> UpscalerFactory {
        UpscalerFactory(scale: scale, tile: tile, halo: halo, chromaScaler: chromaFilter, color: color)
    }
}

extension ResamplingFilter: ExpressibleByArgument {}

/// `--deinterlace`: when bwdif runs.
public enum DeinterlacePolicy: String, CaseIterable, Sendable, ExpressibleByArgument {
    case auto, on, off
}

/// `--deinterlace-rate`: one frame per frame or per field.
public enum DeinterlaceRate: String, CaseIterable, Sendable, ExpressibleByArgument {
    case frame, field
}
