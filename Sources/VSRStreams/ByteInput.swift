import VSRCore

#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
#endif

/// Reads a file descriptor (a file, a pipe, stdin) through a buffer, with the two operations raw
/// video formats need: a header line, and exactly N bytes. Owned by one reader at a time.
public final class ByteInput {
    /// The name used in messages: the path, or "stdin".
    public let name: String
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private var buffer: [UInt8]
    private var start = 0, end = 0

    /// Reads standard input.
    public static func standardInput() -> ByteInput { ByteInput(descriptor: STDIN_FILENO, name: "stdin", owns: false) }

    /// Opens a file for reading.
    public convenience init(path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw VSRError.inputNotFound(path: path) }
        self.init(descriptor: descriptor, name: path, owns: true)
    }

    init(descriptor: Int32, name: String, owns: Bool, bufferSize: Int = 1 << 16) {
        precondition(bufferSize > 0, "a buffer needs room")
        self.descriptor = descriptor
        self.name = name
        self.ownsDescriptor = owns
        buffer = [UInt8](repeating: 0, count: bufferSize)
    }

    deinit { if ownsDescriptor { close(descriptor) } }

    /// Refills the buffer; returns false at the end of the input.
    private func fill() throws -> Bool {
        if start == end {
            start = 0
            end = 0
        } else if end == buffer.count {
            // Full: move what is unread to the front, and grow when the unread part fills it (a long line).
            let unread = end - start
            buffer.replaceSubrange(0..<unread, with: buffer[start..<end])
            start = 0
            end = unread
            if end == buffer.count { buffer.append(contentsOf: repeatElement(0, count: buffer.count)) }
        }
        while true {
            let count = buffer.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress! + end, $0.count - end) }
            if count > 0 { end += count; return true }
            if count == 0 { return false }
            if errno == EINTR { continue }
            throw VSRError.invalidInput(path: name, reason: "read failed: \(String(cString: strerror(errno)))")
        }
    }

    /// The bytes up to (not including) the next newline, or nil at the end of the input. Stops with
    /// an error after `limit` bytes without a newline, so a binary file cannot make it read forever.
    public func readLine(limit: Int) throws -> [UInt8]? {
        var scanned = 0
        while true {
            if let newline = buffer[(start + scanned)..<end].firstIndex(of: 0x0A) {
                let line = Array(buffer[start..<newline])
                start = newline + 1
                return line
            }
            scanned = end - start
            if scanned > limit {
                throw VSRError.invalidInput(path: name, reason: "no line break in the first \(limit) bytes of a header")
            }
            guard try fill() else {
                if start == end { return nil }
                let rest = Array(buffer[start..<end])
                start = end
                return rest
            }
        }
    }

    /// Reads up to `count` bytes into `destination`, stopping early only at the end of the input.
    /// Returns how many bytes were read.
    public func read(into destination: UnsafeMutableRawBufferPointer) throws -> Int {
        var copied = 0
        while copied < destination.count {
            if start == end, try !fill() { break }
            let chunk = min(end - start, destination.count - copied)
            buffer.withUnsafeBytes { source in
                (destination.baseAddress! + copied).copyMemory(from: source.baseAddress! + start, byteCount: chunk)
            }
            start += chunk
            copied += chunk
        }
        return copied
    }

    /// True when no byte is left.
    public func atEnd() throws -> Bool { try start == end && !fill() }
}
