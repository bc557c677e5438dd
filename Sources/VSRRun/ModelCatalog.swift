import Foundation
import VSRCore
import VSRInference
import VSRMedia

/// Every upscaler a run can name, in one place: the classical filters, the models shipped in the
/// binary, the user's installed models (`vsr import`) and model files (`--weights`). Every subcommand
/// resolves names through it, so they all agree on what exists and on the messages when it does not.
public struct ModelCatalog: Sendable {
    public static let classical: [String: ResamplingFilter] = ["bicubic": .bicubic, "lanczos": .lanczos]

    public let store: ModelStore

    public init(store: ModelStore = ModelStore()) {
        self.store = store
    }

    /// The shipped networks, then the installed ones a shipped name does not hide.
    public var networkNames: [String] {
        BuiltInModels.names + store.names().filter { !BuiltInModels.names.contains($0) }
    }

    /// Classical filters (sorted), then every network.
    public var allNames: [String] { Self.classical.keys.sorted() + networkNames }

    public func contains(_ name: String) -> Bool { Self.classical[name] != nil || networkNames.contains(name) }

    /// Resolves `--model` / `--weights`; without either, the shipped model for `scale` (repsr-y-x2,
    /// repsr-y-x4), or bicubic where none is shipped. The note says what vsr chose when the user did not.
    public func resolve(model: String?, weights: String?, scale: Int?) throws -> (choice: ModelChoice, note: String?) {
        if let weights {
            return (
                .network(
                    name: URL(fileURLWithPath: weights).deletingPathExtension().lastPathComponent,
                    model: try network(file: weights)), nil
            )
        }
        if let model {
            if let filter = Self.classical[model] { return (.classical(filter), nil) }
            return (.network(name: model, model: try network(named: model)), nil)
        }
        let wanted = scale ?? UpscaleSettings.defaultScale
        if let name = BuiltInModels.defaultName(scale: wanted), let builtIn = try BuiltInModels.model(named: name) {
            return (.network(name: name, model: builtIn), nil)
        }
        return (
            .classical(.bicubic),
            "no model is shipped for x\(wanted), so luma uses bicubic " + "(--model names an installed one; see vsr models)"
        )
    }

    /// A shipped or installed network by name.
    public func network(named name: String) throws -> any SRModel {
        if let builtIn = try BuiltInModels.model(named: name) { return builtIn }
        let url = store.url(for: name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw VSRError.usage(
                "unknown model '\(name)': expected bicubic, lanczos or a model from `vsr models` (" + networkNames.joined(separator: ", ")
                    + ")")
        }
        return try network(file: url.path)
    }

    /// A network from a .safetensors file.
    public func network(file path: String) throws -> any SRModel {
        guard FileManager.default.isReadableFile(atPath: path) else { throw VSRError.inputNotFound(path: path) }
        // torch.save writes zip files ("PK\u{3}\u{4}"); safetensors start with a little-endian length.
        if let handle = FileHandle(forReadingAtPath: path), let magic = try? handle.read(upToCount: 4), magic == Data([0x50, 0x4B, 3, 4]) {
            throw VSRError.usage("\(path) is a PyTorch checkpoint: run `vsr import \(path)` first, then --model with its name")
        }
        return try ModelRegistry.build(SafeTensors.read(contentsOf: URL(fileURLWithPath: path)), source: path)
    }

    /// The first of a recipe's `models` available here, or nil when the recipe names none.
    public func firstAvailable(_ names: [String], recipe path: String) throws -> String? {
        guard !names.isEmpty else { return nil }
        guard let name = names.first(where: contains) else {
            throw VSRError.usage("\(path): none of the recipe's models is available (\(names.joined(separator: ", "))); see vsr models")
        }
        return name
    }

    /// One row of `vsr models`: a network (or the reason it cannot be read) and where it lives.
    public struct Entry {
        public let name: String
        public let location: String
        public let model: Result<any SRModel, Error>
    }

    /// Every network, shipped first, each loaded (a damaged installed file is listed with its error).
    public func entries() -> [Entry] {
        let shipped = BuiltInModels.names.map { name in
            Entry(
                name: name, location: "built in (trained by Training/)",
                model: Result {
                    guard let model = try BuiltInModels.model(named: name) else { throw VSRError.processing("\(name): not embedded") }
                    return model
                })
        }
        let installed = store.names().map { name in
            Entry(name: name, location: store.url(for: name).path, model: Result { try network(file: store.url(for: name).path) })
        }
        return shipped + installed
    }
}
