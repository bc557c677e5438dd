import CFFmpeg
import VSRCore

/// Decodes still images (PNG, BMP, JPEG, ... anything libavcodec's image decoders read) to 8-bit RGB.
public enum ImageReader {
    /// The first picture of `path` as RGB. Gray images are replicated into R, G and B unchanged
    /// (as image libraries do), never range-converted.
    public static func readRGB(path: String) throws -> RGBImage {
        let demuxer = try Demuxer(path: path)
        let decoder = try VideoDecoder(stream: demuxer.videoStream, path: path)
        let packet = Packet(), frame = Frame()
        var drained = false
        while true {
            switch try decoder.receive(into: frame) {
            case .ok:
                return try rgb(frame.pointer, path: path)
            case .endOfStream:
                throw VSRError.invalidInput(path: path, reason: "no picture could be decoded")
            case .again:
                if drained { throw VSRError.invalidInput(path: path, reason: "no picture could be decoded") }
                if try demuxer.read(into: packet) {
                    if packet.streamIndex == demuxer.videoStreamIndex { try decoder.send(packet) }
                } else {
                    try decoder.send(nil)
                    drained = true
                }
            }
        }
    }

    private static func rgb(_ frame: UnsafeMutablePointer<AVFrame>, path: String) throws -> RGBImage {
        let width = Int(frame.pointee.width), height = Int(frame.pointee.height)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        let format = AVPixelFormat(rawValue: frame.pointee.format)
        if format == AV_PIX_FMT_GRAY8 {
            let data = vsr_frame_data(frame, 0)!, stride = Int(vsr_frame_linesize(frame, 0))
            for y in 0..<height {
                for x in 0..<width {
                    let v = data[y * stride + x]
                    pixels[(y * width + x) * 3] = v
                    pixels[(y * width + x) * 3 + 1] = v
                    pixels[(y * width + x) * 3 + 2] = v
                }
            }
            return RGBImage(width: width, height: height, pixels: pixels)
        }
        let converter = PixelConverter()
        let source = format == AV_PIX_FMT_RGB24 ? frame : try converter.convert(frame, to: AV_PIX_FMT_RGB24)
        let data = vsr_frame_data(source, 0)!, stride = Int(vsr_frame_linesize(source, 0))
        pixels.withUnsafeMutableBufferPointer { out in
            for y in 0..<height {
                (out.baseAddress! + y * width * 3).update(from: data + y * stride, count: width * 3)
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}
