import Foundation
import VSRCore

/// `timestamps.bin`: every planned frame as 17 bytes, little-endian: pts (Int64), duration (Int64),
/// keyframe (UInt8), in presentation order, after an 8-byte magic.
enum FrameTimingTable {
    static let magic = Data("VSRPTS01".utf8)
    static let recordSize = 17

    static func encode(_ timings: [FrameTiming]) -> Data {
        var data = magic
        data.reserveCapacity(magic.count + timings.count * recordSize)
        for timing in timings {
            withUnsafeBytes(of: timing.pts.littleEndian) { data.append(contentsOf: $0) }
            withUnsafeBytes(of: timing.duration.littleEndian) { data.append(contentsOf: $0) }
            data.append(timing.isKeyframe ? 1 : 0)
        }
        return data
    }

    static func decode(_ data: Data, path: String) throws -> [FrameTiming] {
        guard data.prefix(magic.count) == magic, (data.count - magic.count) % recordSize == 0 else {
            throw VSRError.invalidInput(path: path, reason: "not a vsr timestamp table")
        }
        let bytes = [UInt8](data.dropFirst(magic.count))
        func int64(_ offset: Int) -> Int64 {
            var value: UInt64 = 0
            for byte in 0..<8 { value |= UInt64(bytes[offset + byte]) << (8 * UInt64(byte)) }
            return Int64(bitPattern: value)
        }
        return stride(from: 0, to: bytes.count, by: recordSize).map {
            FrameTiming(pts: int64($0), duration: int64($0 + 8), isKeyframe: bytes[$0 + 16] != 0)
        }
    }
}
