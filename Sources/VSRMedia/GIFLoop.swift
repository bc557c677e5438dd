import Foundation

/// A GIF's loop count, which FFmpeg 5.1's GIF demuxer reads but does not report: the NETSCAPE2.0
/// application extension (`21 FF 0B "NETSCAPE2.0" 03 01 lo hi`). Carried to a GIF output as the
/// muxer's `loop` option: 0 loops forever, N repeats N times, -1 (no extension) plays once.
enum GIFLoop {
    /// The `loop` value for the gif muxer, or nil when `path` is not a GIF.
    static func count(inFile path: String) -> Int? {
        guard let handle = FileHandle(forReadingAtPath: path), let head = try? handle.read(upToCount: 1 << 16) else { return nil }
        let bytes = [UInt8](head)
        guard bytes.starts(with: Array("GIF8".utf8)) else { return nil }
        let marker = Array("NETSCAPE2.0".utf8) + [3, 1]
        guard bytes.count >= marker.count + 2 else { return -1 }
        for start in 0...(bytes.count - marker.count - 2) where bytes[start] == marker[0] {
            if Array(bytes[start..<(start + marker.count)]) == marker {
                return Int(bytes[start + marker.count]) | Int(bytes[start + marker.count + 1]) << 8
            }
        }
        return -1
    }
}
