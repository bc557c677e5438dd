import Foundation

/// The user's model folder: `$XDG_DATA_HOME/vsr/models` (default `~/.local/share/vsr/models`),
/// where `vsr import` installs models and `--model NAME` finds them as `NAME.safetensors`.
public struct ModelStore: Sendable {
    public let directory: URL

    public init(directory: URL? = nil) {
        if let directory {
            self.directory = directory
        } else {
            let environment = ProcessInfo.processInfo.environment
            let data =
                environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
                ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share")
            self.directory = data.appendingPathComponent("vsr/models")
        }
    }

    /// Installed model names, sorted.
    public func names() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".safetensors") }.map { String($0.dropLast(".safetensors".count)) }.sorted()
    }

    public func url(for name: String) -> URL { directory.appendingPathComponent("\(name).safetensors") }

    public func install(_ weights: WeightSet, as name: String) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = url(for: name)
        try SafeTensors.write(weights, to: url)
        return url
    }
}
