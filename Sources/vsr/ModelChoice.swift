import Foundation
import VSRCore
import VSRInference
import VSRMedia

/// Which upscaler `vsr upscale` runs: a classical filter or a network from a weights file.
enum ModelChoice {
    case classical(ResamplingFilter)
    case network(name: String, model: any SRModel)

    static let classicalNames: [String: ResamplingFilter] = ["bicubic": .bicubic, "lanczos": .lanczos]

    /// Resolves `--model` / `--weights`; without either, the best installed model for `scale`
    /// (the one with the most parameters, from the files' metadata), or bicubic. Returns a note to show when vsr chose.
    static func resolve(model: String?, weights: String?, scale: Int?, store: ModelStore) throws -> (ModelChoice, String?) {
        if let weights {
            return (.network(name: URL(fileURLWithPath: weights).deletingPathExtension().lastPathComponent,
                             model: try load(weights)), nil)
        }
        if let model {
            if let filter = classicalNames[model] { return (.classical(filter), nil) }
            let url = store.url(for: model)
            guard FileManager.default.fileExists(atPath: url.path) else {
                let installed = store.names()
                throw VSRError.usage("unknown model '\(model)': expected bicubic, lanczos or an installed model" +
                                     (installed.isEmpty ? " (none installed; see vsr import)" : " (\(installed.joined(separator: ", ")))"))
            }
            return (.network(name: model, model: try load(url.path)), nil)
        }
        let wanted = scale ?? 2
        // Chosen from the files' metadata and sizes; only the winner is built (and checked).
        let candidates = store.names().compactMap { name -> (String, Int)? in
            guard let weights = try? SafeTensors.read(contentsOf: store.url(for: name)),
                  let descriptor = try? ModelDescriptor(metadata: weights.metadata, source: name),
                  descriptor.scale == wanted else { return nil }
            return (name, weights.tensors.values.reduce(0) { $0 + $1.values.count })
        }
        if let best = candidates.max(by: { $0.1 < $1.1 }) {
            return (.network(name: best.0, model: try load(store.url(for: best.0).path)),
                    "using the installed model \(best.0) for x\(wanted) (--model bicubic for the classical path)")
        }
        return (.classical(.bicubic), "no SR model is installed for x\(wanted), so luma uses bicubic " +
                "(vsr import adds one, e.g. the official RLFN checkpoints)")
    }

    /// Every network `--model` can name: the installed models.
    static func availableNetworkNames(store: ModelStore) -> [String] { store.names() }

    static func load(_ path: String) throws -> any SRModel {
        guard FileManager.default.isReadableFile(atPath: path) else { throw VSRError.inputNotFound(path: path) }
        return try translatingErrors { try ModelRegistry.build(SafeTensors.read(contentsOf: URL(fileURLWithPath: path)), source: path) }
    }

    var scale: Int? {
        if case .network(_, let model) = self { return model.descriptor.scale }
        return nil
    }
}
