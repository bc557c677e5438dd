import Foundation
import VSRCore

/// Where `--recipe NAME` and `vsr recipes` find recipes (the JSON files of Pipelines/), first match
/// wins: `$VSR_RECIPES` (a folder), the user's `$XDG_DATA_HOME/vsr/pipelines`, the installed
/// `PREFIX/share/vsr/pipelines` beside the executable's `bin/`, and the `Pipelines/` folder of a source
/// checkout that holds the executable (`.build/.../vsr`). Nothing about the build machine is compiled in.
public struct RecipeLibrary {
    public let directories: [URL]

    public init(directories: [URL]? = nil) {
        self.directories = directories ?? Self.defaultDirectories()
    }

    static func defaultDirectories(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        executable: URL = RecipeLibrary.executableURL
    ) -> [URL] {
        var found: [URL] = []
        if let folder = environment["VSR_RECIPES"], !folder.isEmpty { found.append(URL(fileURLWithPath: folder)) }
        let dataHome =
            environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share")
        found.append(dataHome.appendingPathComponent("vsr/pipelines"))
        let binary = executable.deletingLastPathComponent()
        found.append(binary.deletingLastPathComponent().appendingPathComponent("share/vsr/pipelines"))
        // A development build lives under CHECKOUT/.build/<triple>/<configuration>/.
        var folder = binary
        for _ in 0..<4 {
            folder = folder.deletingLastPathComponent()
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path) {
                found.append(folder.appendingPathComponent("Pipelines"))
                break
            }
        }
        return found
    }

    /// The running executable, symlinks resolved (so an installed link finds its real prefix).
    static var executableURL: URL {
        let path = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: path).resolvingSymlinksInPath()
    }

    /// Every recipe by name (the first folder that has a name wins), with its file.
    public func all() -> [(name: String, path: String)] {
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

    /// A path to an existing file, or a recipe name.
    public func locate(_ nameOrPath: String) throws -> String {
        if FileManager.default.fileExists(atPath: nameOrPath) { return nameOrPath }
        if let match = all().first(where: { $0.name == nameOrPath }) { return match.path }
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".json") { throw VSRError.inputNotFound(path: nameOrPath) }
        throw VSRError.usage(
            "unknown recipe '\(nameOrPath)': expected a file or one of " + all().map(\.name).joined(separator: ", ") + " (see vsr recipes)")
    }
}
