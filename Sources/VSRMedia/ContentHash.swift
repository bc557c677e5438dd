import CFFmpeg
import Foundation
import VSRCore

/// SHA-256 digests with libavutil's implementation (no other crypto library is linked), as hex.
public final class ContentHash {
    private var context: OpaquePointer?

    public init() {
        context = av_sha_alloc()
        av_sha_init(context, 256)
    }

    deinit { av_free(UnsafeMutableRawPointer(context)) }

    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        var offset = 0
        // Pieces of at most 1 GiB: the length is an int in older FFmpeg releases.
        while offset < bytes.count {
            let count = min(bytes.count - offset, 1 << 30)
            av_sha_update(context, base.advanced(by: offset).assumingMemoryBound(to: UInt8.self), count)
            offset += count
        }
    }

    public func update(_ data: Data) { data.withUnsafeBytes { update($0) } }
    public func update(_ text: String) { update(Data(text.utf8)) }

    /// The digest as 64 hex digits; call once.
    public func finish() -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        av_sha_final(context, &digest)
        return digest.map { String(format: "%02x", $0) }.joined()
    }

    public static func sha256(_ data: Data) -> String {
        let hash = ContentHash()
        hash.update(data)
        return hash.finish()
    }

    /// SHA-256 of a whole file, read in 4 MiB pieces.
    public static func sha256(file path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw VSRError.inputNotFound(path: path) }
        defer { try? handle.close() }
        let hash = ContentHash()
        while let piece = try handle.read(upToCount: 4 << 20), !piece.isEmpty { hash.update(piece) }
        return hash.finish()
    }

    /// What identifies an input cheaply: its size, modification time and the SHA-256 of its first and
    /// last MiB (a film is not hashed whole on every task start).
    public static func fingerprint(file path: String) throws -> String {
        let attributes: [FileAttributeKey: Any]
        do { attributes = try FileManager.default.attributesOfItem(atPath: path) } catch { throw VSRError.inputNotFound(path: path) }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        guard let handle = FileHandle(forReadingAtPath: path) else { throw VSRError.inputNotFound(path: path) }
        defer { try? handle.close() }
        let hash = ContentHash()
        hash.update("\(size) \(String(format: "%.6f", modified))\n")
        hash.update(try handle.read(upToCount: 1 << 20) ?? Data())
        if size > 2 << 20 {
            try handle.seek(toOffset: UInt64(size - (1 << 20)))
            hash.update(try handle.read(upToCount: 1 << 20) ?? Data())
        }
        return hash.finish()
    }
}
