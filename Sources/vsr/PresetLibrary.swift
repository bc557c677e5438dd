import Foundation
import VSRCore

/// Where `--pipeline NAME` and `vsr presets` find presets: the user's folder, the installed ones,
/// and the Pipelines/ folder of the checkout this binary was built from.
enum PresetLibrary {
    static var directories: [URL] {
        let environment = ProcessInfo.processInfo.environment
        let dataHome = environment["XDG_DATA_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share")
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Pipelines")
        return [dataHome.appendingPathComponent("vsr/pipelines"),
                executable.deletingLastPathComponent().appendingPathComponent("share/vsr/pipelines"), checkout]
    }

    /// Every preset by name (the first folder that has a name wins), with its file.
    static func all() -> [(name: String, path: String)] {
        var seen = Set<String>(), found: [(String, String)] = []
        for directory in directories {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            for file in files.sorted() where file.hasSuffix(".json") {
                let name = String(file.dropLast(5))
                if seen.insert(name).inserted { found.append((name, directory.appendingPathComponent(file).path)) }
            }
        }
        return found
    }

    /// A path to an existing file, or a preset name.
    static func locate(_ nameOrPath: String) throws -> String {
        if FileManager.default.fileExists(atPath: nameOrPath) { return nameOrPath }
        if let match = all().first(where: { $0.name == nameOrPath }) { return match.path }
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".json") { throw VSRError.inputNotFound(path: nameOrPath) }
        throw VSRError.usage("unknown preset '\(nameOrPath)': expected a file or one of " +
                             all().map(\.name).joined(separator: ", ") + " (see vsr presets)")
    }
}
