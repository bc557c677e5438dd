import CFFmpeg
import VSRCore

/// Converts whole frames between pixel formats (and sizes) with libswscale, reusing its context
/// while the geometry stays the same. Not thread-safe: an `SwsContext` serves one caller at a time.
final class PixelConverter {
    private var context: OpaquePointer?
    private var key: [Int32] = []
    private let output = Frame()

    deinit { sws_freeContext(context) }

    /// Converts `source` to `format` at the same size; returns a frame owned by this converter and
    /// valid until the next call. For RGB sources `matrix` picks the YUV coefficients
    /// (`SWS_CS_ITU709` or `SWS_CS_ITU601`), producing limited-range YUV.
    func convert(
        _ source: UnsafePointer<AVFrame>, to format: AVPixelFormat,
        matrix: Int32 = SWS_CS_ITU601
    ) throws -> UnsafeMutablePointer<AVFrame> {
        let s = source.pointee
        let width = s.width, height = s.height
        let sourceFormat = AVPixelFormat(rawValue: s.format)
        let newKey = [width, height, s.format, format.rawValue, matrix]
        if newKey != key {
            sws_freeContext(context)
            context = sws_getContext(
                width, height, sourceFormat, width, height, format,
                SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT, nil, nil, nil)
            guard context != nil else {
                key = []
                throw VSRError.unsupported("cannot convert \(PixelFormat.name(of: sourceFormat)) to \(PixelFormat.name(of: format))")
            }
            if let descriptor = av_pix_fmt_desc_get(sourceFormat),
                descriptor.pointee.flags & UInt64(AV_PIX_FMT_FLAG_RGB) != 0
            {
                let coefficients = sws_getCoefficients(matrix)
                sws_setColorspaceDetails(context, coefficients, 1, coefficients, 0, 0, 1 << 16, 1 << 16)
            }
            key = newKey
        }
        let out = output.pointer
        if out.pointee.width != width || out.pointee.height != height || out.pointee.format != format.rawValue {
            output.unref()
            out.pointee.width = width
            out.pointee.height = height
            out.pointee.format = format.rawValue
            try FFmpeg.check(av_frame_get_buffer(out, 0), "allocating a \(PixelFormat.name(of: format)) frame")
        } else {
            try FFmpeg.check(av_frame_make_writable(out), "making a frame writable")
        }
        try FFmpeg.check(
            sws_scale_frame(context, out, source),
            "converting \(PixelFormat.name(of: sourceFormat)) to \(PixelFormat.name(of: format))")
        return out
    }
}
