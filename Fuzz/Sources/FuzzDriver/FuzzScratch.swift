import Foundation

/// Readers that take a path or a descriptor get each fuzz input through one scratch file per process.
public enum FuzzScratch {
    public static let path: String = {
        let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        return "\(folder)/vsr-fuzz-\(getpid())"
    }()

    /// Replaces the scratch file's contents with `data`; returns its path.
    public static func write(_ data: Data) -> String {
        precondition(FileManager.default.createFile(atPath: path, contents: data), "cannot write \(path)")
        return path
    }
}
