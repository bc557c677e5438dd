import Foundation
import VSRCore
import VSRInference
import VSRMedia

/// Which upscaler `vsr upscale` runs: a classical filter or a network from a weights file.
enum ModelChoice {
    case classical(ResamplingFilter)
    case network(name: String, model: any SRModel)

    static let classicalNames: [String: ResamplingFilter] = ["bicubic": .bicubic, "lanczos": .lanczos]

    /// Resolves `--model` / `--weights`; without either, the shipped model for `scale`
    /// (repsr-y-x2, repsr-y-x4), or bicubic where none is shipped. Returns a note to show when vsr chose.
    static func resolve(model: String?, weights: String?, scale: Int?, store: ModelStore) throws -> (ModelChoice, String?) {
        if let weights {
            return (.network(name: URL(fileURLWithPath: weights).deletingPathExtension().lastPathComponent,
                             model: try load(weights)), nil)
        }
        if let model {
            if let filter = classicalNames[model] { return (.classical(filter), nil) }
            if let builtIn = try translatingErrors({ try BuiltInModels.model(named: model) }) {
                return (.network(name: model, model: builtIn), nil)
            }
            let url = store.url(for: model)
            guard FileManager.default.fileExists(atPath: url.path) else {
                let known = BuiltInModels.names + store.names()
                throw VSRError.usage("unknown model '\(model)': expected bicubic, lanczos or a model from `vsr models` (" +
                                     known.joined(separator: ", ") + ")")
            }
            return (.network(name: model, model: try load(url.path)), nil)
        }
        let wanted = scale ?? 2
        if let name = BuiltInModels.defaultName(scale: wanted),
           let builtIn = try translatingErrors({ try BuiltInModels.model(named: name) }) {
            return (.network(name: name, model: builtIn), nil)
        }
        return (.classical(.bicubic), "no model is shipped for x\(wanted), so luma uses bicubic " +
                "(--model names an installed one; see vsr models)")
    }

    /// Every network `--model` can name: the shipped models, then the installed ones.
    static func availableNetworkNames(store: ModelStore) -> [String] {
        BuiltInModels.names + store.names().filter { !BuiltInModels.names.contains($0) }
    }

    static func load(_ path: String) throws -> any SRModel {
        guard FileManager.default.isReadableFile(atPath: path) else { throw VSRError.inputNotFound(path: path) }
        return try translatingErrors { try ModelRegistry.build(SafeTensors.read(contentsOf: URL(fileURLWithPath: path)), source: path) }
    }

    var scale: Int? {
        if case .network(_, let model) = self { return model.descriptor.scale }
        return nil
    }
}
