import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The rules every file vsr writes follows (the video, raw frames, statistics and reports):
/// - checked before a run starts: not a folder, not the same file as an input (device and inode,
///   so a symlink or a second name is caught), not an existing file unless overwriting is allowed,
///   in a folder that exists and is writable;
/// - written under a temporary name beside it, created with `O_CREAT | O_EXCL | O_NOFOLLOW` and a
///   random part (`mkstemps`), so a planted file or symlink is never followed or reused;
/// - committed by `rename` when overwriting, otherwise by `link` + `unlink`, which fails if the
///   final name appeared meanwhile (another run), so a file vsr was not told to replace never is;
/// - temporary files left by processes that died (SIGKILL, a crash) are swept by the next run.
public enum SafeOutput {
    /// Refuses `path` for any of the reasons above; `inputs` are the files of the run that must not be replaced.
    public static func check(_ path: String, overwrite: Bool, notSameAs inputs: [String] = []) throws {
        var target = stat()
        let exists = stat(path, &target) == 0
        if exists {
            for input in inputs where input != "-" {
                var source = stat()
                if stat(input, &source) == 0, source.st_dev == target.st_dev, source.st_ino == target.st_ino {
                    throw VSRError.usage("\(path): the output would overwrite the input \(input)")
                }
            }
            if target.st_mode & S_IFMT == S_IFDIR { throw VSRError.outputUnwritable(path: path, reason: "is a directory") }
            if !overwrite { throw VSRError.outputExists(path: path) }
        }
        let directory = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        var folder = stat()
        guard stat(directory, &folder) == 0, folder.st_mode & S_IFMT == S_IFDIR else {
            throw VSRError.outputUnwritable(path: path, reason: "no such directory \(directory)")
        }
        guard access(directory, W_OK) == 0 else {
            throw VSRError.outputUnwritable(path: path, reason: "directory \(directory) is not writable")
        }
    }

    /// A new, empty temporary file beside `path`, named `.NAME.PID.XXXXXX.vsr-tmp`, open for writing.
    public static func makeTemporary(for path: String) throws -> (path: String, descriptor: Int32) {
        var template = temporaryTemplate(for: path, suffix: ".vsr-tmp")
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, Int32(".vsr-tmp".utf8.count)) }
        guard descriptor >= 0 else { throw VSRError.outputUnwritable(path: path, reason: String(cString: strerror(errno))) }
        // mkstemps makes 0600; outputs get the usual 0644 less the umask.
        fchmod(descriptor, 0o644 & ~processUmask)
        return (template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }, descriptor)
    }

    /// A new, empty temporary folder beside `path`, named like the temporary files, for outputs of
    /// many files (an image sequence) that are moved into place one by one when finished.
    public static func makeTemporaryDirectory(for path: String) throws -> String {
        // mkdtemp takes no suffix: the folder gets `.vsr-tmp` by a rename, so the sweep finds it.
        var template = temporaryTemplate(for: path, suffix: "")
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw VSRError.outputUnwritable(path: path, reason: String(cString: strerror(errno)))
        }
        let made = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let named = made + ".vsr-tmp"
        guard rename(made, named) == 0 else {
            rmdir(made)
            throw VSRError.outputUnwritable(path: path, reason: String(cString: strerror(errno)))
        }
        return named
    }

    /// `DIR/.NAME.PID.XXXXXX` + `suffix` for mkstemps/mkdtemp, after sweeping what dead runs left.
    private static func temporaryTemplate(for path: String, suffix: String) -> [CChar] {
        sweepStaleTemporaries(for: path)
        let url = URL(fileURLWithPath: path)
        return Array("\(url.deletingLastPathComponent().path)/.\(url.lastPathComponent).\(getpid()).XXXXXX\(suffix)".utf8CString)
    }

    /// The umask, read once: reading it means setting it, which is process-wide, so not per file.
    private static let processUmask: mode_t = {
        let mask = umask(0)
        umask(mask)
        return mask
    }()

    /// Moves a finished temporary file to `path`; without `overwrite` it never replaces a file.
    public static func commit(_ temporary: String, to path: String, overwrite: Bool) throws {
        if overwrite {
            guard rename(temporary, path) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(temporary)
                throw VSRError.outputUnwritable(path: path, reason: reason)
            }
            return
        }
        guard link(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            if code == EEXIST { throw VSRError.outputExists(path: path) }
            throw VSRError.outputUnwritable(path: path, reason: String(cString: strerror(code)))
        }
        unlink(temporary)
    }

    /// Writes `data` to `path` by the rules above (for small outputs such as JSON reports).
    public static func write(_ data: Data, to path: String, overwrite: Bool) throws {
        let (temporary, descriptor) = try makeTemporary(for: path)
        let written = data.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        let closed = close(descriptor)
        guard written == data.count, closed == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw VSRError.outputUnwritable(path: path, reason: reason)
        }
        try commit(temporary, to: path, overwrite: overwrite)
    }

    /// Removes `.NAME.PID.*.vsr-tmp` beside `path` whose process no longer runs.
    public static func sweepStaleTemporaries(for path: String) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        let prefix = ".\(url.lastPathComponent)."
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(".vsr-tmp") {
            let middle = name.dropFirst(prefix.count).dropLast(".vsr-tmp".count)
            guard let pid = Int32(middle.split(separator: ".").first ?? ""), pid > 0 else { continue }
            if kill(pid, 0) == -1 && errno == ESRCH { try? FileManager.default.removeItem(atPath: directory + "/" + name) }
        }
    }
}
