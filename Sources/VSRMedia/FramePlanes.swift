import CFFmpeg
import VSRCore

/// Copies pixels between FFmpeg frames (padded rows) and `Plane`s (tightly packed rows).
enum FramePlanes {
    /// The planes of `frame`, which must be in `format`.
    static func planes(of frame: UnsafePointer<AVFrame>, format: PixelFormat) -> [Plane] {
        let width = Int(frame.pointee.width), height = Int(frame.pointee.height)
        return (0..<format.planeCount).map { index in
            let size = format.planeSize(index, width: width, height: height)
            let rowBytes = size.width * format.bytesPerSample
            let source = vsr_frame_data(frame, Int32(index))!
            let stride = Int(vsr_frame_linesize(frame, Int32(index)))
            let bytes = [UInt8](unsafeUninitializedCapacity: rowBytes * size.height) { buffer, count in
                for row in 0..<size.height {
                    (buffer.baseAddress! + row * rowBytes).update(from: source + row * stride, count: rowBytes)
                }
                count = rowBytes * size.height
            }
            return Plane(width: size.width, height: size.height, bitDepth: format.bitDepth, bytes: bytes)
        }
    }

    /// Copies `planes` into `frame`, which must be allocated and writable in the matching format.
    static func copy(_ planes: [Plane], into frame: UnsafeMutablePointer<AVFrame>) {
        for (index, plane) in planes.enumerated() {
            let destination = vsr_frame_data(frame, Int32(index))!
            let stride = Int(vsr_frame_linesize(frame, Int32(index)))
            let rowBytes = plane.rowBytes
            plane.bytes.withUnsafeBufferPointer { source in
                for row in 0..<plane.height {
                    (destination + row * stride).update(from: source.baseAddress! + row * rowBytes, count: rowBytes)
                }
            }
        }
    }
}
