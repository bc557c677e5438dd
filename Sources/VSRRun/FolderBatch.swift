import Foundation
import VSRCore

/// `vsr upscale DIR -o OUTDIR` (or `vsr upscale A B C -o OUTDIR`): the videos and pictures directly
/// in a folder, or the files named, each to the same name in the output folder with the same options. Outputs that exist are complete (vsr renames an
/// output into place only when it is finished), so they are skipped unless overwriting.
public struct FolderBatch {
    /// One input and where it goes.
    public struct Item: Equatable {
        public let input: String
        public let output: String
        /// The output exists and `-y` was not given.
        public let skipped: Bool
    }

    /// Extensions taken as media: the containers and picture formats FFmpeg reads that people keep
    /// video and pictures in (other files in the folder, such as subtitles or notes, are left alone).
    public static let mediaExtensions: Set<String> = [
        "mp4", "m4v", "mkv", "mov", "webm", "avi", "ts", "m2ts", "mts", "mpg", "mpeg", "vob", "3gp", "ogv", "flv", "wmv",
        "gif", "png", "jpg", "jpeg", "webp", "bmp", "tif", "tiff",
    ]

    public let items: [Item]

    /// True when `path` is a folder.
    public static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// The media files in `input` (not hidden, not in subfolders), sorted by name; the output folder
    /// is made when absent.
    public init(input: String, output: String, overwrite: Bool) throws {
        let outputFolder = try Self.prepare(output: output)
        let names = try FileManager.default.contentsOfDirectory(atPath: input).sorted()
        let inputFolder = URL(fileURLWithPath: input).standardizedFileURL
        guard inputFolder != outputFolder else {
            throw VSRError.usage("\(output): the output folder is the input folder; name another")
        }
        items = names.compactMap { name in
            guard !name.hasPrefix("."), Self.mediaExtensions.contains((name as NSString).pathExtension.lowercased()) else { return nil }
            let source = inputFolder.appendingPathComponent(name).path
            guard !Self.isFolder(source) else { return nil }
            let target = outputFolder.appendingPathComponent(name).path
            return Item(input: source, output: target, skipped: !overwrite && FileManager.default.fileExists(atPath: target))
        }
        guard !items.isEmpty else { throw VSRError.invalidInput(path: input, reason: "no videos or pictures in the folder") }
    }

    /// Several files named on the command line, each to its name in the output folder.
    public init(files: [String], output: String, overwrite: Bool) throws {
        guard !files.contains("-") else { throw VSRError.usage("stdin (-) is one input; it cannot be one of several") }
        let outputFolder = try Self.prepare(output: output)
        var seen: Set<String> = []
        items = try files.map { file in
            let name = (file as NSString).lastPathComponent
            guard seen.insert(name).inserted else {
                throw VSRError.usage("two inputs are named \(name); their outputs in \(output) would collide")
            }
            let target = outputFolder.appendingPathComponent(name).path
            guard URL(fileURLWithPath: file).standardizedFileURL.path != target else {
                throw VSRError.usage("\(file): the output would be the input; name another output folder")
            }
            return Item(input: file, output: target, skipped: !overwrite && FileManager.default.fileExists(atPath: target))
        }
    }

    /// The output folder, made when absent; refuses stdout and files.
    private static func prepare(output: String) throws -> URL {
        guard output != "-" else { throw VSRError.usage("several inputs need an output folder (-o DIR), not stdout") }
        if FileManager.default.fileExists(atPath: output) {
            guard Self.isFolder(output) else {
                throw VSRError.usage("\(output): a folder input or several inputs need an output folder, and this is a file")
            }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            } catch {
                throw VSRError.outputUnwritable(path: output, reason: "cannot make the folder")
            }
        }
        return URL(fileURLWithPath: output).standardizedFileURL
    }
}
