import Foundation
import VSRInference
import VSRMedia

extension UpscaleSettings {
    /// The settings as command-line arguments (`parse(arguments)` gives them back): how a planned job
    /// stores the options its tasks run with.
    public var arguments: [String] {
        var list: [String] = []
        func add(_ flag: String, _ value: CustomStringConvertible?) { if let value { list += [flag, value.description] } }
        add("--model", model)
        add("--weights", weights)
        add("--recipe", recipe)
        add("--scale", scaleFactor.map { $0 == $0.rounded() ? String(Int($0)) : String($0) })
        add("--tile", tile)
        add("--halo", halo)
        add("--threads", threads)
        add("--workers", workers)
        add("--queue-depth", queueDepth)
        add("--chroma-scaler", chromaScaler?.rawValue)
        add("--codec", codec)
        add("--crf", crf)
        add("--encoder-preset", encoderPreset)
        add("--pix-fmt", pixFmt)
        add("--frames", frames)
        add("--output-size", outputSize)
        add("--width", width)
        add("--height", height)
        if pad { list.append("--pad") }
        if crop { list.append("--crop") }
        add("--deinterlace", deinterlace?.rawValue)
        add("--deinterlace-rate", deinterlaceRate?.rawValue)
        for option in encoderOptionFlags { add("--encoder-option", option) }
        return list
    }

    /// The arguments that change the output: all but the parallelism (`--threads`, `--workers`,
    /// `--queue-depth`), which a task on another machine may set for itself.
    public var outputArguments: [String] {
        var list = arguments, index = 0
        while index < list.count {
            if ["--threads", "--workers", "--queue-depth"].contains(list[index]) {
                list.removeSubrange(index...index + 1)
            } else {
                index += 1
            }
        }
        return list
    }

    /// SHA-256 of the network's weights as stored (a model file, or the shipped model's bytes); the
    /// filter's name for bicubic and lanczos.
    public func modelFingerprint(catalog: ModelCatalog) throws -> String {
        if let weights { return try ContentHash.sha256(file: weights) }
        let (choice, _) = try catalog.resolve(model: model, weights: nil, scale: scale)
        switch choice {
        case .classical(let filter): return filter.rawValue
        case .network(let name, _):
            if let embedded = BuiltInModels.data(named: name) { return ContentHash.sha256(embedded) }
            return try ContentHash.sha256(file: catalog.store.url(for: name).path)
        }
    }
}
