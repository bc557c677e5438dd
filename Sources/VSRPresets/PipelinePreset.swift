import Foundation
import VSRCore
import VSRMedia
import VSRStreams

/// A preset in Pipelines/: versioned JSON that fixes a whole `vsr upscale` run. Command-line flags
/// override it. Decoding is strict: an unknown key, a value of the wrong type, or a version newer
/// than this vsr knows is an error naming it.
///
/// ```json
/// {"version": 1, "description": "...", "model": ["rlfn_x4", "repsr-y-x4"], "scale": 4, "tile": 256,
///  "halo": null, "queue_depth": 4, "workers": null, "threads": null, "chroma_scaler": "lanczos",
///  "encoder": {"codec": "libx264", "crf": 16, "preset": "slow", "pix_fmt": null, "options": {"tune": "film"}},
///  "output_format": null}
/// ```
/// `model` is a name or a list of names tried in order (the first one available wins); `weights` is
/// instead a model file, relative to the preset's folder.
public struct PipelinePreset: Equatable, Sendable {
    public static let supportedVersion = 1
    public static let keys: Set<String> = [
        "version", "description", "model", "weights", "scale", "tile", "halo", "queue_depth",
        "workers", "threads", "chroma_scaler", "encoder", "output_format",
    ]
    public static let encoderKeys: Set<String> = ["codec", "crf", "preset", "pix_fmt", "options"]

    public var path: String
    public var version: Int
    public var description: String
    public var models: [String] = []
    /// An absolute path, resolved against the preset's folder.
    public var weights: String?
    public var scale: Int?
    public var tile: Int?
    public var halo: Int?
    public var queueDepth: Int?
    public var workers: Int?
    public var threads: Int?
    public var chromaScaler: ResamplingFilter?
    public var codec: String?
    public var crf: Int?
    public var encoderPreset: String?
    public var pixelFormat: String?
    public var encoderOptions: [String: String] = [:]
    public var outputFormat: RawOutputFormat?

    /// Reads and checks a preset file.
    public static func load(path: String) throws -> PipelinePreset {
        guard let data = FileManager.default.contents(atPath: path) else { throw VSRError.inputNotFound(path: path) }
        return try decode(data, path: path)
    }

    /// Checks a preset's JSON; `path` names it in errors and anchors a relative `weights`.
    public static func decode(_ data: Data, path: String) throws -> PipelinePreset {
        func bad(_ reason: String) -> VSRError { .invalidInput(path: path, reason: "bad preset: \(reason)") }
        // Unknown keys first (JSONDecoder would skip them), then the version, then typed values.
        guard let object = try? JSONSerialization.jsonObject(with: data), let json = object as? [String: Any] else {
            throw bad("not a JSON object")
        }
        if let unknown = json.keys.sorted().first(where: { !keys.contains($0) }) {
            throw bad("unknown key '\(unknown)'; expected \(keys.sorted().joined(separator: ", "))")
        }
        if let encoder = json["encoder"] as? [String: Any],
            let unknown = encoder.keys.sorted().first(where: { !encoderKeys.contains($0) })
        {
            throw bad("unknown key 'encoder.\(unknown)'; expected \(encoderKeys.sorted().joined(separator: ", "))")
        }
        let file: PresetFile
        do {
            let version = try JSONDecoder().decode(PresetVersion.self, from: data).version
            guard let version else { throw bad("no 'version'; expected \"version\": \(supportedVersion)") }
            guard version >= 1, version <= supportedVersion else {
                throw bad("version \(version) is not one this vsr knows (1...\(supportedVersion)); a newer vsr may read it")
            }
            file = try JSONDecoder().decode(PresetFile.self, from: data)
        } catch let error as DecodingError {
            switch error {
            case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
                let key = context.codingPath.map(\.stringValue).joined(separator: ".")
                throw bad("'\(key)' has the wrong type, expected \(PresetFile.describe(type))")
            default:
                throw bad("\(error)")
            }
        }
        var preset = PipelinePreset(path: path, version: file.version, description: file.description ?? "")
        preset.models = file.model?.names ?? []
        if let weights = file.weights {
            guard preset.models.isEmpty else { throw bad("give 'model' or 'weights', not both") }
            preset.weights =
                weights.hasPrefix("/")
                ? weights
                : URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(weights).path
        }
        func checked(_ key: String, _ value: Int?, _ range: ClosedRange<Int>) throws -> Int? {
            guard let value else { return nil }
            guard range.contains(value) else { throw bad("'\(key)' is \(value), expected \(range.lowerBound)...\(range.upperBound)") }
            return value
        }
        preset.scale = try checked("scale", file.scale, 2...4)
        preset.tile = try checked("tile", file.tile, 16...8192)
        preset.halo = try checked("halo", file.halo, 0...256)
        preset.queueDepth = try checked("queue_depth", file.queue_depth, 1...1024)
        preset.workers = try checked("workers", file.workers, 1...1024)
        preset.threads = try checked("threads", file.threads, 1...1024)
        if let name = file.chroma_scaler {
            guard let filter = ResamplingFilter(rawValue: name) else {
                throw bad("'chroma_scaler' is '\(name)', expected \(ResamplingFilter.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            preset.chromaScaler = filter
        }
        if let name = file.output_format {
            guard let format = RawOutputFormat(rawValue: name) else { throw bad("'output_format' is '\(name)', expected y4m or rawvideo") }
            preset.outputFormat = format
        }
        preset.codec = file.encoder?.codec
        preset.crf = try checked("encoder.crf", file.encoder?.crf, 0...63)
        preset.encoderPreset = file.encoder?.preset
        preset.pixelFormat = file.encoder?.pix_fmt
        preset.encoderOptions = file.encoder?.options ?? [:]
        for (key, value) in preset.encoderOptions.sorted(by: { $0.key < $1.key }) {
            if let refusal = EncoderOptionPolicy.refusal(key: key, value: value) { throw bad(refusal) }
        }
        return preset
    }
}

/// The version alone, read before the rest so that a newer file gets a version error.
private struct PresetVersion: Decodable {
    let version: Int?
}

/// The JSON layout of a preset (keys as written in the file).
private struct PresetFile: Decodable {
    let version: Int
    let description: String?
    let model: ModelNames?
    let weights: String?
    let scale: Int?
    let tile: Int?
    let halo: Int?
    let queue_depth: Int?
    let workers: Int?
    let threads: Int?
    let chroma_scaler: String?
    let encoder: Encoder?
    let output_format: String?

    struct Encoder: Decodable {
        let codec: String?
        let crf: Int?
        let preset: String?
        let pix_fmt: String?
        let options: [String: String]?
    }

    /// A model name, or a list of names tried in order.
    struct ModelNames: Decodable {
        let names: [String]
        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let single = try? container.decode(String.self) {
                names = [single]
            } else {
                names = try container.decode([String].self)
                guard !names.isEmpty else {
                    throw DecodingError.typeMismatch([String].self, .init(codingPath: decoder.codingPath, debugDescription: "empty"))
                }
            }
        }
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: return "a whole number"
        case is String.Type: return "a string"
        case is [String].Type: return "a model name or a non-empty list of names"
        case is [String: String].Type: return "an object of strings"
        default: return "an object"
        }
    }
}
