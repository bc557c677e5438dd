import Foundation
import VSRStreams

/// How an output is written, chosen by `--output-format`, by `-` (stdout) or by the file's extension,
/// from one table (as dav1d's tools/output chooses its muxers): vsr's own y4m and rawvideo writers,
/// or FFmpeg's encoders and muxers for everything else.
public enum OutputKind: Equatable, Sendable {
    case raw(RawOutputFormat)
    case encoded

    /// Extensions written by vsr's own raw writers.
    public static let rawExtensions: [String: RawOutputFormat] = [
        "y4m": .y4m, "yuv": .rawvideo, "raw": .rawvideo,
        "rgb": .rawvideo,
    ]

    /// The kind for `path` ("-" is stdout); an explicit `format` wins.
    public static func choose(path: String, format: RawOutputFormat?) -> OutputKind {
        if let format { return .raw(format) }
        if path == "-" { return .raw(.y4m) }
        let fileExtension = URL(fileURLWithPath: path).pathExtension.lowercased()
        return rawExtensions[fileExtension].map(OutputKind.raw) ?? .encoded
    }
}
