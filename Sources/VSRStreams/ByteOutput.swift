import VSRCore

#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif

/// Writes to a file descriptor, unbuffered, so that each frame leaves as soon as it is written.
/// A file output is written under a temporary name beside the target and renamed by `finish()`
/// (removed by `abort()`), so the final name never holds a partial file.
public final class ByteOutput {
    /// The name used in messages: the path, or "stdout".
    public let name: String
    private var descriptor: Int32
    private let temporaryPath: String?
    private let finalPath: String?
    private var overwrite = false
    public private(set) var bytesWritten: Int64 = 0

    /// Writes to standard output. SIGPIPE must be ignored by the process, so that a closed reader
    /// surfaces as `VSRError.outputClosed` instead of killing it.
    public static func standardOutput() -> ByteOutput { ByteOutput(descriptor: STDOUT_FILENO, name: "stdout") }

    private init(descriptor: Int32, name: String) {
        self.descriptor = descriptor
        self.name = name
        temporaryPath = nil
        finalPath = nil
    }

    /// Creates `path` (through a temporary file committed by `finish()`), by `SafeOutput`'s rules;
    /// `inputs` must not be replaced.
    public init(path: String, overwrite: Bool, notSameAs inputs: [String] = []) throws {
        try SafeOutput.check(path, overwrite: overwrite, notSameAs: inputs)
        let (temporary, descriptor) = try SafeOutput.makeTemporary(for: path)
        self.descriptor = descriptor
        self.overwrite = overwrite
        name = path
        finalPath = path
        temporaryPath = temporary
    }

    deinit { abort() }

    /// Writes every byte, retrying short writes and EINTR.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let count = systemWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if count >= 0 { offset += count; continue }
            if errno == EINTR { continue }
            if errno == EPIPE { throw VSRError.outputClosed(name) }
            // A failure part way (a full disk) is a run-time failure (exit 1), not a setup error.
            throw VSRError.processing("\(name): write failed: \(String(cString: strerror(errno)))")
        }
        bytesWritten += Int64(bytes.count)
    }

    public func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }

    /// Completes the output: a file is closed and renamed to its final name.
    public func finish() throws {
        guard let temporaryPath, let finalPath, descriptor >= 0 else { return }
        let closed = close(descriptor)
        descriptor = -1
        guard closed == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw VSRError.outputUnwritable(path: finalPath, reason: reason)
        }
        try SafeOutput.commit(temporaryPath, to: finalPath, overwrite: overwrite)
    }

    /// Gives up: a file output's temporary file is removed. Safe to call more than once.
    public func abort() {
        guard let temporaryPath, descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
        unlink(temporaryPath)
    }
}
