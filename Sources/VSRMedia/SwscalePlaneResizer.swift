import CFFmpeg
import VSRCore

/// The resampling filters vsr offers through libswscale.
public enum ResamplingFilter: String, CaseIterable, Sendable {
    case bilinear, bicubic, lanczos, spline

    var swsFlags: Int32 {
        switch self {
        case .bilinear: return SWS_BILINEAR
        case .bicubic: return SWS_BICUBIC
        case .lanczos: return SWS_LANCZOS
        case .spline: return SWS_SPLINE
        }
    }
}

/// Resizes one plane at a time as a gray image with libswscale, with the same filter parameters
/// as `ffmpeg -vf scale=...:flags=FILTER` (swscale's defaults: bicubic B=0, C=0.6; lanczos a=3).
///
/// Each plane is treated as an image of its own with pixel centres aligned (the mapping swscale
/// uses for whole frames too). Not thread-safe: use one resizer per thread.
public final class SwscalePlaneResizer: PlaneResizer {
    public let filter: ResamplingFilter
    public var name: String { filter.rawValue }
    private var context: OpaquePointer?

    public init(filter: ResamplingFilter) {
        self.filter = filter
    }

    deinit { sws_freeContext(context) }

    public func resize(_ plane: Plane, toWidth width: Int, height: Int) throws -> Plane {
        let formats = [8: AV_PIX_FMT_GRAY8, 10: AV_PIX_FMT_GRAY10LE, 12: AV_PIX_FMT_GRAY12LE]
        guard let format = formats[plane.bitDepth] else {
            throw VSRError.unsupported("planes of \(plane.bitDepth) bits cannot be resized; expected 8, 10 or 12")
        }
        // sws_getCachedContext returns the same context while the geometry is unchanged.
        context = sws_getCachedContext(
            context, Int32(plane.width), Int32(plane.height), format,
            Int32(width), Int32(height), format, filter.swsFlags, nil, nil, nil)
        guard let context else {
            throw VSRError.unsupported("swscale cannot resize \(plane.width)x\(plane.height) to \(width)x\(height)")
        }
        var output = Plane(width: width, height: height, bitDepth: plane.bitDepth)
        let sourceStride: [Int32] = [Int32(plane.rowBytes), 0, 0, 0]
        let outputStride: [Int32] = [Int32(output.rowBytes), 0, 0, 0]
        let code = plane.bytes.withUnsafeBufferPointer { source in
            output.bytes.withUnsafeMutableBufferPointer { destination in
                let sourcePlanes: [UnsafePointer<UInt8>?] = [source.baseAddress, nil, nil, nil]
                let outputPlanes: [UnsafeMutablePointer<UInt8>?] = [destination.baseAddress, nil, nil, nil]
                return sws_scale(context, sourcePlanes, sourceStride, 0, Int32(plane.height), outputPlanes, outputStride)
            }
        }
        try FFmpeg.check(code, "resizing a \(plane.width)x\(plane.height) plane to \(width)x\(height)")
        return output
    }
}
