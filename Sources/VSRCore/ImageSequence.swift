import Foundation

/// A numbered image sequence named by a printf pattern (`frame_%03d.png`) or a glob (`shots/*.png`),
/// as FFmpeg's image2 reads and writes them.
public struct ImageSequence: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// `%d` or `%0Nd` in the file name (a literal `%` is `%%`).
        case numbered
        /// `*`, `?` or `[` in the file name.
        case glob
    }

    public let pattern: String
    public let kind: Kind

    /// The sequence `path` names, or nil for a plain file name.
    public init?(_ path: String) {
        let name = (path as NSString).lastPathComponent
        if name.range(of: #"(?<!%)%0?[0-9]*d"#, options: .regularExpression) != nil {
            kind = .numbered
        } else if name.contains(where: { "*?[".contains($0) }) {
            kind = .glob
        } else {
            return nil
        }
        pattern = path
    }

    /// The sequence an input path names: a pattern or glob that is not itself an existing file
    /// (a file may be called `100%d.png`).
    public static func input(_ path: String) -> ImageSequence? {
        FileManager.default.fileExists(atPath: path) ? nil : ImageSequence(path)
    }

    /// The file name of picture `number` of a numbered pattern (FFmpeg's `av_get_frame_filename`).
    public func name(_ number: Int) -> String {
        guard let range = pattern.range(of: #"(?<!%)%0?[0-9]*d"#, options: [.regularExpression, .backwards]) else {
            return pattern
        }
        let spec = pattern[range].dropFirst().dropLast()
        let width = Int(spec) ?? 0
        let digits = String(number)
        let padded = spec.hasPrefix("0") || width > 0 ? String(repeating: "0", count: max(0, width - digits.count)) + digits : digits
        return pattern.replacingCharacters(in: range, with: padded).replacingOccurrences(of: "%%", with: "%")
    }
}
