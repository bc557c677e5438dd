import CFFmpeg
import VSRCore

extension PixelFormat {
    /// The FFmpeg pixel format with the same layout.
    var avPixelFormat: AVPixelFormat {
        switch self {
        case .yuv420p: return AV_PIX_FMT_YUV420P
        case .yuv422p: return AV_PIX_FMT_YUV422P
        case .yuv444p: return AV_PIX_FMT_YUV444P
        case .yuv420p10le: return AV_PIX_FMT_YUV420P10LE
        case .yuv422p10le: return AV_PIX_FMT_YUV422P10LE
        case .yuv444p10le: return AV_PIX_FMT_YUV444P10LE
        case .gray: return AV_PIX_FMT_GRAY8
        case .gray10le: return AV_PIX_FMT_GRAY10LE
        case .yuv420p12le: return AV_PIX_FMT_YUV420P12LE
        case .yuv422p12le: return AV_PIX_FMT_YUV422P12LE
        case .yuv444p12le: return AV_PIX_FMT_YUV444P12LE
        case .gray12le: return AV_PIX_FMT_GRAY12LE
        case .yuva420p: return AV_PIX_FMT_YUVA420P
        case .yuva422p: return AV_PIX_FMT_YUVA422P
        case .yuva444p: return AV_PIX_FMT_YUVA444P
        case .yuva420p10le: return AV_PIX_FMT_YUVA420P10LE
        case .yuva422p10le: return AV_PIX_FMT_YUVA422P10LE
        case .yuva444p10le: return AV_PIX_FMT_YUVA444P10LE
        }
    }

    /// The native format for an FFmpeg one, if it is one of them.
    init?(_ format: AVPixelFormat) {
        guard let match = PixelFormat.allCases.first(where: { $0.avPixelFormat == format }) else { return nil }
        self = match
    }

    /// The native format closest to `format`: same chroma layout where possible (4:2:0, 4:2:2,
    /// 4:4:4 or gray; semi-planar and packed formats map to their planar twin, RGB to 4:4:4), and
    /// 10- or 12-bit when the source has more than 8 or 10 bits per component; with an alpha plane when the
    /// source has one (RGBA and gray+alpha become 4:4:4 with alpha; palettes do not count).
    static func nearest(to format: AVPixelFormat) -> PixelFormat {
        if let native = PixelFormat(format) { return native }
        guard let descriptor = av_pix_fmt_desc_get(format) else { return .yuv420p }
        let d = descriptor.pointee
        let depth = Int(d.comp.0.depth) > 10 ? 12 : Int(d.comp.0.depth) > 8 ? 10 : 8
        // Palettes hold colours, so they count as RGB here.
        let isRGB = d.flags & UInt64(AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL) != 0
        let base: PixelFormat
        if d.nb_components <= 2 && !isRGB {
            base = .gray
        } else if isRGB || (d.log2_chroma_w == 0 && d.log2_chroma_h == 0) {
            base = .yuv444p
        } else if d.log2_chroma_h == 0 {
            base = .yuv422p
        } else {
            base = .yuv420p
        }
        // A palette's alpha is a property of its entries, rarely used by video (GIF transparency
        // decodes to bgra): palettes count as opaque.
        let hasAlpha = d.flags & UInt64(AV_PIX_FMT_FLAG_ALPHA) != 0 && d.flags & UInt64(AV_PIX_FMT_FLAG_PAL) == 0
        return hasAlpha ? base.withBitDepth(depth).withAlpha : base.withBitDepth(depth)
    }

    /// FFmpeg's name of an FFmpeg pixel format, for messages.
    static func name(of format: AVPixelFormat) -> String {
        av_get_pix_fmt_name(format).map { String(cString: $0) } ?? "unknown(\(format.rawValue))"
    }
}

extension Rational {
    init(_ value: AVRational) { self.init(value.num, value.den) }
    var avRational: AVRational { AVRational(num: num, den: den) }
}

extension VideoStreamInfo {
    /// One frame's duration at the average frame rate, in the stream's time base; 0 if unknown.
    var nominalFrameDuration: Int64 {
        guard frameRate.num > 0, frameRate.den > 0, timeBase.num > 0 else { return 0 }
        return av_rescale_q(1, AVRational(num: frameRate.den, den: frameRate.num), timeBase.avRational)
    }
}

extension FieldOrder {
    /// A codec parameter's field order; the mixed orders (TB, BT: fields coded in the other order)
    /// count by the field displayed first.
    init(_ order: AVFieldOrder) {
        switch order {
        case AV_FIELD_PROGRESSIVE: self = .progressive
        case AV_FIELD_TT, AV_FIELD_TB: self = .topFieldFirst
        case AV_FIELD_BB, AV_FIELD_BT: self = .bottomFieldFirst
        default: self = .unknown
        }
    }
}
