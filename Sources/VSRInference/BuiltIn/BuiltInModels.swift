import Foundation

/// The project's own Y-channel models, trained by `Training/` (RepSR, folded to PlainSR) and
/// compiled into the binary, so vsr upscales with a network out of the box, with no network access
/// and no files to install.
public enum BuiltInModels {
    /// Names of the shipped models, e.g. repsr-y-x2.
    public static var names: [String] { embedded.keys.sorted() }

    /// The default network for a scale: `repsr-y-x<scale>` when one is shipped.
    public static func defaultName(scale: Int) -> String? {
        let name = "repsr-y-x\(scale)"
        return embedded[name] == nil ? nil : name
    }

    /// The safetensors bytes of a shipped model, or nil when no model has that name (or its data is damaged).
    public static func data(named name: String) -> Data? {
        embedded[name].flatMap { Data(base64Encoded: $0, options: .ignoreUnknownCharacters) }
    }

    /// The weights of a shipped model, or nil when no model has that name.
    public static func weights(named name: String) throws -> WeightSet? {
        guard embedded[name] != nil else { return nil }
        guard let data = data(named: name) else {
            throw WeightsError.malformed(source: "built-in \(name)", reason: "the embedded data is not base64")
        }
        return try SafeTensors.read(data, source: "built-in \(name)")
    }

    /// The model itself, built and checked like any weights file.
    public static func model(named name: String) throws -> (any SRModel)? {
        guard let weights = try weights(named: name) else { return nil }
        return try ModelRegistry.build(weights, source: "built-in \(name)")
    }
}
